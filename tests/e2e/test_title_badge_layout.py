"""A status badge beside a long title: on an office screen (1366 px) the badge stays at the
right of the title's first line, on one line, and the title wraps beside it; on a phone the
badge goes under the text and the page does not scroll sideways. The detail pages of a plan,
an annual report, an obstacle, an inspection and a summary report (their status beside the
title and the campaign's title), and the home page's to-do list (a task's deadline)."""

import pytest
from django.urls import reverse

from campaign.models import AnnualReport, Campaign, Inspection, Obstacle, Plan
from reports.models import SummaryReport
from tests.e2e.page_checks import DESKTOP, PHONE, horizontal_overflow
from units.models import Unit

pytestmark = pytest.mark.e2e

# Longer than a row of an office screen, with spaces: it wraps, as a long title does.
LONG_TITLE = "Kế hoạch tuyên truyền cải cách hành chính trong công nhân viên chức lao động " * 4
# Bootstrap's gap-2, between a task's deadline and its arrow.
GAP = 8

# A row's boxes, found by selectors within it: the first line of its title, its text, its
# badges, the row itself; and how many lines its first badge takes.
ROW = """(row, [title, text, badges]) => {
  const box = (element) => {
    const r = element.getBoundingClientRect ? element.getBoundingClientRect() : element;
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  };
  const range = document.createRange();
  range.selectNodeContents(row.querySelector(title));
  const first = range.getClientRects()[0];
  const group = row.querySelector(badges);
  range.selectNodeContents(group.matches(".badge") ? group : group.querySelector(".badge"));
  return {
    first: box(first),
    text: box(row.querySelector(text)),
    badges: box(group),
    badge_lines: new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size,
    row: box(row),
  };
}"""
# A detail page's title row: the title and the campaign's title, then the badges.
DETAIL = ("h1", ":scope > :first-child", ":scope > :last-child")
# A task of the to-do list (a link): its text, its deadline, then an arrow.
TASK = (".todo-title", "div:has(> .todo-title)", ".badge")


def measure(row, selectors):
    return row.evaluate(ROW, list(selectors))


def assert_beside_the_first_line(found, right):
    first, text, badges = found["first"], found["text"], found["badges"]
    # The text wraps: two lines at least, so the row is full.
    assert text["bottom"] - text["top"] > 2 * (first["bottom"] - first["top"]), found
    # The badges on the title's first line, on one line, at the right end, beside the text.
    assert first["top"] - 4 <= badges["top"] <= first["bottom"], found
    assert found["badge_lines"] == 1, found
    assert abs(right - badges["right"]) <= 1, found
    assert text["right"] <= badges["left"], found


def assert_under_the_text(found):
    text, badges, row = found["text"], found["badges"], found["row"]
    assert badges["top"] >= text["bottom"], found
    assert row["left"] <= badges["left"] and badges["right"] <= row["right"], found


def detail_pages():
    """The page of the demo's first plan, report, obstacle, inspection and summary."""
    models = (Plan, AnnualReport, Obstacle, Inspection, SummaryReport)
    return [model.objects.order_by("pk").first().get_absolute_url() for model in models]


def test_a_detail_page_keeps_its_status_at_the_right_of_a_long_title(demo, login, live_server):
    # The pages in one test: each test loads the demo afresh. The CSPL board sees them all.
    Campaign.objects.update(title=LONG_TITLE)
    page = login("cspl")
    title_row = page.locator("main h1").locator("xpath=../..")
    for path in detail_pages():
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}{path}")
        found = measure(title_row, DETAIL) | {"page": path}
        assert_beside_the_first_line(found, right=found["row"]["right"])
        assert not horizontal_overflow(page), path

        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}{path}")
        assert_under_the_text(measure(title_row, DETAIL) | {"page": path})
        assert not horizontal_overflow(page), path


def test_a_task_s_deadline_stays_on_one_line_beside_a_long_title(demo, login, live_server):
    # The task's title names the unit: a long name makes it wrap. (The campaign's title is
    # said once above the list, the demo's tasks being of one campaign.)
    Unit.objects.filter(memberships__user__username="cb.tanthach").update(
        name=LONG_TITLE[:255], short_name=""
    )
    page = login("cb.tanthach")
    url = f"{live_server.url}{reverse('units:home')}"
    tasks = page.locator("[aria-labelledby=pending] a.list-group-item").filter(
        has=page.locator(".badge")
    )

    page.set_viewport_size(DESKTOP)
    page.goto(url)
    assert tasks.count() >= 1
    for index in range(tasks.count()):
        task = tasks.nth(index)
        found = measure(task, TASK)
        # At the right end of the text, just before the arrow.
        arrow = task.locator(".todo-go").bounding_box()
        assert_beside_the_first_line(found, right=arrow["x"] - GAP)
    assert not horizontal_overflow(page)

    page.set_viewport_size(PHONE)
    page.goto(url)
    for index in range(tasks.count()):
        assert_under_the_text(measure(tasks.nth(index), TASK))
    assert not horizontal_overflow(page)
