"""The demo's signed Word file (reports/demo_word.py): CĐCS Trung tâm Y tế huyện Châu
Thành's 2025 report carries the Word file it signed, attached by the officer who typed the
report in on its behalf. It is a file an upload would accept, and the Word signature check
says it is signed and unchanged by the demo's test certificate, trusted in the demo as the
demo's PDFs are; one byte of its document changed, it says changed after signing.

The demo is the session's copy of its first load (`demo_snapshots`, tests/snapshot.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign import uploads
from campaign.models import WORD_CONTENT_TYPE, AnnualReport
from reports import attachment_check, demo_word, signing
from reports import demo as demo_data
from units.models import User


@pytest.fixture
def demo(db, demo_snapshots):
    demo_snapshots.load()


@pytest.fixture
def demo_trusted(settings):
    """The portal configured with the demo's certificate, as `make run` configures it."""
    settings.SIGNING_PKCS12_PATH = str(demo_data.demo_certificate())
    settings.SIGNING_PKCS12_PASSPHRASE = demo_data.CERTIFICATE_PASSPHRASE
    return settings


def word_attachment():
    code, year = demo_word.REPORT
    report = AnnualReport.objects.get(unit__code=code, year=year)
    return report, report.attachments.get(original_name=demo_word.FILE_NAME)


def content(attachment):
    with attachment.file.open("rb") as handle:
        return handle.read()


def test_the_demo_holds_a_word_file_signed_unchanged_by_its_test_certificate(
    demo, demo_trusted, client
):
    report, attachment = word_attachment()
    data = content(attachment)
    # Stored as an upload stores it: a file the upload's content checks accept.
    assert attachment.content_type == WORD_CONTENT_TYPE and attachment.is_word
    assert attachment.size == len(data)
    assert uploads.validate_upload(SimpleUploadedFile(attachment.original_name, data)) == (
        WORD_CONTENT_TYPE
    )
    # Attached by whoever typed the report in, before sending it; signed before that.
    assert attachment.uploaded_by == report.entered_by
    assert report.entered_from is not None  # filed on the union's behalf
    assert attachment.uploaded_at < report.first_submitted_at
    for step in report.steps.all():
        assert demo_word.FILE_NAME in step.snapshot["fields"]["attachments"]

    verification = signing.verify_word(data)
    assert verification.state == signing.VALID, verification
    assert (verification.intact, verification.valid, verification.trusted) == (True, True, True)
    assert verification.signer == demo_data.TEST_NAME
    assert verification.signed_at < attachment.uploaded_at

    # What the reviewer sees (README, "A reviewer's morning"): the report found by the
    # search, the check's link beside the file, and its answer.
    client.force_login(User.objects.get(username="ldld.chauthanh"))
    found = client.get(reverse("campaign:search"), {"q": "y te chau thanh 2025"})
    assert reverse("campaign:report_detail", args=[report.pk]) in found.content.decode()
    page = client.get(reverse("campaign:report_detail", args=[report.pk])).content.decode()
    check = reverse("reports:report_attachment_check", args=[report.pk, attachment.pk])
    assert demo_word.FILE_NAME in page and check in page
    page = client.get(check).content.decode()
    assert 'data-outcome="signed"' in page and 'data-trusted="yes"' in page
    assert demo_data.TEST_NAME in page
    assert verification.signed_at.strftime("%H:%M:%S %d/%m/%Y") in page

    # Loading the demo again attaches nothing new.
    assert demo_word.load_demo_word_file() == attachment
    assert report.attachments.count() == 1


def test_one_byte_of_the_document_changed_is_a_change_after_signing(demo, demo_trusted):
    _report, attachment = word_attachment()
    with zipfile.ZipFile(io.BytesIO(content(attachment))) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    document = bytearray(parts["word/document.xml"])
    document[document.index("BÁO CÁO".encode())] ^= 0x01  # "BÁO" becomes "CÁO"
    parts["word/document.xml"] = bytes(document)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)

    verification = signing.verify_word(buffer.getvalue())
    assert verification.state == signing.INVALID
    assert not verification.intact
    assert attachment_check.outcome(verification) == (attachment_check.MODIFIED, "")
