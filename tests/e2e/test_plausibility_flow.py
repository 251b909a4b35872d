"""Unusual figures in a real browser: the officer is warned on save and explains them to
submit; the reviewer sees the warning, the explanation and last year's figures beside this
year's."""

import re

import pytest
from playwright.sync_api import expect

from campaign.models import AnnualReport, Campaign
from campaign.periods import report_year
from units.models import Unit

pytestmark = pytest.mark.e2e

FIGURES = {
    "sessions": "12",
    "participants": "8",  # fewer participants than sessions: flagged
    "documents": "40",
    "news_items": "5",
    "initiatives": "2",
    "members_commended": "3",
}


def test_an_officer_explains_unusual_figures_and_the_reviewer_reads_why(demo, login, live_server):
    campaign = Campaign.objects.get(slug="cchc-2015")
    year = report_year(campaign)
    commune = Unit.objects.get(name__contains="Tân Thạch")

    page = login("cb.tanthach")
    page.on("dialog", lambda dialog: dialog.accept())  # "Send for review?": yes
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/units/{commune.pk}/reports/{year}/")
    for code, value in FIGURES.items():
        page.fill(f"#id_value_{code}", value)
    page.fill("#id_results", "Tổ chức 12 buổi tuyên truyền CCHC.")
    page.select_option("#id_self_assessment", "good")
    # The first form shows no explanation box: nothing is flagged yet.
    expect(page.locator("#id_flags_note")).to_have_count(0)
    page.get_by_role("button", name="Lưu bản nháp").click()
    warning = page.locator(".alert-warning").first
    expect(warning).to_contain_text("nhỏ hơn")
    expect(warning).to_contain_text("Số lượt CNVCLĐ tham gia (8)")

    # Submitting without a word of explanation is refused, with what was typed kept.
    page.get_by_role("link", name="Sửa").click()
    expect(page.locator("#id_flags_note")).to_be_visible()
    page.get_by_role("button", name="Lưu và gửi xem xét").click()
    expect(page.locator(".alert-danger")).to_contain_text("giải trình")
    expect(page.locator("#id_value_participants")).to_have_value("8")
    page.fill("#id_flags_note", "4 buổi dành riêng cho Ban Chấp hành, mỗi buổi 2 người.")
    page.get_by_role("button", name="Lưu và gửi xem xét").click()
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    report = AnnualReport.objects.get(unit=commune, campaign=campaign, year=year)
    assert report.status == "submitted" and report.flags

    page = login("ldld.chauthanh")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    flagged = page.locator(".alert-warning")
    expect(flagged).to_contain_text("Số liệu có vẻ bất thường")
    expect(flagged).to_contain_text("4 buổi dành riêng cho Ban Chấp hành")
    participants = page.get_by_role("row", name=re.compile("^Số lượt CNVCLĐ tham gia"))
    expect(participants).to_have_class(re.compile("table-warning"))
    expect(page.locator("thead th").last).to_have_text(str(year - 1))
