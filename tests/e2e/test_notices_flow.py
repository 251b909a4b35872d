"""Notices in the portal, end to end with the demo federation: a reviewer returns a plan and
the officer finds the reason under the bell; the reviewer accepts it and the officer sees
that too; a summary report is issued and the Standing Committee member finds it on the
home page and under the bell."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign import workflow
from campaign.models import Campaign, Notice
from campaign.periods import report_year
from reports import issuing, summary_tasks
from tests.campaign.filings import make_plan
from tests.reports.summaries import SUBJECT, make_summary
from units.models import Unit, User

pytestmark = pytest.mark.e2e

REASON = "Bổ sung số người dự kiến của hoạt động 1."


def bell(page):
    return page.locator("nav a.notice-bell")


def expect_bell(page, count):
    """The bell says `count` unread notices, to the eye and to a screen reader."""
    if count:
        expect(bell(page)).to_have_attribute("aria-label", f"Thông báo: {count} chưa đọc")
        expect(bell(page).locator(".notice-count")).to_have_text(str(count))
    else:
        expect(bell(page)).to_have_attribute("aria-label", "Thông báo: không có thông báo chưa đọc")
        expect(bell(page).locator(".notice-count")).to_have_count(0)
    box = bell(page).bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box  # a touch target


def test_the_officer_and_the_committee_find_their_notices_under_the_bell(
    demo, login, live_server, monkeypatch
):
    campaign = Campaign.objects.get(slug="cchc-2015")
    officer = User.objects.get(username="cb.tanthach")
    unit = Unit.objects.get(code="BT-CT-03")
    plan = make_plan(unit, campaign, officer)
    workflow.submission_submit(plan, user=officer)
    plan_url = f"{live_server.url}{plan.get_absolute_url()}"

    # The commune union's reviewer returns the plan with a reason.
    page = login("ldld.chauthanh")
    page.set_default_timeout(15_000)
    page.goto(plan_url)
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name="Trả lại với lý do này").click()
    expect(page.locator(".badge.status-returned")).to_be_visible()

    # The officer sees one unread notice, reads the reason in the list and opens the plan.
    page = login("cb.tanthach")
    expect_bell(page, 1)
    bell(page).click()
    expect(page.locator("main h1")).to_have_text("Thông báo")
    notice = page.locator("main .notice-list li").first
    expect(notice).to_have_class(re.compile("notice-unread"))
    expect(notice).to_contain_text(f"đã bị trả lại: {REASON}")
    notice.get_by_role("link").click()
    expect(page).to_have_url(plan_url)
    expect_bell(page, 0)

    # It sends the plan again; the reviewer accepts it.
    plan.refresh_from_db()
    workflow.submission_submit(plan, user=officer)
    page = login("ldld.chauthanh")
    page.goto(plan_url)
    page.get_by_role("button", name="Chấp nhận", exact=True).click()
    page.wait_for_load_state()
    confirmation = page.locator("form:has(input[name=confirmed]) button[type=submit]")
    if confirmation.count():  # where accepting asks first, it is confirmed
        confirmation.click()
    expect(page.locator(".badge.status-accepted")).to_be_visible()

    page = login("cb.tanthach")
    expect_bell(page, 1)
    bell(page).click()
    newest = page.locator("main .notice-list li").first
    expect(newest).to_contain_text("đã được chấp nhận")
    expect(page.locator("main .notice-list li.notice-unread")).to_have_count(1)
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đánh dấu 1 thông báo là đã đọc.")
    expect_bell(page, 0)

    # The CSPL board issues a summary report of the province (its PDF is not this journey's
    # business: test_summary_flow.py renders one).
    monkeypatch.setattr(summary_tasks, "enqueue_render", lambda pk: None)
    province = Unit.objects.get(code="VL")
    summary = make_summary(
        province,
        campaign,
        User.objects.get(username="cspl"),
        year=report_year(campaign, from_rules=True),
        dated_on=timezone.localdate(),
        issuing_body="Liên đoàn Lao động tỉnh Vĩnh Long",
        place="Vĩnh Long",
    )
    summary = issuing.summary_issue(summary=summary, user=User.objects.get(username="cspl"))
    assert Notice.objects.filter(key=f"summary-{summary.pk}").exists()

    # The Standing Committee member sees it under the bell and on the home page's desk,
    # once: among the summaries issued, not again under what is new.
    page = login("thuongvu")
    expect_bell(page, 1)
    news = page.locator("main section:has(#whats-new)")
    expect(news).not_to_contain_text(f"báo cáo tổng hợp số {summary.number}")
    received = page.locator("main section:has(#summaries-issued)")
    item = received.locator(f'a[href="{summary.get_absolute_url()}"]')
    expect(item).to_contain_text(f"{summary.number} – {SUBJECT}")
    expect(item).to_contain_text("mới")
    expect(page.locator("main section:has(#campaign-state)")).to_contain_text(
        "đơn vị đã gửi báo cáo năm"
    )
    item.click()
    expect(page).to_have_url(f"{live_server.url}{summary.get_absolute_url()}")
    expect_bell(page, 0)
    page.goto(f"{live_server.url}/")
    expect(received.locator("a.summary-unread")).to_have_count(0)
