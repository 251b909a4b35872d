"""A visit that recommended nothing has nothing to follow up: it reads "No recommendations",
never "Recommendations pending", and neither the unit nor the reviewers are asked to act."""

import datetime

import pytest
from django.urls import reverse

from campaign.models import Inspection
from campaign.notifications import due_recommendations

F = Inspection.FollowUp


def visit(tree, campaign, user, **fields):
    return Inspection.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        visited_on=datetime.date(2016, 5, 4),
        kind=Inspection.Kind.SUPERVISION,
        members="Trưởng đoàn",
        findings="Đơn vị đã triển khai kế hoạch đầy đủ.",
        recorded_by=user,
        **fields,
    )


def record(client, tree, campaign, **overrides):
    """The reviewer records a visit to A1 through the form, with no recommendation."""
    data = {
        "unit": tree["A1"].pk,
        "campaign": campaign.pk,
        "visited_on": "04/05/2016",
        "kind": Inspection.Kind.SUPERVISION,
        "members": "Trưởng đoàn",
        "findings": "Đơn vị đã triển khai kế hoạch đầy đủ.",
        "recommendations": "",
        **overrides,
    }
    return client.post(reverse("campaign:inspection_create"), data)


@pytest.fixture
def quiet_visit(tree, cast, campaign):
    return visit(tree, campaign, cast["reviewer_a"], recommendations="  \n ")


def test_a_visit_recorded_without_recommendations_has_none_to_follow_up(
    client, tree, cast, campaign
):
    client.force_login(cast["reviewer_a"])
    response = record(client, tree, campaign)
    assert response.status_code == 302
    assert Inspection.objects.get().follow_up == F.NONE


def test_its_page_says_so_and_offers_no_follow_up_and_no_mark_done(client, cast, quiet_visit):
    for who in ("reviewer_a", "officer_a1"):
        client.force_login(cast[who])
        page = client.get(quiet_visit.get_absolute_url()).content.decode()
        assert "Không có kiến nghị" in page
        assert "Chưa thực hiện kiến nghị" not in page
        assert "không có kiến nghị nào: không có việc gì để đơn vị thực hiện" in page
        assert reverse("campaign:inspection_follow_up", args=[quiet_visit.pk]) not in page
        assert reverse("campaign:inspection_done", args=[quiet_visit.pk]) not in page


def test_a_follow_up_posted_anyway_is_refused_and_changes_nothing(client, cast, quiet_visit):
    client.force_login(cast["reviewer_a"])
    url = reverse("campaign:inspection_follow_up", args=[quiet_visit.pk])
    response = client.post(url, {"follow_up": F.MET, "follow_up_note": "Đã xong."}, follow=True)
    assert "không có kiến nghị nào: không có gì để theo dõi" in response.content.decode()
    quiet_visit.refresh_from_db()
    assert (quiet_visit.follow_up, quiet_visit.follow_up_note) == (F.NONE, "")


def test_the_reviewer_cannot_choose_no_recommendations_for_a_visit_that_made_some(
    client, tree, cast, campaign
):
    inspection = visit(tree, campaign, cast["reviewer_a"], recommendations="Lưu biên bản.")
    client.force_login(cast["reviewer_a"])
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert 'value="none"' not in page
    url = reverse("campaign:inspection_follow_up", args=[inspection.pk])
    response = client.post(url, {"follow_up": F.NONE, "follow_up_note": "Ghi chú giữ lại"})
    assert response.status_code == 400
    assert "Ghi chú giữ lại" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.follow_up == F.PENDING


def test_recommendations_added_later_are_pending_and_removed_ones_are_none(tree, cast, campaign):
    inspection = visit(tree, campaign, cast["reviewer_a"], recommendations="")
    assert inspection.follow_up == F.NONE
    inspection.recommendations = "Bổ sung sổ theo dõi."
    inspection.save(update_fields=["recommendations"])
    inspection.refresh_from_db()
    assert inspection.follow_up == F.PENDING
    inspection.follow_up = F.MET
    inspection.save()
    inspection.recommendations = ""
    inspection.save()
    inspection.refresh_from_db()
    assert inspection.follow_up == F.NONE


def test_a_due_date_without_recommendations_is_refused_with_the_input_kept(
    client, tree, cast, campaign
):
    client.force_login(cast["reviewer_a"])
    response = record(
        client, tree, campaign, findings="Không có tồn tại.", recommendations_due_on="30/06/2016"
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["recommendations_due_on"]
    assert "Hãy ghi nội dung kiến nghị trước khi đặt hạn" in message
    assert "Không có tồn tại." in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_list_filters_and_marks_visits_without_recommendations(
    client, tree, cast, campaign, quiet_visit
):
    visit(tree, campaign, cast["reviewer_a"], recommendations="Lưu biên bản.")
    client.force_login(cast["reviewer_a"])
    response = client.get(reverse("campaign:inspection_list"), {"follow_up": F.NONE})
    assert [i.pk for i in response.context["page"].object_list] == [quiet_visit.pk]
    assert "text-bg-secondary" in response.content.decode()


def test_no_officer_is_told_of_a_due_date_for_no_recommendations(tree, cast, campaign, quiet_visit):
    some = visit(tree, campaign, cast["reviewer_a"], recommendations="Lưu biên bản.")
    # Due dates written straight to the rows (the form refuses one without recommendations).
    Inspection.objects.update(recommendations_due_on=datetime.date(2016, 6, 30))
    assert list(due_recommendations(datetime.date(2016, 7, 1))) == [some]
