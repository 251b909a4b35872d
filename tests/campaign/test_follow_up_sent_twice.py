"""A follow-up sent twice (a second tap once the button is free again, a retry after a
lost answer) is saved once, and the second is not taken for a colleague's save."""

from django.urls import reverse

from campaign.models import Inspection
from tests.campaign.inspection_data import record

F = Inspection.FollowUp


def test_the_same_follow_up_sent_twice_is_saved_once_without_a_false_conflict(
    client, tree, cast, campaign
):
    visit = record(tree["A1"], campaign, cast["cspl"])
    url = reverse("campaign:inspection_follow_up", args=[visit.pk])
    client.force_login(cast["reviewer_a"])
    sent = {
        "follow_up": F.IN_PROGRESS,
        "follow_up_note": "Đơn vị đang bổ sung biên bản.",
        "recommendations_due_on": "30/11/2026",
        "version": 1,
    }
    assert client.post(url, sent, follow=True).status_code == 200
    again = client.post(url, sent, follow=True)
    assert again.status_code == 200
    page = again.content.decode()
    assert "Một người khác đã lưu phần theo dõi" not in page
    assert [str(m) for m in again.context["messages"]] == ["Phần theo dõi này đã được lưu."]
    visit.refresh_from_db()
    assert (visit.follow_up, visit.follow_up_version) == (F.IN_PROGRESS, 2)


def test_another_follow_up_from_the_same_old_page_is_still_a_conflict(client, tree, cast, campaign):
    visit = record(tree["A1"], campaign, cast["cspl"])
    url = reverse("campaign:inspection_follow_up", args=[visit.pk])
    client.force_login(cast["reviewer_a"])
    client.post(url, {"follow_up": F.IN_PROGRESS, "follow_up_note": "Đang làm.", "version": 1})
    response = client.post(url, {"follow_up": F.MET, "follow_up_note": "Xong.", "version": 1})
    assert response.status_code == 409
    visit.refresh_from_db()
    assert (visit.follow_up, visit.follow_up_note) == (F.IN_PROGRESS, "Đang làm.")
