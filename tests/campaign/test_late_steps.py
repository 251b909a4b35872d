"""Review steps that meet a report in another state than the reviewer's page showed: a
return after the lock date, and a return sent after someone else accepted."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign import workflow
from campaign.models import AnnualReport, Status
from tests.campaign.annual import COMPLETE, YEAR, annual_campaign, edit_data, local, make_report

# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")

S = Status


@pytest.fixture
def campaign(tree):
    """The annual reports' campaign (three indicators)."""
    return annual_campaign(tree)


REASON = "Số lượt tham gia chưa khớp với biên bản các buổi; đề nghị đơn vị kiểm tra lại."


def test_a_report_returned_after_the_lock_can_be_fixed_and_sent_again(
    client, tree, cast, campaign, clock
):
    # Locked after 19/01: a report returned then stayed locked in the unit's hands, told to
    # fix what it could no longer change.
    report = make_report(tree["A1"], campaign, status=S.SUBMITTED, figures=COMPLETE)
    clock.moment = local(YEAR + 1, 2, 1)
    assert not report.filing_open()
    workflow.submission_return(report, user=cast["reviewer_a"], reason=REASON)
    report.refresh_from_db()
    assert report.status == S.RETURNED and report.filing_open()
    client.force_login(cast["officer_a1"])
    response = client.post(
        reverse("campaign:report_edit", args=[report.pk]),
        edit_data(report, value_sessions="11", save_and_submit="1"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED


def test_a_return_before_the_lock_does_not_reopen_after_it(tree, cast, campaign, clock):
    report = make_report(tree["A1"], campaign, status=S.SUBMITTED, figures=COMPLETE)
    workflow.submission_return(report, user=cast["reviewer_a"], reason=REASON)
    clock.moment = local(YEAR + 1, 2, 1)
    assert not AnnualReport.objects.get(pk=report.pk).filing_open()


def test_a_return_sent_after_another_reviewer_accepted_keeps_the_reason(
    client, tree, cast, campaign
):
    # The state changed (accepted) between the page and the click: the reason typed came
    # back nowhere, behind a redirect.
    report = make_report(tree["A1"], campaign, status=S.SUBMITTED, figures=COMPLETE)
    seen = report.version
    workflow.submission_accept(report, user=cast["cspl"])
    client.force_login(cast["reviewer_a"])
    with translation.override("vi"):
        response = client.post(
            reverse("campaign:report_return", args=[report.pk]),
            {"version": seen, "reason": REASON},
        )
    assert response.status_code in (400, 409)
    assert REASON in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).status == S.ACCEPTED


def test_next_years_report_is_refused_before_its_figures_begin_and_writes_no_period(
    client, tree, cast, campaign, clock
):
    # On 01/12/2024 the 2025 figures start on 15/12/2024: a typed address wrote 2025's
    # period (every trend then showed an empty 2025) and let the unit file it.
    from campaign.models import Period

    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, YEAR + 1])
    with translation.override("vi"):
        response = client.get(url)
    assert response.status_code == 404
    assert f"Năm {YEAR + 1} chưa bắt đầu" in response.content.decode()
    assert not Period.objects.filter(campaign=campaign, year=YEAR + 1).exists()
    clock.moment = local(YEAR, 12, 16)
    assert client.get(url).status_code == 200
