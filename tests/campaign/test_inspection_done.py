"""The inspected unit's officer marks an inspection's recommendations done with a note:
through the scope, POST only, with the history kept; the reviewer sees it on the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Inspection


@pytest.fixture
def inspection(cast, tree, campaign):
    return Inspection.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        visited_on=datetime.date(2016, 5, 4),
        kind=Inspection.Kind.INSPECTION,
        members="Trưởng đoàn",
        findings="Đơn vị đã triển khai kế hoạch.",
        recommendations="Bổ sung sổ theo dõi các buổi tuyên truyền.",
        recorded_by=cast["reviewer_a"],
    )


def done_url(inspection):
    return reverse("campaign:inspection_done", args=[inspection.pk])


NOTE = "Đã lập sổ theo dõi từ tháng 6."


def test_the_units_officer_marks_the_recommendations_done(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert f'action="{done_url(inspection)}"' in page
    before = timezone.now()
    response = client.post(done_url(inspection), {"done_note": NOTE})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.done_note == NOTE
    assert inspection.done_by == cast["officer_a1"]
    assert inspection.done_at >= before
    # The reviewer still judges the follow-up.
    assert inspection.follow_up == Inspection.FollowUp.PENDING


def test_the_reviewer_sees_the_units_note_on_the_inspection_page(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    client.post(done_url(inspection), {"done_note": NOTE})
    client.force_login(cast["reviewer_a"])
    html = client.get(inspection.get_absolute_url()).content.decode()
    assert "Đơn vị báo đã thực hiện" in html
    assert NOTE in html
    assert str(cast["officer_a1"]) in html
    # The reviewer is not offered the unit's form.
    assert done_url(inspection) not in html
    listing = client.get(reverse("campaign:inspection_list")).content.decode()
    assert "Đơn vị báo đã thực hiện" in listing


def test_marking_again_keeps_the_earlier_note_in_the_history(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    client.post(done_url(inspection), {"done_note": NOTE})
    shown = client.get(inspection.get_absolute_url()).context["done_form"].initial["shown"]
    client.post(done_url(inspection), {"done_note": "Đã in sổ mới.", "shown": shown})
    notes = list(inspection.history.order_by("history_date").values_list("done_note", flat=True))
    assert notes == ["", NOTE, "Đã in sổ mới."]
    assert inspection.history.latest().history_user == cast["officer_a1"]


def test_a_note_given_after_the_page_was_drawn_is_not_replaced_unread(
    client, cast, inspection, second_officer_a1
):
    # Two officers of A1 opened the visit before either marked it: the second note silently
    # replaced the first on the page the reviewers read.
    client.force_login(second_officer_a1)
    stale = client.get(inspection.get_absolute_url()).context["done_form"].initial["shown"]
    assert stale == ""
    client.force_login(cast["officer_a1"])
    assert client.post(done_url(inspection), {"done_note": NOTE, "shown": ""}).status_code == 302
    client.force_login(second_officer_a1)
    mine = "Đã phân công người ghi sổ."
    response = client.post(done_url(inspection), {"done_note": mine, "shown": stale})
    assert response.status_code == 409
    inspection.refresh_from_db()
    assert (inspection.done_note, inspection.done_by) == (NOTE, cast["officer_a1"])
    page = response.content.decode()
    assert "Một người khác đã báo đã thực hiện kiến nghị" in page
    assert NOTE in page and mine in page  # theirs on the page, mine in the form
    # Saved again from the page that now shows theirs, it replaces it knowingly.
    again = response.context["done_form"].data
    assert again["shown"] == inspection.done_at.isoformat()
    client.post(done_url(inspection), {"done_note": again["done_note"], "shown": again["shown"]})
    inspection.refresh_from_db()
    assert (inspection.done_note, inspection.done_by) == (mine, second_officer_a1)


def test_the_same_note_sent_twice_is_saved_once(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    client.post(done_url(inspection), {"done_note": NOTE, "shown": ""})
    inspection.refresh_from_db()
    first_at = inspection.done_at
    # A reload that sends the form again.
    response = client.post(done_url(inspection), {"done_note": NOTE, "shown": ""})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.done_at == first_at
    assert inspection.history.count() == 2  # made, marked once


def test_a_note_is_required_and_what_was_typed_is_kept(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    response = client.post(done_url(inspection), {"done_note": "   "})
    assert response.status_code == 400
    assert response.context["done_form"].errors["done_note"]
    inspection.refresh_from_db()
    assert inspection.done_at is None


def test_marking_done_answers_only_post(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    assert client.get(done_url(inspection)).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [("reviewer_a", 403), ("standing", 403), ("officer_b1", 404), ("outsider", 404)],
)
def test_only_an_officer_of_the_unit_may_mark_done(client, cast, inspection, who, status):
    client.force_login(cast[who])
    assert client.post(done_url(inspection), {"done_note": NOTE}).status_code == status
    inspection.refresh_from_db()
    assert inspection.done_at is None


def test_an_anonymous_visitor_is_sent_to_log_in(client, inspection):
    response = client.post(done_url(inspection), {"done_note": NOTE})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_visit_without_recommendations_or_already_met_is_not_marked(client, cast, inspection):
    client.force_login(cast["officer_a1"])
    Inspection.objects.filter(pk=inspection.pk).update(follow_up=Inspection.FollowUp.MET)
    response = client.post(done_url(inspection), {"done_note": NOTE}, follow=True)
    assert "đã ghi nhận các kiến nghị là đã đáp ứng" in response.content.decode()
    Inspection.objects.filter(pk=inspection.pk).update(follow_up="pending", recommendations="")
    response = client.post(done_url(inspection), {"done_note": NOTE}, follow=True)
    assert "không có kiến nghị nào cần thực hiện" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.done_at is None


def test_a_follow_up_saved_meanwhile_keeps_the_units_done_mark(
    client, cast, inspection, monkeypatch
):
    # The reviewer's form was read before the officer's mark was saved: writing the whole
    # row erased the note, who wrote it and when.
    from campaign import inspections

    is_valid = inspections.FollowUpForm.is_valid

    def officer_marks_done_first(form):
        Inspection.objects.filter(pk=inspection.pk).update(
            done_note=NOTE, done_by=cast["officer_a1"], done_at=timezone.now()
        )
        return is_valid(form)

    monkeypatch.setattr(inspections.FollowUpForm, "is_valid", officer_marks_done_first)
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:inspection_follow_up", args=[inspection.pk]),
        {"follow_up": "in_progress", "follow_up_note": "Đang theo dõi.", "version": 1},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.follow_up, inspection.follow_up_note) == ("in_progress", "Đang theo dõi.")
    assert (inspection.done_note, inspection.done_by) == (NOTE, cast["officer_a1"])


def kept_box(page):
    """The text of the read-only box that shows a note back to copy."""
    box = page.split('id="kept-text"')[1]
    assert "readonly" in box.split(">")[0]
    return box.split(">", 1)[1].split("</textarea>")[0]


def test_a_note_sent_after_the_reviewer_recorded_the_recommendations_met_is_shown_back(
    client, cast, inspection
):
    # The officer opened the form; meanwhile the reviewer recorded the recommendations as
    # met. The mark was refused behind a redirect, and the note typed was gone.
    client.force_login(cast["officer_a1"])
    assert (
        f'action="{done_url(inspection)}"'
        in client.get(inspection.get_absolute_url()).content.decode()
    )
    Inspection.objects.filter(pk=inspection.pk).update(follow_up=Inspection.FollowUp.MET)
    response = client.post(done_url(inspection), {"done_note": NOTE})
    assert response.status_code == 409
    page = response.content.decode()
    assert kept_box(page) == NOTE
    assert "Ghi chú bạn đã nhập" in page and "Nội dung này chưa được lưu" in page
    assert "đã ghi nhận các kiến nghị là đã đáp ứng" in page
    assert response.context["inspection"].done_note == ""  # the page shows what is saved
    inspection.refresh_from_db()
    assert (inspection.done_note, inspection.done_at) == ("", None)


def test_a_met_recorded_while_the_note_is_checked_refuses_it_and_shows_it_back(
    client, cast, inspection, monkeypatch
):
    # The reviewer's save lands between the first look and the save of the mark.
    from campaign import inspections

    is_valid = inspections.DoneForm.is_valid

    def reviewer_records_met_meanwhile(form):
        Inspection.objects.filter(pk=inspection.pk).update(follow_up=Inspection.FollowUp.MET)
        return is_valid(form)

    monkeypatch.setattr(inspections.DoneForm, "is_valid", reviewer_records_met_meanwhile)
    client.force_login(cast["officer_a1"])
    response = client.post(done_url(inspection), {"done_note": NOTE})
    assert response.status_code == 409
    assert kept_box(response.content.decode()) == NOTE
    inspection.refresh_from_db()
    assert (inspection.follow_up, inspection.done_at) == (Inspection.FollowUp.MET, None)


def test_a_refused_mark_without_a_note_goes_back_to_the_visit(client, cast, inspection):
    Inspection.objects.filter(pk=inspection.pk).update(follow_up=Inspection.FollowUp.MET)
    client.force_login(cast["officer_a1"])
    response = client.post(done_url(inspection), {"done_note": "  "})
    assert response.status_code == 302 and response.url == inspection.get_absolute_url()


def test_the_pages_heading_says_the_unit_marked_them_done(client, cast, inspection):
    # Beside the reviewers' "not carried out", the heading said nothing of the unit's mark:
    # the officer who had just marked them done read "not carried out" at the top.
    client.force_login(cast["officer_a1"])
    heading = client.get(inspection.get_absolute_url()).content.decode().split('class="row g-4"')[0]
    assert "Chưa thực hiện kiến nghị" in heading
    assert "Đơn vị báo đã thực hiện" not in heading
    client.post(done_url(inspection), {"done_note": NOTE})
    heading = client.get(inspection.get_absolute_url()).content.decode().split('class="row g-4"')[0]
    assert "Chưa thực hiện kiến nghị" in heading
    assert "Đơn vị báo đã thực hiện" in heading
