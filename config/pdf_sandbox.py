"""The sandbox WeasyPrint renders HTML to PDF in: what it may fetch, and where it runs.

It knows nothing of the documents: `reports.pdf` builds the summary report's HTML and hands
it here.

What WeasyPrint may fetch
    Only through `PortalURLFetcher`: `data:` URLs (e.g. charts embedded as
    `data:image/svg+xml;base64,...`) and the project's own static files under the
    `portal://static/...` scheme (`STATIC_BASE`), mapped onto settings.STATICFILES_DIRS with
    path traversal refused. `file:`, `http(s):` and every other scheme raise ValueError, and
    no redirect is ever followed. WeasyPrint ≥ 70 is required (`html_to_pdf` checks): before
    it, a custom fetcher could be bypassed. Fonts come from fontconfig, never from a URL.

Where it runs
    `run_isolated` calls a function (`html_to_pdf`, in practice) in a forked child process
    with a cap on its address space and a wall-clock limit, so a runaway render is killed
    without taking the web or Celery worker down. It forks with billiard, Celery's own fork
    of multiprocessing: the standard library refuses to start a child from a Celery pool
    worker (a daemonic process). The limits are read from settings under the summary
    report's names (SUMMARY_PDF_TIMEOUT, SUMMARY_PDF_PREVIEW_TIMEOUT,
    SUMMARY_PDF_MEMORY_LIMIT), the one document the portal renders.

Importing this module quietens WeasyPrint's INFO logging, which it emits from its own import
on: the logs keep its warnings only.
"""

import contextlib
import gc
import logging
import mimetypes
import os
import resource
import signal
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import billiard
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# WeasyPrint reports every step at INFO, from its import on; the logs need its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
log = logging.getLogger(__name__)

import weasyprint  # noqa: E402
from weasyprint.urls import UNICODE_SCHEME_RE, URLFetcher, URLFetcherResponse  # noqa: E402

PORTAL_SCHEME = "portal"
STATIC_HOST = "static"
STATIC_BASE = f"{PORTAL_SCHEME}://{STATIC_HOST}/"
MAX_STATIC_BYTES = 5 * 1024 * 1024
MIN_WEASYPRINT = 70

# How long and how large a render may grow before it is killed (settings may override).
RENDER_TIMEOUT = getattr(settings, "SUMMARY_PDF_TIMEOUT", 90)
PREVIEW_TIMEOUT = getattr(settings, "SUMMARY_PDF_PREVIEW_TIMEOUT", 25)  # under gunicorn's 30 s
MEMORY_LIMIT = getattr(settings, "SUMMARY_PDF_MEMORY_LIMIT", 768 * 1024 * 1024)


def _check_version() -> None:
    major = int(weasyprint.__version__.split(".")[0])
    if major < MIN_WEASYPRINT:
        raise RuntimeError(
            f"WeasyPrint {weasyprint.__version__} cannot be trusted with a custom URL fetcher; "
            f"install {MIN_WEASYPRINT} or later."
        )


# --- the URL fetcher -------------------------------------------------------------------------
class PortalURLFetcher(URLFetcher):
    """Serves `data:` URLs and the project's own static files, and refuses everything else.

    `portal://static/css/pdf.css` is the file css/pdf.css of one of STATICFILES_DIRS. A path
    with `.` or `..` segments (also percent-encoded), a backslash or a NUL byte, or one that
    resolves (through a symbolic link) outside its directory is refused, as is any scheme
    but these two. Redirects are never followed: the opener has no redirect handler.
    """

    def __init__(self, static_dirs: Iterable | None = None, **kwargs: Any) -> None:
        kwargs.update(allowed_protocols=("data", PORTAL_SCHEME), allow_redirects=False)
        kwargs.setdefault("timeout", 5)
        super().__init__(**kwargs)
        dirs = settings.STATICFILES_DIRS if static_dirs is None else static_dirs
        self.roots = []
        for entry in dirs:
            prefix, directory = entry if isinstance(entry, (tuple, list)) else ("", entry)
            self.roots.append((prefix.strip("/"), Path(directory).resolve()))

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        match = UNICODE_SCHEME_RE.match(url)
        scheme = match[1].lower() if match else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == PORTAL_SCHEME:
            return self._static(url)
        raise ValueError(f"Refused to fetch {url[:200]!r}: only data: and portal: URLs")

    def _static(self, url):
        parts = urlsplit(url)
        if parts.netloc != STATIC_HOST:
            raise ValueError(f"Refused {url[:200]!r}: only {PORTAL_SCHEME}://{STATIC_HOST}/")
        relative = unquote(parts.path).lstrip("/")
        segments = relative.split("/")
        if (
            not relative
            or "\x00" in relative
            or "\\" in relative
            or any(segment in ("", ".", "..") for segment in segments)
        ):
            raise ValueError(f"Refused {url[:200]!r}: not a plain path to a static file")
        for prefix, root in self.roots:
            inside = relative
            if prefix:
                if not relative.startswith(prefix + "/"):
                    continue
                inside = relative[len(prefix) + 1 :]
            candidate = (root / PurePosixPath(inside)).resolve()
            if not candidate.is_relative_to(root) or not candidate.is_file():
                continue
            if candidate.stat().st_size > MAX_STATIC_BYTES:
                raise ValueError(f"Refused {url[:200]!r}: too large")
            content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
            if content_type.startswith("text/"):
                content_type += "; charset=utf-8"
            return URLFetcherResponse(
                url, body=candidate.read_bytes(), headers={"Content-Type": content_type}
            )
        raise ValueError(f"Refused {url[:200]!r}: no such static file")


