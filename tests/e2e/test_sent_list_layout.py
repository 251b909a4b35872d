"""An officer's "Sent" list (the home page's and its own page) with a campaign title long
enough to fill an item's row: on an office screen each item's state badge stays at the right
of its first line and the text wraps beside it; on a phone the badge goes under the text, and
the page does not scroll sideways."""

import pytest
from django.urls import reverse

from campaign.models import Campaign
from tests.e2e.page_checks import DESKTOP, PHONE, horizontal_overflow

pytestmark = pytest.mark.e2e

OFFICER = "cb.tanthach"
# Longer than a row of an office screen, with spaces: it wraps, as a long title does.
LONG_TITLE = "Kế hoạch tuyên truyền cải cách hành chính trong công nhân viên chức lao động " * 4

# Each item: the box of its text's first line (the title link's first line box), of the
# whole text, of the badge, and of the item.
ITEMS = """(list) => Array.from(list.querySelectorAll(":scope > li"), (item) => {
  const box = (element) => {
    const r = element.getBoundingClientRect ? element.getBoundingClientRect() : element;
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  };
  const text = item.firstElementChild;
  const range = document.createRange();
  range.selectNodeContents(text.querySelector("a"));
  return {
    first: box(range.getClientRects()[0]),
    text: box(text),
    badge: box(item.querySelector(".badge")),
    item: box(item),
    padding: parseFloat(getComputedStyle(item).paddingRight),
  };
})"""


def items_of(page, selector):
    found = page.locator(selector).evaluate(ITEMS)
    assert found, selector
    return found


@pytest.mark.parametrize("path", ["home", "sent_list"])
def test_a_long_campaign_title_leaves_the_badge_at_the_right_of_the_first_line(
    demo, login, live_server, path
):
    Campaign.objects.update(title=LONG_TITLE)
    page = login(OFFICER)
    url = f"{live_server.url}{reverse('units:home' if path == 'home' else 'campaign:sent_list')}"

    page.set_viewport_size(DESKTOP)
    page.goto(url)
    for item in items_of(page, "ul.sent-items"):
        badge, first, text = item["badge"], item["first"], item["text"]
        # The text wraps: two lines at least, so the row is full.
        assert text["bottom"] - text["top"] > 2 * (first["bottom"] - first["top"]), item
        # The badge on the first line, at the right of the row, beside the text.
        assert first["top"] - 4 <= badge["top"] <= first["bottom"], item
        assert abs(item["item"]["right"] - item["padding"] - badge["right"]) <= 1, item
        assert text["right"] <= badge["left"], item
    assert not horizontal_overflow(page)

    page.set_viewport_size(PHONE)
    page.goto(url)
    for item in items_of(page, "ul.sent-items"):
        badge, text = item["badge"], item["text"]
        # Under the text, inside the item: the text keeps the row's whole width.
        assert badge["top"] >= text["bottom"], item
        assert item["item"]["left"] <= badge["left"] and badge["right"] <= item["item"]["right"]
    assert not horizontal_overflow(page)
