"""The Excel export of the dashboard: the rollup's figures as numeric cells, checked
against the counting rule recounted in plain Python (recount.py's `recount`), coverage
beside every total, an empty cell (never 0) for a total with nothing included, every unit's
category and the figures of its included report, the texts listed, readable sheets, the
dashboard's access rules, and a fixed number of queries whatever the number of units."""

import datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaign.models import AnnualReport, Indicator, IndicatorValue, Period, Status
from reports.excel import build_workbook, sheet_title
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED, rollup, unit_rows
from tests.factories import UnitFactory
from tests.reports.excel_export import (
    FILED,
    ON_TIME,
    YEAR,
    download,
    excel_campaign,
    file_reports,
    headers,
    records,
    report,
    summary,
    workbook_of,
)
from tests.reports.recount import INTEGER_CODES, child, records_of, recount
from units.models import Unit

# Rollups are cached under the data version, which rolled-back test data never moves. Today
# is 10/01/2025, 09:00 in Viet Nam (world_clock): after the due date of YEAR, before its lock
# date.
pytestmark = pytest.mark.usefixtures("fresh_cache", "world_clock")

S = Status
D = datetime.date
EXPECTED_CODES = ["DA", "A1", "A2", "DB", "B1", "SE", "S1"]  # tree order; PV is not addressed
COUNTS = [
    ("Expected", "expected"),
    ("Reports submitted", "submitted"),
    ("On time", "on_time"),
    ("Late", "late"),
    ("Returned", "returned"),
    ("Missing", "missing"),
    ("Units included", "included"),
    ("Reports summed", "reports"),
]
RATES = [("Reporting rate", "rate"), ("On-time rate", "on_time_rate"), ("Coverage", "coverage")]
MARK = "✓"


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    return excel_campaign(tree)


@pytest.fixture
def filed(tree, campaign):
    """Reports in every state across the tree, and units that must not be listed."""
    return file_reports(tree, campaign)


def recounted(filed, campaign, top="PV", include=ACCEPTED_ONLY, reports=FILED):
    """The counting rule over excel_export.FILED, recounted. Not recount.py's `recounted`,
    which reads summaries.FILED (late or not) on the tree's units: this one reads the exact
    times of first submission, on the units file_reports made (A6 and IZ too)."""
    return recount(records_of(filed, reports), top, include, campaign.addressed_kinds)


def lines(sheet):
    """The summary sheet as {label: [every cell's value]}."""
    return {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}


def indicator_header(code, campaign):
    indicator = campaign.indicators.get(code=code)
    if indicator.unit_of_measure:
        return f"{indicator.name} ({indicator.unit_of_measure})"
    return indicator.name


def assert_figures(cells, figures, campaign):
    """A breakdown row's cells hold the counts, rates, coverage and totals of `figures` (a
    recount's dict), as numbers; a total with nothing included is an empty cell."""
    for label, key in COUNTS:
        cell = cells[_(label)]
        assert (cell.value, cell.data_type, cell.number_format) == (figures[key], "n", "#,##0")
    for label, key in RATES:
        cell = cells[_(label)]
        if figures[key] is None:
            assert cell.value is None
            continue
        assert cell.value == pytest.approx(figures[key] / 100)
        assert (cell.data_type, cell.number_format) == ("n", "0.0%")
    for code, total in figures["totals"].items():
        cell = cells[indicator_header(code, campaign)]
        if total is None:
            assert cell.value is None, code  # nothing included: empty, never 0
        else:
            assert (cell.value, cell.data_type) == (total, "n")


