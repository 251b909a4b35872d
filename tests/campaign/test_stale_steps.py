"""A step taken from a page that showed an earlier version of the plan or report is refused:
two reviewers (the province's and the district's) review the same grassroots report, and
the one who opened it before the unit changed it must not accept what they never read."""

import pytest
from django.db.models import F
from django.urls import reverse

from campaign import workflow
from campaign.models import AnnualReport, Plan, Status
from tests.campaign.filings import make_report
from tests.pages import messages_of

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
    # Why it is asked for, not "This field is required.".
    assert messages_of(response) == [
        "Hãy xem lại lý do ở ô bên dưới: Hãy nêu lý do để đơn vị biết cần sửa gì."
    ]
    assert 'name="reason"' in (box := response.content.decode().split("<textarea")[1])
    assert "autofocus" in box.split(">")[0]


def kept_box(page):
    """The text of the read-only box that shows a reason back to copy."""
    box = page.split('id="kept-text"')[1]
    assert "readonly" in box.split(">")[0]
    return box.split(">", 1)[1].split("</textarea>")[0]


def test_a_return_after_another_reviewer_returned_it_shows_the_reason_to_copy(client, cast, report):
    # With the report returned, neither return nor reopen is offered: the reason's box was
    # not drawn, and the reason the reviewer typed was lost behind the refusal.
    seen = report.version
    workflow.submission_return(report, user=cast["cspl"], reason="Thiếu số liệu")
    reason = "Số lượt người chưa khớp với biên bản; đề nghị đơn vị kiểm tra lại cả quý IV."
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:report_return", args=[report.pk]), {"reason": reason, "version": seen}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert kept_box(page) == reason
    assert "Lý do bạn đã nhập" in page and "Nội dung này chưa được lưu" in page
    assert any("Không thể thực hiện" in m for m in messages_of(response))
    step = AnnualReport.objects.get(pk=report.pk).steps.get()
    assert (step.actor, step.reason) == (cast["cspl"], "Thiếu số liệu")


def test_a_plan_reopened_meanwhile_shows_the_reason_typed_for_the_reopening(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["cspl"])
    seen = Plan.objects.get(pk=plan_a1.pk).version
    workflow.submission_reopen(plan_a1, user=cast["cspl"], reason="Sai số văn bản")
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:plan_reopen", args=[plan_a1.pk]),
        {"reason": "Cần bổ sung chữ ký", "version": seen},
    )
    assert response.status_code == 400
    assert kept_box(response.content.decode()) == "Cần bổ sung chữ ký"
    assert Plan.objects.get(pk=plan_a1.pk).status == Status.RETURNED


def test_a_reason_shown_in_its_box_is_not_shown_twice(client, cast, report):
    # Accepted meanwhile: the reopen form is drawn, with the reason in its box.
    seen = report.version
    workflow.submission_accept(report, user=cast["cspl"])
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:report_return", args=[report.pk]),
        {"reason": "Số lượt người chưa khớp", "version": seen},
    )
    page = response.content.decode()
    assert "Số lượt người chưa khớp</textarea>" in page and 'id="kept-text"' not in page
