"""After a reopen the state badge reads "Mở lại", not "Bị trả lại", and the changes are said
to be since the reopening: nothing was wrong with what the unit sent. A later return reads
"Bị trả lại" again."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import workflow
from campaign.models import IndicatorValue, Status
from tests.campaign.filings import make_report

pytestmark = pytest.mark.django_db


def badge(client, url):
    page = client.get(url).content.decode()
    return re.findall(r'<span class="badge status-\w+">([^<]+)</span>', page)


def test_the_badge_follows_return_accept_reopen_and_return_again(client, cast, plan_a1):
    reviewer, officer = cast["reviewer_a"], cast["officer_a1"]
    client.force_login(officer)
    detail = plan_a1.get_absolute_url()

    workflow.submission_submit(plan_a1, user=officer)
    workflow.submission_return(plan_a1, user=reviewer, reason="Thiếu bản scan.")
    assert badge(client, detail) == ["Bị trả lại"]

    workflow.submission_submit(plan_a1, user=officer)
    workflow.submission_accept(plan_a1, user=reviewer)
    assert badge(client, detail) == ["Đã chấp nhận"]

    workflow.submission_reopen(plan_a1, user=reviewer, reason="Bổ sung hoạt động quý 4.")
    plan_a1.refresh_from_db()
    assert plan_a1.status == Status.RETURNED and plan_a1.was_reopened
    assert badge(client, detail) == ["Mở lại"]
    client.force_login(reviewer)
    queue = reverse("campaign:review_queue") + "?status=returned"
    assert badge(client, queue) == ["Mở lại"]

    workflow.submission_submit(plan_a1, user=officer)
    workflow.submission_return(plan_a1, user=reviewer, reason="Sai số văn bản.")
    plan_a1.refresh_from_db()
    assert not plan_a1.was_reopened
    assert badge(client, detail) == ["Bị trả lại"]


def test_a_reopened_report_reads_reopened_in_the_report_queue(client, cast, tree, campaign):
    report = make_report(tree["A1"], campaign, 2015, status=Status.ACCEPTED)
    report.submitted_at = report.first_submitted_at = timezone.now()
    report.save()
    reviewer = cast["reviewer_a"]
    workflow.submission_reopen(report, user=reviewer, reason="Sửa số buổi.")
    client.force_login(reviewer)
    url = reverse("campaign:report_queue") + "?status=returned&year=2015"
    assert badge(client, url) == ["Mở lại"]


def changes_heading(client, url):
    page = client.get(url).content.decode()
    return re.findall(r'<h2 id="changes" class="h5">([^<]+)</h2>', page)


def test_the_changes_after_a_reopen_are_said_to_be_since_the_reopening(client, cast, plan_a1):
    reviewer, officer = cast["reviewer_a"], cast["officer_a1"]
    client.force_login(officer)
    detail = plan_a1.get_absolute_url()
    workflow.submission_submit(plan_a1, user=officer)
    workflow.submission_accept(plan_a1, user=reviewer)
    workflow.submission_reopen(plan_a1, user=reviewer, reason="Bổ sung hoạt động quý 4.")
    workflow.submission_submit(plan_a1, user=officer)
    assert changes_heading(client, detail) == ["Thay đổi so với bản được mở lại"]

    workflow.submission_return(plan_a1, user=reviewer, reason="Sai số văn bản.")
    workflow.submission_submit(plan_a1, user=officer)
    assert changes_heading(client, detail) == ["Thay đổi so với bản bị trả lại"]


def test_a_reports_changes_after_a_reopen_are_said_so(client, cast, tree, campaign):
    report = make_report(tree["A1"], campaign, 2015, status=Status.ACCEPTED)
    report.submitted_at = report.first_submitted_at = timezone.now()
    report.save()
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="sessions"), int_value=5
    )
    workflow.submission_reopen(report, user=cast["reviewer_a"], reason="Sửa số buổi.")
    workflow.submission_submit(report, user=cast["officer_a1"])
    client.force_login(cast["officer_a1"])
    assert changes_heading(client, report.get_absolute_url()) == ["Thay đổi so với bản được mở lại"]