def html_to_pdf(html: str, variant: str | None = None) -> bytes:
    """Render an HTML string to PDF bytes, fetching only what PortalURLFetcher allows
    (relative URLs resolve under STATIC_BASE). `variant` is WeasyPrint's `pdf_variant`,
    e.g. "pdf/a-3b" for a document kept for ever. Every PDF is tagged (its headings,
    paragraphs and tables marked, its language stated) so that a screen reader reads it as
    the page it was printed from."""
    _check_version()
    fetcher = PortalURLFetcher()
    document = weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=variant, pdf_tags=True)


# --- running a render in a child process --------------------------------------------------------
class RenderError(Exception):
    """A render failed. The message says why, in words the person who retries can act on."""


RENDERER_FAILED = gettext_lazy(
    "The renderer stopped on an error. Try again; if it fails again, tell the administrator, "
    "who will find the cause in the server's log."
)


def run_isolated(
    func: Callable[..., Any],
    *args: Any,
    timeout: float = RENDER_TIMEOUT,
    memory_limit: int = MEMORY_LIMIT,
) -> Any:
    """Call `func(*args)` in a forked child process and return its (picklable) result.

    The child may grow its address space by `memory_limit` bytes (RLIMIT_AS, on top of what
    it inherits) and runs at most `timeout` seconds of wall-clock time, after which it is
    killed. The child must not use the database: it shares the parent's connections.
    Raises RenderError when the child fails, runs out of memory, overruns or dies.
    """
    context = billiard.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, memory_limit, func, args), daemon=True)
    # Frozen, the objects the child inherits (Django, the figures) are left alone by its
    # garbage collector, which would otherwise walk them, and copy their pages, in every full
    # collection WeasyPrint's allocations start: 7 % of a province summary's render here.
    gc.freeze()
    try:
        child.start()
    finally:
        gc.unfreeze()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderError(
                _("The rendering took longer than %(seconds)s seconds and was stopped.")
                % {"seconds": timeout}
            )
        try:
            outcome, payload = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            raise RenderError(
                _("The rendering process stopped unexpectedly (exit code %(code)s).")
                % {"code": child.exitcode}
            ) from None
    finally:
        if child.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
        child.join(5)
        receiver.close()
    if outcome == "memory":
        raise RenderError(
            _("The rendering needed more than %(megabytes)s MiB of memory and was stopped.")
            % {"megabytes": memory_limit // (1024 * 1024)}
        )
    if outcome == "error":
        # The renderer's own words (English, paths included) go to the log, where the
        # administrator looks; the person who retries is told what to do.
        log.error("A render failed in its child process: %s", payload)
        raise RenderError(RENDERER_FAILED)
    return payload


def _child(sender, memory_limit, func, args):
    try:
        if memory_limit:
            _limit_memory(memory_limit)
        result = func(*args)
    except MemoryError:
        outcome, result = "memory", None
    except BaseException as error:  # the parent reports it; the child must never raise
        outcome, result = "error", f"{type(error).__name__}: {error}"[:1000]
    else:
        outcome = "ok"
    try:
        sender.send((outcome, result))
    finally:
        sender.close()


def _limit_memory(extra_bytes):
    """Cap the address space at what the process already maps plus `extra_bytes`."""
    mapped = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    mapped = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    cap = mapped + extra_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
