"""The CSPL board accepts two plans at once from its queue, and returns two annual reports
with one reason: it ticks them, reads the confirmation page, confirms, and finds them done;
each returned report shows the shared reason to its unit."""

import re

import pytest
from playwright.sync_api import expect

from campaign.models import AnnualReport, Plan

pytestmark = pytest.mark.e2e

REASON = "Thiếu số liệu về các buổi tuyên truyền lồng ghép; đề nghị bổ sung."


def tick_first(page, count):
    """Tick the first `count` rows of the queue; returns their ids, in the queue's order."""
    boxes = page.locator("main table input[name=item]")
    ids = []
    for index in range(count):
        box = boxes.nth(index)
        box.check()
        ids.append(int(box.get_attribute("value")))
    return ids


def test_a_reviewer_accepts_and_returns_several_items_after_a_confirmation(
    demo, login, live_server, page
):
    login("cspl")
    page.goto(f"{live_server.url}/review/")
    plans = tick_first(page, 2)
    page.get_by_role("button", name="Chấp nhận…").click()

    expect(page.locator("h1")).to_have_text("Chấp nhận các văn bản này?")
    expect(page.locator("main tbody tr")).to_have_count(2)
    # Nothing is done before the confirmation.
    assert set(Plan.objects.filter(pk__in=plans).values_list("status", flat=True)) == {"submitted"}
    page.get_by_role("button", name="Chấp nhận 2 văn bản").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã chấp nhận 2")
    assert page.url == f"{live_server.url}/review/"
    assert set(Plan.objects.filter(pk__in=plans).values_list("status", flat=True)) == {"accepted"}
    for pk in plans:
        expect(page.locator(f"main input[name=item][value='{pk}']")).to_have_count(0)

    page.goto(f"{live_server.url}/review/reports/")
    reports = tick_first(page, 2)
    page.get_by_role("button", name="Trả lại…").click()
    expect(page.locator("h1")).to_have_text("Trả lại các văn bản này?")
    # A return without a reason is refused on the same page, nothing returned.
    page.get_by_role("button", name="Trả lại 2 văn bản").click()
    expect(page.locator("#id_reason")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert set(AnnualReport.objects.filter(pk__in=reports).values_list("status", flat=True)) == {
        "submitted"
    }
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name="Trả lại 2 văn bản").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại 2")
    for report in AnnualReport.objects.filter(pk__in=reports):
        assert report.status == "returned"
        assert report.steps.order_by("-pk").first().reason == REASON

    page.goto(f"{live_server.url}/reports/{reports[0]}/")
    expect(page.locator("main")).to_contain_text(REASON)
