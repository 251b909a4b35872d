"""The officer's desk in a real browser: submitting a plan asks first (a refusal sends
nothing), and what was sent then shows under "Đã gửi" on the home page."""

import re

import pytest
from playwright.sync_api import expect

from campaign.models import Plan
from tests.campaign.upload_files import PDF_BYTES

pytestmark = pytest.mark.e2e


def test_an_officer_confirms_the_submission_and_finds_the_plan_under_sent(
    demo, login, live_server, tmp_path
):
    scan = tmp_path / "ke-hoach-da-ky.pdf"
    scan.write_bytes(PDF_BYTES)
    page = login("cb.tanthach")
    answers = ["dismiss", "accept"]
    questions = []

    def answer(dialog):
        questions.append((dialog.type, dialog.message))
        getattr(dialog, answers.pop(0))()

    page.on("dialog", answer)

    # The plan to write waits on the home page; "Đã gửi" holds the unit's past reports.
    sent = page.locator("section[aria-labelledby=sent]")
    mine = sent.get_by_role("link", name="Kế hoạch số 07/KH-CĐCS")
    expect(sent.get_by_role("link", name=re.compile("Báo cáo năm"))).not_to_have_count(0)
    expect(mine).to_have_count(0)
    page.get_by_role("link", name=re.compile("Xây dựng kế hoạch triển khai của")).click()
    page.fill("#id_doc_number", "07/KH-CĐCS")
    page.fill("#id_doc_date", "20/07/2015")
    page.fill("#id_signer", "Chủ tịch CĐCS")
    page.fill("#id_summary", "Tuyên truyền CCHC đến toàn thể đoàn viên.")
    page.select_option("#id_activities-0-method", index=1)
    page.fill("#id_activities-0-audience", "Đoàn viên tổ 1")
    page.select_option("#id_activities-0-planned_quarter", "3")
    # The whole label is the touch target: a click on its text ticks the box.
    page.locator("label[for=id_activities-0-themes_0]").click()
    expect(page.locator("#id_activities-0-themes_0")).to_be_checked()
    page.set_input_files("#id_file", str(scan))
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_be_visible()
    plan = Plan.objects.get(unit__name__contains="Tân Thạch")

    # Refusing the question sends nothing.
    page.get_by_role("button", name="Gửi xem xét").click()
    expect(page.locator(".badge.status-draft")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == "draft"

    # Agreeing sends it.
    page.get_by_role("button", name="Gửi xem xét").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    assert [kind for kind, _message in questions] == ["confirm", "confirm"]
    assert questions[0][1].startswith("Gửi kế hoạch này để xem xét?")
    plan.refresh_from_db()
    assert plan.status == "submitted"

    # The home page lists it under "Đã gửi", with who sent it, and links to it.
    page.goto(f"{live_server.url}/")
    # Newest first: the plan heads the list.
    expect(sent.locator("li").first.get_by_role("link")).to_have_text("Kế hoạch số 07/KH-CĐCS")
    expect(sent.locator("li").first).to_contain_text("Đã gửi lúc")
    expect(sent.locator("li").first).to_contain_text("người thực hiện:")
    mine.click()
    assert page.url == f"{live_server.url}{plan.get_absolute_url()}"
