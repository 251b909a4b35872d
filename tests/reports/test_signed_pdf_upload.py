"""Ordinary PDFs pass the upload check (campaign.file_checks.check_pdf) whatever its walk
into actions, links and stream dictionaries: a document exported with web, e-mail and
in-document links, the portal's own signed summary, and one countersigned by a member's
signing tool (pyHanko), which an officer may attach as the scan it stands for."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from config import pdf_sandbox
from tests.reports.signed_pdfs import countersign, sign, small_pdf

LINKS = (
    "<html lang='vi'><h1 id='top'>Kế hoạch</h1>"
    "<p><a href='https://thuvienphapluat.vn/van-ban/'>Văn bản</a>, "
    "<a href='mailto:cspl@ldld.example.gov.vn'>thư</a>, <a href='#top'>đầu trang</a></p>"
)


def accepted(content):
    upload = SimpleUploadedFile("kh.pdf", content)
    return uploads.validate_upload(upload) == "application/pdf"


def test_an_exported_document_with_links_is_accepted():
    content = pdf_sandbox.html_to_pdf(LINKS)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        # The links are really there, as link annotations: web, e-mail and within.
        assert len(pdf.pages[0].obj.Annots) == 3
    assert accepted(content)


@pytest.mark.usefixtures("configured")
def test_signed_and_countersigned_summaries_are_accepted(countersigners):
    signed = sign(small_pdf())
    assert signed.signed
    assert accepted(signed.content)
    assert accepted(countersign(signed.content, countersigners["trusted"], "Thanh vien"))
