"""A report's figures typed while the session ended in another tab come back into their
fields once the officer logs in again (config.middleware.KeepInputAcrossLogin and
static/js/kept_input.js): nothing was saved, nothing typed is lost."""

import pytest

from campaign.models import AnnualReport
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
