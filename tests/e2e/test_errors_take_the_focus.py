"""An error about what the reader has just done takes the focus, wherever the page shows it:
an alert already in a page as it loads is not read out, so a screen reader would say only
the page's title, and nothing failed. So does the answer to a document check, which comes
back on the page the file was sent from. (An error in a form's own fields:
test_phone_aids.py.)"""

import re

import pytest
from playwright.sync_api import expect

from campaign.models import Obstacle
from tests.e2e.page_checks import PHONE
from tests.reports.signed_pdfs import small_pdf

pytestmark = pytest.mark.e2e


def expect_focused_error(page, text):
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile(r"\balert-danger\b"))
    expect(focused).to_contain_text(text)
    expect(focused).to_be_in_viewport()


def test_an_error_message_after_a_redirect_takes_the_focus(demo, login, live_server, page):
    # "Trả lại…" with nothing ticked leads back to the queue with the message; a success
    # message keeps its place.
    page.set_viewport_size(PHONE)
    page = login("cspl")
    page.goto(f"{live_server.url}/review/")
    page.get_by_role("button", name="Trả lại…").click()
    page.wait_for_url(f"{live_server.url}/review/")
    expect_focused_error(page, "Hãy đánh dấu ít nhất một mục trong danh sách trước.")


def test_reminding_nobody_says_so_with_the_focus(demo, login, live_server, page):
    page.set_viewport_size(PHONE)
    page = login("cspl")
    page.goto(f"{live_server.url}/reminders/")
    page.get_by_role("button", name="Đôn đốc các đơn vị đã chọn").click()
    page.wait_for_load_state()
    expect_focused_error(page, "Hãy chọn ít nhất một đơn vị để đôn đốc.")


def test_a_refused_reorganisation_file_says_so_with_the_focus(
    demo, login, live_server, page, tmp_path
):
    spreadsheet = tmp_path / "sap-xep.csv"
    spreadsheet.write_text("foo,bar\n1,2\n", encoding="utf-8")
    page = login("admin")
    page.goto(f"{live_server.url}/reorganisations/upload/")
    page.set_input_files("#id_file", str(spreadsheet))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect_focused_error(page, "Chưa ghi nhận gì")


def test_a_document_check_s_answer_takes_the_focus(demo, login, live_server, page, tmp_path):
    document = tmp_path / "van-ban.pdf"
    document.write_bytes(small_pdf())
    page.set_viewport_size(PHONE)
    page = login("cspl")
    page.goto(f"{live_server.url}/documents/check/")
    page.set_input_files("#id_document", str(document))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("role", "status")
    expect(focused).to_have_attribute("data-outcome", "unknown")
    expect(focused).to_contain_text("không có chữ ký số")
    expect(focused).to_be_in_viewport()


def test_a_success_message_leaves_the_focus_alone(demo, login, live_server, page):
    obstacle = Obstacle.objects.exclude(status="closed").order_by("pk").first()
    page = login("cspl")
    page.goto(f"{live_server.url}/obstacles/{obstacle.pk}/")
    page.fill("#id_answer", "Đơn vị gửi báo cáo cùng lúc với tổng kết năm.")
    page.locator("main form[action$='/answer/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main .alert-success")).to_be_visible()
    assert page.evaluate("() => document.activeElement === document.body")