# --- the figures ---------------------------------------------------------------------------------
def test_the_summary_sheet_gives_the_headline_figures_as_numeric_cells(
    client, cast, campaign, filed
):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[0]
    headline = recounted(filed, campaign)["headline"]
    # Hand-counted: 7 units expected; DA and A1 on time (23:30 local on the due day), A2 and
    # S1 late, B1 returned, DB and SE (a draft) missing; DA, A1 and S1 accepted. Summed: the
    # accepted reports of every unit of the area, A6 (closed) and IZ (not addressed) too.
    assert (headline["expected"], headline["on_time"], headline["late"]) == (7, 2, 2)
    assert (headline["returned"], headline["missing"], headline["included"]) == (1, 2, 3)
    assert headline["reports"] == 5
    assert headline["totals"] == {"sessions": 20 + 10 + 7 + 300 + 400, "participants": 8820}
    cells = summary(sheet)
    for label, key in [("Units expected", "expected"), *COUNTS[1:]]:
        cell = cells[_(label)]
        assert (cell.value, cell.data_type, cell.number_format) == (headline[key], "n", "#,##0")
    for label, key in RATES:
        cell = cells[_(label)]
        assert cell.value == pytest.approx(headline[key] / 100)
        assert (cell.data_type, cell.number_format) == ("n", "0.0%")
    assert cells[_("Reporting rate")].value == pytest.approx(0.571)  # 4 of 7
    assert cells[_("Coverage")].value == pytest.approx(0.429)  # 3 of 7
    for code, total in headline["totals"].items():
        cell = cells[campaign.indicators.get(code=code).name]
        assert (cell.value, cell.data_type, cell.number_format) == (total, "n", "#,##0")
    assert cells[_("Year")].value == YEAR and cells[_("Year")].number_format == "0"
    assert cells[_("Unit")].value == filed["PV"].name
    assert cells[_("Campaign")].value == f"{campaign.number} – {campaign.title}"
    assert cells[_("Figures from")].value == capfirst(_("accepted reports"))


def test_the_coverage_stands_beside_every_total_of_the_summary_sheet(client, cast, campaign, filed):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[0]
    assert headers(sheet) == [
        _("Item"),
        capfirst(_("value")),
        capfirst(_("unit of measure")),
        _("Coverage"),
    ]
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    coverage = _("%(included)s of %(expected)s units included; reports summed: %(reports)s") % {
        "included": 3,
        "expected": 7,
        "reports": 5,
    }
    for code in INTEGER_CODES:
        indicator = campaign.indicators.get(code=code)
        assert rows[indicator.name][2:] == [indicator.unit_of_measure, coverage]


def test_a_total_with_nothing_included_is_an_empty_cell_never_zero(client, cast, campaign, filed):
    # District B: B1's report was returned, DB filed nothing.
    workbook = workbook_of(download(client, cast, unit=filed["DB"].pk))
    figures = recounted(filed, campaign, top="DB")["headline"]
    assert (figures["expected"], figures["reports"], figures["totals"]["sessions"]) == (2, 0, None)
    rows = {
        row[0].value: [cell.value for cell in row]
        for row in workbook.worksheets[0].iter_rows(min_row=2)
    }
    for code in INTEGER_CODES:
        name = campaign.indicators.get(code=code).name
        assert rows[name][1] is None
        assert rows[name][3] == _("No report is included yet: there is no total to show.")
    assert rows[_("Reports summed")][1] == 0
    # By kind (district, grassroots), by unit below (DB's own report, B1).
    for sheet in workbook.worksheets[1:3]:
        rows = records(sheet)
        assert len(rows) == 2, sheet.title
        for row in rows:
            for code in INTEGER_CODES:
                assert row[indicator_header(code, campaign)].value is None, sheet.title


def test_each_kind_of_unit_row_gives_the_recounted_figures(client, cast, campaign, filed):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[1]
    by_kind = recounted(filed, campaign)["by_kind"]
    rows = records(sheet)
    kinds = dict(Unit.Kind.choices)
    assert [row[_("Kind")].value for row in rows] == [str(kinds[k["kind"]]) for k in by_kind]
    # The industrial-zone union is not expected, but its accepted report is summed.
    assert [row[_("Kind")].value for row in rows] == [
        str(kinds[Unit.Kind.DISTRICT]),
        str(kinds[Unit.Kind.SECTOR]),
        str(kinds[Unit.Kind.INDUSTRIAL_ZONE]),
        str(kinds[Unit.Kind.GRASSROOTS]),
    ]
    for cells, figures in zip(rows, by_kind, strict=True):
        assert_figures(cells, figures, campaign)
    grassroots = rows[3]
    assert (grassroots[_("Expected")].value, grassroots[_("Late")].value) == (4, 2)
    assert grassroots[indicator_header("sessions", campaign)].value == 10 + 7 + 300


