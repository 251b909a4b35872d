"""The demo, read as a reviewer would: the dashboard, the Excel export and the PDF summary
give the same figures, each the sum of the accepted reports recounted (recount.py), and a commune
union whose own report is missing still shows its grassroots unions' figures.

This year the demo federation is LĐLĐ tỉnh Vĩnh Long, into which LĐLĐ tỉnh Bến Tre merged on
01/07/2025 (units/data/README.md)."""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import AnnualReport, Campaign, Indicator
from reports import pdf
from reports.models import SummaryReport
from tests.reports.recount import recount_accepted
from units.models import Unit, User


@pytest.fixture
def demo(db, demo_snapshots):
    demo_snapshots.load()
    campaign = Campaign.objects.get(slug="cchc-2015")
    return campaign, Unit.objects.get(kind=Unit.Kind.PROVINCE, closed_on__isnull=True)


def test_the_dashboard_excel_and_pdf_of_the_demo_show_the_same_figures(client, demo):
    campaign, province = demo
    year = timezone.localdate().year
    reviewer = User.objects.get(username="cspl")
    client.force_login(reviewer)
    reports, totals = recount_accepted(campaign, year, province)
    assert reports > 0 and all(total > 0 for total in totals.values())

    page = client.get(reverse("reports:dashboard"), {"unit": province.pk, "year": year})
    data = page.context["data"]
    assert data.headline.reports == reports
    assert {code: data.headline.totals[code] for code in totals} == totals
    grassroots = data.headline.totals["grassroots_plans"]
    assert 0 < grassroots <= Unit.objects.filter(kind=Unit.Kind.GRASSROOTS).count()

    workbook = openpyxl.load_workbook(
        BytesIO(
            client.get(
                reverse("reports:dashboard_excel"), {"unit": province.pk, "year": year}
            ).content
        )
    )
    cells = {row[0].value: row[1].value for row in workbook.worksheets[0].iter_rows(min_row=2)}
    for indicator in Indicator.objects.filter(campaign=campaign, code__in=totals):
        assert cells[indicator.name] == totals[indicator.code]

    summary = SummaryReport.objects.create(
        campaign=campaign,
        year=year,
        unit=province,
        issuing_body=province.name,
        subject="Báo cáo kết quả",
        created_by=reviewer,
    )
    context = pdf.document_context(summary)
    integers = [i.code for i in data.integer_indicators]
    assert context["headline"]["totals"] == [pdf.number(data.headline.totals[c]) for c in integers]


def test_a_demo_commune_union_whose_own_report_is_missing_shows_its_grassroots_figures(
    client, demo
):
    campaign, province = demo
    year = timezone.localdate().year
    district = Unit.objects.get(kind=Unit.Kind.COMMUNE, short_name__contains="Châu Thành")
    assert not AnnualReport.objects.filter(unit=district, campaign=campaign, year=year).exists()
    reports, totals = recount_accepted(campaign, year, district)
    assert reports > 0

    client.force_login(User.objects.get(username="cspl"))
    data = client.get(reverse("reports:dashboard"), {"unit": province.pk, "year": year}).context[
        "data"
    ]
    row = next(row for row in data.by_child if row.unit_id == district.pk)
    assert (row.own, row.from_below, row.reports) == ("missing", True, reports)
    assert {code: row.totals[code] for code in totals} == totals
