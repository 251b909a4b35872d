"""The "check a document" page on a summary the portal issued unsigned, when form structure
or page content was appended after it besides a member's signature: an empty signature
field (a tool's prepared field, signed in a later update or left empty), a text field, text
drawn over a page, a second member's signature. Only signatures, and signature fields that
show nothing, leave it the document as issued."""

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

from reports import signing
from tests.reports.document_check import check, stored
from tests.reports.signed_pdfs import countersign, pdf_text, small_pdf

VISIBLE = (300, 40, 460, 90)
INVISIBLE = None
FORGED = "DA DUYET 500000000"


@pytest.fixture
def issuing_unsigned(settings, pki):
    """Summaries issued unsigned; a member's certificate from the test root is trusted."""
    settings.SIGNING_PKCS12_PATH = ""
    settings.SIGNING_TRUST_ROOTS = str(pki.roots_path)
    settings.SIGNING_TSA_URL = ""
    return settings


@pytest.fixture
def issued(tree, cast, issuing_unsigned, fresh_cache):
    content = small_pdf()
    stored(tree, cast, content)
    return content


def appended(content, change):
    """`content` with `change` (a function of the writer) appended as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def empty_field(name, box):
    """An empty signature field on page 1, visible in `box` or invisible (None)."""

    def change(writer):
        spec = fields.SigFieldSpec(sig_field_name=name, on_page=0, box=box)
        fields.append_signature_field(writer, spec)

    return change


def _font(writer):
    return writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
            }
        )
    )


def _numbers(*values):
    return generic.ArrayObject(generic.NumberObject(value) for value in values)


def text_field(writer):
    """A text field on page 1 whose value FORGED shows in its widget, in a new form (the
    issued summary has none)."""
    fonts = generic.DictionaryObject({pdf_name("/F1"): _font(writer)})
    appearance = writer.add_object(
        generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): _numbers(0, 0, 300, 30),
                pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): fonts}),
            },
            stream_data=f"BT /F1 14 Tf 2 10 Td ({FORGED}) Tj ET".encode(),
        )
    )
    page = writer.root["/Pages"]["/Kids"].raw_get(0)
    field = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/FT"): pdf_name("/Tx"),
                pdf_name("/T"): pdf_string("GhiChu"),
                pdf_name("/V"): pdf_string(FORGED),
                pdf_name("/F"): generic.NumberObject(4),
                pdf_name("/Rect"): _numbers(100, 500, 400, 530),
                pdf_name("/P"): page,
                pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): appearance}),
            }
        )
    )
    writer.register_annotation(page, field)
    writer.root[pdf_name("/AcroForm")] = generic.DictionaryObject(
        {pdf_name("/Fields"): generic.ArrayObject([field])}
    )
    writer.update_root()


def text_over_page(writer):
    """FORGED written over page 1, in a content stream of its own."""
    stream = writer.add_object(
        generic.StreamObject(stream_data=f"BT /FX 14 Tf 100 500 Td ({FORGED}) Tj ET".encode())
    )
    fonts = generic.DictionaryObject({pdf_name("/FX"): _font(writer)})
    writer.add_stream_to_page(
        0, stream, resources=generic.DictionaryObject({pdf_name("/Font"): fonts})
    )


def outcome(page):
    return page.split('data-outcome="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("box", [VISIBLE, INVISIBLE], ids=["visible", "invisible"])
def test_an_empty_signature_field_signed_in_a_later_update_is_only_a_signature(
    client, cast, issued, countersigners, box
):
    # A tool that prepares the field in one update and signs it in the next: the form it
    # adds has /SigFlags 1, raised to 3 by the signing.
    prepared = appended(issued, empty_field("KyTiep", box))
    signed = countersign(prepared, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], signed)
    assert outcome(page) == "countersigned" and "15/BC-LĐLĐ" in page
    assert "Nguyễn Văn An" in page


@pytest.mark.parametrize(
    ("box", "expected"),
    [(INVISIBLE, "countersigned"), (VISIBLE, "modified")],
    ids=["invisible", "visible"],
)
def test_an_empty_signature_field_left_unsigned_beside_a_signature(
    client, cast, issued, countersigners, box, expected
):
    # An invisible empty field shows nothing (pyHanko: LTA_UPDATES). A visible one draws
    # its own appearance on the page, which no signature made (pyHanko: FORM_FILLING): as
    # after a signature, only the fields signed since may change what the page shows.
    prepared = appended(issued, empty_field("KyThu2", box))
    signed = countersign(prepared, countersigners["trusted"], "KyTiep")
    assert signing.verify_pdf(signed).state == signing.VALID
    page = check(client, cast["standing"], signed)
    assert outcome(page) == expected
    assert ("15/BC-LĐLĐ" in page) is (expected == "countersigned")


@pytest.mark.parametrize("box", [VISIBLE, INVISIBLE], ids=["visible", "invisible"])
def test_an_empty_field_added_after_the_member_signed(client, cast, issued, countersigners, box):
    # The same rule after the member's signature: a field prepared for the next signer.
    signed = countersign(issued, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], appended(signed, empty_field("KyThu2", box)))
    assert outcome(page) == ("modified" if box else "countersigned")


def test_an_empty_signature_field_and_no_signature_is_not_the_document_as_issued(
    client, cast, issued
):
    page = check(client, cast["standing"], appended(issued, empty_field("KyTiep", VISIBLE)))
    assert outcome(page) == "unknown" and "15/BC-LĐLĐ" not in page


@pytest.mark.parametrize("change", [text_field, text_over_page], ids=["text_field", "overlay"])
@pytest.mark.parametrize("where", ["own_update", "signing_update"])
def test_text_added_to_the_page_then_signed_is_not_the_document_as_issued(
    client, cast, issued, countersigners, change, where
):
    member = countersigners["trusted"]
    if where == "own_update":
        signed = countersign(appended(issued, change), member, "KyTiep")
    else:
        signed = countersign(issued, member, "KyTiep", change=change)
    assert FORGED in pdf_text(signed)  # it shows on the page
    assert signing.verify_pdf(signed).state == signing.VALID  # the member signed it all
    page = check(client, cast["standing"], signed)
    assert outcome(page) == "modified" and "alert-danger" in page
    assert "Đây là văn bản do cổng phát hành" not in page and "15/BC-LĐLĐ" not in page


@pytest.mark.parametrize("prepared", [False, True], ids=["new_field", "prepared_field"])
def test_a_second_signature_after_the_first_is_only_signatures(
    client, cast, issued, countersigners, prepared
):
    once = countersign(issued, countersigners["trusted"], "KyTiep")
    if prepared:
        once = appended(once, empty_field("KyThu2", VISIBLE))
    twice = countersign(once, countersigners["self_signed"], "KyThu2")
    appended_after = signing.appended_after(twice, len(issued))
    assert appended_after.only_signatures
    assert appended_after.signed_after == ("KyTiep", "KyThu2")
    page = check(client, cast["standing"], twice)
    assert outcome(page) == "countersigned" and "15/BC-LĐLĐ" in page
    assert page.index("Nguyễn Văn An") < page.index("Trần Thị Bình")
