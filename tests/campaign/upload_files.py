"""The smallest real files of the upload tests, as their real bytes: a one-page PDF
(PDF_BYTES, also the scan of every plan tests/campaign/filings.py stores; `pdf_with` adds to
its catalogue), an image, a zip, a Word document (its two parts, and `word` with more), and
the Vietnamese refusal of an upload.
Used by tests/campaign/test_uploads.py, tests/security/test_upload_contents.py and
test_signed_word_upload.py; PDF_BYTES by many upload and plan tests."""

import io
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from campaign import uploads
from campaign.demo import SCAN

# A valid one-page PDF, as an uploaded scan must be (campaign.file_checks parses it).
PDF_BYTES = SCAN


def pdf_with(**root):
    """A one-page PDF whose catalogue gets `root`'s entries."""
    pdf = pikepdf.open(io.BytesIO(PDF_BYTES))
    for key, value in root.items():
        pdf.Root[f"/{key}"] = value
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, fmt)
    return buffer.getvalue()


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES_XML = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)

DOCUMENT_XML = (
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body/></w:document>'
)


def docx_bytes(order=("[Content_Types].xml", "word/document.xml")):
    parts = {"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": DOCUMENT_XML}
    return zip_bytes([(name, parts[name]) for name in order])


def word(*extra):
    return zip_bytes(
        [("[Content_Types].xml", CONTENT_TYPES_XML), ("word/document.xml", DOCUMENT_XML), *extra]
    )


def refusal(name, content):
    with translation.override("vi"), pytest.raises(ValidationError) as excinfo:
        uploads.validate_upload(SimpleUploadedFile(name, content))
    return " ".join(excinfo.value.messages)
