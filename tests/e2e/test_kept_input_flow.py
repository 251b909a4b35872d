"""A report's figures typed while the session ended in another tab come back into their
fields once the officer logs in again (config.middleware.KeepInputAcrossLogin and
static/js/kept_input.js): nothing was saved, nothing typed is lost."""

import pytest

from campaign.models import AnnualReport
from config.middleware import KeepInputAcrossLogin
from units.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_the_figures_typed_before_the_session_ended_are_put_back(demo, login, live_server):
    page = login("cb.tanthach")
    page.locator("a[href$='/reports/2026/']").first.click()
    form_url = page.url
    page.fill("input[name=value_sessions]", "12")
    page.fill("input[name=value_participants]", "1.250")
    page.select_option("select[name=self_assessment]", "fair")
    # Logged out in another tab.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    with other.expect_navigation():
        other.evaluate("document.querySelector(\"form[action='/logout/']\").submit()")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url("**/login/**")
    assert "biểu mẫu chưa được lưu" in page.locator("main .alert-warning").inner_text()
    page.fill("#id_username", "cb.tanthach")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(form_url)
    page.wait_for_load_state()
    assert page.input_value("input[name=value_sessions]") == "12"
    assert page.input_value("input[name=value_participants]") == "1.250"
    assert page.input_value("select[name=self_assessment]") == "fair"
    assert not AnnualReport.objects.filter(unit__code="BT-CT-03", year=form_url[-5:-1]).exists()


def test_the_figures_refused_by_the_csrf_check_come_back_through_the_refusal_page_link(
    demo, login, live_server
):
    # Logged out and in again in another tab: the form's token is stale, and the refusal
    # page's link opens the form again, drawn anew, with what was typed put back.
    page = login("cb.tanthach")
    page.locator("a[href$='/reports/2026/']").first.click()
    form_url = page.url
    page.fill("input[name=value_sessions]", "14")
    page.select_option("select[name=self_assessment]", "fair")
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    with other.expect_navigation():
        other.evaluate("document.querySelector(\"form[action='/logout/']\").submit()")
    other.fill("#id_username", "cb.tanthach")
    other.fill("#id_password", DEMO_PASSWORD)
    other.click("main button[type=submit]")
    other.wait_for_url(f"{live_server.url}/")
    other.close()
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Biểu mẫu đã hết hạn"
    page.get_by_role("link", name="Mở lại trang và khôi phục nội dung đã nhập").click()
    page.wait_for_url(form_url)
    page.wait_for_load_state()
    assert page.input_value("input[name=value_sessions]") == "14"
    assert page.input_value("select[name=self_assessment]") == "fair"
    assert "trước khi biểu mẫu hết hạn" in page.locator("main .alert-warning").inner_text()
    assert not AnnualReport.objects.filter(unit__code="BT-CT-03", year=form_url[-5:-1]).exists()


def age_kept_input(page, seconds):
    """Make what the server keeps for this browser's session `seconds` older, as if the
    officer had come back that much later."""
    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import SessionStore

    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    kept = session[KeepInputAcrossLogin.SESSION_KEY]
    session[KeepInputAcrossLogin.SESSION_KEY] = {**kept, "at": kept["at"] - seconds}
    session.save()


def test_figures_typed_too_long_before_the_login_are_said_to_be_dropped(demo, login, live_server):
    # Past half an hour the form opened empty without a word, and its officer looked for
    # the figures they had typed.
    page = login("cb.tanthach")
    page.locator("a[href$='/reports/2026/']").first.click()
    form_url = page.url
    page.fill("input[name=value_sessions]", "12")
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    with other.expect_navigation():
        other.evaluate("document.querySelector(\"form[action='/logout/']\").submit()")
    other.close()
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url("**/login/**")
    age_kept_input(page, KeepInputAcrossLogin.KEEP_SECONDS + 60)
    page.fill("#id_username", "cb.tanthach")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(form_url)
    page.wait_for_load_state()
    note = page.locator("main #kept-input-expired").inner_text()
    assert "chỉ được giữ trong 30 phút nên nay đã bị xóa. Hãy nhập lại." in note
    assert page.input_value("input[name=value_sessions]") == ""
    assert page.locator("#kept-fields").count() == 0
    page.reload()
    assert page.locator("main #kept-input-expired").count() == 0  # said once
