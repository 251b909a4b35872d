"""A word longer than a phone's screen, typed in a unit's name, a campaign's title, an
obstacle's or a summary's subject: on a phone (390 px) the tables and lists that show them
(the dashboard and its grid, the review queues, the reminders, the lists of plans, reports,
obstacles, visits and summaries, a unit's page, the search results) break it, so that the
page never scrolls sideways and the word is never wider than the screen, while their figures
stay on one line each."""

import pytest
from django.db.models import Value
from django.db.models.functions import Concat

from campaign.models import Campaign, Obstacle
from reports.models import SummaryReport
from tests.e2e.page_checks import PHONE, horizontal_overflow
from tests.e2e.walk import _unit, remind_by_hand, visit
from units.models import Unit, UnitState

pytestmark = pytest.mark.e2e

# 126 letters without a space: about 1,400 px of text.
WORD = "CôngĐoànCơSởThửNghiệm" * 6
# A short name holds 100 characters at most: its first 90 letters (about 1,000 px), which
# every text holding WORD holds too.
SHORT_WORD = WORD[:90]

# What holds the word and is wider than the screen: text laid out past its width, even in a
# table's own scroll box.
WIDER_THAN_THE_SCREEN = """(word) => {
  const wide = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (!walker.currentNode.data.includes(word)) continue;
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const box of range.getClientRects()) {
      if (box.width > window.innerWidth) {
        const element = walker.currentNode.parentElement;
        wide.push(`${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`
                  + ` ${Math.round(box.width)} px`);
      }
    }
  }
  return wide;
}"""

# The figures' cells of the dashboard's tables that take more than one line ("none included
# yet" in a figure's place wraps on purpose).
BROKEN_FIGURES = """() => Array.from(document.querySelectorAll("main td.text-end"))
  .filter((cell) => !cell.querySelector(".figure-none"))
  .filter((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set(Array.from(range.getClientRects(), (box) => Math.round(box.top)));
    return cell.innerText.trim() && tops.size > 1;
  })
  .map((cell) => cell.innerText.trim())"""

PAGES = {
    "cb.tanthach": [
        "/",
        "/campaigns/",
        lambda: f"/campaigns/{Campaign.objects.get(slug='cchc-2015').pk}/",
        "/reports/",
        "/dashboard/",
    ],
    "cspl": [
        "/dashboard/",
        "/review/",
        "/review/reports/",
        "/reminders/",
        "/reminders/log/",
        "/obstacles/",
        "/inspections/",
        "/summaries/",
        lambda: f"/units/{_unit('VL-CT').pk}/",
        lambda: f"/units/{_unit('VL-CT').pk}/contacts/",
        "/search/?q=chau+thanh",
    ],
    "thuongvu": ["/"],
}


def lengthen_every_name():
    """Every unit's name (today's and in its eras, which the dashboard reads), campaign
    title, obstacle and summary subject ends with WORD; every short name is SHORT_WORD."""
    for model in (Unit, UnitState):
        model.objects.update(name=Concat("name", Value(f" {WORD}")))
        model.objects.exclude(short_name="").update(short_name=Value(SHORT_WORD))
    Campaign.objects.update(title=Concat("title", Value(f" {WORD}")))
    Obstacle.objects.update(subject=Concat("subject", Value(f" {WORD}")))
    SummaryReport.objects.update(subject=Concat("subject", Value(f" {WORD}")))


def test_a_word_longer_than_the_screen_breaks_in_every_table_on_a_phone(
    demo, login, live_server, page
):
    remind_by_hand(_unit("BT-CT-03"))  # a row in the reminder log (the demo has sent none)
    lengthen_every_name()
    findings, without = [], []
    for user, paths in PAGES.items():
        login(user)
        page.set_viewport_size(PHONE)
        for path in paths:
            path = path() if callable(path) else path
            response = visit(page, live_server.url, path)
            assert response.status == 200, path
            # The data is there: the page shows the word (the search finds units by it).
            if SHORT_WORD not in page.locator("main").inner_text().replace("\n", ""):
                without.append(path)
            problems = horizontal_overflow(page) + page.evaluate(WIDER_THAN_THE_SCREEN, SHORT_WORD)
            if path == "/dashboard/":
                problems += [f"figure on two lines: {f}" for f in page.evaluate(BROKEN_FIGURES)]
            findings += [f"{user} {path}: {problem}" for problem in problems]
    assert not findings, "\n".join(findings)
    assert not without
