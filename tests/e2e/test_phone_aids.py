"""What helps a thumb and a keyboard on the daily pages: a wide table says that it scrolls,
a queue's tick box ticks from anywhere in its cell, an empty reason brings its box into
view with the message at the top, and the first Tab offers to skip the menu."""

import re

import pytest
from django.db.models import F
from playwright.sync_api import expect

from campaign.models import AnnualReport
from tests.e2e.page_checks import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

HINT = "Bảng rộng hơn màn hình"


def test_a_table_wider_than_a_phone_says_that_it_scrolls(demo, login, live_server, page):
    page.set_viewport_size(PHONE)
    page = login("cspl")
    page.goto(f"{live_server.url}/dashboard/")
    scrolling = page.locator(".table-responsive[data-scroll-box]")
    assert scrolling.count() >= 1
    for index in range(scrolling.count()):
        box = scrolling.nth(index)
        hint = box.locator(":scope > .scroll-hint")
        expect(hint).to_contain_text(HINT)
        # Held at the box's left edge when the table scrolls.
        before = hint.bounding_box()["x"]
        box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        assert box.evaluate("box => box.scrollLeft") > 0
        assert abs(hint.bounding_box()["x"] - before) < 2
    # A group named by its section, not a second landmark of the section's name.
    assert page.locator(".table-responsive[role=region]").count() == 0
    # On an office screen the tables that fit say nothing.
    page.set_viewport_size(DESKTOP)
    page.reload()
    for index in range(page.locator(".table-responsive").count()):
        box = page.locator(".table-responsive").nth(index)
        fits = box.evaluate("box => box.scrollWidth <= box.clientWidth + 1")
        assert fits == (box.locator(".scroll-hint").count() == 0)


def test_a_tick_box_on_a_phone_card_ticks_from_the_word_beside_it(demo, login, live_server, page):
    page.set_viewport_size(PHONE)
    page = login("cspl")
    page.goto(f"{live_server.url}/review/reports/")
    cell = page.locator("td.tick-cell").first
    box = cell.locator("input[type=checkbox]")
    expect(box).not_to_be_checked()
    # The left of the card's line, where "Chọn" is written, not the box itself.
    area = cell.bounding_box()
    page.mouse.click(area["x"] + 8, area["y"] + area["height"] / 2)
    expect(box).to_be_checked()
    # Its edge stands out from the white card (3:1 at least: #6c757d is 4.7:1).
    other = page.locator("td.tick-cell input[type=checkbox]").nth(1)
    assert other.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(108, 117, 125)"


def test_an_empty_reason_on_a_phone_brings_its_box_into_view(demo, login, live_server, page):
    page.set_viewport_size(PHONE)
    page = login("cspl")
    report = AnnualReport.objects.filter(status="submitted").order_by("pk").first()
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.locator(f"form[action$='/reports/{report.pk}/return/'] button[type=submit]").click()
    page.wait_for_load_state()
    reason = page.locator("textarea[name=reason]").first
    expect(reason).to_be_focused()
    expect(reason).to_be_in_viewport()
    expect(page.get_by_role("alert").first).to_have_text(
        re.compile("Hãy xem lại lý do ở ô bên dưới")
    )


def test_the_first_tab_offers_to_skip_the_menu(demo, login, live_server, page):
    page = login("cb.tanthach")
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_a_form_sent_back_with_errors_takes_the_reader_to_the_first_one(
    demo, login, live_server, page
):
    # The page reloads at its top: the field to fix gets the focus (its error is read out
    # with it) and comes into view, on a phone too.
    page.set_viewport_size(PHONE)
    page = login("cb.tanthach")
    page.goto(f"{live_server.url}/obstacles/new/")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("aria-invalid", "true")
    expect(focused).to_be_in_viewport()
    # A login refused as a whole: its message takes the focus.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "cb.tanthach")
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(":focus")).to_have_class(re.compile("alert-danger"))


def test_the_dashboard_s_late_badge_and_self_assessment_read_without_the_chart(
    demo, login, live_server, page
):
    page = login("cspl")
    page.goto(f"{live_server.url}/dashboard/?year=2025")
    late = page.locator(".badge.grid-late").first
    # White on it reads at 5.0:1 (the orange before, 2.6:1, failed axe's color-contrast).
    assert late.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(180, 83, 9)"
    expect(page.locator("figure.chart figcaption")).to_contain_text(
        re.compile(r"Số đơn vị theo mức tự đánh giá: Tốt \d+ · Khá \d+ · Trung bình \d+ · Yếu \d+")
    )


