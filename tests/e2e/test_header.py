"""The top of a page, on a phone (390 px) and on an office screen (1366 px): the keyboard
goes through the menu bar in the order it is seen (WCAG 2.4.3), and a long word in a user's
or a unit's name is cut short or broken there, never making the page wider than the screen."""

import pytest

from campaign.models import AnnualReport
from tests.e2e.page_checks import DESKTOP, PHONE, horizontal_overflow
from units.models import Membership, Unit, User

pytestmark = pytest.mark.e2e

MAX_TABS = 40
# One word each, longer than a phone's width allows.
LONG_USERNAME = "cb.tanthach.congdoancosouybannhandanxatanthach"
LONG_WORD = "(CôngĐoànCơSởỦyBanNhânDânXãTânThạchHuyệnChâuThành)"

# Where the focused element is, or null once the focus has left the bar.
STOP = """() => {
  const element = document.activeElement;
  if (!element.closest("nav.navbar")) return null;
  const box = element.getBoundingClientRect();
  return {
    name: element.getAttribute("aria-label") || element.innerText.trim(),
    left: Math.round(box.left),
    middle: Math.round(box.top + box.height / 2),
  };
}"""


def stops_of_the_bar(page):
    """What Tab reaches in the bar, in that order, from the top of the page."""
    page.keyboard.press("Tab")  # the skip link
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = page.evaluate(STOP)
        if stop is None:
            return stops
        stops.append(stop)
    pytest.fail(f"Tab never left the bar: {stops}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_keyboard_goes_through_the_bar_as_it_is_seen(demo, login, live_server, viewport):
    # A reviewer's bar, the longest, is one line at both widths (the phone's menu folded).
    page = login("cspl")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/")
    stops = stops_of_the_bar(page)
    names = [stop["name"] for stop in stops]
    assert any(name.startswith("Thông báo") for name in names), names
    assert "Tìm kiếm" in names, names
    middles = [stop["middle"] for stop in stops]
    assert max(middles) - min(middles) < 20, stops  # one line: left to right is the order seen
    lefts = [stop["left"] for stop in stops]
    assert lefts == sorted(lefts), stops


def test_a_long_user_or_unit_name_is_cut_or_broken_at_the_top_of_a_page(demo, login, live_server):
    membership = Membership.objects.select_related("unit").get(user__username="cb.tanthach")
    report = AnnualReport.objects.filter(unit=membership.unit).order_by("pk").first()
    assert report is not None
    User.objects.filter(username="cb.tanthach").update(username=LONG_USERNAME)
    unit = membership.unit
    Unit.objects.filter(pk=unit.pk).update(name=f"{unit.name} {LONG_WORD}")
    page = login(LONG_USERNAME)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        # The report's title names the unit, beside its status.
        page.goto(f"{live_server.url}{report.get_absolute_url()}")
        assert LONG_WORD in page.locator("main").inner_text()
        assert horizontal_overflow(page) == [], viewport
        # The account button shows the start of the name, cut with an ellipsis, and the
        # arrow of its menu: nothing spills past its edges.
        if viewport is PHONE:
            page.locator(".navbar-toggler").click()
        button = page.locator(".navbar .account-button")
        button.wait_for(state="visible")
        fits = button.evaluate("(b) => b.scrollWidth <= b.clientWidth")
        assert fits, (viewport, button.evaluate("(b) => [b.scrollWidth, b.clientWidth]"))


def test_an_officers_short_name_is_shown_whole_on_an_office_screen(demo, login, live_server):
    # The reviewer's menu, the longest, needs the account button cut shorter at 1366 px;
    # an officer's shorter menu leaves room for "cb.tanthach" whole.
    page = login("cb.tanthach")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/")
    name = page.locator(".navbar .account-name")
    assert name.evaluate("(n) => n.scrollWidth <= n.clientWidth"), name.evaluate(
        "(n) => [n.scrollWidth, n.clientWidth]"
    )
