"""A summary reports on its year: its table and chart of the years stop at that year, even
when later years' reports are already in (the dashboard's trend shows them; a document on
2024 written in 2026 never quotes 2025 or 2026)."""

import datetime

from campaign.models import AnnualReport, IndicatorValue, Period, Status
from reports import pdf
from tests.reports.summaries import YEAR, campaign_with_reports, issue, make_summary, pdftotext
from units.models import Unit

LOCAL = datetime.timezone(datetime.timedelta(hours=7))


def file_for(unit, campaign, year, sessions):
    sent = datetime.datetime(year, 12, 10, 9, tzinfo=LOCAL)
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        status=Status.ACCEPTED,
        submitted_at=sent,
        first_submitted_at=sent,
    )
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="sessions"), int_value=sessions
    )


def years_of(context):
    table = [row["year"] for row in context["trend"]["rows"]]
    charts = [
        [bar["label"] for bar in chart["bars"]]
        for chart in context["charts"]
        if all(bar["label"].isdigit() for bar in chart["bars"])
    ]
    return table, charts


def test_the_years_of_a_summary_stop_at_its_year(tree, cast, tmp_path):
    campaign = campaign_with_reports(tree)  # YEAR's reports
    for year, sessions in ((YEAR - 1, 5), (YEAR + 1, 4321)):
        file_for(Unit.objects.get(pk=tree["DA"].pk), campaign, year, sessions)
    draft = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    assert years_of(pdf.document_context(draft)) == (
        [str(YEAR - 1), str(YEAR)],
        [[str(YEAR - 1), str(YEAR)]],
    )
    # Dated in its year, so that the next year's number is nowhere else on the page.
    summary = make_summary(tree["PV"], campaign, cast["cspl"], dated_on=datetime.date(YEAR, 12, 30))
    issued = issue(summary, cast["cspl"])
    assert years_of(pdf.document_context(issued))[0] == [str(YEAR - 1), str(YEAR)]
    text = pdftotext(pdf.render_summary_pdf(issued), tmp_path)
    assert str(YEAR + 1) not in text and "4.321" not in text
