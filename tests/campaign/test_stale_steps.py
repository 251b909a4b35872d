"""A step taken from a page that showed an earlier version of the plan or report is refused:
two reviewers (the province's and the district's) review the same grassroots report, and
the one who opened it before the unit changed it must not accept what they never read."""

import pytest
from django.db.models import F
from django.urls import reverse

from campaign import workflow
from campaign.models import AnnualReport, Plan, Status
from tests.campaign.conftest import make_report

YEAR = 2024


@pytest.fixture
def report(tree, campaign):
    return make_report(tree["A1"], campaign, YEAR, Status.SUBMITTED)


def changed_meanwhile(model, submission, cast):
    """The province's reviewer returns it and the unit sends it again with other words."""
    workflow.submission_return(submission, user=cast["cspl"], reason="Thiếu số liệu")
    model.objects.filter(pk=submission.pk).update(
        status=Status.SUBMITTED, version=F("version") + 1, results="Đã sửa sau khi trả lại"
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_an_accept_confirmed_on_an_earlier_version_is_refused(client, cast, report):
    client.force_login(cast["reviewer_a"])
    seen = report.version
    detail = client.get(report.get_absolute_url()).content.decode()
    assert f'name="version" value="{seen}"' in detail
    url = reverse("campaign:report_accept", args=[report.pk])
    asked = client.post(url, {"version": seen}).content.decode()
    assert f'name="version" value="{seen}"' in asked  # the confirmation carries it on

    changed_meanwhile(AnnualReport, report, cast)
    response = client.post(url, {"confirmed": "yes", "version": seen}, follow=True)
    assert AnnualReport.objects.get(pk=report.pk).status == Status.SUBMITTED
    assert any("đã thay đổi sau khi bạn mở" in m for m in messages_of(response))

    # Read again, it is accepted.
    current = AnnualReport.objects.get(pk=report.pk).version
    client.post(url, {"confirmed": "yes", "version": current})
    assert AnnualReport.objects.get(pk=report.pk).status == Status.ACCEPTED


def test_a_return_on_an_earlier_version_is_refused_and_keeps_the_reason(client, cast, report):
    client.force_login(cast["reviewer_a"])
    seen = report.version
    changed_meanwhile(AnnualReport, report, cast)
    response = client.post(
        reverse("campaign:report_return", args=[report.pk]),
        {"reason": "Số lượt người chưa khớp", "version": seen},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số lượt người chưa khớp</textarea>" in page
    assert "đã thay đổi sau khi bạn mở" in page
    assert AnnualReport.objects.get(pk=report.pk).status == Status.SUBMITTED
    assert "Đã sửa sau khi trả lại" in page  # the page shows what it holds now


def test_a_plan_accepted_on_an_earlier_version_is_refused(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    seen = Plan.objects.get(pk=plan_a1.pk).version
    Plan.objects.filter(pk=plan_a1.pk).update(version=F("version") + 1)  # a step meanwhile
    client.force_login(cast["reviewer_a"])
    client.post(
        reverse("campaign:plan_accept", args=[plan_a1.pk]), {"confirmed": "yes", "version": seen}
    )
    assert Plan.objects.get(pk=plan_a1.pk).status == Status.SUBMITTED


def test_an_empty_reason_is_said_at_the_top_and_its_box_takes_the_focus(client, cast, report):
    # On a phone the form is far below the top of the page the reviewer lands on.
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:report_return", args=[report.pk]), {"reason": "", "version": 1}
    )
    assert response.status_code == 400
    assert messages_of(response) == ["Hãy xem lại lý do ở ô bên dưới: Trường này là bắt buộc."]
    assert 'name="reason"' in (box := response.content.decode().split("<textarea")[1])
    assert "autofocus" in box.split(">")[0]
