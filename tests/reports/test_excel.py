"""The Excel export of the dashboard: the rollup's figures as numeric cells, every unit's
status and figures as stored, readable sheets, the dashboard's access rules, and a fixed
number of queries whatever the number of units."""

import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from reports.excel import build_workbook, sheet_title, unit_rows
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED, rollup
from tests.factories import UnitFactory
from units.models import Unit

S = Status
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # figures 15/12/2023–14/12/2024, due 20/12/2024, locked after 19/01/2025
D = datetime.date
ON_TIME = datetime.datetime(2024, 12, 18, 15, 30, tzinfo=LOCAL)
LAST_MINUTE = datetime.datetime(2024, 12, 20, 23, 30, tzinfo=LOCAL)  # 16:30 UTC: still on time
LATE = datetime.datetime(2024, 12, 21, 8, 0, tzinfo=LOCAL)
EXPECTED_CODES = ["DA", "A1", "A2", "DB", "B1", "SE", "S1"]  # tree order; PV is not addressed
COUNTS = [
    ("Expected", "expected"),
    ("Plans filed", "plans_filed"),
    ("Plans accepted", "plans_accepted"),
    ("Reports submitted", "submitted"),
    ("On time", "on_time"),
    ("Late", "late"),
    ("Returned", "returned"),
    ("Missing", "missing"),
    ("Reports counted", "included"),
]
RATES = [("Reporting rate", "rate"), ("On-time rate", "on_time_rate")]


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """After the due date of YEAR, before its lock date."""
    moment = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=LOCAL).astimezone(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture(autouse=True)
def fresh_cache():
    # Test data is rolled back without bumping the data version: never read another test's
    # cached rollup.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(tree):
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


def child(parent, code, **fields):
    unit = UnitFactory.create(parent=Unit.objects.get(pk=parent.pk), code=code, **fields)
    return Unit.objects.get(pk=unit.pk)


@pytest.fixture
def filed(tree, campaign):
    """Reports in every state across the tree, and units that must not be listed."""
    units = dict(tree)
    units["A6"] = child(tree["DA"], "A6", closed_on=D(2024, 6, 30))  # closed before the cut-off
    units["IZ"] = child(tree["DA"], "IZ", kind=Unit.Kind.INDUSTRIAL_ZONE)  # not addressed
    report(units["DA"], campaign, S.ACCEPTED, ON_TIME, sessions=20, participants=500)
    report(
        units["A1"],
        campaign,
        S.ACCEPTED,
        LAST_MINUTE,
        sessions=10,
        participants=1250,
        other_forms="Pa nô",
    )
    report(units["A2"], campaign, S.SUBMITTED, LATE, sessions=5, participants=None)
    report(units["B1"], campaign, S.RETURNED, ON_TIME, sessions=3, participants=30)
    report(units["SE"], campaign, S.DRAFT, sessions=99, participants=990, other_forms="Nháp")
    report(units["S1"], campaign, S.ACCEPTED, LATE, sessions=7, participants=70)
    report(units["A6"], campaign, S.ACCEPTED, ON_TIME, sessions=300, participants=3000)
    report(units["IZ"], campaign, S.ACCEPTED, ON_TIME, sessions=400, participants=4000)
    # DB files nothing.
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


def indicator_header(code, campaign):
    indicator = campaign.indicators.get(code=code)
    if indicator.unit_of_measure:
        return f"{indicator.name} ({indicator.unit_of_measure})"
    return indicator.name


def assert_figures(cells, figures, campaign):
    """A breakdown row's cells hold the rollup's counts, rates and totals, as numbers."""
    for label, key in COUNTS:
        cell = cells[_(label)]
        assert (cell.value, cell.data_type, cell.number_format) == (figures[key], "n", "#,##0")
    for label, key in RATES:
        cell = cells[_(label)]
        assert cell.value == pytest.approx(figures[key] / 100)
        assert (cell.data_type, cell.number_format) == ("n", "0.0%")
    for code, total in figures["totals"].items():
        cell = cells[indicator_header(code, campaign)]
        assert (cell.value, cell.data_type) == (total, "n")


# --- the figures ---------------------------------------------------------------------------------
def test_the_summary_sheet_gives_the_rollups_headline_figures_as_numeric_cells(
    client, cast, campaign, filed
):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[0]
    data = rollup(campaign, YEAR, filed["PV"])
    headline = data["headline"]
    # Hand-counted: 7 units expected; DA and A1 on time (23:30 local on the due day), A2 and
    # S1 late, B1 returned, DB and SE (a draft) missing; DA, A1 and S1 accepted.
    assert (headline["expected"], headline["on_time"], headline["late"]) == (7, 2, 2)
    assert (headline["returned"], headline["missing"], headline["included"]) == (1, 2, 3)
    cells = summary(sheet)
    for label, key in [("Units expected", "expected"), *COUNTS[1:]]:
        cell = cells[_(label)]
        assert (cell.value, cell.data_type, cell.number_format) == (headline[key], "n", "#,##0")
    for label, key in RATES:
        cell = cells[_(label)]
        assert cell.value == pytest.approx(headline[key] / 100)
        assert (cell.data_type, cell.number_format) == ("n", "0.0%")
    assert cells[_("Reporting rate")].value == pytest.approx(0.571)  # 4 of 7
    assert headline["totals"]["sessions"] > 0
    for code, total in headline["totals"].items():
        cell = cells[campaign.indicators.get(code=code).name]
        assert (cell.value, cell.data_type, cell.number_format) == (total, "n", "#,##0")
    assert cells[_("Year")].value == YEAR and cells[_("Year")].number_format == "0"
    assert cells[_("Unit")].value == filed["PV"].name
    assert cells[_("Campaign")].value == f"{campaign.number} – {campaign.title}"
    assert cells[_("Figures from")].value == _("accepted reports")


def test_the_period_dates_are_date_cells(client, cast, campaign, filed):
    cells = summary(workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[0])
    period = Period.objects.get(campaign=campaign, year=YEAR)
    for name in ("starts_on", "ends_on", "due_on", "locks_on"):
        cell = cells[capfirst(Period._meta.get_field(name).verbose_name)]
        assert cell.is_date and cell.number_format == "dd/mm/yyyy"
        assert cell.value.date() == getattr(period, name)
    assert cells[_("Units expected")].value == 7
    exported = cells[_("Exported on")]
    assert exported.is_date and exported.value == datetime.datetime(2025, 1, 10, 9, 0)


def test_each_kind_of_unit_row_gives_the_rollups_figures(client, cast, campaign, filed):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[1]
    by_kind = rollup(campaign, YEAR, filed["PV"])["by_kind"]
    rows = records(sheet)
    kinds = dict(Unit.Kind.choices)
    assert [row[_("Kind")].value for row in rows] == [str(kinds[k["kind"]]) for k in by_kind]
    assert [row[_("Kind")].value for row in rows] == [
        str(kinds[Unit.Kind.DISTRICT]),
        str(kinds[Unit.Kind.SECTOR]),
        str(kinds[Unit.Kind.GRASSROOTS]),
    ]
    for cells, figures in zip(rows, by_kind, strict=True):
        assert_figures(cells, figures, campaign)
    grassroots = rows[2]
    assert (grassroots[_("Expected")].value, grassroots[_("Late")].value) == (4, 2)


def test_each_unit_below_row_gives_the_rollups_figures(client, cast, campaign, filed):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[2]
    by_child = rollup(campaign, YEAR, filed["PV"])["by_child"]
    rows = records(sheet)
    assert [row[_("Unit")].value for row in rows] == ["LĐLĐ huyện A", "LĐLĐ huyện B", "CĐ ngành S"]
    for cells, figures in zip(rows, by_child, strict=True):
        assert_figures(cells, figures, campaign)
    assert rows[0][_("Expected")].value == 3  # DA, A1, A2


def test_a_unit_that_reports_itself_has_a_row_for_its_own_report(client, cast, campaign, filed):
    sheet = workbook_of(download(client, cast, "reviewer_a", unit=filed["DA"].pk)).worksheets[2]
    by_child = rollup(campaign, YEAR, filed["DA"])["by_child"]
    rows = records(sheet)
    assert [row[_("Unit")].value for row in rows] == [
        capfirst(_("the unit itself")),
        "CĐCS A1",
        "CĐCS A2",
    ]
    for cells, figures in zip(rows, by_child, strict=True):
        assert_figures(cells, figures, campaign)


def test_the_unit_sheet_lists_every_expected_unit_with_its_status_and_figures_as_stored(
    client, cast, campaign, filed
):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[3]
    rows = {row[_("Code")].value: row for row in records(sheet)}
    # Closed before the cut-off (A6), not addressed (IZ, PV): not listed.
    assert list(rows) == EXPECTED_CODES
    categories = {
        "DA": "On time",
        "A1": "On time",
        "A2": "Late",
        "DB": "Missing",
        "B1": "Returned",
        "SE": "Missing",
        "S1": "Late",
    }
    assert {code: row[_("Status")].value for code, row in rows.items()} == {
        code: _(label) for code, label in categories.items()
    }
    stored = {r.unit.code: r for r in AnnualReport.objects.select_related("unit")}
    for code, row in rows.items():
        unit_report = stored.get(code)
        assert row[_("Unit")].value == filed[code].name
        assert row[_("Report status")].value == (
            unit_report.get_status_display() if unit_report else None
        )
        sent = unit_report is not None and unit_report.status != S.DRAFT
        values = (
            {v.indicator.code: v for v in unit_report.values.select_related("indicator")}
            if sent
            else {}
        )
        for indicator in campaign.indicators.all():
            cell = row[indicator_header(indicator.code, campaign)]
            value = values.get(indicator.code)
            if indicator.kind == Indicator.Kind.INTEGER:
                assert cell.value == (value.int_value if value else None), (code, indicator)
                if cell.value is not None:
                    assert (cell.data_type, cell.number_format) == ("n", "#,##0")
            else:
                assert cell.value == (value.text_value if value else None), (code, indicator)
    assert rows["A1"][indicator_header("participants", campaign)].value == 1250
    assert rows["A1"][indicator_header("other_forms", campaign)].value == "Pa nô"


def test_a_drafts_figures_are_left_out_of_the_unit_sheet(client, cast, campaign, filed):
    rows = {
        row[_("Code")].value: row
        for row in records(workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[3])
    }
    assert IndicatorValue.objects.filter(report__unit=filed["SE"], int_value=99).exists()
    assert rows["SE"][indicator_header("sessions", campaign)].value is None
    assert rows["SE"][indicator_header("other_forms", campaign)].value is None
    assert rows["SE"][_("Report status")].value == _("Draft")
    # A returned report was sent: its figures show, with its status.
    assert rows["B1"][indicator_header("sessions", campaign)].value == 3


def test_the_first_submission_is_a_local_date_and_time_cell(client, cast, campaign, filed):
    rows = {
        row[_("Code")].value: row
        for row in records(workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[3])
    }
    first = rows["A1"][_("First submitted")]
    assert first.is_date and first.number_format == "dd/mm/yyyy hh:mm"
    assert first.value == datetime.datetime(2024, 12, 20, 23, 30)  # Vietnam time, not UTC
    assert rows["S1"][_("First submitted")].value == datetime.datetime(2024, 12, 21, 8, 0)
    assert rows["DB"][_("First submitted")].value is None


def test_figures_from_all_submitted_reports_follow_the_include_parameter(
    client, cast, campaign, filed
):
    response = download(client, cast, unit=filed["PV"].pk, include=ALL_SUBMITTED)
    cells = summary(workbook_of(response).worksheets[0])
    accepted = rollup(campaign, YEAR, filed["PV"], ACCEPTED_ONLY)["headline"]
    submitted = rollup(campaign, YEAR, filed["PV"], ALL_SUBMITTED)["headline"]
    assert (accepted["included"], submitted["included"]) == (3, 4)  # A2 is only submitted
    assert cells[_("Reports counted")].value == 4
    assert cells[_("Figures from")].value == _("all submitted reports")
    for code, total in submitted["totals"].items():
        assert cells[campaign.indicators.get(code=code).name].value == total


# --- readable sheets -----------------------------------------------------------------------------
def test_every_figure_in_the_breakdowns_is_a_number_with_a_count_or_rate_format(
    client, cast, campaign, filed
):
    workbook = workbook_of(download(client, cast, unit=filed["PV"].pk))
    for sheet, labels in [(workbook.worksheets[1], 1), (workbook.worksheets[2], 2)]:
        checked = 0
        for row in sheet.iter_rows(min_row=2, min_col=labels + 1):
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type == "n", (sheet.title, cell.coordinate, cell.value)
                assert cell.number_format in ("#,##0", "0.0%"), cell.coordinate
                checked += 1
        assert checked >= 3 * (len(COUNTS) + len(RATES))


def test_every_sheet_has_a_bold_frozen_header_row_and_sized_columns(client, cast, filed):
    workbook = workbook_of(download(client, cast, unit=filed["PV"].pk))
    assert [sheet.freeze_panes for sheet in workbook.worksheets] == ["A2", "B2", "B2", "B2"]
    for sheet in workbook.worksheets:
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        for column in range(1, sheet.max_column + 1):
            letter = openpyxl.utils.get_column_letter(column)
            width = sheet.column_dimensions[letter].width
            assert 8 <= width <= 50, (sheet.title, letter, width)
    units = workbook.worksheets[3]
    # The unit names are wider than their codes.
    assert units.column_dimensions["A"].width > units.column_dimensions["B"].width
    assert units.column_dimensions["A"].width >= len("LĐLĐ huyện A")


def test_sheet_names_and_headers_are_translated_at_run_time(client, cast, campaign, filed):
    workbook = workbook_of(download(client, cast, unit=filed["PV"].pk))
    # Already in the Vietnamese catalogue.
    assert workbook.sheetnames[1:3] == ["Theo loại đơn vị", "Theo đơn vị trực thuộc"]
    assert headers(workbook.worksheets[2])[:2] == ["Đơn vị", "Loại"]
    for sheet in workbook.worksheets:
        assert all(isinstance(h, str) and h.strip() for h in headers(sheet)), sheet.title
    data = rollup(campaign, YEAR, filed["PV"])
    with translation.override("en"):
        english = build_workbook(data, unit_rows(campaign, YEAR, filed["PV"], data), campaign)
    assert english.sheetnames == [
        "Summary",
        "By kind of unit",
        "By unit directly below",
        "Every unit",
    ]
    assert headers(english.worksheets[3])[:6] == [
        "Unit",
        "Code",
        "Kind",
        "Status",
        "Report status",
        "First submitted",
    ]
    assert headers(english.worksheets[0]) == ["Item", "Value", "Unit of measure"]


def test_sheet_titles_are_made_valid_for_excel_and_unique():
    taken = set()
    long = "Số liệu [2024]: quý I/II *tạm*? \\ rất dài, hơn ba mươi mốt ký tự"
    first = sheet_title(long, taken)
    second = sheet_title(long, taken)
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first + second)
    assert first.startswith("Số liệu 2024")
    assert second.endswith(" (2)") and second.casefold() != first.casefold()
    assert sheet_title("'Tổng hợp'", taken) == "Tổng hợp"
    assert sheet_title("TỔNG HỢP", taken) == "TỔNG HỢP (2)"  # Excel ignores case
    assert sheet_title("???", taken) == "Sheet"


