"""The Content-Security-Policy every page sends, and templates that need nothing inline.

tests/e2e/test_csp.py shows in Chromium that the pages honour it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered by WeasyPrint (which runs no script) or sent as plain-text e-mail: never served.
NOT_SERVED = ("pdf/", "campaign/email/")


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_page_sends_the_policy(client, world):
    client.force_login(world.users["officer"])
    policy = directives(client.get(reverse("units:home")))
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


def test_the_login_page_and_the_error_pages_send_it_too(client, world):
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]
    client.force_login(world.users["stranger"])
    refused = client.get(reverse("reports:dashboard"))
    assert refused.status_code == 403
    assert "script-src 'self'" in refused["Content-Security-Policy"]


def test_the_dashboard_charts_styles_carry_the_nonce_of_their_response(client, world):
    client.force_login(world.users["reviewer"])
    first = client.get(reverse("reports:dashboard"))
    nonce = re.fullmatch(r"'nonce-(.+)'", directives(first)["style-src"][1]).group(1)
    page = first.content.decode()
    styles = re.findall(r"<style[^>]*>", page)
    assert styles and all(tag == f'<style nonce="{nonce}" type="text/css">' for tag in styles)
    assert ' style="' not in page
    # The charts come from the cache the second time; the nonce is new all the same.
    second = client.get(reverse("reports:dashboard"))
    assert directives(second)["style-src"][1] != f"'nonce-{nonce}'"
    assert f'nonce="{nonce}"' not in second.content.decode()


def test_downloads_keep_their_own_stricter_policy(client, world):
    client.force_login(world.users["officer"])
    plan, attachment = world.own["plan"], world.own["attachment"]
    response = client.get(reverse("campaign:attachment_download", args=[plan.pk, attachment.pk]))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(NOT_SERVED):
            yield name, path.read_text(encoding="utf-8")


INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "an event-handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "a style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
}


def test_no_served_template_needs_anything_inline():
    found = [
        f"{name}: {what}"
        for name, text in served_templates()
        for what, pattern in INLINE.items()
        if pattern.search(text)
    ]
    assert list(served_templates()), "no template found"
    assert not found, "\n".join(found)
