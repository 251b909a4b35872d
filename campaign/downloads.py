"""Sending a stored file back: as an attachment the browser neither sniffs, renders nor
keeps, streamed by Django or handed to nginx (MEDIA_ACCEL_REDIRECT). Every authorising view
that sends a file, in campaign and in reports, goes through here."""

from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

_Response = TypeVar("_Response", bound=HttpResponseBase)


def protect_download(response: _Response) -> _Response:
    """Mark `response` as a download the browser must neither sniff nor render, nor keep.

    Content-Disposition must already say "attachment". Its own Content-Security-Policy
    (no source at all, sandboxed) replaces the site's, should the file be opened anyway.
    """
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(
    field_file: FieldFile, *, filename: str, content_type: str
) -> HttpResponse | FileResponse:
    """Send a stored file (a FileField's value) as a download named `filename`.

    The caller has checked that the user may have it. With MEDIA_ACCEL_REDIRECT set, the
    response is empty and tells the reverse proxy which file to send (X-Accel-Redirect: the
    prefix plus the storage name, URL-quoted); nginx keeps its Content-Type and
    Content-Disposition, and its `internal` location adds nosniff and the sandbox policy
    again (see MEDIA_ACCEL_REDIRECT in config/settings.py). Otherwise Django streams the
    file. Either way a file missing from the storage is a 404.
    """
    name = field_file.name
    storage = field_file.storage
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if prefix:
        try:
            present = bool(name) and storage.exists(name)
        except (OSError, ValueError):  # an unreadable folder, a NUL byte in the name
            present = False
        if not present:
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        return protect_download(response)
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, ValueError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    return protect_download(response)
