"""Annual results, the roll-up, an obstacle and an inspection in a real browser."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import AnnualReport, Inspection, Obstacle
from reports import pdf
from reports.rollup import children_totals
from units.models import Unit

pytestmark = pytest.mark.e2e

FIGURES = {
    "sessions": "12",
    "participants": "1.250",  # written with a thousand separator, as Vietnamese users do
    "grassroots_plans": "0",
    "documents": "40",
    "news_items": "5",
    "initiatives": "2",
    "members_commended": "3",
}


def test_an_annual_report_is_filed_returned_accepted_and_rolled_up(demo, login, live_server):
    from campaign.models import Campaign
    from campaign.periods import report_year

    year = report_year(Campaign.objects.get(slug="cchc-2015"))

    # 1. The commune union's officer files and submits this year's report.
    page = login("cb.tanthach")
    page.get_by_role("link", name="Báo cáo năm", exact=True).click()
    page.locator("main a.btn-primary").first.click()
    for code, value in FIGURES.items():
        page.fill(f"#id_value_{code}", value)
    page.fill("#id_results", "Tổ chức 12 buổi tuyên truyền CCHC cho đoàn viên.")
    page.select_option("#id_self_assessment", "good")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_be_visible()
    report_url = page.url
    page.get_by_role("button", name="Gửi xem xét").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()

    # 2. The district reviewer returns it, the officer resubmits, the reviewer accepts.
    page = login("ldld.chauthanh")
    page.goto(f"{live_server.url}/review/reports/")
    page.get_by_role("link", name=re.compile("Tân Thạch")).click()
    page.fill("#id_reason", "Ghi rõ số buổi theo từng quý.")
    page.get_by_role("button", name="Trả lại với lý do này").click()
    expect(page.locator(".badge.status-returned")).to_be_visible()
    page = login("cb.tanthach")
    page.goto(report_url)
    page.get_by_role("link", name="Sửa").click()
    page.fill("#id_value_sessions", "14")
    # The edit is saved and resubmitted in one step, as most officers file at a deadline.
    page.get_by_role("button", name="Lưu và gửi xem xét").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo năm để xem xét.")
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    page = login("ldld.chauthanh")
    page.goto(report_url)
    expect(page.locator(".diff-new", has_text="14")).to_be_visible()
    page.get_by_role("button", name="Chấp nhận").click()
    expect(page.locator(".badge.status-accepted")).to_be_visible()
    report = AnnualReport.objects.get(unit__code="BT-CT-03", year=year)
    assert report.status == "accepted"
    assert report.values.get(indicator__code="participants").int_value == 1250

    # 3. The district officer starts the district's report from the roll-up: the accepted
    # reports of the units directly below, totalled, with how many of how many are counted.
    district = Unit.objects.get(code="BT-CT")
    below = children_totals(district, report.campaign, year, report.period)
    assert below["included"] >= 1  # the commune union's report, accepted above
    integers = list(report.campaign.indicators.filter(kind="integer").order_by("pk"))
    participants = next(i for i in integers if i.code == "participants")
    page = login("cb.chauthanh")
    page.get_by_role("link", name="Báo cáo năm", exact=True).click()
    page.locator("main a.btn-primary").first.click()
    rollup = page.locator("aside")
    expect(rollup).to_contain_text(
        f"Đã tính báo cáo được chấp nhận của {below['included']}/{below['expected']} đơn vị."
    )
    expect(rollup.locator("tr", has_text=participants.name)).to_contain_text(
        pdf.number(below["totals"][participants.pk])
    )
    page.get_by_role("link", name="Chép số liệu tổng hợp vào báo cáo của tôi").click()
    for indicator in integers:
        field = page.locator(f"#id_value_{indicator.code}")
        expect(field).to_have_value(re.compile(r"^[\d.]+$"))
        copied = int(field.input_value().replace(".", ""))
        assert copied == below["totals"].get(indicator.pk, 0), indicator.code
    # It files the copied figures as the district's own report.
    page.fill("#id_results", "Tổng hợp kết quả của các CĐCS trực thuộc.")
    page.select_option("#id_self_assessment", "fair")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("button", name="Gửi xem xét").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    filed = AnnualReport.objects.get(unit=district, year=year)
    assert filed.status == "submitted"
    assert {
        value.indicator_id: value.int_value
        for value in filed.values.filter(indicator__kind="integer")
    } == {indicator.pk: below["totals"].get(indicator.pk, 0) for indicator in integers}

    # 4. An obstacle is raised by the commune union and answered by the district.
    page = login("cb.tanthach")
    page.goto(f"{live_server.url}/obstacles/new/")
    if page.locator("#id_campaign").input_value() == "":
        page.select_option("#id_campaign", index=1)
    page.fill("#id_subject", "Cách tính lượt CNVCLĐ tham gia")
    page.fill("#id_text", "Một đoàn viên dự hai buổi thì tính một hay hai lượt?")
    page.locator("main form button[type=submit]").click()
    obstacle_url = page.url
    page = login("ldld.chauthanh")
    page.goto(obstacle_url)
    page.fill("#id_answer", "Tính hai lượt: mỗi lần tham dự là một lượt.")
    page.locator("main form button[type=submit]").first.click()
    obstacle = Obstacle.objects.get(subject="Cách tính lượt CNVCLĐ tham gia")
    assert obstacle.status == "answered"
    assert obstacle.answered_by.username == "ldld.chauthanh"

    # 5. The CSPL board records an inspection of the commune union.
    page = login("cspl")
    page.goto(f"{live_server.url}/inspections/new/")
    tan_thach = page.locator("#id_unit option", has_text="Tân Thạch").first.get_attribute("value")
    page.select_option("#id_unit", tan_thach)
    page.select_option("#id_campaign", index=1)
    page.select_option("#id_kind", "inspection")
    page.fill("#id_visited_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_members", "Ban CSPL (2 đồng chí)")
    page.fill("#id_findings", "Có sổ theo dõi các buổi tuyên truyền.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Inspection.objects.filter(unit__code="BT-CT-03").exists()
