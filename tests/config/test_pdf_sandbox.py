"""The PDF sandbox (config/pdf_sandbox.py): the URL fetcher on its own, which serves data:
URLs and the project's static files and refuses file:, http(s):, every other scheme, path
traversal and redirects; WeasyPrint behind it, which fetches nothing else even from raw
HTML; the WeasyPrint version check; and the child process that renders under a time and
memory cap.

The HTTP server that counts hits (`spy_server`) and `pdf_listing` are in sandbox_probes.py,
shared with the tests/reports/test_pdf_*.py files, which render the summary report through
this sandbox.
"""

import base64
import io
import os
import time
from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pikepdf
import pytest
from django.conf import settings
from django.utils import translation

from config import pdf_sandbox
from tests.config.sandbox_probes import PIXEL, pdf_listing, spy_server

STYLESHEET = pdf_sandbox.STATIC_BASE + "css/pdf.css"


@pytest.fixture
def http_spy():
    with spy_server() as spy:
        yield spy


# --- WeasyPrint behind the fetcher ------------------------------------------------------------
def test_the_renderer_refuses_every_url_but_data_and_static_even_in_raw_html(tmp_path, http_spy):
    """If escaping ever failed, the fetcher still lets nothing in: only the data: image."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(PIXEL)
    data_url = "data:image/png;base64," + base64.b64encode(PIXEL).decode()
    html = f"""<html><head>
      <link rel="stylesheet" href="{http_spy.url}/link.css">
      <style>@import url("{http_spy.url}/import.css");
        body {{ background: url({http_spy.url}/bg.png) }}</style></head><body>
      <img src="file://{secret}"><img src="{secret}"><img src="{http_spy.url}/a.png">
      <img src="{http_spy.url}/redirect"><img src="https://127.0.0.1:1/b.png">
      <img src="portal://static/../../../../{secret}"><img src="ftp://127.0.0.1/c.png">
      <img src="{data_url}"><p>Nội dung</p></body></html>"""
    images = pdf_listing("pdfimages", pdf_sandbox.html_to_pdf(html), tmp_path)
    assert http_spy.hits == []
    pictures = [row for row in images if row.split()[2] == "image"]  # not their alpha masks
    assert len(pictures) == 1  # the data: pixel, and nothing else


@pytest.mark.parametrize("version", ["69.0", "52.5"])
def test_a_weasyprint_older_than_70_is_refused_before_it_renders(version, monkeypatch):
    monkeypatch.setattr(pdf_sandbox.weasyprint, "__version__", version)
    with pytest.raises(RuntimeError, match="70 or later"):
        pdf_sandbox.html_to_pdf("<p>x</p>")


# --- the fetcher on its own -----------------------------------------------------------------------
def test_the_fetcher_serves_data_urls():
    response = pdf_sandbox.PortalURLFetcher().fetch("data:text/plain;base64,Y2jDoG8=")
    assert response.read() == "chào".encode()


def test_the_fetcher_serves_the_projects_own_static_files():
    response = pdf_sandbox.PortalURLFetcher().fetch(STYLESHEET)
    assert response.read() == (Path(settings.BASE_DIR) / "static/css/pdf.css").read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "portal://static/../config/settings.py",
        "portal://static/css/../../manage.py",
        "portal://static/%2e%2e/manage.py",
        "portal://static/css/%2E%2E/%2E%2E/manage.py",
        "portal://static//etc/passwd",
        "portal://static/css/./pdf.css",
        "portal://static/css%2F..%2F..%2Fmanage.py",
        "portal://static/css\\..\\..\\manage.py",
        "portal://static/css/pdf.css%00.png",
        "portal://static/",
        "portal://media/plans/1/scan.pdf",
        "portal:///etc/passwd",
        "portal://static/no/such/file.css",
    ],
)
def test_the_fetcher_refuses_paths_outside_the_static_files(url):
    with pytest.raises(ValueError):
        pdf_sandbox.PortalURLFetcher().fetch(url)


def test_the_fetcher_refuses_a_symbolic_link_out_of_the_static_directory(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p {}")
    (static / "leak.css").symlink_to("/etc/passwd")
    fetcher = pdf_sandbox.PortalURLFetcher(static_dirs=[static])
    assert fetcher.fetch("portal://static/ok.css").read() == b"p {}"
    with pytest.raises(ValueError):
        fetcher.fetch("portal://static/leak.css")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "https://127.0.0.1:1/x.png",
        "ftp://127.0.0.1/x.png",
        "javascript:alert(1)",
        "css/pdf.css",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_file_http_and_every_other_scheme(url):
    with pytest.raises(ValueError):
        pdf_sandbox.PortalURLFetcher().fetch(url)


def test_the_fetcher_refuses_http_and_never_follows_a_redirect(http_spy):
    fetcher = pdf_sandbox.PortalURLFetcher()
    for path in ("/a.png", "/redirect"):
        with pytest.raises(ValueError):
            fetcher.fetch(http_spy.url + path)
    assert http_spy.hits == []
    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)


# --- the child process ----------------------------------------------------------------------------
def _answer(value):
    return value * 2


def _allocate(size):
    return len(bytearray(size))


def _sleep(seconds):
    time.sleep(seconds)


def _explode():
    raise RuntimeError("kaboom")


def _die():
    os._exit(3)


def test_a_render_in_the_child_returns_its_result():
    assert pdf_sandbox.run_isolated(_answer, 21, timeout=30) == 42


@translation.override("en")
def test_a_render_that_grows_past_the_memory_cap_fails_with_a_memory_message():
    # 64 MiB allowed; the child asks for 2 GiB, and the parent lives on.
    with pytest.raises(pdf_sandbox.RenderError, match="64 MiB"):
        pdf_sandbox.run_isolated(_allocate, 2 * 1024**3, timeout=30, memory_limit=64 * 1024**2)
    assert pdf_sandbox.run_isolated(_allocate, 1024, timeout=30, memory_limit=64 * 1024**2) == 1024


@translation.override("en")
def test_a_render_that_overruns_is_killed_at_its_time_limit():
    started = time.monotonic()
    with pytest.raises(pdf_sandbox.RenderError, match="1 seconds"):
        pdf_sandbox.run_isolated(_sleep, 60, timeout=1)
    assert time.monotonic() - started < 10


@translation.override("en")
def test_an_error_or_a_crash_in_the_child_is_reported_with_its_reason(caplog):
    # The person who retries reads what to do; the renderer's own words go to the log.
    with pytest.raises(pdf_sandbox.RenderError) as raised:
        pdf_sandbox.run_isolated(_explode, timeout=30)
    assert str(raised.value) == str(pdf_sandbox.RENDERER_FAILED)
    assert "kaboom" not in str(raised.value)
    assert "RuntimeError: kaboom" in caplog.text
    with pytest.raises(pdf_sandbox.RenderError, match="exit code 3"):
        pdf_sandbox.run_isolated(_die, timeout=30)


def _structure_types(node, found):
    """Every structure type under `node` of a tagged PDF's structure tree."""
    if isinstance(node, pikepdf.Array):
        for item in node:
            _structure_types(item, found)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.add(str(node.S))
        if "/K" in node:
            _structure_types(node.K, found)
    return found


@pytest.mark.parametrize("variant", [None, "pdf/a-3b"])
def test_every_pdf_is_tagged_for_a_screen_reader(variant):
    html = (
        '<html lang="vi"><body><h1>Báo cáo kết quả</h1><p>Đoàn viên được tuyên truyền</p>'
        "<table><tr><th>Chỉ tiêu</th><td>1.234</td></tr></table></body></html>"
    )
    document = pikepdf.open(io.BytesIO(pdf_sandbox.html_to_pdf(html, variant)))
    assert document.Root.MarkInfo.Marked is True
    assert str(document.Root.Lang) == "vi"
    types = _structure_types(document.Root.StructTreeRoot.K, set())
    assert {"/H1", "/P", "/Table", "/TH", "/TD"} <= types
