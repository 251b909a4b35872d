"""Downloading an Excel template: who may, which rows it has, what it holds (current values,
validation, locked cells, signed metadata)."""

from io import BytesIO

import pytest
from django.core import signing
from django.urls import reverse
from openpyxl import load_workbook

from campaign.models import MAX_FIGURE, AnnualReport, IndicatorValue, Period, Status
from campaign.workbooks import FIRST_ROW, HEADER_ROW, META_SHEET, SIGNING_SALT
from tests.campaign.filings import make_plan
from tests.campaign.workbooks.helpers import (
    columns,
    download_reports,
    filed_report,
    reports_url,
)


def open_book(content):
    return load_workbook(BytesIO(content))


def table(book):
    sheet = book.worksheets[0]
    return [row for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if any(row)]


def metadata(book):
    sheet = book[META_SHEET]
    token = "".join(row[0] for row in sheet.iter_rows(max_col=1, values_only=True) if row[0])
    return signing.loads(token, salt=SIGNING_SALT)


def validation_of(sheet, cell):
    found = [v for v in sheet.data_validations.dataValidation if cell in v.sqref]
    assert len(found) == 1, f"{cell}: {len(found)} validations"
    return found[0]


@pytest.fixture
def report_a1(tree, campaign, year):
    report = AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Tổ chức 5 buổi tuyên truyền.\nLồng ghép vào sinh hoạt.",
        self_assessment=AnnualReport.Assessment.FAIR,
    )
    for code, number in (("sessions", 5), ("participants", 1250)):
        IndicatorValue.objects.create(
            report=report, indicator=campaign.indicators.get(code=code), int_value=number
        )
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="other_forms"), text_value="=Pa nô"
    )
    return report


