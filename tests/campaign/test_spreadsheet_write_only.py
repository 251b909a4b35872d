"""`write_table` writes the same table to a write-only sheet (streamed, as the downloads
write theirs) as to a normal one: values and their types, styles, widths, heights, frozen
panes, filter and page setup, read back with openpyxl."""

import datetime
from io import BytesIO

from openpyxl import Workbook, load_workbook

from campaign.spreadsheets import DATE, DATETIME, RATE, YEAR, V, write_table

HEADERS = ["Đơn vị", "Năm", "Ngày gửi", "Hạn", "Tỷ lệ", "Số buổi", "Ghi chú", "Trống"]
ROWS = [
    [
        V("LĐLĐ huyện A", indent=0),
        V(2025, YEAR),
        V(datetime.datetime(2025, 12, 1, 9, 30), DATETIME),
        V(datetime.date(2025, 12, 31), DATE),
        V(0.875, RATE),
        V(12),
        V('=HYPERLINK("http://example.com")'),
        V(None),
    ],
    [
        V("CĐCS Trường Tiểu học Nguyễn Văn Trỗi, xã Tân Thạch, huyện Châu Thành", indent=1),
        V(2025, YEAR),
        V(None, DATETIME),
        V(datetime.date(2026, 1, 5)),
        V(None, RATE),
        V(0),
        V("#N/A"),
        V(None, indent=1),
    ],
    [V("#"), V(2024, YEAR), V(None), V(None), V(1.0, RATE), V(-3), V("dòng 1\ndòng 2"), V("x")],
]
ABOVE = [[V("Danh sách")], [V("Bộ lọc: không lọc")]]


def written(write_only):
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    sheet = workbook.create_sheet("Bảng")
    write_table(sheet, HEADERS, iter(ROWS), freeze_column="B", above=ABOVE)
    buffer = BytesIO()
    workbook.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue())).active


def layout(sheet):
    cells = [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            cell.number_format,
            cell.font.b,
            cell.font.sz,
            cell.alignment.wrap_text,
            cell.alignment.indent,
        )
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None or cell.alignment.indent
    ]
    return {
        "cells": cells,
        "widths": {key: d.width for key, d in sheet.column_dimensions.items()},
        "heights": {key: d.height for key, d in sheet.row_dimensions.items() if d.height},
        "frozen": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "printed": sheet.print_title_rows,
        "page": (
            sheet.page_setup.orientation,
            sheet.page_setup.paperSize,
            sheet.page_setup.fitToWidth,
            sheet.page_setup.fitToHeight,
            sheet.sheet_properties.pageSetUpPr.fitToPage,
        ),
    }


def test_a_write_only_sheet_holds_the_same_table_as_a_normal_one():
    streamed, normal = layout(written(True)), layout(written(False))
    assert streamed == normal
    cells = {coordinate: rest for coordinate, *rest in streamed["cells"]}
    # Texts stay texts, never a formula nor an error value; dates are dates.
    assert cells["G4"][:2] == ['=HYPERLINK("http://example.com")', "s"]
    assert cells["G5"][:2] == ["#N/A", "s"] and cells["A6"][:2] == ["#", "s"]
    assert cells["C4"][:3] == [datetime.datetime(2025, 12, 1, 9, 30), "d", DATETIME]
    assert cells["D5"][:3] == [datetime.datetime(2026, 1, 5), "d", DATE]
    assert cells["E4"][2] == RATE and cells["F4"][2] == "#,##0"
    assert cells["A5"][6] == 1 and cells["H5"][6] == 1  # indented, even empty
    assert cells["A5"][5] is True  # and wrapped, being long
    assert cells["A3"][3] is True and cells["A1"][4] == 13  # bold header, title's font
    assert streamed["heights"] == {5: 30}  # the long name (two short lines fit unwrapped)
    assert streamed["filter"] == "A3:H6" and streamed["frozen"] == "B4"
    assert streamed["page"] == ("landscape", 9, 1, 0, True)
