"""The Excel export tests' shared builders: the campaign they file for, reports in every
state across the tree (FILED), and the workbook the dashboard downloads, read sheet by sheet.
Used by test_excel.py, test_excel_capitals.py and test_excel_every_unit_reason.py."""

import datetime
from io import BytesIO

import openpyxl
from django.urls import reverse

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from tests.reports.recount import LOCAL, child
from units.models import Unit

S = Status
D = datetime.date
YEAR = 2024  # figures 15/12/2023–14/12/2024, due 20/12/2024, locked after 19/01/2025
ON_TIME = datetime.datetime(2024, 12, 18, 15, 30, tzinfo=LOCAL)
LAST_MINUTE = datetime.datetime(2024, 12, 20, 23, 30, tzinfo=LOCAL)  # 16:30 UTC: still on time
LATE = datetime.datetime(2024, 12, 21, 8, 0, tzinfo=LOCAL)


FILED = {
    "DA": (S.ACCEPTED, ON_TIME, {"sessions": 20, "participants": 500}),
    "A1": (S.ACCEPTED, LAST_MINUTE, {"sessions": 10, "participants": 1250, "other_forms": "Pa nô"}),
    "A2": (S.SUBMITTED, LATE, {"sessions": 5, "participants": None}),
    "B1": (S.RETURNED, ON_TIME, {"sessions": 3, "participants": 30}),
    "SE": (S.DRAFT, None, {"sessions": 99, "participants": 990, "other_forms": "Nháp"}),
    "S1": (S.ACCEPTED, LATE, {"sessions": 7, "participants": 70}),
    # Not expected, yet in district A's area: their included reports are summed.
    "A6": (S.ACCEPTED, ON_TIME, {"sessions": 300, "participants": 3000}),
    "IZ": (S.ACCEPTED, ON_TIME, {"sessions": 400, "participants": 4000}),
    # DB files nothing.
}


def excel_campaign(tree: dict[str, Unit]) -> Campaign:
    """A campaign begun in 2015 that addresses every kind of unit but the province and the
    industrial zones, with two whole-number indicators and a text one."""
    kinds = [k for k in Unit.Kind.values if k not in (Unit.Kind.PROVINCE, "industrial_zone")]
    campaign = Campaign.objects.create(
        slug="test-campaign",
        number="99/KH-test",
        title="Kế hoạch tuyên truyền thử nghiệm",
        issuer=tree["PV"],
        issued_on=D(2015, 6, 10),
        directive="Kế hoạch số 1/KH-UBND",
        first_year=2015,
        plan_due_on=D(2015, 7, 31),
        addressed_kinds=kinds,
    )
    for order, (code, name, measure, kind) in enumerate(
        [
            ("sessions", "Số buổi tuyên truyền", "buổi", Indicator.Kind.INTEGER),
            ("participants", "Số lượt người tham dự", "lượt người", Indicator.Kind.INTEGER),
            ("other_forms", "Hình thức khác", "", Indicator.Kind.TEXT),
        ]
    ):
        Indicator.objects.create(
            campaign=campaign,
            code=code,
            name=name,
            unit_of_measure=measure,
            kind=kind,
            order=order,
        )
    return campaign


def report(unit, campaign, status, submitted=None, **figures):
    """A stored report of `unit`, first submitted at `submitted`, with `figures` by code."""
    stored = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=YEAR,
        period=Period.objects.for_year(campaign, YEAR),
        results="Tổ chức các buổi tuyên truyền CCHC.",
        self_assessment=AnnualReport.Assessment.GOOD,
        status=status,
        first_submitted_at=submitted,
        submitted_at=submitted,
    )
    for indicator in campaign.indicators.all():
        if indicator.code not in figures:
            continue
        value = figures[indicator.code]
        if indicator.kind == Indicator.Kind.INTEGER:
            IndicatorValue.objects.create(report=stored, indicator=indicator, int_value=value)
        else:
            IndicatorValue.objects.create(report=stored, indicator=indicator, text_value=value)
    return stored


def file_reports(tree: dict[str, Unit], campaign: Campaign) -> dict[str, Unit]:
    """The reports of FILED, in every state across the tree, and units that must not be
    listed (A6, closed before the cut-off; IZ, of a kind not addressed); the units by code."""
    units = dict(tree)
    units["A6"] = child(tree["DA"], "A6", closed_on=D(2024, 6, 30))  # closed before the cut-off
    units["IZ"] = child(tree["DA"], "IZ", kind=Unit.Kind.INDUSTRIAL_ZONE)  # not addressed
    for code, (status, submitted, figures) in FILED.items():
        report(units[code], campaign, status, submitted, **figures)
    return {code: Unit.objects.get(pk=unit.pk) for code, unit in units.items()}


def download(client, cast, who="cspl", **params):
    client.force_login(cast[who])
    return client.get(reverse("reports:dashboard_excel"), {"year": YEAR, **params})


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(BytesIO(response.content))


def headers(sheet):
    return [cell.value for cell in sheet[1]]


def records(sheet):
    """The rows below the header, each as {header: cell}."""
    names = headers(sheet)
    return [dict(zip(names, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def summary(sheet):
    """The summary sheet as {label: value cell}."""
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
