"""A signature check stopped by its cap (a busy moment, a file that overruns) says that it
could not check, never that the signature is invalid, and is kept minutes, not a day."""

import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from config import pdf_sandbox
from reports import signing
from tests.reports.document_check import check, stored
from tests.reports.signed_pdfs import sign


@pytest.fixture
def overrun(monkeypatch):
    """Every capped check stops, as one does when the machine is too busy; the timeouts the
    results were kept for are recorded."""
    kept = []
    real_set = cache.set

    def stopped(*args, **kwargs):
        raise pdf_sandbox.RenderError("The rendering took longer than 15 seconds and was stopped.")

    def recording_set(key, value, timeout=None, *args, **kwargs):
        if key.startswith("signing:") and isinstance(value, dict):
            kept.append(timeout)
        return real_set(key, value, timeout, *args, **kwargs)

    monkeypatch.setattr(signing.pdf_sandbox, "run_isolated", stopped)
    monkeypatch.setattr(signing.cache, "set", recording_set)
    return kept


def test_an_overrun_check_of_an_upload_says_it_could_not_check(client, cast, configured, overrun):
    page = check(client, cast["standing"], sign().content)
    assert 'data-outcome="unchecked"' in page
    assert "chưa kiểm tra được tệp này lúc này" in page
    assert "không hợp lệ" not in page and 'data-outcome="modified"' not in page
    assert overrun and max(overrun) <= signing.UNCHECKED_SECONDS


def test_an_issued_summary_checked_in_a_busy_moment_is_not_branded_invalid(
    client, tree, cast, configured, overrun, monkeypatch
):
    content = sign().content
    summary = stored(tree, cast, content)
    client.force_login(cast["standing"])
    url = reverse("reports:summary_detail", args=[summary.pk])
    page = client.get(url).content.decode()
    assert 'data-signature="unchecked"' in page
    assert "Chưa kiểm tra được chữ ký số lúc này" in page
    assert "không hợp lệ" not in page
    assert overrun and max(overrun) <= signing.UNCHECKED_SECONDS

    # Minutes later the machine is quiet again: the kept answer has expired, and the same
    # file is checked and found valid.
    monkeypatch.undo()
    cache.delete_many(list(_signing_keys(content, summary)))
    page = client.get(url).content.decode()
    assert 'data-signature="valid"' in page and "Chữ ký số hợp lệ" in page


def _signing_keys(content, summary):
    fingerprint = signing.config_fingerprint()
    yield f"signing:verify:{hashlib.sha256(content).hexdigest()}:{fingerprint}"
    yield f"signing:stored:{summary.pdf.name}:{fingerprint}"


def test_a_verification_that_ran_is_kept_for_the_day(configured, monkeypatch):
    kept = []
    real_set = cache.set
    monkeypatch.setattr(
        signing.cache,
        "set",
        lambda key, value, timeout=None: kept.append(timeout) or real_set(key, value, timeout),
    )
    assert signing.verify_pdf(sign().content).state == signing.VALID
    assert kept == [signing.CACHE_SECONDS]
