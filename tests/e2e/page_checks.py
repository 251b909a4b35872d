"""What every page of the portal must pass in a browser, whoever opens it and on any screen.

- the page itself never scrolls sideways (a wide table scrolls inside its own box);
- axe-core (bundled with axe-playwright-python: nothing is fetched from a CDN) finds no
  serious or critical violation;
- on a phone, what a finger presses (buttons, menu links, the label of a box to tick) is at
  least 44 px high;
- no English is left in the Vietnamese interface: visible text, the title, and what a screen
  reader or a tooltip says (aria-label, title, alt, placeholder, button values).

Each check returns a list of readable findings, empty when the page passes, so a walk over
many pages can report them all at once.
"""

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
TOUCH_TARGET = 44

_axe = Axe()

# Where the browser tests keep screenshots for a person to look at (E2E_SHOTS=/tmp/shots):
# none by default, since no assertion reads them and a long page's full screenshot costs
# about as much as loading it.
SHOTS = os.environ.get("E2E_SHOTS", "")

# Common interface English. Whole words and case-sensitive, so that Vietnamese words spelled
# with the same letters ("to", "no", "an") do not count; words that Vietnamese offices use as
# they are (PDF, Excel, e-mail, OK) are not listed.
_WORDS = """
Submit Save Cancel Search Next Previous Back breadcrumb Breadcrumb Required Delete Remove
Edit Loading Page Choose Select None Yes No Login Logout Home Download Upload Filter
Reset Close Open Show Hide Toggle navigation Menu Dashboard Campaign Campaigns Report
Reports Plan Plans Unit Units Status Date Name Total Draft Submitted Accepted Returned
Add More Help Print Send Error Warning Unknown True False Language Switch Reminders
Review Obstacles Inspections Summary Administration Today Yesterday Sign Signed Issued
January February March April June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
"""
UI_ENGLISH = _WORDS.split()
# ("May" is missing: "May mặc", garment making, is in the demo's unit names.) Short function
# words, lower case: they never stand alone in Vietnamese prose. Date patterns written the
# English way.
UI_ENGLISH += ["of", "the", "and", "or", "is", "are", "this", "your", "please", "field"]
UI_ENGLISH += ["dd/mm/yyyy", "yyyy-mm-dd", "mm/dd/yyyy"]
ENGLISH_WORD = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, UI_ENGLISH)) + r")(?![\w-])")

# innerText leaves out what is hidden until opened (the folded menu, a dropdown, a select's
# options): their text is taken too. A file input's "Choose File" is the browser's own and is
# in no text collected here.
VISIBLE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const hidden of document.querySelectorAll(".navbar-collapse, .dropdown-menu, option")) {
    parts.push(hidden.textContent);
  }
  const labelled = document.querySelectorAll("[aria-label], [title], [alt], [placeholder]");
  for (const element of labelled) {
    for (const name of ["aria-label", "title", "alt", "placeholder"]) {
      if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
    }
  }
  for (const button of document.querySelectorAll(
    "input[type=submit], input[type=button], input[type=reset]"
  )) parts.push(button.value);
  return parts.join("\\n");
}"""

OVERFLOW = """() => {
  const limit = window.innerWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > limit) {
    // Name the outermost elements that reach past the screen, to say what to fix; what is
    // inside a box that scrolls or clips on its own does not widen the page.
    const contained = (element) => {
      for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
        if (up.hasAttribute("data-overflow-reported")) return true;
        if (getComputedStyle(up).overflowX !== "visible") return true;
      }
      return false;
    };
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.right > limit + 1 && box.width > 0 && !contained(element)) {
        element.setAttribute("data-overflow-reported", "");
        wide.push(`${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`
                  + ` right=${Math.round(box.right)}`);
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: limit, wide: wide};
}"""

# What a finger presses. Links inside running text are exempt (WCAG 2.5.5 and 2.5.8 exempt
# inline targets); a box to tick counts through its label, which is what takes the tap.
TOUCH_TARGETS = """(minimum) => {
  const selector = "main .btn, nav .btn, .navbar .nav-link, .dropdown-item, .page-link, "
    + "main .form-check, main .list-group-item-action, .navbar-toggler, .navbar-brand";
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (box.width === 0 || style.visibility === "hidden") continue;
    if (box.height + 0.5 < minimum) {
      const text = (element.innerText || element.value || "").trim().slice(0, 40);
      small.push(`${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`
                 + ` "${text}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def horizontal_overflow(page) -> list[str]:
    """Empty when the page fits the window's width; else the widths and what sticks out."""
    found = page.evaluate(OVERFLOW)
    if found["scrollWidth"] <= found["innerWidth"]:
        return []
    return [
        f"scrollWidth {found['scrollWidth']} > {found['innerWidth']}: "
        + ", ".join(found["wide"][:8])
    ]


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts, one line per rule with its targets."""
    results = _axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"][:6])
        for violation in results.response["violations"]
        if violation["impact"] in impacts
    ]


def small_touch_targets(page, minimum: int = TOUCH_TARGET) -> list[str]:
    """The visible buttons, menu links and tick-box labels less than `minimum` px high."""
    return page.evaluate(TOUCH_TARGETS, minimum)


def english_words(page) -> list[str]:
    """The English interface words found in what the page shows or says, with context."""
    text = page.evaluate(VISIBLE_TEXT)
    found = []
    for match in ENGLISH_WORD.finditer(text):
        context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ⏎ ")
        found.append(f"{match.group()!r} in …{context}…")
    return found


def keep_screenshot(page, name: str) -> None:
    """The whole page as it is laid out now, as <E2E_SHOTS>/<name>.png; nothing when E2E_SHOTS
    is not set."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True)