@pytest.mark.usefixtures("a1_without_officer")
def test_a_district_officer_gets_one_row_per_unit_it_files_for(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    book = open_book(download_reports(client, campaign, tree["DA"], year))
    assert [row[:3] for row in table(book)] == [
        ("DA", "LĐLĐ huyện A", "Chưa lập"),
        ("A1", "CĐCS A1", "Chưa lập"),
        ("A2", "CĐCS A2", "Chưa lập"),
    ]
    meta = metadata(book)
    assert meta["kind"] == "reports"
    assert (meta["campaign"], meta["year"], meta["unit"]) == (campaign.pk, year, tree["DA"].pk)
    assert meta["units"] == [tree[code].pk for code in ("DA", "A1", "A2")]
    assert meta["version"] == 1


@pytest.mark.usefixtures("a1_without_officer")
def test_the_template_holds_the_units_current_values(client, tree, cast, campaign, year, report_a1):
    client.force_login(cast["officer_a"])
    book = open_book(download_reports(client, campaign, tree["DA"], year))
    by_key = columns(campaign, year)
    row = next(row for row in table(book) if row[0] == "A1")
    assert row[by_key["status"] - 1] == "Bản nháp"
    assert row[by_key["value_sessions"] - 1] == 5
    assert row[by_key["value_participants"] - 1] == 1250
    assert row[by_key["results"] - 1] == report_a1.results
    assert row[by_key["self_assessment"] - 1] == "Khá"
    sheet = book.worksheets[0]
    # A text that starts with "=" is written as a text, never as a formula.
    other = sheet.cell(FIRST_ROW + 1, by_key["value_other_forms"])
    assert (other.value, other.data_type) == ("=Pa nô", "s")


def test_headers_name_the_indicators_with_their_unit_and_help(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    sheet = book.worksheets[0]
    by_key = columns(campaign, year)
    sessions = sheet.cell(HEADER_ROW, by_key["value_sessions"])
    assert sessions.value == "Số buổi tuyên truyền (buổi)"
    assert "lồng ghép vào sinh hoạt công đoàn" in sessions.comment.text
    assert sheet.cell(HEADER_ROW, by_key["results"]).value == "Kết quả"
    guide = book["Chỉ tiêu"]
    assert ("sessions", "Số buổi tuyên truyền", "buổi") in [
        row[:3] for row in guide.iter_rows(values_only=True)
    ]


def test_cells_are_validated_as_the_form_validates_them(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    sheet = book.worksheets[0]
    letters = {key: sheet.cell(1, n).column_letter for key, n in columns(campaign, year).items()}
    figure = validation_of(sheet, f"{letters['value_sessions']}{FIRST_ROW}")
    assert (figure.type, figure.formula1, figure.formula2) == ("whole", "0", str(MAX_FIGURE))
    assert figure.showErrorMessage
    assert "lồng ghép" in figure.prompt  # the indicator's help text
    text = validation_of(sheet, f"{letters['value_other_forms']}{FIRST_ROW}")
    assert (text.type, text.formula1) == ("textLength", "2000")
    assessment = validation_of(sheet, f"{letters['self_assessment']}{FIRST_ROW}")
    assert assessment.type == "list"
    sheet_name, cells = assessment.formula1.lstrip("=").split("!")
    listed = [row[0] for row in book[sheet_name.strip("'")][cells.replace("$", "")]]
    assert [cell.value for cell in listed] == ["Tốt", "Khá", "Trung bình", "Yếu"]


def test_fixed_cells_are_locked_and_the_rest_open(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    sheet = book.worksheets[0]
    by_key = columns(campaign, year)
    assert sheet.protection.sheet
    for key in ("code", "name", "status"):
        assert sheet.cell(FIRST_ROW, by_key[key]).protection.locked, key
    for key in ("value_sessions", "results", "self_assessment"):
        assert not sheet.cell(FIRST_ROW, by_key[key]).protection.locked, key
    assert sheet.cell(HEADER_ROW, 1).protection.locked
    assert book[META_SHEET].sheet_state == "veryHidden"
    assert book[META_SHEET].protection.sheet


def test_a_submitted_report_is_written_locked(client, tree, cast, campaign, year, report_a1):
    AnnualReport.objects.filter(pk=report_a1.pk).update(status=Status.SUBMITTED)
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    sheet = book.worksheets[0]
    assert table(book)[0][2] == "Đã gửi (đã khóa)"
    assert all(cell.protection.locked for cell in sheet[FIRST_ROW])


@pytest.mark.parametrize(
    ("user", "unit", "status"),
    [
        ("officer_a1", "DA", 404),  # an upper unit: outside what the officer sees
        ("officer_b1", "A1", 404),  # another district
        ("reviewer_a", "A1", 403),  # sees it, does not file for it
        ("outsider", "A1", 404),
    ],
)
def test_only_officers_who_file_for_the_unit_may_download(
    client, tree, cast, campaign, year, user, unit, status
):
    client.force_login(cast[user])
    response = client.get(reports_url("download", campaign, tree[unit], year))
    assert response.status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, tree, campaign, year):
    response = client.get(reports_url("download", campaign, tree["A1"], year))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_a_year_outside_the_campaign_is_not_found(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    assert client.get(reports_url("download", campaign, tree["A1"], 2014)).status_code == 404


def test_the_download_is_an_xlsx_attachment_never_cached(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a1"])
    response = client.get(reports_url("download", campaign, tree["A1"], year))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.usefixtures("a1_without_officer")
def test_the_download_costs_a_fixed_number_of_queries(
    client, tree, cast, campaign, year, report_a1, django_assert_max_num_queries
):
    # Every row's unit sent figures last year: read in fixed queries, not one per unit.
    for code in ("DA", "A1", "A2"):
        filed_report(tree[code], campaign, year - 1, Status.ACCEPTED, sessions=3)
    client.force_login(cast["officer_a"])
    download_reports(client, campaign, tree["DA"], year)  # the period is created once
    # Session and user (2), memberships (1), the unit (1), the campaign (1), the period (1),
    # the units (1), the reports and their values (2), the indicators (1), the units merged
    # into the rows' units in the year (1), the units' figures of last year (1).
    with django_assert_max_num_queries(13):
        download_reports(client, campaign, tree["DA"], year)


def test_the_plan_template_lists_its_activities_and_room_for_more(client, tree, cast, campaign):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:workbook_plan_download", args=[plan.pk]))
    assert response.status_code == 200
    book = open_book(response.content)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers[:5] == ["Mã hoạt động", "Hình thức", "1", "2", "2.1"]
    rows = table(book)
    activities = list(plan.activities.order_by("pk"))
    assert [row[0] for row in rows] == [activity.pk for activity in activities]
    # make_plan covers the first two content items in sort order: 1 and 2.
    assert rows[0][1:5] == ("Hội nghị", "x", "x", None)
    method = validation_of(sheet, f"B{FIRST_ROW + 50}")
    assert method.type == "list"
    assert validation_of(sheet, f"C{FIRST_ROW + 99}").type == "list"
    # Room for the most activities a plan may have (100), no more.
    assert not any(
        v for v in sheet.data_validations.dataValidation if f"B{FIRST_ROW + 100}" in v.sqref
    )
    assert not sheet.cell(FIRST_ROW + 50, 2).protection.locked
    assert sheet.cell(FIRST_ROW, 1).protection.locked
    assert metadata(book)["plan"] == plan.pk


def test_another_units_plan_template_is_not_found(client, tree, cast, campaign):
    plan = make_plan(tree["B1"], campaign, cast["officer_b1"])
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:workbook_plan_download", args=[plan.pk]))
    assert response.status_code == 404


def test_characters_a_spreadsheet_cannot_hold_are_left_out(client, tree, cast, campaign, year):
    # The form accepts U+FFFE and U+FFFF, which XML (and so an .xlsx) cannot carry.
    AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Kết quả\ufffe tốt\uffff.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )
    client.force_login(cast["officer_a1"])
    book = open_book(download_reports(client, campaign, tree["A1"], year))
    assert table(book)[0][columns(campaign, year)["results"] - 1] == "Kết quả tốt."
