"""A list's Excel file, written row by row (openpyxl's write-only mode), is laid out as a
table to filter and print: the filter over the whole table, its header on every printed
page, landscape and fitted to the page's width, a long text wrapped in a row tall enough,
and the sheet's size stated for readers that go by it."""

from io import BytesIO

from openpyxl import load_workbook

from tests.campaign.list_export_files import HEADER_ROW, download, rows_of, sheet_of
from tests.campaign.obstacle_data import raise_obstacle

LONG = "Chưa rõ cách tính số buổi tuyên truyền khi một buổi có nhiều đơn vị cùng tham dự"


def test_the_file_is_a_table_to_filter_and_print(client, tree, cast, campaign):
    raise_obstacle(tree["A1"], campaign, cast["officer_a1"], subject="Ngắn")
    raise_obstacle(tree["A1"], campaign, cast["officer_a1"], subject=LONG)
    response = download(client, cast["cspl"], "campaign:obstacle_list_excel")
    sheet = sheet_of(response)

    rows = rows_of(sheet)
    assert sorted(row["Tiêu đề"] for row in rows) == sorted(["Ngắn", LONG])
    last = HEADER_ROW + 2
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:I{last}"
    assert sheet.freeze_panes == f"B{HEADER_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # The subject's column is at most 50 wide: the long one wraps, in a row two lines high.
    assert sheet.column_dimensions["A"].width == 50
    (long_row,) = [n for n in range(HEADER_ROW + 1, last + 1) if sheet.cell(n, 1).value == LONG]
    assert sheet.cell(long_row, 1).alignment.wrap_text
    assert sheet.row_dimensions[long_row].height == 30
    assert all(cell.alignment.wrap_text for cell in sheet[HEADER_ROW])
    assert sheet.cell(1, 1).font.sz == 13 and sheet.cell(1, 1).font.b

    # Read as openpyxl's read-only mode reads a large file: every row as wide as the table.
    read = load_workbook(BytesIO(response.content), read_only=True).active
    assert read.max_row == last
    assert {len(row) for row in read.iter_rows(values_only=True)} == {9}
