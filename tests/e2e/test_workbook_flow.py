"""The annual reports of a commune union's grassroots unions, filled in offline in one Excel
workbook by the union's officer, in a real browser with the demo federation."""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaign import workbook_checks
from campaign.models import AnnualReport, Campaign, Status
from campaign.periods import report_year
from campaign.workbooks import FIRST_ROW
from units.models import Unit

pytestmark = pytest.mark.e2e


def fill_rows(path: Path, rows: dict, keys: list) -> None:
    """Set cells of the workbook at `path` (as the officer would in Excel): `rows` maps a
    sheet row number to {column key: value}."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    for row, values in rows.items():
        for key, value in values.items():
            sheet.cell(row, keys.index(key) + 1).value = value
    book.save(path)


def test_an_officer_files_two_grassroots_reports_from_one_workbook(
    demo, login, live_server, tmp_path
):
    campaign = Campaign.objects.get(slug="cchc-2015")
    year = report_year(campaign)
    # The figures typed here are not the demo's; its jump rules would only add warnings.
    campaign.plausibility_rules.all().delete()
    # Most of the demo's grassroots unions under the commune union of Châu Thành have filed
    # this year already; two of them have not.
    area = Unit.objects.get(code="VL-CT")
    unfiled = [
        unit
        for unit in Unit.objects.filter(
            path__startswith=area.path, kind=Unit.Kind.GRASSROOTS
        ).order_by("path")
        if unit.is_open and campaign.addresses(unit)
    ][:2]
    AnnualReport.objects.filter(unit__in=unfiled, campaign=campaign, year=year).delete()
    keys = workbook_checks.report_layout(
        campaign, year, workbook_checks.typed_indicators(campaign)
    ).keys

    # 1. The commune union's officer downloads the workbook of the units it files for.
    page = login("cb.chauthanh")
    page.get_by_role("link", name="Báo cáo năm", exact=True).click()
    with page.expect_download() as started:
        page.get_by_role("link", name="Tải mẫu Excel").first.click()
    path = tmp_path / started.value.suggested_filename
    started.value.save_as(path)
    assert path.suffix == ".xlsx"

    # 2. Two grassroots unions whose reports can still be written get a row each.
    sheet = load_workbook(BytesIO(path.read_bytes())).worksheets[0]
    open_rows = {
        row[0].value: row[0].row
        for row in sheet.iter_rows(min_row=FIRST_ROW)
        if row[2].value in ("Chưa lập", "Bản nháp")  # not locked
        and row[keys.index("results")].protection.locked is False
    }
    grassroots = sorted(
        (open_rows[unit.code], unit.code)
        for unit in Unit.objects.filter(code__in=open_rows, kind=Unit.Kind.GRASSROOTS)
    )
    assert len(grassroots) >= 2, open_rows
    (first_row, first_code), (second_row, second_code) = grassroots[:2]
    figures = {key: 3 for key in keys if key.startswith("value_")}
    filled = {
        "results": "Tổ chức 3 buổi tuyên truyền CCHC cho đoàn viên.",
        "self_assessment": "Khá",
        **figures,
    }
    participants = "value_participants"
    fill_rows(
        path,
        {
            first_row: filled,
            # One mistake: a figure typed as words.
            second_row: {**filled, participants: "ba mươi"},
        },
        keys,
    )

    # 3. The upload shows the preview with the one error, at its cell; nothing is saved.
    page.get_by_role("link", name="Nhập từ Excel").first.click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    errors = page.locator("#workbook-errors")
    expect(errors).to_contain_text("Tệp có 1 lỗi")
    # An alert already in the page as it loads is not read out: it takes the focus.
    expect(errors).to_be_focused()
    column = chr(ord("A") + keys.index(participants))
    expect(errors.locator("li")).to_have_count(1)
    expect(errors.locator("li")).to_contain_text(
        f"Trang Báo cáo, ô {column}{second_row} “Số lượt CNVCLĐ tham gia"
    )
    expect(page.get_by_role("button", name="Lưu dưới dạng bản nháp")).to_have_count(0)
    assert not AnnualReport.objects.filter(
        unit__code__in=[first_code, second_code],
        campaign=campaign,
        year=year,
        results=filled["results"],
    ).exists()

    # 4. The officer fixes the cell and uploads the file again, from the preview.
    fill_rows(path, {second_row: {participants: 30}}, keys)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator("#workbook-errors")).to_have_count(0)
    changes = page.locator(".workbook-change")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_contain_text(first_code)
    expect(changes.nth(1)).to_contain_text(second_code)

    # 5. Confirming saves both reports as drafts.
    page.get_by_role("button", name="Lưu dưới dạng bản nháp").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Đã lưu 2 báo cáo năm dưới dạng bản nháp."
    )
    for code, expected in ((first_code, 3), (second_code, 30)):
        report = AnnualReport.objects.get(unit__code=code, campaign=campaign, year=year)
        assert report.status == Status.DRAFT
        assert report.results == filled["results"]
        assert report.values.get(indicator__code="participants").int_value == expected
