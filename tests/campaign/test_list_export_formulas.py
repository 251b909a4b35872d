"""A text typed into the portal that looks like a formula (= + - @) reaches a list's Excel
file as that text: never a formula that Excel would run when the board opens the file."""

import zipfile
from io import BytesIO

import pytest

from tests.campaign.list_export_files import download, rows_of, sheet_of
from tests.campaign.obstacle_data import raise_obstacle

LOOKS_LIKE_FORMULAS = [
    '=HYPERLINK("http://example.com/x";"Bấm vào đây")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
]


@pytest.mark.parametrize("subject", LOOKS_LIKE_FORMULAS)
def test_an_obstacles_subject_stays_text(client, tree, cast, campaign, subject):
    raise_obstacle(tree["A1"], campaign, cast["officer_a1"], subject=subject)
    response = download(client, cast["cspl"], "campaign:obstacle_list_excel")

    sheet = sheet_of(response)
    (row,) = rows_of(sheet)
    assert row["Tiêu đề"] == subject
    assert sheet.cell(5, 1).data_type == "s"
    with zipfile.ZipFile(BytesIO(response.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_a_unit_name_that_looks_like_a_formula_stays_text(client, tree, cast, campaign):
    tree["A1"].name = "=1+1"
    tree["A1"].save()
    raise_obstacle(tree["A1"], campaign, cast["officer_a1"])
    rows = rows_of(sheet_of(download(client, cast["cspl"], "campaign:obstacle_list_excel")))
    assert [row["Đơn vị"] for row in rows] == ["=1+1"]


@pytest.mark.parametrize("subject", ["#N/A", "#REF!", "#DIV/0!"])
def test_a_subject_that_reads_as_an_excel_error_stays_text(client, tree, cast, campaign, subject):
    # openpyxl writes these texts as Excel's error values: the list showed an error where
    # the unit had typed "#N/A" (not applicable), and a filter counted it as one.
    raise_obstacle(tree["A1"], campaign, cast["officer_a1"], subject=subject)
    sheet = sheet_of(download(client, cast["cspl"], "campaign:obstacle_list_excel"))
    assert (sheet.cell(5, 1).value, sheet.cell(5, 1).data_type) == (subject, "s")