# --- the download --------------------------------------------------------------------------------
def test_the_download_is_an_xlsx_attachment_named_after_campaign_year_and_unit(
    client, cast, campaign, filed
):
    # No unit asked for: the officer's own unit, as on the dashboard.
    response = download(client, cast, "officer_a", campaign=campaign.pk)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="test-campaign-2024-DA.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # Like every download: never rendered by the browser, nor kept in a shared cache.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    workbook = workbook_of(response)
    assert summary(workbook.worksheets[0])[_("Unit")].value == "LĐLĐ huyện A"
    assert [row[_("Code")].value for row in records(workbook.worksheets[3])] == ["DA", "A1", "A2"]


def test_an_anonymous_visitor_is_sent_to_sign_in(client, filed):
    url = reverse("reports:dashboard_excel")
    response = client.get(url, {"unit": filed["PV"].pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("outsider", "PV", 403),  # no role anywhere
        ("officer_b1", "A1", 404),  # another subtree
        ("reviewer_a", "PV", 404),  # above the user's subtree
        ("officer_a", "A1", 403),  # an officer sees only their own units
        ("officer_a", "DA", 200),
        ("officer_a1", "A1", 200),
        ("reviewer_a", "A1", 200),
        ("standing", "PV", 200),  # a viewer
        ("cspl", "DA", 200),
    ],
)
def test_the_export_follows_the_dashboards_access_rules(client, cast, filed, who, code, status):
    client.force_login(cast[who])
    params = {"year": YEAR, "unit": filed[code].pk}
    response = client.get(reverse("reports:dashboard_excel"), params)
    assert response.status_code == status
    assert client.get(reverse("reports:dashboard"), params).status_code == status
    if status == 200:
        assert response["Content-Disposition"].endswith(f'-{YEAR}-{code}.xlsx"')


