"""Uploads checked inside (campaign.file_checks): what an outside probe sent and was accepted
before — a zip with a Word document's two parts plus a page and a program, a file starting
with %PDF- that is HTML — and zip bombs, PDFs that run something, are refused in Vietnamese;
real documents still pass."""

import io
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from tests.campaign.upload_files import (
    PDF_BYTES,
    docx_bytes,
    image_bytes,
    pdf_with,
    refusal,
    word,
    zip_bytes,
)

DOCX = uploads.DOCX


# --- Word ----------------------------------------------------------------------------------------
def test_a_real_word_document_is_accepted():
    assert uploads.validate_upload(SimpleUploadedFile("kh.docx", docx_bytes())) == DOCX
    styled = word(
        ("word/styles.xml", "<w:styles xmlns:w='x'/>"),
        ("word/media/image1.png", b"\x89PNG"),
        ("docProps/core.xml", "<cp:coreProperties xmlns:cp='x'/>"),
        ("_rels/.rels", "<Relationships xmlns='x'/>"),
    )
    assert uploads.validate_upload(SimpleUploadedFile("kh.docx", styled)) == DOCX


def test_a_word_zip_carrying_a_page_and_a_program_is_refused():
    probe = word(("evil.html", "<script>alert(1)</script>"), ("payload.exe", b"MZ\x90\x00"))
    text = refusal("kh.docx", probe)
    assert (
        "không có" in text
        and "văn bản Word" in text
        and "evil.html" in text
        and "payload.exe" in text
    )


@pytest.mark.parametrize(
    "part", ["word/vbaProject.bin", "word/embeddings/oleObject1.bin", "word/activeX/x.xml"]
)
def test_macros_embedded_objects_and_controls_are_refused(part):
    assert part in refusal("kh.docx", word((part, b"\x00" * 10)))


def test_a_zip_bomb_is_refused_before_it_is_unzipped_whole():
    bomb = word(("word/header1.xml", b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>"))
    assert len(bomb) < 1024 * 1024
    assert "lớn hơn rất nhiều" in refusal("kh.docx", bomb)


def test_a_zip_of_too_many_parts_is_refused():
    many = word(*[(f"word/header{n}.xml", "<a/>") for n in range(1, 1_001)])
    assert "1.002 thành phần" in refusal("kh.docx", many)


def test_a_word_zip_whose_xml_is_an_entity_bomb_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbbbb">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><a>&c;</a>'
    )
    assert "hỏng" in refusal("kh.docx", word(("word/settings.xml", laughs)))


def test_a_word_zip_with_an_encrypted_part_is_refused_as_damaged():
    content = bytearray(word(("word/settings.xml", "<a/>")))
    # Its last part marked encrypted (bit 0 of the flags), in its local header and in the
    # central directory, as zipfile cannot write one: unzipping it needs a password.
    content[content.rindex(b"PK\x03\x04") + 6] |= 0x1
    content[content.rindex(b"PK\x01\x02") + 8] |= 0x1
    assert zipfile.ZipFile(io.BytesIO(content)).getinfo("word/settings.xml").flag_bits & 0x1
    assert "hỏng" in refusal("kh.docx", bytes(content))


def test_a_word_zip_whose_part_lies_about_its_size_is_refused():
    honest = word(("word/header1.xml", b"<a>" + b" " * 200_000 + b"</a>"))
    # The part's declared size, in its local header and in the central directory, made
    # small: what it really unzips to no longer matches.
    real = (200_007).to_bytes(4, "little")
    lying = honest.replace(real, (7).to_bytes(4, "little"))
    assert lying.count((7).to_bytes(4, "little")) >= 2 and lying != honest
    assert "hỏng" in refusal("kh.docx", lying)


def test_a_zip_naming_no_word_document_type_is_refused():
    plain = zip_bytes(
        [("[Content_Types].xml", "<Types xmlns='x'/>"), ("word/document.xml", "<a/>")]
    )
    # libmagic or the part names may call it a DOCX; the content types say it is not one.
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile("kh.docx", plain))


# --- PDF -----------------------------------------------------------------------------------------
def test_a_real_pdf_is_accepted():
    assert uploads.validate_upload(SimpleUploadedFile("kh.pdf", PDF_BYTES)) == "application/pdf"


