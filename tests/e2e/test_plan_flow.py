"""The plan's whole life in a real browser, with the demo federation."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaign.models import Plan
from tests.campaign.upload_files import PDF_BYTES

pytestmark = pytest.mark.e2e


def test_a_plan_is_filed_returned_fixed_resubmitted_and_accepted(
    demo, login, live_server, tmp_path
):
    scan = tmp_path / "ke-hoach-da-ky.pdf"
    scan.write_bytes(PDF_BYTES)

    # The officer of a commune's grassroots union files the plan with three activities.
    page = login("cb.tanthach")
    page.on("dialog", lambda dialog: dialog.accept())  # "Send for review?": yes
    page.get_by_role("link", name=re.compile("Xây dựng kế hoạch triển khai của")).click()
    page.fill("#id_doc_number", "05/KH-CĐCS")
    page.fill("#id_doc_date", "20/07/2015")
    page.fill("#id_signer", "Chủ tịch CĐCS")
    page.fill("#id_summary", "Tuyên truyền CCHC đến toàn thể đoàn viên.")
    for index in range(3):
        if index:
            page.click("[data-formset-add]")
        page.select_option(f"#id_activities-{index}-method", index=index + 1)
        page.fill(f"#id_activities-{index}-audience", f"Đoàn viên tổ {index + 1}")
        page.select_option(f"#id_activities-{index}-planned_quarter", "3")
        page.fill(f"#id_activities-{index}-expected_participants", str(30 + index))
        page.check(f"#id_activities-{index}-themes_0")
    page.set_input_files("#id_file", str(scan))
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_be_visible()
    plan_url = page.url
    expect(page.locator("main table tbody tr")).to_have_count(3)
    expect(page.get_by_role("link", name=scan.name)).to_be_visible()
    page.get_by_role("button", name="Gửi xem xét").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()

    # The district federation's reviewer finds it in the queue and returns it.
    page = login("ldld.chauthanh")
    page.get_by_role("button", name="Xem xét, đôn đốc").click()
    page.get_by_role("link", name="Xem xét", exact=True).click()
    page.get_by_role("link", name=re.compile("Tân Thạch")).click()
    # The signed scan reaches the reviewer as it was uploaded.
    with page.expect_download() as started:
        page.get_by_role("link", name=scan.name).click()
    assert started.value.suggested_filename == scan.name
    assert Path(started.value.path()).read_bytes() == PDF_BYTES
    page.fill("#id_reason", "Bổ sung số người dự kiến của hoạt động 1.")
    page.get_by_role("button", name="Trả lại với lý do này").click()
    expect(page.locator(".badge.status-returned")).to_be_visible()

    # The officer sees the reason, fixes the figure and resubmits.
    page = login("cb.tanthach")
    page.goto(plan_url)
    expect(page.locator(".return-banner")).to_contain_text(
        "Bổ sung số người dự kiến của hoạt động 1."
    )
    page.get_by_role("link", name="Sửa").click()
    page.fill("#id_activities-0-expected_participants", "80")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_role("button", name="Gửi xem xét").click()

    # The reviewer sees what changed, and accepts; the plan is then locked.
    page = login("ldld.chauthanh")
    page.goto(plan_url)
    changes = page.locator("#changes").locator("xpath=..")
    expect(changes.locator(".diff-old", has_text="30")).to_be_visible()
    expect(changes.locator(".diff-new", has_text="80")).to_be_visible()
    page.get_by_role("button", name="Chấp nhận").click()
    page.get_by_role("button", name="Đồng ý chấp nhận").click()  # the confirmation page
    expect(page.locator(".badge.status-accepted")).to_be_visible()

    page = login("cb.tanthach")
    page.goto(plan_url)
    expect(page.get_by_role("link", name="Sửa")).to_have_count(0)
    page.goto(plan_url.rstrip("/") + "/edit/")
    expect(page.locator(".alert-danger")).to_be_visible()
    plan = Plan.objects.get(unit__code="BT-CT-03")
    assert plan.status == "accepted"
    assert [s.action for s in plan.steps.order_by("at", "pk")] == [
        "submit",
        "return",
        "submit",
        "accept",
    ]
    assert plan.activities.order_by("pk").first().expected_participants == 80
    assert [a.original_name for a in plan.attachments.all()] == [scan.name]
    assert plan.steps.get(action="return").reason == "Bổ sung số người dự kiến của hoạt động 1."