def test_each_unit_below_row_gives_its_areas_total_and_coverage_and_its_own_report_apart(
    client, cast, campaign, filed
):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[2]
    by_child = recounted(filed, campaign)["by_child"]
    rows = records(sheet)
    assert [row[_("Unit")].value for row in rows] == ["LĐLĐ huyện A", "LĐLĐ huyện B", "CĐ ngành S"]
    for cells, figures in zip(rows, by_child, strict=True):
        assert_figures(cells, figures, campaign)
    district_a, district_b, sector = rows
    assert district_a[_("Expected")].value == 3  # DA, A1, A2
    assert district_a[indicator_header("sessions", campaign)].value == 20 + 10 + 300 + 400
    own = _("Own report")
    below = capfirst(_("figures of the units below only"))
    assert [row[own].value for row in rows] == [_("On time"), _("Missing"), _("Missing")]
    # The sector union's own report is a draft: its area's figures are S1's only.
    assert [row[below].value for row in rows] == [None, None, MARK]
    assert sector[indicator_header("participants", campaign)].value == 70
    assert district_b[indicator_header("participants", campaign)].value is None


def test_a_district_whose_own_report_is_missing_shows_its_grassroots_units_figures(
    client, cast, campaign, tree
):
    # District B files nothing; its grassroots union's report is accepted.
    reports = {"B1": (S.ACCEPTED, ON_TIME, {"sessions": 4, "participants": 44})}
    report(tree["B1"], campaign, S.ACCEPTED, ON_TIME, sessions=4, participants=44)
    figures = recount(records_of(tree, reports), "PV", ACCEPTED_ONLY, campaign.addressed_kinds)
    (district_b,) = [row for row in figures["by_child"] if row["code"] == "DB"]
    assert district_b["totals"] == {"sessions": 4, "participants": 44}
    assert (district_b["own"], district_b["from_below"]) == ("missing", True)
    rows = {
        row[_("Unit")].value: row
        for row in records(workbook_of(download(client, cast, unit=tree["PV"].pk)).worksheets[2])
    }
    row = rows["LĐLĐ huyện B"]
    assert_figures(row, district_b, campaign)
    assert row[_("Own report")].value == _("Missing")
    assert row[capfirst(_("figures of the units below only"))].value == MARK
    assert (row[_("Units included")].value, row[_("Expected")].value) == (1, 2)
    # Its own dashboard export says the same of its headline.
    cells = summary(workbook_of(download(client, cast, unit=tree["DB"].pk)).worksheets[0])
    assert cells[campaign.indicators.get(code="participants").name].value == 44


def test_a_unit_that_reports_itself_has_a_row_for_its_own_report(client, cast, campaign, filed):
    sheet = workbook_of(download(client, cast, "reviewer_a", unit=filed["DA"].pk)).worksheets[2]
    by_child = recounted(filed, campaign, top="DA")["by_child"]
    rows = records(sheet)
    # A6 (closed) and IZ (not addressed) are not expected, but their reports are summed; A6
    # is marked as closed by the cut-off, as the page marks it.
    assert [row[_("Unit")].value for row in rows] == [
        capfirst(_("the unit itself")),
        "CĐCS A1",
        "CĐCS A2",
        f"{filed['A6'].name} ({_('closed by then')})",
        filed["IZ"].name,
    ]
    for cells, figures in zip(rows, by_child, strict=True):
        assert_figures(cells, figures, campaign)
    assert rows[0][indicator_header("sessions", campaign)].value == 20
    assert [row[_("Own report")].value for row in rows[:3]] == [
        _("On time"),
        _("On time"),
        _("Late"),
    ]
    # Not expected to file, yet filed, and included: said so, not "does not file".
    assert [row[_("Own report")].value for row in rows[3:]] == [capfirst(_("included"))] * 2
    assert [row[_("Units included")].value for row in rows[3:]] == [0, 0]
    assert [row[_("Reports summed")].value for row in rows[3:]] == [1, 1]


