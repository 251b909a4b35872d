"""The plan form on a phone: every activity lists the campaign's content items by number and
first words, their whole text once above the activities. With the whole text in every
activity (some items a hundred words and more) one activity was about 2,000 px tall at
390 px, two phone screens and more."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaign.forms import theme_label
from campaign.models import Campaign, Plan
from tests.e2e.page_checks import PHONE
from units.models import Membership

pytestmark = pytest.mark.e2e


def test_an_activity_is_short_and_its_ticked_items_are_kept_and_saved(demo, login, live_server):
    campaign = Campaign.objects.get(slug="cchc-2015")
    unit = Membership.objects.get(user__username="cb.tanthach").unit
    page = login("cb.tanthach")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('campaign:plan_start', args=[campaign.pk, unit.pk])}")
    activity = page.locator("[data-formset-forms] .activity-form").first
    height = activity.bounding_box()["height"]
    assert height < 1300, height  # about 1,200 px; 2,000 with every item's whole text

    # Each item's box has its own label, the number and first words; the whole text of the
    # longest item is one tap away, above the activities.
    themes = list(campaign.themes.all())
    longest = max(themes, key=lambda theme: len(theme.title))
    whole = page.locator("#theme-texts")
    assert not whole.get_by_text(longest.title[:40]).is_visible()
    whole.locator("summary").click()
    expect(whole.get_by_text(longest.title[:40])).to_be_visible()
    first, sub = themes[0], next(theme for theme in themes if theme.parent_id)
    for theme in (first, sub):
        box = activity.get_by_role("checkbox", name=theme_label(theme), exact=True)
        expect(box).to_have_count(1)
        box.check()

    # Sent without the audience: refused, the ticks kept.
    page.fill("#id_doc_number", "05/KH-CĐCS")
    page.fill("#id_doc_date", "20/07/2015")
    page.fill("#id_signer", "Chủ tịch CĐCS")
    page.fill("#id_summary", "Tuyên truyền CCHC đến toàn thể đoàn viên.")
    page.select_option("#id_activities-0-method", index=1)
    page.select_option("#id_activities-0-planned_quarter", "3")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_load_state()
    expect(page.locator("#id_activities-0-audience")).to_have_attribute("aria-invalid", "true")
    ticked = page.locator("input[name='activities-0-themes']:checked")
    expect(ticked).to_have_count(2)
    page.fill("#id_activities-0-audience", "Đoàn viên công đoàn")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_be_visible()
    plan = Plan.objects.get(unit=unit, campaign=campaign)
    assert set(plan.activities.get().themes.all()) == {first, sub}
