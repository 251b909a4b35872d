"""A visit to a unit that merged away stays that unit's (history does not move), and the
follow-up of its recommendations passes to the unit carrying its work on (units.lineage):
whoever files for that unit marks them done and finds them on their to-do list; the unit's
former officer, left with a read-only role, no longer does; the reviewers follow it up as
before (campaign/inspections.py, units/access.py `Scope.can_carry_on`)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from campaign import notifications
from campaign.models import Inspection, Notice
from campaign.pending import inspection_items
from tests.campaign.inspection_data import record
from tests.factories import MembershipFactory, UserFactory
from units import lineage
from units.access import Scope
from units.models import Membership, Unit
from units.reorganisations import reorganisation_apply

MERGED_ON = datetime.date(2026, 7, 1)
DUE = datetime.date(2027, 1, 7)
NOTE = "Đã lưu biên bản các buổi tuyên truyền."


@pytest.fixture
def officer_a2(tree):
    """A2's own officer, who keeps only a read-only role there once A2 merged away."""
    user = UserFactory(username="officer_a2")
    MembershipFactory(user=user, unit=tree["A2"], role=Membership.Role.OFFICER)
    return user


@pytest.fixture
def visit(tree, cast, campaign, officer_a2, reorganise, admin_user):
    """A visit to A2 in March 2026 with recommendations due 07/01/2027, not carried out
    when A2 merged into A1 (officer_a1's unit) on 01/07/2026, its roles not handed over."""
    visit = record(
        tree["A2"],
        campaign,
        cast["reviewer_a"],
        visited_on=datetime.date(2026, 3, 2),
        recommendations_due_on=DUE,
    )
    merger = reorganise(MERGED_ON, {"action": "merge", "unit_code": "A2", "target_code": "A1"})
    reorganisation_apply(reorganisation=merger, user=admin_user)
    return Inspection.objects.get(pk=visit.pk)


def done_url(visit):
    return reverse("campaign:inspection_done", args=[visit.pk])


def still_to_do(units):
    """Recounted from the rows: visits to `units` with recommendations that nobody has
    marked done and the reviewers have not recorded as met."""
    return {
        v.get_absolute_url()
        for v in Inspection.objects.filter(unit__in=units)
        if v.recommendations.strip() and v.done_at is None and v.follow_up == "pending"
    }


def test_the_successors_officer_marks_the_recommendations_done(client, tree, cast, visit):
    client.force_login(cast["officer_a1"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert f'action="{done_url(visit)}"' in page
    assert (
        "Đợt kiểm tra, giám sát này tại CĐCS A2, đơn vị đã sáp nhập vào CĐCS A1: từ nay "
        "CĐCS A1 kế thừa việc thực hiện kiến nghị"
    ) in page

    response = client.post(done_url(visit), {"done_note": NOTE, "shown": ""})

    assert response.status_code == 302
    saved = Inspection.objects.get(pk=visit.pk)
    assert (saved.done_note, saved.done_by) == (NOTE, cast["officer_a1"])
    # History does not move: the visit is still the closed unit's.
    assert saved.unit.code == "A2" and not saved.unit.is_open


def test_the_visit_is_on_the_successors_to_do_list_until_marked_done(client, tree, cast, visit):
    items = inspection_items(Scope(cast["officer_a1"]))
    assert {item["url"] for item in items} == still_to_do([tree["A1"], tree["A2"]])
    [item] = items
    assert item["deadline"]["on"] == DUE

    client.force_login(cast["officer_a1"])
    home = client.get(reverse("units:home")).content.decode()
    assert "Thực hiện kiến nghị của đợt kiểm tra, giám sát ngày 02/03/2026 tại CĐCS A2" in home
    assert "CĐCS A2 đã sáp nhập vào CĐCS A1; CĐCS A1 kế thừa việc thực hiện kiến nghị" in home

    client.post(done_url(visit), {"done_note": NOTE, "shown": ""})
    assert inspection_items(Scope(cast["officer_a1"])) == []


def test_the_former_officer_of_the_closed_unit_reads_it_and_no_more(
    client, cast, officer_a2, visit
):
    client.force_login(officer_a2)
    page = client.get(visit.get_absolute_url())
    assert page.status_code == 200  # its history stays theirs to read
    assert done_url(visit) not in page.content.decode()
    assert client.post(done_url(visit), {"done_note": NOTE, "shown": ""}).status_code == 403
    assert inspection_items(Scope(officer_a2)) == []
    assert Inspection.objects.get(pk=visit.pk).done_at is None


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("officer_b1", 404)])
def test_people_outside_the_successor_cannot_mark_it_done(client, cast, visit, who, status):
    client.force_login(cast[who])
    assert client.post(done_url(visit), {"done_note": NOTE, "shown": ""}).status_code == status
    assert inspection_items(Scope(cast[who])) == []
    assert Inspection.objects.get(pk=visit.pk).done_at is None


def test_an_officer_above_a_successor_with_its_own_officer_sees_it_and_cannot_mark_it(
    client, cast, visit
):
    # District A's officer files only for units below it with no officer of their own: A1
    # has one, so it is A1's to carry out.
    client.force_login(cast["officer_a"])
    assert client.get(visit.get_absolute_url()).status_code == 200
    assert client.post(done_url(visit), {"done_note": NOTE, "shown": ""}).status_code == 403
    assert inspection_items(Scope(cast["officer_a"])) == []


