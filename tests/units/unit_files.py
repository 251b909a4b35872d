"""Files of units to import, written as a user's spreadsheet would save them: the tree of
tests/conftest.py as rows, a valid new row, and .csv and .xlsx files of rows. Used by
test_import.py and test_import_messages.py."""

import csv

import openpyxl

from units.importing import import_units, read_rows

HEADER = ["code", "name", "kind", "parent_code"]

# The `tree` fixture as a file, parents first.
TREE_ROWS = [
    ["PV", "LĐLĐ tỉnh Thử nghiệm", "province", ""],
    ["DA", "LĐLĐ huyện A", "district", "PV"],
    ["DB", "LĐLĐ huyện B", "district", "PV"],
    ["SE", "CĐ ngành S", "sector", "PV"],
    ["A1", "CĐCS A1", "grassroots", "DA"],
    ["A2", "CĐCS A2", "grassroots", "DA"],
    ["B1", "CĐCS B1", "grassroots", "DB"],
    ["S1", "CĐCS S1", "grassroots", "SE"],
]

# A valid new unit that sits on line 2 of every bad file: it must never be created.
VALID_ROW = ["NEW", "CĐCS Mới", "grassroots", "PV"]


def write_csv(tmp_path, rows, header=HEADER, name="units.csv", delimiter=",", bom=False):
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(tmp_path, rows, header=HEADER, name="units.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def import_file(path):
    return import_units(read_rows(path))
