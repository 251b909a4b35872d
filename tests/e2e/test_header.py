"""The bar at the top of every page, on a phone (390 px) and on an office screen (1366 px):
the keyboard goes through it in the order it is seen (WCAG 2.4.3)."""

import pytest

from tests.e2e.page_checks import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

MAX_TABS = 40

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
