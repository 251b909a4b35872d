"""Plan attachments: what is accepted, under which name, and who may download or remove them."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaign import uploads
from campaign.demo import one_page_pdf
from campaign.models import Attachment, Plan
from tests.campaign.upload_files import (
    CONTENT_TYPES_XML,
    PDF_BYTES,
    docx_bytes,
    image_bytes,
    zip_bytes,
)
from tests.pages import messages_of

pytestmark = [
    pytest.mark.urls("tests.campaign.uploads_urls"),
    # Before plan_a1 stores its attachment.
    pytest.mark.usefixtures("media"),
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- minimal real files --------------------------------------------------------------------------


def upload(name, content):
    return SimpleUploadedFile(name, content)


class ReadSpy(io.BytesIO):
    """A stream that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def oversized_pdf():
    size = 11 * 1024 * 1024
    stream = ReadSpy(b"%PDF-1.4\n" + bytes(size - 9))
    return InMemoryUploadedFile(stream, "file", "big.pdf", "application/pdf", size, None), stream


def refusal(uploaded):
    # The messages are lazy: read them while English is still active.
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            uploads.validate_upload(uploaded)
        return caught.value.code, " ".join(caught.value.messages)


def login(client, user):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- detection and validation --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("ke-hoach.pdf", PDF_BYTES, "application/pdf"),
        ("scan.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("scan.png", image_bytes("PNG"), "image/png"),
        ("ke-hoach.docx", docx_bytes(), DOCX),
    ],
)
def test_each_accepted_type_is_detected_from_its_content(name, content, expected):
    assert uploads.validate_upload(upload(name, content)) == expected


@pytest.mark.parametrize(
    "order",
    [
        ("[Content_Types].xml", "word/document.xml"),  # libmagic says application/zip
        ("word/document.xml", "[Content_Types].xml"),  # libmagic says DOCX itself
    ],
)
def test_a_docx_is_recognised_whatever_libmagic_calls_it(order):
    assert uploads.detect_type(upload("x.docx", docx_bytes(order))) == DOCX


def test_detection_rewinds_the_file():
    uploaded = upload("ke-hoach.pdf", PDF_BYTES)
    uploads.detect_type(uploaded)
    assert uploaded.tell() == 0
    assert uploaded.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100)),
        ("tool.pdf", b"\x7fELF\x02\x01\x01" + bytes(100)),
        ("page.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("notes.pdf", b"just some plain text\n"),
        ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("archive.docx", zip_bytes([("a.txt", "hello")])),
        ("broken.docx", b"PK\x03\x04" + b"junk" * 50),
    ],
)
def test_content_of_another_type_is_refused_whatever_its_name(name, content):
    code, message = refusal(upload(name, content))
    assert code == "type"
    assert message == "This type of file is not accepted. Upload a PDF, JPEG, PNG or DOCX file."


def test_a_zip_with_only_some_docx_part_names_is_not_a_docx():
    content = zip_bytes([("[Content_Types].xml", CONTENT_TYPES_XML), ("xl/workbook.xml", "<x/>")])
    assert uploads.detect_type(upload("book.docx", content)) == "application/zip"
    assert refusal(upload("book.docx", content))[0] == "type"


def test_an_empty_file_is_refused():
    assert refusal(upload("empty.pdf", b"")) == ("empty", "The file is empty.")


def test_a_file_over_ten_megabytes_is_refused_without_being_read():
    uploaded, stream = oversized_pdf()
    code, message = refusal(uploaded)
    assert code == "too_large"
    # filesizeformat puts a non-breaking space between number and unit
    assert message == "The file is too large (11.0\xa0MB). Files can be at most 10.0\xa0MB."
    assert stream.bytes_read == 0


def test_a_file_of_exactly_ten_megabytes_is_accepted():
    content = one_page_pdf(size=uploads.MAX_UPLOAD_BYTES)
    assert len(content) == uploads.MAX_UPLOAD_BYTES
    assert uploads.validate_upload(upload("big.pdf", content)) == "application/pdf"


