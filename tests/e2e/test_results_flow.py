"""Annual results, what the units below add up to, an obstacle and an inspection in a real
browser."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import AnnualReport, IndicatorValue, Inspection, Obstacle, Status
from units.models import Unit

pytestmark = pytest.mark.e2e


def grouped(n):
    """A whole number as the Vietnamese pages write it: 1.234."""
    return f"{n:,}".replace(",", ".")


FIGURES = {
    "sessions": "12",
    "participants": "1.250",  # written with a thousand separator, as Vietnamese users do
    "documents": "40",
    "news_items": "5",
    "initiatives": "2",
    "members_commended": "3",
}


def test_an_annual_report_is_filed_returned_accepted_and_added_up_below_the_commune_union(
    demo, login, live_server
):
    from campaign.models import Campaign
    from campaign.periods import report_year

    campaign = Campaign.objects.get(slug="cchc-2015")
    year = report_year(campaign)
    # This journey files, reviews and adds up; the figures it types are far from the demo
    # unit's last year, which the plausibility rules would flag (their own journey is in
    # test_plausibility_flow.py).
    campaign.plausibility_rules.all().delete()

    # 1. The officer of CĐCS UBND xã Tân Thạch files and submits this year's report.
    page = login("cb.tanthach")
    page.on("dialog", lambda dialog: dialog.accept())  # "Send for review?": yes
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

    # 2. The commune union's reviewer returns it, the officer resubmits, the reviewer accepts.
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
    page.get_by_role("button", name="Đồng ý chấp nhận").click()  # the confirmation page
    expect(page.locator(".badge.status-accepted")).to_be_visible()
    report = AnnualReport.objects.get(unit__code="BT-CT-03", year=year)
    assert report.status == "accepted"
    assert report.values.get(indicator__code="participants").int_value == 1250

    # 3. The officer of the commune union above it (which took the grassroots unions of the
    # district federation of Châu Thành when it ended in 2025) files the union's own
    # figures. Beside the form, read-only, what the units below add up to: the totals of
    # their accepted reports, how many of the units expected below are included, and each
    # unit with a link to its report. Nothing is copied into the union's report.
    district = Unit.objects.get(code="VL-CT")
    campaign, period = report.campaign, report.period
    below = Unit.objects.filter(path__startswith=district.path, depth__gt=district.depth)
    expected = [
        unit.pk
        for unit in below
        if unit.kind in campaign.addressed_kinds
        and (unit.opened_on is None or unit.opened_on <= period.ends_on)
        and (unit.closed_on is None or unit.closed_on > period.ends_on)
    ]
    accepted = list(
        AnnualReport.objects.filter(
            campaign=campaign, year=year, unit__in=below, status=Status.ACCEPTED
        )
    )
    assert report.pk in {r.pk for r in accepted}  # Tân Thạch's, accepted above
    typed = [
        i
        for i in campaign.indicators.filter(kind="integer")
        if not i.is_computed(campaign.addressed_kinds)
    ]
    totals = {
        i.code: sum(
            v.int_value or 0
            for v in IndicatorValue.objects.filter(report__in=accepted, indicator=i)
        )
        for i in typed
    }
    included = sum(1 for r in accepted if r.unit_id in expected)
    page = login("cb.chauthanh")
    page.get_by_role("link", name="Báo cáo năm", exact=True).click()
    page.locator("main a.btn-primary").first.click()
    box = page.locator("aside")
    expect(box).to_contain_text("Tổng hợp của các đơn vị cấp dưới")
    expect(box).to_contain_text(
        f"Từ {len(accepted)} báo cáo đã được chấp nhận; đã tính {included} "
        f"trên {len(expected)} đơn vị cấp dưới."
    )
    for indicator in typed:
        expect(box.locator("tr", has_text=indicator.name)).to_contain_text(
            f"{grouped(totals[indicator.code])} {indicator.unit_of_measure}".strip()
        )
    # No copy: the union's inputs start empty, and the counted figure is no input.
    expect(page.get_by_text("Chép số liệu tổng hợp vào báo cáo của tôi")).to_have_count(0)
    expect(page.locator("#id_value_grassroots_plans")).to_have_count(0)
    for indicator in typed:
        expect(page.locator(f"#id_value_{indicator.code}")).to_have_value("")
    # The units below, each with its own report a click away.
    box.locator("summary").click()
    link = box.get_by_role("link", name=re.compile("Tân Thạch"))
    expect(link).to_have_attribute("href", f"/reports/{report.pk}/")
    link.click()
    page.wait_for_url(report_url)
    page.go_back()
    # The union types what it did itself, and submits it as its own report.
    own = {indicator.code: str(n + 1) for n, indicator in enumerate(typed)}
    for code, value in own.items():
        page.fill(f"#id_value_{code}", value)
    page.fill("#id_results", "Tổ chức các buổi tuyên truyền CCHC tại cơ quan LĐLĐ huyện.")
    page.select_option("#id_self_assessment", "fair")
    page.get_by_role("button", name="Lưu và gửi xem xét").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    filed = AnnualReport.objects.get(unit=district, campaign=campaign, year=year)
    assert filed.status == "submitted"
    assert {
        value.indicator.code: value.int_value
        for value in filed.values.filter(indicator__kind="integer").select_related("indicator")
    } == {code: int(value) for code, value in own.items()}

    # 4. An obstacle is raised by the grassroots union and answered by the commune union.
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

    # 5. The CSPL board records an inspection of CĐCS UBND xã Tân Thạch.
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
