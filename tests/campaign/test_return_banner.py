"""A returned plan or report shows the reviewer's reason as a banner at its top, on its
page and on its edit form, and no banner once it is sent again."""

import re

import pytest
from django.urls import reverse

from campaign import workflow
from campaign.models import IndicatorValue, Period

pytestmark = pytest.mark.usefixtures("media")

REASON = "Bổ sung số người dự kiến của hoạt động 1."


def banner(html):
    """The banner's text, or None. It stands at the top: before the page's content and
    before its form."""
    match = re.search(r'<div class="alert[^"]*return-banner" role="alert">(.*?)</div>', html, re.S)
    if match is None:
        return None
    main = html.index("<main")
    content = [
        i for i in (html.find('<div class="row g-4">', main), html.find("<form", main)) if i >= 0
    ]
    assert match.start() < min(content)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_a_returned_plan_shows_the_reason_at_the_top(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    client.force_login(cast["officer_a1"])
    for url in (plan_a1.get_absolute_url(), reverse("campaign:plan_edit", args=[plan_a1.pk])):
        text = banner(client.get(url).content.decode())
        assert text is not None, url
        assert "Đã trả lại cho đơn vị – lý do của người xem xét" in text
        assert REASON in text
        assert str(cast["reviewer_a"]) in text
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    # A button, not a small link in the banner's last line: on a phone it is the next step.
    edit = reverse("campaign:plan_edit", args=[plan_a1.pk])
    assert f'<a class="btn btn-primary mt-3" href="{edit}">Chỉnh lại và gửi lại</a>' in html


def test_the_reviewer_sees_the_banner_without_the_link_to_fix(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    client.force_login(cast["reviewer_a"])
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    assert REASON in banner(html)
    assert "Chỉnh lại và gửi lại" not in html


def test_no_banner_before_a_return_nor_after_resubmitting(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    assert banner(client.get(plan_a1.get_absolute_url()).content.decode()) is None
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert banner(client.get(plan_a1.get_absolute_url()).content.decode()) is None


def test_a_reopened_report_says_it_was_reopened_with_the_reason(
    client, cast, tree, campaign, report_factory
):
    report = report_factory(tree["A1"], campaign, 2016)
    Period.objects.filter(pk=report.period_id).update(locks_on="2100-01-01")
    for indicator in campaign.indicators.all():
        IndicatorValue.objects.create(report=report, indicator=indicator, int_value=4)
    workflow.submission_submit(report, user=cast["officer_a1"])
    workflow.submission_accept(report, user=cast["reviewer_a"])
    workflow.submission_reopen(report, user=cast["reviewer_a"], reason="Sửa số buổi.")
    client.force_login(cast["officer_a1"])
    for url in (report.get_absolute_url(), reverse("campaign:report_edit", args=[report.pk])):
        text = banner(client.get(url).content.decode())
        assert "Đã mở lại để sửa – lý do của người xem xét" in text
        assert "Sửa số buổi." in text