# --- the download name ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("scan.pdf", "image/png", "scan.png"),  # the content wins over the name
        ("Kế hoạch.PDF", "application/pdf", "Kế hoạch.PDF"),  # right family: left alone
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("photo.png", "image/jpeg", "photo.jpg"),
        ("scan", "application/pdf", "scan.pdf"),
        ("Plan 12.2024", "application/pdf", "Plan 12.2024.pdf"),
        ("report.exe", DOCX, "report.docx"),
        ("C:\\Users\\an\\ke hoach.pdf", "application/pdf", "ke hoach.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("bad\r\nname\x00.pdf", "application/pdf", "badname.pdf"),
        ("Ke\u0302\u0301 hoa\u0323ch.pdf", "application/pdf", "Kế hoạch.pdf"),  # NFD to NFC
        ("...", "image/png", "attachment.png"),
    ],
)
def test_the_download_name_keeps_the_original_but_with_the_right_extension(
    name, content_type, expected
):
    assert uploads.download_name(name, content_type) == expected


@pytest.mark.parametrize("name", [".pdf", ".PDF", " ..pdf ", "C:\\scans\\.pdf", ".docx", "", "..."])
def test_a_name_that_is_only_an_extension_falls_back_to_the_documents(name):
    assert uploads.download_name(name, "application/pdf", "ke-hoach-A1") == "ke-hoach-A1.pdf"


def test_a_scan_named_only_pdf_is_named_after_its_plan_or_report(
    plan_a1, tree, cast, campaign, report_factory
):
    report = report_factory(tree["A1"], campaign, 2016)
    for owner, expected in ((plan_a1, "ke-hoach-A1.pdf"), (report, "bao-cao-A1-2016.pdf")):
        form = uploads.AttachmentForm(files={"file": upload(".pdf", one_page_pdf())})
        assert form.is_valid(), form.errors
        assert form.names(owner) == [expected]
        assert form.save(owner, cast["officer_a1"]).original_name == expected


def test_a_long_name_is_cut_to_two_hundred_characters_keeping_its_extension():
    name = uploads.download_name("a" * 300 + ".pdf", "image/png")
    assert len(name) == 200
    assert name.endswith("a.png")


# --- the form ------------------------------------------------------------------------------------
def test_the_form_stores_a_png_named_pdf_as_a_png(plan_a1, cast, media):
    content = image_bytes("PNG")
    form = uploads.AttachmentForm(files={"file": upload("ban-ky.pdf", content)})
    assert form.is_valid(), form.errors
    assert form.detected_type == "image/png"
    attachment = form.save(plan_a1, cast["officer_a1"])
    attachment.refresh_from_db()
    assert attachment.plan == plan_a1
    assert attachment.uploaded_by == cast["officer_a1"]
    assert attachment.original_name == "ban-ky.png"
    assert attachment.content_type == "image/png"
    assert attachment.size == len(content)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(media / "plans" / str(plan_a1.pk))
    assert stored.suffix == ".png"
    assert "ban-ky" not in stored.name  # nothing of the user's name reaches the disk


def test_the_form_shows_the_refusal_on_the_file_field(plan_a1):
    with translation.override("en"):
        form = uploads.AttachmentForm(files={"file": upload("x.pdf", b"")})
        assert not form.is_valid()
        assert form.errors["file"] == ["The file is empty."]


def test_the_form_refuses_an_oversized_file_without_reading_it():
    uploaded, stream = oversized_pdf()
    form = uploads.AttachmentForm(files={"file": uploaded})
    assert not form.is_valid()
    assert form.has_error("file", "too_large")
    assert stream.bytes_read == 0


def test_the_file_is_optional_unless_the_form_is_built_required(plan_a1, cast):
    optional = uploads.AttachmentForm(data={}, files={})
    assert optional.is_valid()
    assert optional.save(plan_a1, cast["officer_a1"]) is None
    assert plan_a1.attachments.count() == 1
    required = uploads.AttachmentForm(data={}, files={}, required=True)
    assert not required.is_valid()
    assert required.has_error("file", "required")


def test_the_form_label_names_the_accepted_types_and_limit():
    with translation.override("en"):
        label = str(uploads.AttachmentForm().fields["file"].label)
    assert label == "Signed scan (PDF, JPEG, PNG or DOCX, at most 10 MB)"


def test_the_file_picker_offers_only_the_accepted_types():
    # A phone's picker then lists the scans and photos that fit (and offers the camera)
    # instead of every file, most of which the portal would refuse.
    html = str(uploads.AttachmentForm()["file"])
    accept = set(re.search(r'accept="([^"]+)"', html).group(1).split(","))
    assert set(uploads.ACCEPTED) <= accept
    assert {".pdf", ".jpg", ".jpeg", ".png", ".docx"} <= accept


