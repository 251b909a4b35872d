"""Files an upload refuses as a whole, each with a clear Vietnamese message, nothing kept and
nothing saved, never a server error."""

import datetime
import html
import re
import struct
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from campaign.models import AnnualReport, Campaign, Indicator, WorkbookUpload
from campaign.workbooks import FIRST_ROW, MAX_ROWS, MAX_SHEET_ROWS, META_SHEET
from tests.campaign.filings import make_plan
from tests.campaign.upload_files import PDF_BYTES
from tests.campaign.workbooks.helpers import (
    columns,
    download_reports,
    fill,
    reports_url,
    rewrite,
    upload,
)
from units.models import Unit

NARRATIVE = {"value_sessions": 3, "results": "Tổ chức 3 buổi.", "self_assessment": "Tốt"}


def refused(client, url, content, name="bao-cao.xlsx"):
    """Upload and return the message the page shows, checking that nothing was kept."""
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, response.status_code
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    page = html.unescape(response.content.decode())
    assert errors[0] in page
    assert not WorkbookUpload.objects.exists()
    assert not AnnualReport.objects.exists()
    return errors[0]


def saved(book):
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(client, cast):
    client.force_login(cast["officer_a"])
    return client


@pytest.fixture
def template(officer, tree, campaign, year):
    """District A's template with A1's row filled in."""
    content = download_reports(officer, campaign, tree["DA"], year)
    return fill(content, {"A1": NARRATIVE}, columns(campaign, year))


def test_a_template_of_another_campaign(officer, tree, campaign, year):
    other = Campaign.objects.create(
        slug="other",
        number="100/KH-LĐLĐ",
        title="Kế hoạch khác",
        issuer=tree["PV"],
        issued_on=datetime.date(2016, 1, 5),
        directive="Chỉ thị",
        first_year=2016,
        plan_due_on=datetime.date(2016, 3, 1),
    )
    content = download_reports(officer, other, tree["DA"], year)
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Mẫu này được tạo cho kế hoạch phát động khác.")


def test_a_template_of_another_year(officer, tree, campaign, year):
    content = download_reports(officer, campaign, tree["DA"], year - 1)
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message == (
        f"Mẫu này dành cho năm {year - 1}, không phải năm {year}. Hãy tải mẫu của năm {year}."
    )


@pytest.mark.usefixtures("a1_without_officer")
def test_a_template_of_another_unit(officer, tree, campaign, year, template):
    # The officer files for both, but the district's template is not A1's.
    message = refused(officer, reports_url("upload", campaign, tree["A1"], year), template)
    assert message.startswith("Mẫu này được tạo cho đơn vị khác.")


def test_a_plan_template_on_the_reports_page(officer, tree, cast, campaign, year):
    plan = make_plan(tree["DA"], campaign, cast["officer_a"])
    content = officer.get(f"/plans/{plan.pk}/excel/").content
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message == "Đây là mẫu hoạt động của kế hoạch. Hãy tải lên tại trang của kế hoạch đó."


def test_altered_metadata(officer, tree, campaign, year, template):
    book = load_workbook(BytesIO(template))
    token = book[META_SHEET]["A1"].value
    # The payload changed by one character: the signature no longer matches.
    position = token.index(":") // 2
    book[META_SHEET]["A1"] = (
        token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    )
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), saved(book))
    assert message.startswith("Tệp này không phải là mẫu do cổng thông tin tạo ra")


def test_metadata_removed(officer, tree, campaign, year, template):
    book = load_workbook(BytesIO(template))
    del book[META_SHEET]
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), saved(book))
    assert message.startswith("Tệp này không phải là mẫu do cổng thông tin tạo ra")