def test_each_activity_of_a_plan_is_named_by_its_number(demo, login, live_server, page):
    # Every activity's fields carry the same labels: its fieldset says which one it is.
    page = login("cb.tanthach")
    page.get_by_role("link", name=re.compile("Xây dựng kế hoạch triển khai của")).click()
    # The add button works once the page's deferred scripts have run: on a busy machine
    # the click could come before them and add nothing.
    page.wait_for_load_state("load")
    legends = page.locator("[data-formset-forms] > fieldset > legend")
    expect(legends).to_have_count(1)
    expect(legends.first).to_have_text("Hoạt động 1")
    page.click("[data-formset-add]")
    expect(legends).to_have_count(2)
    expect(legends.nth(1)).to_have_text("Hoạt động 2")
    expect(page.locator("#id_activities-1-method")).to_be_focused()


def test_a_reason_refused_because_the_report_changed_keeps_the_focus_in_its_box(
    demo, login, live_server, page
):
    # The unit sent it again meanwhile: the page comes back with the reason in its box,
    # which keeps the focus the page gave it (first_error.js does not move it).
    page.set_viewport_size(PHONE)
    page = login("cspl")
    report = AnnualReport.objects.filter(status="submitted").order_by("pk").first()
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    form = page.locator(f"form[action$='/reports/{report.pk}/return/']")
    form.locator("textarea[name=reason]").fill("Thiếu số liệu quý IV.")
    AnnualReport.objects.filter(pk=report.pk).update(version=F("version") + 1)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    reason = page.locator("textarea[name=reason]").first
    expect(reason).to_be_focused()
    expect(reason).to_have_value("Thiếu số liệu quý IV.")


def test_a_long_form_sent_back_with_errors_lists_them_with_links_to_each_field(
    demo, login, live_server, page
):
    # The annual report is three screens long on a phone: the message at its top says how
    # many fields to fix and leads to each, the first one keeping the focus; a link followed
    # with the keyboard puts the focus in its field (the browser focuses an input a link
    # names), in view.
    page.set_viewport_size(PHONE)
    page = login("cb.tanthach")
    page.get_by_role("link", name=re.compile("Lập báo cáo năm")).first.click()
    page.fill("#id_value_sessions", "abc")
    page.fill("#id_value_documents", "-5")
    # Sent for review: what a submit asks for besides is listed too (a draft may leave it).
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("main form button[name=save_and_submit]").click()
    page.wait_for_load_state()
    expect(page.locator(":focus")).to_have_id("id_value_sessions")
    summary = page.locator("main form .alert-danger[role=alert]")
    links = summary.locator("li a")
    # The six figures (two typed wrong, four missing), then the narrative and the
    # assessment, in the page's order.
    fields = ["sessions", "participants", "documents", "news_items", "initiatives"]
    fields = [f"#id_value_{name}" for name in [*fields, "members_commended"]]
    expect(links).to_have_count(8)
    for n, href in enumerate([*fields, "#id_results", "#id_self_assessment"]):
        expect(links.nth(n)).to_have_attribute("href", href)
    expect(links.nth(0)).to_contain_text("Số buổi tuyên truyền đã tổ chức")
    expect(links.nth(0)).to_contain_text("Hãy nhập một số nguyên, ví dụ 1234 hoặc 1.234.")
    links.nth(2).focus()
    page.keyboard.press("Enter")
    documents = page.locator("#id_value_documents")
    expect(documents).to_be_focused()
    expect(documents).to_be_in_viewport()
    # Its label is in view above it, not hidden under the top of the screen.
    expect(page.locator("label[for=id_value_documents]")).to_be_in_viewport()

    # The plan: the activities' error above the fields is listed with them, and an
    # activity's field is named by its activity.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=re.compile("Xây dựng kế hoạch triển khai của")).click()
    page.fill("#id_doc_number", "07/KH")
    page.select_option("#id_activities-0-method", index=1)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    summary = page.locator("main form .alert-danger[role=alert]")
    expect(summary).to_contain_text("Chưa lưu")
    expect(summary.locator("a[href='#id_doc_date']")).to_contain_text("Ngày văn bản")
    expect(summary.locator("a[href='#id_activities-0-audience']")).to_contain_text("Hoạt động 1")
    expect(page.locator(":focus")).to_have_id("id_doc_date")