# --- download ------------------------------------------------------------------------------------
def download_url(plan, attachment):
    return reverse("campaign:attachment_download", args=[plan.pk, attachment.pk])


def test_download_sends_an_anonymous_visitor_to_the_login_page(client, plan_a1):
    response = client.get(download_url(plan_a1, plan_a1.attachments.get()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "officer_b1"])
def test_download_hides_an_attachment_outside_the_users_subtree(client, cast, plan_a1, who):
    response = login(client, cast[who]).get(download_url(plan_a1, plan_a1.attachments.get()))
    assert response.status_code == 404


def test_download_sends_the_file_as_an_attachment_that_must_not_be_rendered(client, cast, plan_a1):
    response = login(client, cast["officer_a1"]).get(
        download_url(plan_a1, plan_a1.attachments.get())
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_download_uses_the_stored_type_and_the_vietnamese_name(client, cast, plan_a1):
    form = uploads.AttachmentForm(files={"file": upload("Kế hoạch số 12.pdf", image_bytes("PNG"))})
    assert form.is_valid()
    attachment = form.save(plan_a1, cast["officer_a1"])
    response = login(client, cast["officer_a1"]).get(download_url(plan_a1, attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2012.png"
    )


@pytest.mark.parametrize("who", ["cspl", "reviewer_a", "standing"])
def test_download_serves_upper_units_reviewers_and_viewers(client, cast, plan_a1, who):
    response = login(client, cast[who]).get(download_url(plan_a1, plan_a1.attachments.get()))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_refuses_another_plans_attachment_under_this_plans_address(
    client, cast, plan_a1, plan_b1
):
    # cspl may see both plans: only the pairing is wrong.
    response = login(client, cast["cspl"]).get(download_url(plan_a1, plan_b1.attachments.get()))
    assert response.status_code == 404


def test_download_of_a_file_missing_on_disk_is_not_found(client, cast, plan_a1):
    attachment = plan_a1.attachments.get()
    Path(attachment.file.path).unlink()
    response = login(client, cast["officer_a1"]).get(download_url(plan_a1, attachment))
    assert response.status_code == 404


def test_download_of_a_row_with_an_unexpected_type_is_sent_as_plain_bytes(client, cast, plan_a1):
    attachment = plan_a1.attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    response = login(client, cast["officer_a1"]).get(download_url(plan_a1, attachment))
    assert response["Content-Type"] == "application/octet-stream"


# --- delete --------------------------------------------------------------------------------------
def delete_url(plan, attachment):
    return reverse("campaign:attachment_delete", args=[plan.pk, attachment.pk])


def test_delete_does_not_answer_get(client, cast, plan_a1):
    attachment = plan_a1.attachments.get()
    response = login(client, cast["officer_a1"]).get(delete_url(plan_a1, attachment))
    assert response.status_code == 405
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_an_officer_removes_a_file_of_a_draft_plan(
    client, cast, plan_a1, django_capture_on_commit_callbacks
):
    attachment = plan_a1.attachments.get()
    stored = Path(attachment.file.path)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, cast["officer_a1"]).post(delete_url(plan_a1, attachment))
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:plan_detail", args=[plan_a1.pk])
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not stored.exists()
    page = client.get(response["Location"])
    assert (
        messages_of(page)
        == messages_of(page, "success")
        == ["The file “ke-hoach.pdf” was removed."]
    )


def test_a_reviewer_cannot_remove_a_file(client, cast, plan_a1):
    attachment = plan_a1.attachments.get()
    response = login(client, cast["reviewer_a"]).post(delete_url(plan_a1, attachment))
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_an_officer_of_another_subtree_does_not_even_see_the_file(client, cast, plan_a1):
    attachment = plan_a1.attachments.get()
    response = login(client, cast["officer_b1"]).post(delete_url(plan_a1, attachment))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_file_of_a_submitted_plan_is_kept(
    client, cast, plan_a1, django_capture_on_commit_callbacks
):
    Plan.objects.filter(pk=plan_a1.pk).update(status="submitted")
    attachment = plan_a1.attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, cast["officer_a1"]).post(delete_url(plan_a1, attachment))
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:plan_detail", args=[plan_a1.pk])
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert Path(attachment.file.path).read_bytes() == PDF_BYTES
    page = client.get(response["Location"])
    assert (
        messages_of(page)
        == messages_of(page, "error")
        == ["This plan can no longer be changed, so its files cannot be removed."]
    )
