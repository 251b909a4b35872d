"""A document is dated on its day of issue or before. The day is today, or the day a caller
replaying history issues it on (`summary_issue(..., issued_on=...)`, as the demo issues its
reports of January 2025): a draft dated after that day is refused, and one dated on it is
issued, however long ago it was."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reports import issuing
from reports.models import DocumentRegister, SummaryReport
from tests.reports.summaries import make_summary, vi

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

DATED_ON = datetime.date(2025, 1, 12)
DATED_LATER = vi("A document is dated on the day it is issued or before, not %(day)s.") % {
    "day": "12/01/2025"
}


@pytest.fixture
def draft(tree, cast, campaign):
    return make_summary(tree["PV"], campaign, cast["cspl"], number="", dated_on=DATED_ON)


def test_a_draft_dated_after_its_day_of_issue_is_not_issued_on_that_day(cast, draft):
    with pytest.raises(ValidationError) as refused:
        issuing.summary_issue(
            summary=draft, user=cast["cspl"], issued_on=DATED_ON - datetime.timedelta(days=2)
        )
    assert refused.value.message_dict == {"dated_on": [DATED_LATER]}
    draft.refresh_from_db()
    assert draft.status == SummaryReport.Status.DRAFT and draft.number == ""
    assert not DocumentRegister.objects.exists()


def test_a_draft_dated_on_a_past_day_of_issue_is_issued_on_that_day(cast, draft):
    issued = issuing.summary_issue(summary=draft, user=cast["cspl"], issued_on=DATED_ON)
    assert (issued.status, issued.number, issued.dated_on) == ("issued", "1/BC-LĐLĐ", DATED_ON)


def test_the_problems_are_those_of_the_day_asked_today_by_default(draft, today):
    tomorrow = today + datetime.timedelta(days=1)
    draft.dated_on = tomorrow
    later = vi("A document is dated on the day it is issued or before, not %(day)s.") % {
        "day": f"{tomorrow:%d/%m/%Y}"
    }
    assert draft.issue_problems()["dated_on"] == later
    assert "dated_on" not in draft.issue_problems(tomorrow)
    draft.dated_on = DATED_ON
    assert "dated_on" not in draft.issue_problems()
    assert draft.issue_problems(DATED_ON - datetime.timedelta(days=1))["dated_on"] == DATED_LATER
