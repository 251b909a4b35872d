"""The reviewer's desk in a real browser, with the demo federation: the commune union's
reviewer types "chau thanh" without accents in the menu bar's search box and finds the unit
"Công đoàn xã Châu Thành"; then returns two submitted annual reports at once, with one
reason, after the confirmation page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import AnnualReport, Campaign, Status, Step
from campaign.periods import report_year
from tests.campaign.filings import make_report
from tests.factories import UnitFactory
from units.models import Unit

pytestmark = pytest.mark.e2e

REASON = "Bổ sung số buổi tuyên truyền của quý IV."


def submitted_report(unit, campaign, year, days_ago):
    report = make_report(unit, campaign, year, status=Status.SUBMITTED)
    sent = timezone.now() - datetime.timedelta(days=days_ago)
    AnnualReport.objects.filter(pk=report.pk).update(submitted_at=sent, first_submitted_at=sent)
    return report


def test_a_reviewer_finds_a_unit_without_accents_then_returns_two_reports_at_once(
    demo, login, live_server
):
    campaign = Campaign.objects.get(slug="cchc-2015")
    year = report_year(campaign)
    commune = Unit.objects.get(code="VL-CT")
    # Two reports waiting for the commune union's reviewer: a grassroots union of the demo
    # that has not filed this year, and one added here.
    school = UnitFactory.create(commune, code="VL-CT-TH", name="CĐCS Trường Tiểu học Tân Thạch")
    reports = [
        submitted_report(Unit.objects.get(code="BT-CT-03"), campaign, year, days_ago=5),
        submitted_report(school, campaign, year, days_ago=2),
    ]

    page = login("ldld.chauthanh")
    page.set_default_timeout(15_000)
    # The box opens from the button beside the bell.
    page.locator("nav").get_by_role("button", name="Tìm kiếm").click()
    box = page.locator("nav #navbar-search")
    expect(box).to_be_visible()
    expect(box).to_have_accessible_name("Tìm đơn vị, kế hoạch, báo cáo, vướng mắc và đợt kiểm tra")
    box.fill("chau thanh")
    box.press("Enter")
    expect(page.locator("main h1")).to_have_text("Tìm kiếm")
    expect(page.locator("main #id_q")).to_have_value("chau thanh")
    units = page.locator("main #results-units")
    found = units.get_by_role("link", name="Công đoàn xã Châu Thành")
    expect(found).to_be_visible()
    # A "Châu Thành" school outside the reviewer's area (under a provincial union) is not
    # shown: the search reaches only what the reviewer may see.
    expect(page.locator("main")).not_to_contain_text("Trung học phổ thông Châu Thành A")
    found.click()
    expect(page).to_have_url(f"{live_server.url}/units/{commune.pk}/")
    expect(page.locator("main h1")).to_have_text("Công đoàn xã Châu Thành")

    # The queue of annual reports: tick the two, return them with one reason.
    page.goto(f"{live_server.url}/review/reports/")
    for report in reports:
        page.locator(f"#item-{report.pk}").check()
    page.get_by_role("button", name="Trả lại…").click()
    expect(page.locator("main h1")).to_have_text("Trả lại các văn bản này?")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    for report in reports:
        expect(page.locator(f'main a[href="{report.get_absolute_url()}"]')).to_be_visible()
    assert (
        AnnualReport.objects.filter(status=Status.RETURNED, pk__in=[r.pk for r in reports]).count()
        == 0
    )
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name="Trả lại 2 văn bản").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại 2 văn bản kèm lý do của bạn")

    for report in reports:
        report.refresh_from_db()
        assert report.status == Status.RETURNED
        step = report.steps.get(action=Step.Action.RETURN)
        assert (step.actor.username, step.reason) == ("ldld.chauthanh", REASON)
    # Back in the queue, neither waits any more.
    for report in reports:
        expect(page.locator(f"#item-{report.pk}")).to_have_count(0)
