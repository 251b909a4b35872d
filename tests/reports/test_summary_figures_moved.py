"""A summary's text quotes the figures it was written from, its tables print the figures of
the day it is issued: when they differ, it is not issued until its author brings the text up
to date (writes it again from today's figures, or keeps the text they checked). Otherwise a
signed document would state two totals for one figure."""

from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from campaign.models import Status
from reports.models import DocumentRegister, SummaryReport
from tests.reports.summaries import FILED, YEAR, file_report, make_summary

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

S = SummaryReport.Status
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
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


# An issued summary keeps the figures of its day of issue; the dashboard moves on. A Standing
# Committee member who opens the document and then the dashboard must not find two totals for
# one figure without a word: the document's page says which figures moved since its issue.


def recounted_sessions(unit, campaign):
    """The sessions of the accepted reports in `unit`'s area, added up in SQL over the raw
    values, knowing nothing of the rollup: (reports, sessions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT r.id), SUM(v.int_value)"
            " FROM reports_annualreport r"
            " JOIN units_unit u ON u.id = r.unit_id"
            " JOIN reports_indicatorvalue v ON v.report_id = r.id"
            " JOIN campaign_indicator i ON i.id = v.indicator_id"
            " WHERE r.campaign_id = %s AND r.year = %s AND r.status = %s"
            " AND i.code = 'sessions' AND u.path LIKE %s",
            [campaign.pk, YEAR, Status.ACCEPTED, unit.path + "%"],
        )
        return cursor.fetchone()


def issued_then_moved(client, tree, cast, campaign):
    summary = created_draft(client, tree, cast, campaign)
    client.post(url("reports:summary_issue", summary), {"version": summary.version})
    summary.refresh_from_db()
    assert summary.status == S.ISSUED
    a_report_accepted_meanwhile(tree, campaign)
    return summary


def test_an_issued_report_says_which_figures_moved_since_its_issue(client, tree, cast, campaign):
    summary = issued_then_moved(client, tree, cast, campaign)
    reports, sessions = recounted_sessions(tree["PV"], campaign)
    assert (reports, sessions) == (REPORTS + 1, SESSIONS + 9)  # the recount sees the change

    client.force_login(cast["standing"])  # the Standing Committee reads it
    page = client.get(url("reports:summary_detail", summary)).content.decode()
    assert 'id="figures-since-issue"' in page
    issued_on = summary.issued_at.astimezone(LOCAL).strftime("%d/%m/%Y")
    assert f"số liệu ngày ban hành ({issued_on})" in page
    # The document's figure, then today's: the dashboard's, as the recount has it.
    assert f"Số báo cáo được tổng hợp: {REPORTS} → {reports}" in page
    assert f"Số buổi tuyên truyền: {SESSIONS} → {sessions}" in page
    dashboard = client.get(
        reverse("reports:dashboard"),
        {"campaign": campaign.pk, "year": YEAR, "unit": tree["PV"].pk, "include": "accepted"},
    )
    assert dashboard.context["data"].headline.totals["sessions"] == sessions
    assert dashboard.context["data"].headline.reports == reports
    link = (
        f"{reverse('reports:dashboard')}?campaign={campaign.pk}&amp;year={YEAR}"
        f"&amp;unit={tree['PV'].pk}&amp;include=accepted"
    )
    assert link in page
    # The document itself is not touched: it keeps the figures of its day.
    summary.refresh_from_db()
    assert summary.rollup_snapshot["rollup"]["headline"]["totals"]["sessions"] == SESSIONS


def test_an_issued_report_whose_figures_stand_says_nothing_of_it(client, tree, cast, campaign):
    summary = created_draft(client, tree, cast, campaign)
    client.post(url("reports:summary_issue", summary), {"version": summary.version})
    client.force_login(cast["standing"])
    page = client.get(url("reports:summary_detail", summary)).content.decode()
    assert 'id="figures-since-issue"' not in page


def test_a_corrected_report_leads_to_its_correction_not_to_moved_figures(
    client, tree, cast, campaign
):
    summary = issued_then_moved(client, tree, cast, campaign)
    client.post(url("reports:summary_correct", summary))
    correction = SummaryReport.objects.get(supersedes=summary)
    client.post(url("reports:summary_refigure", correction), {"how": "rewrite", "version": 1})
    correction.refresh_from_db()
    client.post(url("reports:summary_issue", correction), {"version": correction.version})
    summary.refresh_from_db()
    assert summary.status == S.SUPERSEDED
    client.force_login(cast["standing"])
    page = client.get(url("reports:summary_detail", summary)).content.decode()
    assert 'id="figures-since-issue"' not in page
    page = client.get(url("reports:summary_detail", correction)).content.decode()
    assert 'id="figures-since-issue"' not in page  # the correction froze today's figures
