"""Stored files go out only as attachments the browser must not sniff: plan attachments
and summary PDFs, streamed by Django or, with MEDIA_ACCEL_REDIRECT, sent by nginx."""

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse

from campaign.downloads import stored_file_response
from tests.campaign.upload_files import PDF_BYTES

pytestmark = pytest.mark.django_db

PREFIX = "/protected-media/"
# The summary's number and date, and its issuing body.
SUMMARY_NAME = "bao-cao-31-BC-LDLD-05-01-2025-lien-doan-lao-dong-tinh-ben-tre.pdf"


def download(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def attachment_url_args(world):
    return world.own["plan"].pk, world.own["attachment"].pk


def assert_protected(response, content_type, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_an_attachment_is_streamed_as_an_attachment_with_nosniff(client, world):
    response = download(
        client, world.users["reviewer"], "campaign:attachment_download", *attachment_url_args(world)
    )
    assert_protected(response, "application/pdf", "ke-hoach.pdf")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "X-Accel-Redirect" not in response


def test_a_summary_pdf_is_streamed_as_an_attachment_with_nosniff(client, world):
    summary = world.own["summary"]
    response = download(client, world.users["viewer"], "reports:summary_pdf", summary.pk)
    assert_protected(response, "application/pdf", SUMMARY_NAME)
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_with_accel_redirect_nginx_sends_the_attachment(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT = PREFIX
    attachment = world.own["attachment"]
    response = download(
        client, world.users["officer"], "campaign:attachment_download", *attachment_url_args(world)
    )
    assert_protected(response, "application/pdf", "ke-hoach.pdf")
    assert response.content == b""
    assert response["X-Accel-Redirect"] == PREFIX + quote(attachment.file.name)


def test_with_accel_redirect_nginx_sends_the_summary_pdf(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT = PREFIX
    summary = world.own["summary"]
    response = download(client, world.users["viewer"], "reports:summary_pdf", summary.pk)
    assert_protected(response, "application/pdf", SUMMARY_NAME)
    assert response.content == b""
    assert response["X-Accel-Redirect"] == PREFIX + quote(summary.pdf.name)


def test_with_accel_redirect_the_scope_is_still_checked_first(client, world, settings):
    settings.MEDIA_ACCEL_REDIRECT = PREFIX
    response = download(
        client, world.users["outsider"], "campaign:attachment_download", *attachment_url_args(world)
    )
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_the_redirect_quotes_the_storage_name(world, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media"  # with or without the final slash
    name = default_storage.save("plans/kế hoạch số 1.pdf", ContentFile(PDF_BYTES))
    field_file = SimpleNamespace(name=name, storage=default_storage)
    response = stored_file_response(
        field_file, filename="Kế hoạch số 1.pdf", content_type="application/pdf"
    )
    redirect = response["X-Accel-Redirect"]
    assert redirect == "/protected-media/" + quote(name)
    assert redirect.isascii() and " " not in redirect and "/plans/" in redirect
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%201.pdf"
    )


@pytest.mark.parametrize("accel", ["", PREFIX])
def test_a_file_missing_from_the_storage_is_not_found(world, settings, accel):
    settings.MEDIA_ACCEL_REDIRECT = accel
    missing = SimpleNamespace(name="plans/gone.pdf", storage=default_storage)
    with pytest.raises(Http404):
        stored_file_response(missing, filename="gone.pdf", content_type="application/pdf")
