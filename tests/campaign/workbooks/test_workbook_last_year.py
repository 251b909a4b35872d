"""The annual reports' template carries, on a read-only sheet beside the table, each unit's
own figures of the year before, as the report's form shows them under its inputs; an upload
never reads that sheet."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from campaign.models import AnnualReport, Indicator, IndicatorValue, Status
from campaign.workbooks import FIRST_ROW, HEADER_ROW, META_SHEET, NOTE_ROW
from tests.campaign.workbooks.helpers import (
    columns,
    confirm,
    download_reports,
    filed_report,
    fill,
    pending,
    upload_reports,
)
from tests.factories import CampaignFactory, UnitFactory
from units.reorganisations import reorganisation_apply

ROWS = ["DA", "A1", "A2", "A3", "A4"]  # the district's template, in the tree's order


@pytest.fixture
def units(tree, a1_without_officer):
    """The tree, district A with two more grassroots unions without an officer: the
    district's officer files for DA, A1, A2, A3 and A4."""
    more = {
        code: UnitFactory.create(tree["DA"], code=code, name=f"CĐCS {code}")
        for code in ("A3", "A4")
    }
    return {**tree, **more}


@pytest.fixture
def district(units):
    return units["DA"]


@pytest.fixture
def last_year(units, campaign, year):
    """Last year's reports of every kind the sheet must tell apart."""
    previous = year - 1
    filed_report(
        units["DA"],
        campaign,
        previous,
        Status.SUBMITTED,
        sessions=7,
        participants=300,
        other_forms="Pa nô",
    )
    filed_report(units["A1"], campaign, previous, Status.ACCEPTED, sessions=12, participants=None)
    filed_report(units["A2"], campaign, previous, Status.RETURNED, participants=1250)
    filed_report(units["A3"], campaign, previous, Status.DRAFT, sessions=5)  # never sent
    # A4 sent nothing last year: a report of the year before that, and one of another
    # campaign (with an indicator of the same code), are not last year's figures.
    filed_report(units["A4"], campaign, previous - 1, Status.ACCEPTED, sessions=8)
    other = CampaignFactory(issuer=units["PV"], slug="other-campaign")
    Indicator.objects.create(campaign=other, code="sessions", name="Số buổi", order=1)
    filed_report(units["A4"], other, previous, Status.SUBMITTED, sessions=999)
    # Outside the template, and this year's own figures: not on the reference sheet.
    filed_report(units["B1"], campaign, previous, Status.SUBMITTED, sessions=66)
    filed_report(units["A1"], campaign, year, Status.DRAFT, sessions=20)


def open_book(content):
    return load_workbook(BytesIO(content))


def reference_name(year):
    return f"Năm {year - 1} (tham khảo)"


def sheet_rows(sheet):
    return [row for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if any(row)]


def recount(campaign, year, codes):
    """Each unit's sent figures of `year - 1`, by unit code then indicator code, counted
    here from every stored figure (not through the portal's query)."""
    counted = {code: {} for code in codes}
    for value in IndicatorValue.objects.select_related("report__unit", "indicator"):
        report, indicator = value.report, value.indicator
        if (
            report.campaign_id == campaign.pk
            and report.year == year - 1
            and report.status != Status.DRAFT
            and indicator.kind == Indicator.Kind.INTEGER
            and report.unit.code in counted
        ):
            counted[report.unit.code][indicator.code] = value.int_value
    return counted


@pytest.mark.usefixtures("last_year")
def test_the_reference_sheet_holds_each_units_figures_sent_last_year(
    client, cast, campaign, year, district
):
    client.force_login(cast["officer_a"])
    book = open_book(download_reports(client, campaign, district, year))
    sheet = book[reference_name(year)]
    assert [cell.value for cell in sheet[HEADER_ROW]] == [
        "Mã đơn vị",
        "Đơn vị",
        "Số buổi tuyên truyền (buổi)",
        "Số lượt người tham dự (lượt)",
    ]  # no status, no text indicator, no narrative
    rows = sheet_rows(sheet)
    counted = recount(campaign, year, ROWS)
    assert [row[0] for row in rows] == ROWS
    assert [row[2:] for row in rows] == [
        (counted[code].get("sessions"), counted[code].get("participants")) for code in ROWS
    ]
    # The recount covers what it must: sent (submitted, accepted, returned) shown, a draft,
    # nothing sent, another year or campaign left blank.
    assert rows == [
        ("DA", "LĐLĐ huyện A", 7, 300),
        ("A1", "CĐCS A1", 12, None),
        ("A2", "CĐCS A2", None, 1250),
        ("A3", "CĐCS A3", None, None),
        ("A4", "CĐCS A4", None, None),
    ]
    # Level with the table: the same unit on the same row.
    table = book.worksheets[0]
    assert [table.cell(FIRST_ROW + i, 1).value for i in range(len(ROWS))] == ROWS