@pytest.mark.parametrize("include", [ACCEPTED_ONLY, ALL_SUBMITTED])
@pytest.mark.parametrize("code", ["PV", "DA", "SE"])
def test_the_workbook_gives_the_rollups_figures_for_the_same_unit_and_inclusion(
    client, cast, campaign, filed, code, include
):
    """The same campaign, year, unit and inclusion: the export's cells are the rollup's,
    and both are the recount's."""
    result = rollup(campaign, YEAR, filed[code], include)
    expected = recounted(filed, campaign, top=code, include=include)
    workbook = workbook_of(download(client, cast, unit=filed[code].pk, include=include))
    cells = summary(workbook.worksheets[0])
    headline = result.headline
    for label, key in [("Units expected", "expected"), *COUNTS[1:]]:
        assert cells[_(label)].value == getattr(headline, key) == expected["headline"][key]
    for i in result.integer_indicators:
        total = headline.totals[i.code]
        assert total == expected["headline"]["totals"][i.code]
        assert cells[i.name].value == total
    rows = records(workbook.worksheets[2])
    assert len(rows) == len(result.by_child) == len(expected["by_child"])
    for cells, row, wanted in zip(rows, result.by_child, expected["by_child"], strict=True):
        assert row.unit_id == filed[wanted["code"]].pk
        assert_figures(cells, wanted, campaign)
        for label, key in COUNTS:
            assert cells[_(label)].value == getattr(row, key)
        for i in result.integer_indicators:
            assert cells[indicator_header(i.code, campaign)].value == row.totals[i.code]


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


def test_the_unit_sheet_lists_every_expected_unit_with_its_category_and_included_figures(
    client, cast, campaign, filed
):
    sheet = workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[3]
    rows = {row[_("Code")].value: row for row in records(sheet)}
    # Closed before the cut-off (A6) or not addressed (IZ): listed after the expected units
    # of their district, because their accepted reports are summed; PV (not addressed, no
    # report) is not listed.
    assert list(rows) == ["DA", "A1", "A2", "A6", "IZ", "DB", "B1", "SE", "S1"]
    categories = {
        "DA": "On time",
        "A1": "On time",
        "A2": "Late",
        "DB": "Missing",
        "B1": "Returned",
        "SE": "Missing",
        "S1": "Late",
        "A6": "does not file",
        "IZ": "does not file",
    }
    assert {code: row[_("Status")].value for code, row in rows.items()} == {
        code: capfirst(_(label)) for code, label in categories.items()
    }
    stored = {r.unit.code: r for r in AnnualReport.objects.select_related("unit")}
    for code, row in rows.items():
        unit_report = stored.get(code)
        # Closed before the cut-off: marked, as on the sheet of units below.
        closed = f" ({_('closed by then')})" if code == "A6" else ""
        assert row[_("Unit")].value == filed[code].name + closed
        assert row[_("Report status")].value == (
            unit_report.get_status_display() if unit_report else None
        )
        # Accepted only: the figures of an included report, none of any other.
        status = FILED.get(code, (None,))[0]
        included = status == S.ACCEPTED
        assert row[_("Included in the totals")].value == (MARK if included else None)
        figures = FILED[code][2] if included else {}
        for indicator in campaign.indicators.all():
            cell = row[indicator_header(indicator.code, campaign)]
            assert cell.value == figures.get(indicator.code), (code, indicator.code)
            if indicator.kind == Indicator.Kind.INTEGER and cell.value is not None:
                assert (cell.data_type, cell.number_format) == ("n", "#,##0")
    assert rows["A1"][indicator_header("participants", campaign)].value == 1250
    assert rows["A1"][indicator_header("other_forms", campaign)].value == "Pa nô"