def test_html_behind_a_pdf_header_is_refused():
    fake = b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n" * 20
    assert "PDF" in refusal("kh.pdf", fake)


def test_a_pdf_that_runs_javascript_on_opening_is_refused():
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    assert "tập lệnh" in refusal("kh.pdf", pdf_with(OpenAction=script))


def test_a_pdf_that_launches_a_program_is_refused():
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    assert "tập lệnh" in refusal("kh.pdf", pdf_with(OpenAction=launch))


def test_a_pdf_with_embedded_files_is_refused():
    names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array()))
    assert "tệp đính kèm" in refusal("kh.pdf", pdf_with(Names=names))


@pytest.mark.parametrize("names", [7, pikepdf.Array([1]), pikepdf.Name("/X")])
def test_a_pdf_whose_names_are_not_a_dictionary_is_an_answer_not_a_server_error(names):
    # A name tree of the wrong type holds no embedded file: the scan is read as it is (the
    # reader raised TypeError or ValueError on it, a 500).
    content = pdf_with(Names=names)
    assert uploads.validate_upload(SimpleUploadedFile("kh.pdf", content)) == "application/pdf"


# --- damage that the zip and XML readers raise other errors for -----------------------------------
def test_a_word_zip_whose_compressed_data_does_not_inflate_is_refused_as_damaged():
    honest = word(("word/header1.xml", b"<a>" + b"x" * 5_000 + b"</a>"))
    archive = zipfile.ZipFile(io.BytesIO(honest))
    info = archive.getinfo("word/header1.xml")
    # The part's deflated bytes, past its local header, replaced by bytes that are no
    # deflate stream (zlib.error, not a bad CRC).
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    broken = bytearray(honest)
    broken[start : start + 8] = b"\xff" * 8
    assert "hỏng" in refusal("kh.docx", bytes(broken))


def test_a_word_part_declaring_an_unknown_encoding_is_refused_as_damaged():
    odd = '<?xml version="1.0" encoding="x-no-such-encoding"?><a/>'
    assert "hỏng" in refusal("kh.docx", word(("word/settings.xml", odd)))


# --- what the audit after the first probe found ---------------------------------------------------
def test_a_pdf_without_a_page_is_refused():
    empty = io.BytesIO()
    pikepdf.new().save(empty)
    assert "không có trang" in refusal("kh.pdf", empty.getvalue())


def test_a_pdf_with_a_file_behind_an_annotation_is_refused():
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    attached = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.FileAttachment,
        Rect=pikepdf.Array([0, 0, 10, 10]),
        FS=pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String("a.exe"),
            EF=pikepdf.Dictionary(F=pdf.make_stream(b"MZ\x90\x00")),
        ),
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(attached)])
    out = io.BytesIO()
    pdf.save(out)
    assert "tệp đính kèm" in refusal("kh.pdf", out.getvalue())


def test_a_pdf_with_an_xfa_form_is_refused():
    form = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.String("<xdp/>"))
    assert "tập lệnh" in refusal("kh.pdf", pdf_with(AcroForm=form))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"MZ" + b"\x90" * 200),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"MZ" * 100),
    ],
)
def test_an_image_header_with_something_else_behind_it_is_refused(name, content):
    assert "ảnh" in refusal(name, content).lower()


def test_a_real_image_is_accepted_and_a_cut_one_is_not():
    whole = image_bytes("PNG")
    assert uploads.validate_upload(SimpleUploadedFile("scan.png", whole)) == "image/png"
    assert "ảnh" in refusal("scan.png", whole[: len(whole) // 2]).lower()


@pytest.mark.parametrize(
    "trailer",
    [
        # Samsung phones' own data after the image, ending in SEFT; a motion photo's video.
        b"\x00\x00SEFH" + b"\x01" * 40 + b"Image_UTC_Data1700000000000SEFT",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42" + b"\x00" * 64,
    ],
)
def test_a_phone_photo_with_the_phones_own_data_after_the_image_is_accepted(trailer):
    # Refusing what follows an image's end refused officers' phone photos of their papers.
    photo = image_bytes("JPEG") + trailer
    assert uploads.validate_upload(SimpleUploadedFile("anh.jpg", photo)) == "image/jpeg"
