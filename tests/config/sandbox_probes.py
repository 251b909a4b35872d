"""Probes of what a rendered PDF fetched and holds: an HTTP server on 127.0.0.1 that records
every request (`spy_server`), and the fonts or images poppler lists in a PDF
(`pdf_listing`). Used by test_pdf_sandbox.py and tests/reports/test_pdf_*.py."""

import base64
import contextlib
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

# A one-pixel PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def pdf_listing(command, content, tmp_path):
    """The rows `pdffonts` or `pdfimages -list` print for `content`, headers left out."""
    path = tmp_path / f"list-{time.monotonic_ns()}.pdf"
    path.write_bytes(content)
    arguments = [command, "-list", str(path)] if command == "pdfimages" else [command, str(path)]
    out = subprocess.run(arguments, capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[2:]


@contextlib.contextmanager
def spy_server():
    """An HTTP server on 127.0.0.1 that records every request; /redirect answers 302."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "/landed.png")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", hits=hits)
    finally:
        server.shutdown()
        server.server_close()