def test_the_figures_of_a_report_not_included_are_left_out_of_the_unit_sheet(
    client, cast, campaign, filed
):
    rows = {
        row[_("Code")].value: row
        for row in records(workbook_of(download(client, cast, unit=filed["PV"].pk)).worksheets[3])
    }
    assert IndicatorValue.objects.filter(report__unit=filed["SE"], int_value=99).exists()
    # A draft, a returned report, and (accepted only) a report awaiting review.
    for code in ("SE", "B1", "A2"):
        assert rows[code][indicator_header("sessions", campaign)].value is None, code
        assert rows[code][_("Included in the totals")].value is None, code
    assert rows["SE"][indicator_header("other_forms", campaign)].value is None
    assert rows["SE"][_("Report status")].value == _("Draft")
    submitted = {
        row[_("Code")].value: row
        for row in records(
            workbook_of(
                download(client, cast, unit=filed["PV"].pk, include=ALL_SUBMITTED)
            ).worksheets[3]
        )
    }
    assert submitted["A2"][indicator_header("sessions", campaign)].value == 5
    assert submitted["A2"][_("Included in the totals")].value == MARK
    assert submitted["B1"][indicator_header("sessions", campaign)].value is None


def test_the_texts_of_the_included_reports_are_listed_with_their_unit(
    client, cast, campaign, filed
):
    workbook = workbook_of(download(client, cast, unit=filed["PV"].pk))
    assert workbook.sheetnames[4] == _("Texts reported")
    listed = [[cell.value for cell in row] for row in workbook.worksheets[4].iter_rows(min_row=2)]
    other_forms = campaign.indicators.get(code="other_forms").name
    # The draft's text is not listed: only the included reports' (here A1's).
    assert listed == [[filed["A1"].name, "A1", other_forms, "Pa nô"]]


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
    accepted = recounted(filed, campaign, include=ACCEPTED_ONLY)["headline"]
    submitted = recounted(filed, campaign, include=ALL_SUBMITTED)["headline"]
    assert (accepted["included"], submitted["included"]) == (3, 4)  # A2 is only submitted
    assert (accepted["reports"], submitted["reports"]) == (5, 6)
    assert cells[_("Units included")].value == 4
    assert cells[_("Reports summed")].value == 6
    assert cells[_("Figures from")].value == capfirst(_("all submitted reports"))
    assert submitted["totals"]["sessions"] == accepted["totals"]["sessions"] + 5
    for code, total in submitted["totals"].items():
        assert cells[campaign.indicators.get(code=code).name].value == total


# --- readable sheets -----------------------------------------------------------------------------
def test_every_figure_in_the_breakdowns_is_a_number_with_a_count_or_rate_format(
    client, cast, campaign, filed
):
    workbook = workbook_of(download(client, cast, unit=filed["PV"].pk))
    # The by-child sheet's own report and mark are labels; its figures start at column 5.
    for sheet, labels in [(workbook.worksheets[1], 1), (workbook.worksheets[2], 4)]:
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
    assert [sheet.freeze_panes for sheet in workbook.worksheets] == [
        "A2",  # the summary
        "B2",  # by kind
        "B2",  # by unit below
        "B2",  # every unit
        "B2",  # texts reported
        "B2",  # over the years
        "C2",  # content covered: the item's number and title
        "B2",  # obstacles open
    ]
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
    result = rollup(campaign, YEAR, filed["PV"])
    units = unit_rows(campaign, filed["PV"], result, with_values=True)
    with translation.override("en"):
        english = build_workbook(result, units, campaign)
    assert english.sheetnames == [
        "Summary",
        "By kind of unit",
        "By unit directly below",
        "Every unit",
        "Texts reported",
        "Over the years",
        "Content covered",
    ]
    assert headers(english.worksheets[3])[:7] == [
        "Unit",
        "Code",
        "Kind",
        "Status",
        "Report status",
        "First submitted",
        "Included in the totals",
    ]
    assert headers(english.worksheets[2])[:4] == [
        "Unit",
        "Kind",
        "Own report",
        "Figures of the units below only",
    ]
    assert headers(english.worksheets[0]) == ["Item", "Value", "Unit of measure", "Coverage"]


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
    codes = [row[_("Code")].value for row in records(workbook.worksheets[3])]
    assert codes == ["DA", "A1", "A2", "A6", "IZ"]


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