@pytest.mark.parametrize("year", [2014, 2026])  # before the campaign; still to come
def test_a_year_the_dashboard_does_not_offer_is_not_found(client, cast, campaign, filed, year):
    client.force_login(cast["cspl"])
    params = {"year": year, "unit": filed["PV"].pk}
    assert client.get(reverse("reports:dashboard_excel"), params).status_code == 404
    assert client.get(reverse("reports:dashboard"), params).status_code == 404
    assert not Period.objects.filter(campaign=campaign, year=year).exists()


def test_the_dashboard_links_to_the_export_of_what_it_shows(client, cast, campaign, filed):
    client.force_login(cast["cspl"])
    response = client.get(
        reverse("reports:dashboard"),
        {"year": YEAR, "unit": filed["DA"].pk, "include": ALL_SUBMITTED},
    )
    link = (
        f"{reverse('reports:dashboard_excel')}?campaign={campaign.pk}&amp;year={YEAR}"
        f"&amp;include={ALL_SUBMITTED}&amp;unit={filed['DA'].pk}"
    )
    assert f'href="{link}"' in response.content.decode()


# --- queries -------------------------------------------------------------------------------------
@pytest.mark.parametrize("children", [10, 60])
def test_building_the_unit_sheet_costs_two_queries_whatever_the_number_of_units(
    tree, campaign, django_assert_num_queries, children
):
    district = UnitFactory.create(parent=tree["PV"], kind=Unit.Kind.DISTRICT, code="DX")
    for n in range(children):
        unit = child(district, f"X{n:02d}")
        if n % 3:
            status = S.ACCEPTED if n % 3 == 1 else S.DRAFT
            report(unit, campaign, status, ON_TIME, sessions=n, other_forms=f"Cách {n}")
    district = Unit.objects.get(pk=district.pk)
    data = rollup(campaign, YEAR, district)
    with django_assert_num_queries(2):
        workbook = build_workbook(data, unit_rows(campaign, YEAR, district, data), campaign)
    rows = list(workbook.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert len(rows) == children + 1
    sessions = headers(workbook.worksheets[3]).index(indicator_header("sessions", campaign))
    assert sum(row[sessions] or 0 for row in rows) == sum(n for n in range(children) if n % 3 == 1)
