"""A summary's text quotes the figures it was written from, its tables print the figures of
the day it is issued: when they differ, it is not issued until its author brings the text up
to date (writes it again from today's figures, or keeps the text they checked). Otherwise a
signed document would state two totals for one figure."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaign.models import Status
from reports.models import DocumentRegister, SummaryReport
from tests.reports.summaries import FILED, YEAR, file_report, make_summary

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

S = SummaryReport.Status
# Included by the counting rule in FILED: the accepted reports, their sessions added up.
ACCEPTED = [figures for status, _late, figures in FILED.values() if status == Status.ACCEPTED]
REPORTS = len(ACCEPTED)
SESSIONS = sum(figures["sessions"] for figures in ACCEPTED)


def url(name, summary):
    return reverse(name, args=[summary.pk])


def created_draft(client, tree, cast, campaign):
    """A draft made through the page, as a reviewer does, then given what issuing needs."""
    client.force_login(cast["cspl"])
    response = client.post(
        reverse("reports:summary_create"),
        {
            "kind": "committee",
            "campaign": campaign.pk,
            "year": YEAR,
            "unit": tree["PV"].pk,
            "include": "accepted",
        },
    )
    assert response.status_code == 302
    summary = SummaryReport.objects.get(status=S.DRAFT)
    complete = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    for name in ("number_code", "place", "signer_block", "signer_title", "signer_name"):
        setattr(summary, name, getattr(complete, name))
    summary.save()
    complete.delete()
    return summary


def a_report_accepted_meanwhile(tree, campaign):
    file_report(tree["A2"], campaign, Status.ACCEPTED, sessions=9, participants=90)
    cache.clear()


def test_the_draft_keeps_the_figures_its_text_quotes(client, tree, cast, campaign):
    summary = created_draft(client, tree, cast, campaign)
    assert summary.drafted_from["reports"] == REPORTS
    assert summary.drafted_from["totals"]["sessions"] == SESSIONS
    assert f"Tổng hợp từ {REPORTS} báo cáo" in summary.results


def test_moved_figures_stop_the_issue_until_the_author_keeps_the_text(client, tree, cast, campaign):
    summary = created_draft(client, tree, cast, campaign)
    a_report_accepted_meanwhile(tree, campaign)
    registers = DocumentRegister.objects.count()

    response = client.post(
        url("reports:summary_issue", summary), {"version": summary.version}, follow=True
    )
    summary.refresh_from_db()
    assert summary.status == S.DRAFT and summary.number == ""
    assert DocumentRegister.objects.count() == registers  # no number was taken
    page = response.content.decode()
    assert f"số báo cáo được tổng hợp: {REPORTS} → {REPORTS + 1}" in page
    assert f"{SESSIONS} → {SESSIONS + 9}" in page
    assert 'id="figures-changed"' in page
    assert url("reports:summary_issue", summary) not in page  # no issue button meanwhile

    text = summary.results
    client.post(
        url("reports:summary_refigure", summary), {"how": "keep", "version": summary.version}
    )
    summary.refresh_from_db()
    assert summary.results == text  # the author's text, as they checked it
    assert summary.drafted_from["reports"] == REPORTS + 1
    assert (
        url("reports:summary_issue", summary)
        in client.get(url("reports:summary_detail", summary)).content.decode()
    )
    client.post(url("reports:summary_issue", summary), {"version": summary.version})
    summary.refresh_from_db()
    assert summary.status == S.ISSUED
    assert summary.rollup_snapshot["rollup"]["headline"]["reports"] == REPORTS + 1


def test_writing_the_text_again_quotes_todays_figures(client, tree, cast, campaign):
    summary = created_draft(client, tree, cast, campaign)
    a_report_accepted_meanwhile(tree, campaign)
    version = summary.version
    client.post(url("reports:summary_refigure", summary), {"how": "rewrite", "version": version})
    summary.refresh_from_db()
    assert f"Tổng hợp từ {REPORTS + 1} báo cáo" in summary.results
    assert f"Tổng hợp từ {REPORTS} báo cáo" not in summary.results
    assert summary.version == version + 1  # an editor's older page is refused, not merged
    client.post(url("reports:summary_issue", summary), {"version": summary.version})
    summary.refresh_from_db()
    assert summary.status == S.ISSUED


def test_a_correction_quotes_the_issued_figures_until_brought_up_to_date(
    client, tree, cast, campaign
):
    summary = created_draft(client, tree, cast, campaign)
    client.post(url("reports:summary_issue", summary), {"version": summary.version})
    client.post(url("reports:summary_correct", summary))
    correction = SummaryReport.objects.get(supersedes=summary)
    assert correction.drafted_from["reports"] == REPORTS
    a_report_accepted_meanwhile(tree, campaign)
    client.post(url("reports:summary_issue", correction), {"version": correction.version})
    correction.refresh_from_db()
    assert correction.status == S.DRAFT


def test_only_the_two_answers_are_taken(client, tree, cast, campaign):
    summary = created_draft(client, tree, cast, campaign)
    version = summary.version
    response = client.post(
        url("reports:summary_refigure", summary), {"how": "x", "version": version}, follow=True
    )
    assert "Hãy chọn cách cập nhật văn bản" in response.content.decode()
    summary.refresh_from_db()
    assert summary.version == version
    client.force_login(cast["standing"])  # reads summaries, writes none
    response = client.post(
        url("reports:summary_refigure", summary), {"how": "keep", "version": version}
    )
    assert response.status_code in (403, 404)
