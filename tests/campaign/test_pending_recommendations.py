"""The recommendations of an inspection visit stay on the to-do list of who files for the
unit visited until they are marked done: the notice of the due date is read once."""

import datetime

from django.urls import reverse
from django.utils import timezone

from campaign.models import Inspection
from campaign.pending import inspection_items
from tests.campaign.inspection_data import record
from units.access import Scope

HOME = reverse("units:home")


def still_to_do(units):
    """Recounted from the rows: visits to `units` with recommendations that nobody has
    marked done and the reviewers have not recorded as met."""
    return {
        visit.get_absolute_url()
        for visit in Inspection.objects.filter(unit__in=units)
        if visit.recommendations.strip()
        and visit.done_at is None
        and visit.follow_up != Inspection.FollowUp.MET
    }


def test_an_officer_is_asked_to_carry_out_the_recommendations_until_marked_done(
    client, tree, cast, campaign
):
    today = timezone.localdate()
    due = record(
        tree["A1"], campaign, cast["cspl"], recommendations_due_on=today - datetime.timedelta(1)
    )
    undated = record(tree["A1"], campaign, cast["cspl"], visited_on=datetime.date(2026, 3, 2))
    record(tree["A1"], campaign, cast["cspl"], recommendations="")
    met = record(tree["A1"], campaign, cast["cspl"])
    Inspection.objects.filter(pk=met.pk).update(follow_up=Inspection.FollowUp.MET)
    done = record(tree["A1"], campaign, cast["cspl"])
    Inspection.objects.filter(pk=done.pk).update(done_at=timezone.now(), done_note="Đã làm.")
    record(tree["B1"], campaign, cast["cspl"])  # another officer's unit

    items = inspection_items(Scope(cast["officer_a1"]))
    assert {item["url"] for item in items} == still_to_do([tree["A1"]])
    assert [item["url"] for item in items] == [due.get_absolute_url(), undated.get_absolute_url()]
    assert items[0]["deadline"]["state"] == "overdue" and items[1]["deadline"] is None

    client.force_login(cast["officer_a1"])
    page = client.get(HOME).content.decode()
    assert "Thực hiện kiến nghị của đợt kiểm tra, giám sát ngày 02/03/2026 tại CĐCS A1" in page
    assert client.get(due.get_absolute_url()).status_code == 200

    # Marked done from the visit's page: off the list.
    client.post(
        reverse("campaign:inspection_done", args=[due.pk]),
        {"done_note": "Đã lưu biên bản.", "shown": ""},
    )
    assert Inspection.objects.get(pk=due.pk).done_at is not None
    remaining = inspection_items(Scope(cast["officer_a1"]))
    assert [item["url"] for item in remaining] == [undated.get_absolute_url()]


def test_a_unit_without_an_officer_is_asked_of_who_files_for_it(tree, cast, campaign):
    visit = record(tree["A2"], campaign, cast["cspl"])  # A2 has no officer: district A files
    assert [i["url"] for i in inspection_items(Scope(cast["officer_a"]))] == [
        visit.get_absolute_url()
    ]
    assert inspection_items(Scope(cast["officer_b1"])) == []
    assert inspection_items(Scope(cast["reviewer_a"])) == []  # reviewers follow it up


def test_the_list_costs_two_queries_whatever_the_number_of_visits(
    tree, cast, campaign, django_assert_num_queries
):
    scope = Scope(cast["officer_a"])
    assert scope.filing_units  # loaded once by the home page for every provider
    for _n in range(3):
        record(tree["A2"], campaign, cast["cspl"])
    # The closed units whose work the units filed for carry on (Scope.carried_on), the visits.
    with django_assert_num_queries(2):
        assert len(inspection_items(scope)) == 3


def test_a_reviewer_is_told_which_visits_the_units_marked_done(client, tree, cast, campaign):
    # Once the unit marked them done it waited on the reviewers, and nothing told them: the
    # home page said nothing, the list had no way to find those visits.
    waiting = record(tree["A1"], campaign, cast["reviewer_a"])
    record(tree["A1"], campaign, cast["reviewer_a"])  # not marked done yet
    met = record(tree["A2"], campaign, cast["reviewer_a"], follow_up=Inspection.FollowUp.MET)
    elsewhere = record(tree["B1"], campaign, cast["cspl"])  # not reviewed by district A
    for visit in (waiting, met, elsewhere):
        Inspection.objects.filter(pk=visit.pk).update(done_at=timezone.now(), done_note="Đã làm.")

    client.force_login(cast["reviewer_a"])
    page = client.get(HOME).content.decode()
    assert (
        "1 đợt kiểm tra, giám sát có đơn vị báo đã thực hiện kiến nghị: hãy xem và cập nhật "
        "tình hình thực hiện" in page
    )
    listed = client.get(reverse("campaign:inspection_list") + "?unit_done=true")
    assert [visit.pk for visit in listed.context["page"]] == [waiting.pk]

    # Recorded as met: off the home page.
    Inspection.objects.filter(pk=waiting.pk).update(follow_up=Inspection.FollowUp.MET)
    assert "báo đã thực hiện kiến nghị: hãy xem" not in client.get(HOME).content.decode()
    # The officer is asked to carry out what is left, not to check it.
    officer_items = inspection_items(Scope(cast["officer_a1"]))
    assert [item["url"] for item in officer_items] == [
        v.get_absolute_url() for v in Inspection.objects.filter(unit=tree["A1"], done_at=None)
    ]
