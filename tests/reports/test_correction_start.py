"""Starting a correction (`reports.issuing.summary_correct`), as the page's button and the
demo start one: a new draft that supersedes the issued version, with its text and no number,
ready to be issued under a number of its own; a second one of the same version is refused
by the database, and the caller's transaction goes on."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.urls import reverse

from reports import issuing, prefill
from reports.models import DOCUMENT_FIELDS, NARRATIVE_FIELDS, DocumentRegister, SummaryReport
from tests.reports.summaries import issue, make_campaign, make_summary

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

S = SummaryReport.Status


@pytest.fixture
def issued(tree, cast):
    """A 2024 summary of the province, issued on 05/01/2025."""
    campaign = make_campaign(tree["PV"])
    return issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])


def test_a_correction_starts_as_a_draft_of_the_issued_text_and_is_issued_under_its_own_number(
    issued, cast
):
    day = issued.dated_on + datetime.timedelta(days=3)
    correction = issuing.summary_correct(summary=issued, user=cast["cspl"], day=day)
    correction = SummaryReport.objects.get(pk=correction.pk)
    assert (correction.status, correction.number, correction.serial) == (S.DRAFT, "", None)
    assert (correction.supersedes, correction.dated_on) == (issued, day)
    assert correction.created_by == cast["cspl"]
    for name in [*DOCUMENT_FIELDS, *NARRATIVE_FIELDS, "campaign", "year", "unit", "include"]:
        if name != "dated_on":
            assert getattr(correction, name) == getattr(issued, name), name
    # Its text quotes the figures the issued version froze.
    headline = issued.rollup_snapshot["rollup"]["headline"]
    assert correction.drafted_from == prefill.written_from(headline) != {}
    issued.refresh_from_db()
    assert issued.status == S.ISSUED  # kept as it is until the correction is issued

    # The province's register of 2025 holds no number yet (the first one was typed by hand).
    assert not DocumentRegister.objects.filter(unit=issued.unit, year=2025).exists()
    issuing.summary_issue(summary=correction, user=cast["cspl"], issued_on=day)
    correction.refresh_from_db()
    issued.refresh_from_db()
    assert (correction.status, correction.number) == (S.ISSUED, "1/BC-LĐLĐ")
    assert (issued.status, issued.number) == (S.SUPERSEDED, "15/BC-LĐLĐ")


def test_a_second_correction_of_a_version_is_refused_and_the_transaction_goes_on(issued, cast):
    first = issuing.summary_correct(summary=issued, user=cast["cspl"], day=issued.dated_on)
    with pytest.raises(IntegrityError):
        issuing.summary_correct(summary=issued, user=cast["cspl"], day=issued.dated_on)
    assert list(SummaryReport.objects.filter(supersedes=issued)) == [first]


def test_the_page_says_the_correction_takes_its_number_when_issued(issued, cast, client):
    # It said "Give it its own number": the form has no number to give, only the code,
    # and the board looked for one. The number comes from the register at issue.
    client.force_login(cast["cspl"])
    response = client.post(reverse("reports:summary_correct", args=[issued.pk]))
    correction = SummaryReport.objects.get(supersedes=issued)
    assert response.url == reverse("reports:summary_edit", args=[correction.pk])
    [said] = [str(message) for message in get_messages(response.wsgi_request)]
    assert "số văn bản mới được cấp khi ban hành" in said
    assert "Hãy cấp số mới" not in said
