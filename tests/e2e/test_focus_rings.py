"""Where the keyboard is shows as a solid ring of at least 3:1 against what is around it
(WCAG 1.4.11 and 2.4.7): in the menus that open from the dark bar on white panels, where the
bar's white ring vanished, on a review queue's tabs, whose Bootstrap glow is 1.4:1, and on
buttons, whose glow is under 2:1."""

import re

import pytest

from tests.e2e.page_checks import DESKTOP

pytestmark = pytest.mark.e2e

MAX_TABS = 60

# The focused element's ring, and the colour it is drawn on: the first ancestor with a
# background of its own (the ring is drawn around the element, outside it or just inside).
RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let around = element.parentElement;
  while (around && getComputedStyle(around).backgroundColor === "rgba(0, 0, 0, 0)") {
    around = around.parentElement;
  }
  return {
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    color: style.outlineColor,
    background: around ? getComputedStyle(around).backgroundColor : "rgb(255, 255, 255)",
  };
}"""


def luminance(rgb):
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tab_to(page, selector):
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def assert_ring_shows(page):
    ring = page.evaluate(RING)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["color"], ring["background"]) >= 3, ring


def test_the_menus_of_the_bar_show_the_focus_on_their_white_panels(demo, login, live_server, page):
    page.set_viewport_size(DESKTOP)
    page = login("cspl")
    tab_to(page, ".navbar button.dropdown-toggle:not(.account-button)")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.matches('.dropdown-menu.show a')")
    assert_ring_shows(page)
    page.keyboard.press("Escape")
    # The search panel: its box and its button.
    tab_to(page, ".navbar-search > button")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "navbar-search"
    assert_ring_shows(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('.navbar-search button')")
    assert_ring_shows(page)
    # The account menu's entries.
    page.keyboard.press("Escape")
    tab_to(page, ".navbar .account-button")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.matches('.dropdown-menu.show a')")
    assert_ring_shows(page)
    # On the bar itself the ring stays white.
    page.keyboard.press("Escape")
    assert page.evaluate(RING)["color"] == "rgb(255, 255, 255)"


def test_a_review_queue_s_tabs_show_the_focus(demo, login, live_server, page):
    page = login("cspl")
    page.goto(f"{live_server.url}/review/")
    tab_to(page, "main .nav-tabs a[href$='/review/reports/']")
    assert_ring_shows(page)


def test_a_button_s_focus_is_a_ring_not_a_pale_glow(demo, login, live_server, page):
    page = login("cspl")
    page.goto(f"{live_server.url}/documents/check/")
    for button in ("main button.btn-primary", "footer button.btn-outline-secondary"):
        tab_to(page, button)
        assert_ring_shows(page)
        # Nothing pale is left between the ring and the button.
        assert page.evaluate("() => getComputedStyle(document.activeElement).boxShadow") == "none"