def test_metadata_signed_with_another_key(client, cast, tree, campaign, year, settings):
    # A template made by another installation of the portal (another SECRET_KEY).
    key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-" + "k" * 50
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    settings.SECRET_KEY = key
    client.force_login(cast["officer_a"])
    message = refused(client, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp này không phải là mẫu do cổng thông tin tạo ra")


def test_columns_moved(officer, tree, campaign, year, template):
    book = load_workbook(BytesIO(template))
    book.worksheets[0].insert_cols(4)
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), saved(book))
    assert message == (
        "Các cột của trang “Báo cáo” đã bị thay đổi: cột D phải là “Số buổi tuyên truyền "
        "(buổi)”. Hãy đưa các cột về như cũ hoặc tải mẫu mới."
    )


def test_indicators_changed_since_the_download(officer, tree, campaign, year, template):
    Indicator.objects.create(campaign=campaign, code="news", name="Số tin bài", order=9)
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), template)
    assert message.startswith("Mẫu này đã cũ")


def test_a_unit_the_user_no_longer_files_for_is_refused_without_naming_it(
    officer, tree, campaign, year, template
):
    Unit.objects.filter(pk=tree["A2"].pk).update(
        closed_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = officer.post(
        reports_url("upload", campaign, tree["DA"], year),
        {"file": SimpleUploadedFile("bao-cao.xlsx", template)},
    )
    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert message.startswith("Mẫu này có đơn vị mà (hiện nay) bạn không được nhập báo cáo.")
    assert "CĐCS A2" not in html.unescape(response.content.decode())
    assert not AnnualReport.objects.exists()


def test_more_than_five_megabytes(officer, tree, campaign, year):
    content = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp quá lớn (5,0")
    assert "tối đa 5,0\xa0MB" in message


def test_more_rows_than_the_limit(officer, tree, campaign, year, template):
    book = load_workbook(BytesIO(template))
    sheet = book.worksheets[0]
    for number in range(MAX_ROWS):
        sheet.cell(FIRST_ROW + 3 + number, 1, f"X{number}")
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), saved(book))
    assert message == "Trang tính có hơn 2.000 dòng. Mỗi lần chỉ tải lên tối đa 2.000 dòng."


def test_a_zip_that_unpacks_past_the_limit(officer, tree, campaign, year, template):
    buffer = BytesIO(template)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (51 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024  # small on the wire
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp Excel khi giải nén lớn hơn 50,0\xa0MB.")


def test_a_zip_of_too_many_parts(officer, tree, campaign, year, template):
    buffer = BytesIO(template)
    with zipfile.ZipFile(buffer, "a") as archive:
        for number in range(600):
            archive.writestr(f"xl/extra/{number}.xml", b"<x/>")
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), buffer.getvalue())
    assert message.startswith("Tệp Excel khi giải nén lớn hơn")


def _zip(parts):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


NOT_XLSX = {
    "pdf": PDF_BYTES,
    "csv": "Mã đơn vị;Số buổi\nA1;3\n".encode(),
    "old xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000,
    "plain zip": _zip({"readme.txt": b"hello"}),
    "ods": _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content/>",
        }
    ),
    "docx": _zip(
        {
            "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType='
            b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            b"/></Types>",
            "word/document.xml": b"<w:document/>",
        }
    ),
}


@pytest.mark.parametrize("kind", list(NOT_XLSX))
def test_anything_that_is_not_an_xlsx(officer, tree, campaign, year, kind):
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), NOT_XLSX[kind])
    assert message.startswith("Tệp này không phải là bảng tính Excel (.xlsx).")


def test_a_macro_enabled_workbook(officer, tree, campaign, year, template):
    content = rewrite(
        template,
        "[Content_Types].xml",
        lambda xml: xml.replace("sheet.main+xml", "sheet.macroEnabled.main+xml"),
    )
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp này không phải là bảng tính Excel (.xlsx).")


def test_a_damaged_workbook(officer, tree, campaign, year, template):
    content = rewrite(
        template, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2] + "<row r="
    )
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp bảng tính Excel bị hỏng, không đọc được.")


def test_an_empty_file(officer, tree, campaign, year):
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), b"")
    assert message == "Tệp rỗng."