def test_the_reviewers_follow_it_up_as_before(client, cast, visit):
    client.force_login(cast["reviewer_a"])
    page = client.get(visit.get_absolute_url()).content.decode()
    follow_up = reverse("campaign:inspection_follow_up", args=[visit.pk])
    assert f'action="{follow_up}"' in page and done_url(visit) not in page
    assert client.post(done_url(visit), {"done_note": NOTE, "shown": ""}).status_code == 403
    response = client.post(
        follow_up,
        {"follow_up": "in_progress", "follow_up_note": "Đang đôn đốc.", "version": 1},
    )
    assert response.status_code == 302
    assert Inspection.objects.get(pk=visit.pk).follow_up == "in_progress"


def test_along_a_chain_of_mergers_the_last_successor_carries_it_on(
    client, tree, cast, visit, reorganise, admin_user
):
    # A1, which carried A2's work on, merges in turn into B1: B1 carries both on.
    later = reorganise(
        datetime.date(2026, 8, 1),
        {"action": "merge", "unit_code": "A1", "target_code": "B1"},
        number="78/QĐ-LĐLĐ",
    )
    reorganisation_apply(reorganisation=later, user=admin_user)

    assert Scope(cast["officer_b1"]).carried_on.keys() == {tree["A1"].pk, tree["A2"].pk}
    items = inspection_items(Scope(cast["officer_b1"]))
    assert {item["url"] for item in items} == still_to_do([tree["A2"]])
    assert inspection_items(Scope(cast["officer_a1"])) == []
    client.force_login(cast["officer_a1"])
    assert client.post(done_url(visit), {"done_note": NOTE, "shown": ""}).status_code == 403
    client.force_login(cast["officer_b1"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "đơn vị đã sáp nhập vào CĐCS B1" in page
    assert client.post(done_url(visit), {"done_note": NOTE, "shown": ""}).status_code == 302
    assert Inspection.objects.get(pk=visit.pk).done_by == cast["officer_b1"]


def test_a_dissolved_units_visit_passes_to_nobody(client, tree, cast, campaign, reorganise):
    visit = record(tree["B1"], campaign, cast["cspl"], visited_on=datetime.date(2026, 3, 2))
    dissolved = reorganise(MERGED_ON, {"action": "close", "unit_code": "B1"})
    reorganisation_apply(reorganisation=dissolved, user=UserFactory(is_staff=True))

    assert Unit.objects.get(pk=tree["B1"].pk).successor is None
    for who in ("officer_b1", "officer_a", "officer_a1"):
        assert inspection_items(Scope(cast[who])) == []
    client.force_login(cast["officer_b1"])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert done_url(visit) not in page and "kế thừa" not in page


def test_the_due_date_is_told_to_the_successors_officers(
    client, cast, officer_a2, visit, django_capture_on_commit_callbacks
):
    # Before, a closed unit's visit was never told: nobody heard its due date.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_due_recommendations(DUE) == 1
    assert notifications.notify_due_recommendations(DUE) == 0  # told once
    told = Notice.objects.filter(kind=Notice.Kind.RECOMMENDATION_DUE)
    assert [n.recipient for n in told] == [cast["officer_a1"]]
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]
    client.force_login(cast["officer_a1"])
    assert client.get(told.get().url).status_code == 200


def test_a_dissolved_units_due_date_is_told_to_nobody(tree, cast, campaign, reorganise):
    record(tree["B1"], campaign, cast["cspl"], recommendations_due_on=DUE)
    dissolved = reorganise(MERGED_ON, {"action": "close", "unit_code": "B1"})
    reorganisation_apply(reorganisation=dissolved, user=UserFactory(is_staff=True))
    assert notifications.notify_due_recommendations(DUE) == 0
    assert not Notice.objects.exists()


def test_a_due_date_that_came_before_the_merger_is_not_told_to_the_successor(
    tree, cast, campaign, reorganise, admin_user
):
    # Due while A2 was open: its own officers' to hear of then; a first run after the
    # merger tells the carrying unit nothing of such old due dates.
    record(
        tree["A2"],
        campaign,
        cast["reviewer_a"],
        visited_on=datetime.date(2026, 3, 2),
        recommendations_due_on=datetime.date(2026, 5, 4),
    )
    merger = reorganise(MERGED_ON, {"action": "merge", "unit_code": "A2", "target_code": "A1"})
    reorganisation_apply(reorganisation=merger, user=admin_user)
    assert notifications.notify_due_recommendations(MERGED_ON + datetime.timedelta(days=1)) == 0
    assert not Notice.objects.exists()


def test_a_unit_merging_only_later_is_carried_on_by_nobody_yet(tree):
    # The unit named on the page is the one whose officers may act (Scope.carried_on reads
    # mergers closed by today): a merger to come names nobody before its day.
    today = datetime.date(2026, 9, 1)
    Unit.objects.filter(pk=tree["A2"].pk).update(
        successor=tree["A1"], closed_on=datetime.date(2026, 10, 1)
    )
    a2 = Unit.objects.get(pk=tree["A2"].pk)
    assert lineage.carrier(a2, today) is None
    assert lineage.carrier(a2, datetime.date(2026, 10, 1)) == tree["A1"]


def test_a_visit_carried_on_from_outside_the_scope_is_not_on_the_to_do_list(tree, cast, campaign):
    # A unit added already merged into A1 but standing under district B (the admin and the
    # import allow it): its page is outside officer_a1's scope, so its visit is not listed.
    record(tree["B1"], campaign, cast["cspl"], recommendations_due_on=DUE)
    Unit.objects.filter(pk=tree["B1"].pk).update(
        successor=tree["A1"], closed_on=datetime.date(2026, 1, 1)
    )
    scope = Scope(cast["officer_a1"])
    assert tree["B1"].pk in scope.carried_on
    assert inspection_items(scope) == []
