"""An officer who forgot the password asks for a link from the login page, reads the e-mail
(Django's test outbox: the live server runs in this process), chooses a new password on
the page the link opens, and logs in with it; the old one no longer works."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from units.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Mua-xuan-2026-cchc"


def log_in(page, base, password):
    page.goto(f"{base}/login/")
    page.fill("#id_username", "cb.dienluc")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


def test_an_officer_resets_a_forgotten_password_from_the_e_mail_link(demo, live_server, page):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.fill("#id_email", "dienluc@ldldbentre.local")
    page.get_by_role("button", name="Gửi liên kết").click()
    expect(page.locator("h1")).to_be_visible()
    assert page.url == f"{base}/password/reset/sent/"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dienluc@ldldbentre.local"]
    assert "Đặt lại mật khẩu" in message.subject
    # The e-mail's link carries the configured address; the path is opened on this server.
    link = re.search(r"https?://\S+/password/reset/\S+/\S+/", message.body).group(0)
    assert link.startswith(settings.SITE_URL.rstrip("/"))
    page.goto(base + link.removeprefix(settings.SITE_URL.rstrip("/")))
    expect(page.locator("h1")).to_have_text("Đặt mật khẩu mới")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.locator("main")).to_contain_text("Đã đổi mật khẩu")

    log_in(page, base, DEMO_PASSWORD)
    expect(page.locator("main .alert-danger, main .invalid-feedback").first).to_be_visible()
    assert page.url.startswith(f"{base}/login/")
    log_in(page, base, NEW_PASSWORD)
    page.wait_for_url(f"{base}/")
    expect(page.locator("h1")).to_contain_text("Xin chào")