@pytest.mark.usefixtures("a1_without_officer")
def test_a_row_whose_unit_code_was_changed(officer, tree, campaign, year, template):
    by_key = columns(campaign, year)
    changed = fill(template, {"A2": {"code": "B1", **NARRATIVE}}, by_key)
    response = upload(officer, reports_url("upload", campaign, tree["DA"], year), changed)
    upload_row = WorkbookUpload.objects.get()
    assert response.status_code == 302
    assert upload_row.preview["errors"] == [
        "Trang Báo cáo, ô A6 “Mã đơn vị”: Đây không phải là đơn vị của mẫu này. Đừng sửa cột này."
    ]
    assert not upload_row.can_confirm
    assert not AnnualReport.objects.exists()


def _with_flag_or_method(content, *, flag=0, method=None):
    """`content` with its first part's headers (local, and in the central directory, which
    is what a reader trusts) changed: a general-purpose flag bit set, or its compression
    method replaced."""
    data = bytearray(content)
    for offset in (6, data.index(b"PK\x01\x02") + 8):
        flags, found = struct.unpack_from("<HH", data, offset)
        struct.pack_into("<HH", data, offset, flags | flag, found if method is None else method)
    return bytes(data)


def _types_first(content):
    """`content` rezipped with [Content_Types].xml first, the part read first."""
    source = zipfile.ZipFile(BytesIO(content))
    buffer = BytesIO()
    infos = sorted(source.infolist(), key=lambda info: info.filename != "[Content_Types].xml")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info.filename, source.read(info))
    return buffer.getvalue()


def _corrupt_first_part(content):
    """`content` with its first part's deflated data overwritten."""
    data = bytearray(content)
    name_length, extra_length = struct.unpack_from("<HH", data, 26)
    start = 30 + name_length + extra_length
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


@pytest.mark.parametrize("damage", ["does not inflate", "encrypted", "unknown compression"])
def test_a_zip_whose_parts_cannot_be_unpacked(officer, tree, campaign, year, template, damage):
    content = {
        "does not inflate": lambda: _corrupt_first_part(_types_first(template)),
        "encrypted": lambda: _with_flag_or_method(_types_first(template), flag=0x1),
        "unknown compression": lambda: _with_flag_or_method(_types_first(template), method=9),
    }[damage]()
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp này không phải là bảng tính Excel (.xlsx).")


def test_a_sheet_that_runs_far_below_the_template(officer, tree, campaign, year, template):
    # Rows of empty cells past the template's columns: nothing to read, but each is parsed.
    blank = "".join(
        f'<row r="{number}"><c r="BN{number}" t="inlineStr"><is><t></t></is></c></row>'
        for number in range(FIRST_ROW + 10, FIRST_ROW + 10 + MAX_SHEET_ROWS)
    )
    content = rewrite(
        template,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", blank + "</sheetData>"),
    )
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Trang tính kéo dài quá dòng 20.003")


def test_a_sheet_part_far_larger_than_a_template(officer, tree, campaign, year, template):
    padding = "<!--" + " " * (17 * 1024 * 1024) + "-->"
    content = rewrite(
        template,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("<sheetData>", padding + "<sheetData>"),
    )
    assert len(content) < 1024 * 1024
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Một trang tính của tệp khi giải nén lớn hơn 16,0\xa0MB")


def test_rows_out_of_order_are_a_damaged_file_not_a_lost_row(
    officer, tree, campaign, year, template
):
    # openpyxl skips a row numbered below one it has read: DA's row 4 would vanish, A1's
    # row 5 read.
    def swap(xml):
        first = re.search(r'<row r="4".*?</row>', xml).group(0)
        second = re.search(r'<row r="5".*?</row>', xml).group(0)
        return xml.replace(first + second, second + first)

    content = rewrite(template, "xl/worksheets/sheet1.xml", swap)
    message = refused(officer, reports_url("upload", campaign, tree["DA"], year), content)
    assert message.startswith("Tệp bảng tính Excel bị hỏng, không đọc được.")
