"""The nginx configuration the README gives lets through every upload the portal promises
to read, and past its limit shows the portal's own Vietnamese page, not nginx's English one."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from campaign import uploads
from reports import document_check
from tests.services import ROOT

README = ROOT / "README.md"


def test_the_body_limit_is_above_every_upload_limit_and_its_page_is_vietnamese():
    text = README.read_text(encoding="utf-8")
    [megabytes] = re.findall(r"client_max_body_size (\d+)m;", text)
    limit = int(megabytes) * 1024 * 1024
    assert limit > document_check.MAX_BYTES + 64 * 1024  # a 20 MB PDF and its envelope
    assert limit > uploads.MAX_UPLOAD_BYTES
    [page] = re.findall(r"error_page 413 /static/(\S+);", text)
    found = finders.find(page)
    assert found, page
    html = Path(found).read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and "Tệp quá lớn" in html
