"""An issued summary of a unit that has since closed is history: it is not corrected. Its
page offers no "Correct this report", and a correction asked for all the same (a page drawn
before the closing, a form sent by hand) is refused with the reason, creating nothing. A
correction started then would be dated today in the name of a unit that is no longer open
that day, which issuing refuses. The workflow refuses it whoever asks; one replayed on a day
the unit was still open (as the demo replays its history) is started."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import issuing
from reports.models import SummaryReport
from tests.reports.closings import CLOSINGS, ENDED_ON
from tests.reports.summaries import issue, make_campaign, make_summary
from units.reorganisations import reorganisation_apply

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

KEPT = "Báo cáo này được giữ nguyên như đã ban hành: không thể đính chính"


@pytest.fixture
def issued(tree, cast):
    """A 2024 summary of each district, issued in January 2025 while both were open."""
    campaign = make_campaign(tree["PV"])
    return {
        code: issue(make_summary(tree[code], campaign, cast["cspl"]), cast["cspl"])
        for code in ("DA", "DB")
    }


@pytest.fixture(params=sorted(CLOSINGS))
def closing(request, tree, issued, reorganise, admin_user, today):
    """District A closes on 01/07/2025, dissolved or merged into district B: the reason its
    issued summary's page and a refused correction give."""
    operations, reason = CLOSINGS[request.param]
    reorganisation_apply(reorganisation=reorganise(ENDED_ON, *operations), user=admin_user)
    tree["DA"].refresh_from_db()
    assert tree["DA"].closed_on == ENDED_ON
    return reason.format(today=f"{today:%d/%m/%Y}")


def correct_url(summary):
    return reverse("reports:summary_correct", args=[summary.pk])


def test_the_correction_is_offered_for_an_open_units_report_only(client, cast, issued, closing):
    client.force_login(cast["cspl"])
    closed = client.get(issued["DA"].get_absolute_url()).content.decode()
    assert correct_url(issued["DA"]) not in closed
    assert "Đính chính báo cáo này" not in closed
    # The page says why in place of the button.
    assert closing in closed and KEPT in closed
    open_ = client.get(issued["DB"].get_absolute_url()).content.decode()
    assert f'action="{correct_url(issued["DB"])}"' in open_
    assert "Đính chính báo cáo này" in open_ and KEPT not in open_


def test_a_correction_of_a_closed_units_report_is_refused_and_nothing_is_made(
    client, cast, issued, closing
):
    summary = issued["DA"]
    before = SummaryReport.objects.count()
    client.force_login(cast["cspl"])
    response = client.post(correct_url(summary))
    assert response.status_code == 302 and response["Location"] == summary.get_absolute_url()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(said) == 1 and closing in said[0] and KEPT in said[0]
    assert SummaryReport.objects.count() == before
    assert not SummaryReport.objects.filter(supersedes=summary).exists()
    summary.refresh_from_db()
    assert summary.status == SummaryReport.Status.ISSUED


def test_the_workflow_refuses_the_correction_whoever_asks_and_starts_one_before_the_closing(
    cast, issued, closing, today
):
    summary = issued["DA"]
    before = SummaryReport.objects.count()
    with pytest.raises(ValidationError) as refused:
        issuing.summary_correct(summary=summary, user=cast["cspl"], day=today)
    assert refused.value.code == "closed"
    assert closing in refused.value.messages[0] and KEPT in refused.value.messages[0]
    assert SummaryReport.objects.count() == before
    # The day before the closing, the unit was still open.
    day = ENDED_ON - datetime.timedelta(days=1)
    correction = issuing.summary_correct(summary=summary, user=cast["cspl"], day=day)
    assert (correction.supersedes, correction.dated_on, correction.is_draft) == (summary, day, True)