@pytest.mark.usefixtures("last_year")
def test_the_reference_sheet_follows_the_table_locked_and_says_it_is_not_read(
    client, cast, campaign, year, district
):
    client.force_login(cast["officer_a"])
    book = open_book(download_reports(client, campaign, district, year))
    assert book.sheetnames == ["Báo cáo", reference_name(year), "Chỉ tiêu", META_SHEET]
    sheet = book[reference_name(year)]
    assert sheet.sheet_state == "visible"
    assert sheet.protection.sheet and not sheet.protection.password
    assert all(cell.protection.locked for row in sheet.iter_rows() for cell in row)
    assert not sheet.data_validations.dataValidation
    assert sheet.cell(FIRST_ROW, 3).number_format == "#,##0"
    note = sheet.cell(NOTE_ROW, 1).value
    assert f"số liệu mỗi đơn vị đã gửi trong báo cáo năm {year - 1}" in note
    assert "không được đọc khi nhập từ Excel" in note
    assert "“Báo cáo”" in note


def test_the_campaigns_first_year_has_no_reference_sheet(client, cast, tree, campaign, year):
    campaign.first_year = year
    campaign.save(update_fields=["first_year"])
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    assert book.sheetnames == ["Báo cáo", "Chỉ tiêu", META_SHEET]


def test_a_campaign_without_whole_number_indicators_has_no_reference_sheet(
    client, cast, tree, campaign, year
):
    campaign.indicators.exclude(kind=Indicator.Kind.TEXT).delete()
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    assert reference_name(year) not in book.sheetnames


def typed_into_reference(content, year):
    """`content` with its reference sheet unprotected and typed over, as a user might."""
    book = open_book(content)
    sheet = book[reference_name(year)]
    sheet.protection.sheet = False
    sheet.cell(FIRST_ROW, 3).value = 99_999_999  # beyond any figure
    sheet.cell(FIRST_ROW + 1, 4).value = "=1/0"
    sheet.cell(HEADER_ROW, 3).value = "Cột khác"
    sheet.cell(FIRST_ROW + 10, 1).value = "X9"  # a unit of no template
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def without_reference(content, year):
    book = open_book(content)
    del book[reference_name(year)]
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.usefixtures("last_year")
@pytest.mark.parametrize(
    "change", [lambda content, year: content, typed_into_reference, without_reference]
)
def test_a_filled_template_uploads_as_before_whatever_its_reference_sheet_holds(
    client, cast, tree, campaign, year, district, change
):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, district, year)
    filled = fill(
        content,
        {
            "A2": {"value_sessions": 4, "results": "Bốn buổi.", "self_assessment": "Tốt"},
            "A1": {"value_participants": 800},
        },
        columns(campaign, year),
    )
    preview = pending(upload_reports(client, campaign, district, year, change(filled, year)))
    assert preview.preview["errors"] == []
    assert [group["title"] for group in preview.preview["changes"]] == [
        "A1 – CĐCS A1",
        "A2 – CĐCS A2",
    ]
    assert confirm(client, preview).status_code == 302

    def figures(unit):
        report = AnnualReport.objects.get(unit=unit, campaign=campaign, year=year)
        values = report.values.filter(indicator__kind=Indicator.Kind.INTEGER)
        return dict(values.values_list("indicator__code", "int_value"))

    assert figures(tree["A1"]) == {"sessions": 20, "participants": 800}
    assert figures(tree["A2"])["sessions"] == 4
    # Last year's reports are as they were.
    last = IndicatorValue.objects.filter(report__year=year - 1, report__unit=tree["DA"])
    assert last.get(indicator__code="sessions").int_value == 7


def test_a_merged_units_row_adds_up_its_predecessors_and_says_so(
    client, cast, campaign, year, units, reorganise, admin_user
):
    filed_report(units["A1"], campaign, year - 1, Status.ACCEPTED, sessions=12, participants=100)
    filed_report(units["A3"], campaign, year - 1, Status.SUBMITTED, sessions=5, participants=None)
    act = reorganise(
        datetime.date(year, 6, 1), {"action": "merge", "unit_code": "A3", "target_code": "A1"}
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    client.force_login(cast["officer_a"])
    book = open_book(download_reports(client, campaign, units["DA"], year))
    rows = {row[0]: row for row in sheet_rows(book[reference_name(year)])}
    counted = recount(campaign, year, ["A1", "A3"])
    assert "A3" not in rows  # closed: it files nothing this year
    assert rows["A1"][2:] == (counted["A1"]["sessions"] + counted["A3"]["sessions"], 100)
    assert rows["A1"][1] == (
        f"CĐCS A1 – Năm {year - 1}: số liệu cộng gộp, gồm số liệu của đơn vị và của: CĐCS A3 "
        "(đã sáp nhập vào đơn vị)."
    )
