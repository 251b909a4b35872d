"""A step sent twice from a plan's or report's page (a retry after a lost answer, a second
tap once the button is free again) is taken once; the second is told it was already taken,
not that it is impossible, nor that its reason "was not saved"."""

import pytest
from django.urls import reverse

from campaign import workflow
from campaign.models import AnnualReport, Plan, Status
from tests.campaign.filings import make_report
from tests.pages import messages_of

ALREADY = "Việc này đã được thực hiện từ lần bạn gửi trang này trước đó"
REASON = "Số lượt người chưa khớp với biên bản."


@pytest.fixture
def report(tree, campaign):
    return make_report(tree["A1"], campaign, 2024, Status.SUBMITTED)


def twice(client, url, data):
    client.post(url, data, follow=True)
    return client.post(url, data, follow=True)


def test_a_return_sent_twice_is_told_it_was_taken(client, cast, report):
    client.force_login(cast["reviewer_a"])
    url = reverse("campaign:report_return", args=[report.pk])
    response = twice(client, url, {"reason": REASON, "version": report.version})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nội dung này chưa được lưu" not in page
    assert [m for m in messages_of(response) if ALREADY in m]
    assert not [m for m in messages_of(response) if "Không thể thực hiện" in m]
    assert AnnualReport.objects.get(pk=report.pk).steps.count() == 1


def test_an_accept_confirmed_twice_is_told_it_was_taken(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    version = Plan.objects.get(pk=plan_a1.pk).version
    client.force_login(cast["reviewer_a"])
    url = reverse("campaign:plan_accept", args=[plan_a1.pk])
    response = twice(client, url, {"confirmed": "yes", "version": version})
    assert [m for m in messages_of(response) if ALREADY in m]
    assert Plan.objects.get(pk=plan_a1.pk).status == Status.ACCEPTED


def test_a_return_someone_else_took_is_still_refused_with_the_reason_kept(client, cast, report):
    seen = report.version
    workflow.submission_return(report, user=cast["cspl"], reason=REASON)
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:report_return", args=[report.pk]), {"reason": REASON, "version": seen}
    )
    assert response.status_code == 400
    assert "Nội dung này chưa được lưu" in response.content.decode()