@pytest.mark.parametrize(
    ("year", "reason"),
    [
        (2014, "Kế hoạch thực hiện từ năm 2015; không có báo cáo cho năm 2014."),
        (2026, "Năm 2026 chưa bắt đầu: chưa có số liệu nào để tổng hợp."),
    ],
)
def test_a_year_the_dashboard_does_not_offer_is_not_exported_and_says_why(
    client, cast, campaign, filed, year, reason
):
    # The reason used to stop at the 404 page, which said only "page not found".
    client.force_login(cast["cspl"])
    params = {"year": year, "unit": filed["PV"].pk}
    with translation.override("vi"):
        response = client.get(reverse("reports:dashboard_excel"), params)
        page = client.get(reverse("reports:dashboard"), params, follow=True)
    assert response.status_code == 404
    assert reason in response.content.decode()
    # The page opens on the year being reported on (the clock's), and says why.
    assert page.status_code == 200 and page.context["year"] == YEAR
    assert [str(message) for message in page.context["messages"]] == [
        f"{reason} Đang hiển thị năm {YEAR}."
    ]
    assert not Period.objects.filter(campaign=campaign, year=year).exists()


def test_a_404_without_a_reason_written_for_people_shows_the_general_one(client, cast):
    # get_object_or_404's "No SummaryReport matches the given query." is not for the page.
    client.force_login(cast["cspl"])
    response = client.get(reverse("reports:summary_detail", args=[999_999]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "matches the given query" not in page and "Không tìm thấy trang" in page


def test_the_dashboard_links_to_the_export_of_what_it_shows(client, cast, campaign, filed):
    client.force_login(cast["cspl"])
    response = client.get(
        reverse("reports:dashboard"),
        {"year": YEAR, "unit": filed["DA"].pk, "include": ALL_SUBMITTED, "tree": "today"},
    )
    link = (
        f"{reverse('reports:dashboard_excel')}?campaign={campaign.pk}&amp;year={YEAR}"
        f"&amp;include={ALL_SUBMITTED}&amp;tree=today&amp;unit={filed['DA'].pk}"
    )
    assert f'href="{link}"' in response.content.decode()


# --- queries -------------------------------------------------------------------------------------
@pytest.mark.parametrize("children", [10, 60])
def test_building_the_unit_sheet_costs_one_query_whatever_the_number_of_units(
    tree, campaign, django_assert_num_queries, children
):
    district = UnitFactory.create(parent=tree["PV"], kind=Unit.Kind.DISTRICT, code="DX")
    for n in range(children):
        unit = child(district, f"X{n:02d}")
        if n % 3:
            status = S.ACCEPTED if n % 3 == 1 else S.DRAFT
            report(unit, campaign, status, ON_TIME, sessions=n, other_forms=f"Cách {n}")
    district = Unit.objects.get(pk=district.pk)
    result = rollup(campaign, YEAR, district)
    with django_assert_num_queries(1):
        units = unit_rows(campaign, district, result, with_values=True)
        workbook = build_workbook(result, units, campaign)
    rows = list(workbook.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert len(rows) == children + 1
    sessions = headers(workbook.worksheets[3]).index(indicator_header("sessions", campaign))
    accepted = [n for n in range(children) if n % 3 == 1]
    assert sum(row[sessions] or 0 for row in rows) == sum(accepted)
    # The units' figures add up to the area's total: each report holds its own figures.
    assert summary(workbook.worksheets[0])[campaign.indicators.get(code="sessions").name].value == (
        sum(accepted)
    )
    texts = list(workbook.worksheets[4].iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in texts] == [f"Cách {n}" for n in accepted]
