"""Reflow (WCAG 1.4.10): at 320 px, the width of a 1280 px screen zoomed to 400 % and of the
narrowest phones, a list never scrolls sideways. The annual reports' list of an officer who
files for a unit that has closed: its "Unit closed" badge, on one line, pushed the page
16 px past the screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.page_checks import horizontal_overflow

pytestmark = pytest.mark.e2e

NARROWEST = {"width": 320, "height": 640}


def test_the_annual_reports_list_with_a_closed_unit_fits_320_px(demo, login, live_server, page):
    page = login("cb.giaoduc")
    page.set_viewport_size(NARROWEST)
    # 2024: the unit (ended 26/02/2025) stood at that year's cut-off, so it has its row.
    page.goto(f"{live_server.url}/reports/?year=2024")
    expect(page.locator("main td .badge", has_text="Đơn vị đã ngừng hoạt động")).not_to_have_count(
        0
    )
    assert horizontal_overflow(page) == []
