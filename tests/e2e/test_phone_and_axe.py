"""Every main page, as each kind of demo user opens it, on a phone (390 px) and on an office
screen (1366 px): the page never scrolls sideways, axe-core finds no serious or critical
violation, and on the phone what a finger presses is at least 44 px high. No English is
left in the Vietnamese interface. The pages are those of tests/e2e/walk.py.

With E2E_SHOTS set to a directory, a screenshot of each page at phone width is kept there
for a person to look at (tests/e2e/page_checks.py); the assertions do not depend on them.
"""

import re

import pytest

from tests.e2e.page_checks import (
    DESKTOP,
    PHONE,
    axe_violations,
    english_words,
    horizontal_overflow,
    keep_screenshot,
    small_touch_targets,
)
from tests.e2e.walk import STATUS, WALK, name, resolved, visit

pytestmark = pytest.mark.e2e


def screenshot_name(user, entry):
    cleaned = re.sub(r"[^\w.-]+", "_", name(entry)).strip("_") or "home"
    return f"phone_{user or 'anonymous'}_{cleaned}"


def check_page(page, base_url, entry, expected_status, looked, shot_name):
    """The findings on one page at both widths, each line naming the page and the width;
    `looked` gets the widths at which the page was checked."""
    findings = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        response = visit(page, base_url, entry)
        page.wait_for_load_state("load")
        where = f"{name(entry)} at {viewport['width']} px"
        if response.status != expected_status:
            findings.append(f"{where}: answered {response.status}, not {expected_status}")
            continue
        problems = horizontal_overflow(page) + axe_violations(page)
        looked.append(viewport["width"])
        if viewport is PHONE:
            problems += small_touch_targets(page)
            keep_screenshot(page, shot_name)
        else:
            # The office screen shows the whole menu, so the text is read there.
            problems += english_words(page)
        findings += [f"{where}: {problem}" for problem in problems]
    return findings


# Pages a test: the walk is cut into tests of about a minute, which the parallel workers
# share, instead of one test of two and a half minutes that one of them runs alone at the end.
PART = 12


def walk_parts():
    """One test per user and part of their walk, in the walk's order."""
    for user, paths in WALK.items():
        for start in range(0, len(paths), PART):
            part = f"{user or 'anonymous'}-{start // PART + 1}"
            yield pytest.param(user, start, id=part)


@pytest.mark.parametrize(("user", "start"), list(walk_parts()))
def test_every_main_page_fits_a_phone_passes_axe_and_speaks_vietnamese(
    demo, login, live_server, page, user, start
):
    if user:
        login(user)
    else:
        page.context.clear_cookies()
    paths = resolved({user: WALK[user][start : start + PART]})[user]
    findings, looked = [], []
    for entry in paths:
        findings += check_page(
            page,
            live_server.url,
            entry,
            STATUS.get(entry, 200),
            looked,
            screenshot_name(user, entry),
        )
    assert not findings, "\n".join(findings)
    # Every page was really looked at, on the phone and on the office screen.
    assert paths and looked == [PHONE["width"], DESKTOP["width"]] * len(paths)


def test_the_checks_catch_what_they_look_for(demo, login, live_server, page):
    """The checks are not blind: a page made too wide, with a small button, an unlabelled
    input and an English word, fails each of them."""
    login("cb.tanthach")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/obstacles/")
    assert horizontal_overflow(page) == []
    # Styled through the CSSOM: the page's policy refuses inline style attributes.
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          const add = (html, style) => {
            main.insertAdjacentHTML("beforeend", html);
            Object.assign(main.lastElementChild.style, style);
          };
          add("<div>Save</div>", {width: "700px"});
          add('<button class="btn btn-sm">x</button>', {minHeight: "0", height: "20px"});
          add('<input type="text">', {});
          add("<p>Lưu ý</p>", {color: "#ccc", background: "#fff"});
        }"""
    )
    assert "scrollWidth" in horizontal_overflow(page)[0]
    assert any('"x"' in target for target in small_touch_targets(page))
    assert {line.split(" ")[0] for line in axe_violations(page)} >= {"label", "color-contrast"}
    assert any(word.startswith("'Save'") for word in english_words(page))
