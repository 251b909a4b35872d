"""Those who file a report opened after the lock date learn that they can: a notice in the
portal and an e-mail (campaign.open_late, campaign.notifications.audience)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from campaign.models import Notice, Step

YEAR = 2024  # locked after 19/01/2025


@pytest.fixture(autouse=True)
def clock(freeze):
    """A day after the 2024 reports locked (and before 2025's did)."""
    return freeze(datetime.datetime(YEAR + 1, 2, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def open_late(client, reviewer, campaign, unit, callbacks):
    client.force_login(reviewer)
    with callbacks(execute=True):
        response = client.post(
            reverse("campaign:report_open_late", args=[campaign.pk, unit.pk, YEAR])
        )
    assert response.status_code == 302
    return Step.objects.get(action=Step.Opening.OPEN_LATE)


def test_the_unit_s_officer_is_told_in_the_portal_and_by_e_mail(
    client, cast, tree, campaign, django_capture_on_commit_callbacks
):
    step = open_late(
        client, cast["reviewer_a"], campaign, tree["A1"], django_capture_on_commit_callbacks
    )
    notice = Notice.objects.get()
    assert notice.recipient == cast["officer_a1"]
    assert notice.kind == Notice.Kind.OPENED_LATE
    assert notice.text == (
        "Báo cáo năm 2024 của CĐCS A1 đã được mở sau ngày khóa sổ: có thể nhập và gửi ngay bây giờ"
    )
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]
    assert "Người duyệt mở báo cáo sau ngày khóa sổ" in mail.outbox[0].body
    step.refresh_from_db()
    assert not step.emails_pending


def test_a_unit_without_officer_is_filed_for_from_above_so_those_officers_are_told(
    client, cast, tree, campaign, django_capture_on_commit_callbacks
):
    # A2 has no officer of its own: district A's officer files for it.
    open_late(client, cast["reviewer_a"], campaign, tree["A2"], django_capture_on_commit_callbacks)
    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["officer_a"]
    assert [m.to for m in mail.outbox] == [[cast["officer_a"].email]]


def test_the_officers_of_a_closed_unit_above_are_not_told(
    client, cast, tree, campaign, django_capture_on_commit_callbacks
):
    district = tree["DA"]
    district.closed_on = datetime.date(YEAR + 1, 1, 1)  # its officer files for nobody now
    district.save()
    open_late(client, cast["cspl"], campaign, tree["A2"], django_capture_on_commit_callbacks)
    assert not Notice.objects.exists() and mail.outbox == []
