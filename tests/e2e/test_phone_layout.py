"""Screen widths: on a phone (390 px) the dashboard's wide tables of figures scroll in their
own box and the page itself never scrolls sideways; on an office screen (1366 px) a
reviewer's menu, the longest, fits one line."""

import datetime
import itertools

import pytest
from django.urls import reverse

from campaign.models import AnnualReport, Campaign, Plan
from reports.models import SummaryReport
from tests.e2e.page_checks import PHONE, horizontal_overflow
from units.models import Membership, Unit

pytestmark = pytest.mark.e2e


def reviewer_page(login, live_server, path, width, height, user="cspl"):
    """A reviewer's `path` (the CSPL board's by default), in a window of `width` × `height`."""
    page = login(user)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}{path}")
    return page


def test_the_dashboard_fits_a_phone_screen(demo, login, live_server):
    page = reviewer_page(login, live_server, "/dashboard/", 390, 844)
    page.wait_for_selector("#by-child")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The tables are wider than the screen, and scroll inside their box.
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.table-responsive'), "
        "(box) => [box.clientWidth, box.scrollWidth])"
    )
    assert any(scroll > client for client, scroll in widths)
    # Except the list of every unit, read down on a phone: its unit kind goes under the
    # name there, and the whole row is in sight.
    grid = page.locator("section[aria-labelledby=grid] .table-responsive")
    assert grid.evaluate("(box) => box.scrollWidth <= box.clientWidth")
    assert grid.locator("tbody tr").first.locator(".d-sm-none").is_visible()


def test_a_reviewer_s_menu_fits_one_line_of_an_office_screen(demo, login, live_server):
    page = reviewer_page(login, live_server, "/", 1366, 768)
    tops = page.evaluate(
        "Array.from(document.querySelectorAll('#main-nav .navbar-nav > .nav-item'), "
        "(item) => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(tops) >= 8  # the dashboard ... the follow-up menu
    assert len(set(tops)) == 1, tops


def test_a_laptop_screen_keeps_the_bell_and_the_search_in_sight(demo, login, live_server):
    """A district reviewer's menu with a longer account name: below 1400 px the entries
    wrap rather than push the bell and the search button off the screen. (The widths in one
    test: each test loads the demo afresh.)"""
    page = reviewer_page(login, live_server, "/", 1200, 768, user="ldld.chauthanh")
    for width in (1200, 1280, 1366):
        page.set_viewport_size({"width": width, "height": 768})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        for selector in (".notice-bell", ".navbar-search > button"):
            box = page.locator(selector).first.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, (width, selector, box)


def test_on_a_narrower_screen_the_menu_folds_behind_its_button(demo, login, live_server):
    """At 1024 px the reviewer's entries would wrap onto a second line of the bar: they fold
    behind the menu button instead, and the bar stays one line."""
    page = reviewer_page(login, live_server, "/", 1024, 768)
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.locator("#main-nav").is_visible()
    bar = page.locator("nav.navbar").bounding_box()
    assert bar["height"] < 80, bar  # one line: the brand, the bell, search and the button
    toggler.click()
    page.locator("#main-nav .navbar-nav").wait_for(state="visible")
    assert page.locator("#main-nav .navbar-nav > .nav-item").count() >= 8
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024


def test_the_account_menu_names_a_long_user_name_in_full_at_1366_px(demo, login, live_server):
    """A district reviewer's menu, the longest, leaves the account button room for
    "ldld.chau…" only: the button's title and the menu it opens give the name in full."""
    page = reviewer_page(login, live_server, "/", 1366, 768, user="ldld.chauthanh")
    button = page.locator(".navbar .account-button")
    assert button.get_attribute("title") == "ldld.chauthanh"
    button.click()
    name = page.locator(".navbar .dropdown-menu.show").get_by_text("ldld.chauthanh")
    name.wait_for(state="visible")
    box = name.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, box
    # Not cut: the whole name is shown, its box as wide as its text.
    assert name.evaluate("(element) => element.scrollWidth <= element.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


# What a phone's browser zooms into when it takes the focus: a field whose text is under
# 16 px (Safari on an iPhone does, and leaves the page zoomed).
FIELD_TEXT = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter((field) => field.getClientRects().length > 0
          && getComputedStyle(field).visibility !== 'hidden')
  .map((field) => [field.id || field.name, parseFloat(getComputedStyle(field).fontSize)])"""


def test_on_a_phone_no_field_has_text_under_16_px(demo, login, live_server):
    """The dashboard's filters and the footer's language were Bootstrap's small fields
    (14 px); the plan form, a form page, is checked too."""
    page = reviewer_page(login, live_server, "/dashboard/", 390, 844)
    sizes = dict(page.evaluate(FIELD_TEXT))
    assert {"d-year", "d-include", "g-status", "language"} <= set(sizes), sizes
    assert min(sizes.values()) >= 16, sizes
    unit = Membership.objects.get(user__username="cb.tanthach").unit
    campaign = Campaign.objects.get(slug="cchc-2015")
    path = reverse("campaign:plan_start", args=[campaign.pk, unit.pk])
    page = reviewer_page(login, live_server, path, 390, 844, user="cb.tanthach")
    sizes = dict(page.evaluate(FIELD_TEXT))
    assert {"id_doc_number", "id_summary", "id_activities-0-method", "language"} <= set(sizes)
    assert min(sizes.values()) >= 16, sizes


# Lists whose rows become cards on a phone (table-stack), by a reviewer who has rows in
# them; and pages whose wide tables scroll in their box.
STACKED = {
    # The demo sends no reminder: the log's cards are checked in
    # tests/campaign/test_lists_on_a_phone.py.
    "cspl": ["/obstacles/", "/inspections/", "/summaries/"],
    "ldld.chauthanh": ["/review/", "/review/reports/", "/reminders/"],
}
# The grid of units filtered to those missing: no dates to widen the last column (as on the
# first days of a year), which must not squeeze its header to a word a line.
SCROLLED = ["/dashboard/", "/dashboard/?status=missing"]


def test_a_reviewer_s_lists_read_on_a_phone(demo, login, live_server):
    """The lists show each row as a card, every cell on its own line beside its column's
    name; the dashboard's wide tables keep room for a unit's name (a few words a line, not
    one) and scroll sideways in their box. The page itself never does."""
    for user, paths in STACKED.items():
        page = reviewer_page(login, live_server, paths[0], 390, 844, user=user)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            _stacks(page, path)
    for path in SCROLLED:
        page.goto(f"{live_server.url}{path}")
        _keeps_room(page, path)


def _stacks(page, path):
    cells = page.evaluate(
        "Array.from(document.querySelectorAll('table.table-stack tbody tr:first-child td'),"
        " (td) => ({label: td.dataset.label, width: td.getBoundingClientRect().width,"
        " before: getComputedStyle(td, '::before').content}))"
    )
    assert len(cells) >= 5, (path, cells)
    for cell in cells:
        assert cell["label"] and cell["before"] == f'"{cell["label"]}"', (path, cell)
        assert cell["width"] >= 300, (path, cell)  # a line of the card, not a squeezed column
    header = page.evaluate("document.querySelector('table.table-stack thead').offsetHeight")
    assert header <= 1, (path, header)  # read by screen readers, not shown
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def _keeps_room(page, path):
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('table th'))"
        ".filter((th) => ['Đơn vị', 'Tiêu đề'].includes(th.textContent.trim()))"
        ".map((th) => th.getBoundingClientRect().width)"
    )
    assert widths, f"no unit column on {path}"
    assert min(widths) >= 140, (path, widths)  # 9rem: about three words of a Vietnamese name
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    # No header squeezed to a word a line, which pushes the first row down a screen.
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('thead'), (t) => t.getBoundingClientRect().height)"
    )
    assert max(heights) <= 80, (path, heights)  # four lines at most


def test_on_a_phone_the_list_comes_first_and_the_filters_open_on_request(demo, login, live_server):
    """A reviewer opening the queue on a phone sees the queue at the top, not six fields;
    one tap opens the filters. An office screen shows them at once, with no button."""
    page = reviewer_page(login, live_server, "/review/reports/", 390, 844, user="ldld.chauthanh")
    field = page.locator("#list-filters select").first
    assert not field.is_visible()
    table_top = page.locator("main table").first.bounding_box()["y"]
    assert table_top < 844, table_top  # on the first screen
    toggle = page.get_by_role("button", name="Bộ lọc (đang dùng 1)")
    toggle.click()
    field.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.set_viewport_size({"width": 1366, "height": 768})
    page.reload()
    assert page.locator("#list-filters select").first.is_visible()
    assert not page.locator(".list-filters-toggle").is_visible()


def test_a_decision_with_long_words_fits_a_phone(demo, login, live_server):
    """A decision's number, signer and note are typed or pasted (a link to the published
    decision has no space in it): its pages broke them nowhere and were 30 000 px wide."""
    from units.models import Reorganisation

    link = "https://vanban.chinhphu.vn/?pageid=27160&docid=" + "2123456789" * 20
    decision = Reorganisation.objects.create(
        number="2150/QĐ-TLĐ-" + "X" * 38,
        decided_on=datetime.date(2025, 6, 27),
        effective_on=datetime.date(2025, 7, 1),
        signer="S" * 150,
        note=link,
    )
    page = reviewer_page(login, live_server, "/", 390, 844, user="admin")
    for path in (f"/reorganisations/{decision.pk}/", f"/reorganisations/{decision.pk}/edit/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_a_summary_whose_subject_holds_a_word_longer_than_the_screen_fits_a_phone(
    demo, login, live_server
):
    """A pasted code or address with no space, slash or dash in the subject: the page's
    heading breaks it instead of widening the page to the word's length."""
    summary = SummaryReport.objects.filter(status=SummaryReport.Status.ISSUED).first()
    SummaryReport.objects.filter(pk=summary.pk).update(subject="Kết quả " + "QĐ0123456789" * 8)
    page = reviewer_page(login, live_server, summary.get_absolute_url(), 390, 844)
    assert "QĐ0123456789QĐ" in page.locator("h1").inner_text().replace("\n", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_plans_activities_read_as_cards_with_their_content_items_together(
    demo, login, live_server
):
    """On a phone each activity is a card; the numbers of the content items it covers sit
    together on one line beside their label. Each badge was a card cell's item of its own,
    stretched a line and a half high and spread across the card's width."""
    plan = Plan.objects.filter(activities__themes__isnull=False).distinct().first()
    page = reviewer_page(login, live_server, f"/plans/{plan.pk}/", 390, 844)
    _stacks(page, f"/plans/{plan.pk}/")
    badges = page.evaluate(
        "Array.from(document.querySelectorAll('table.table-stack tbody tr:first-child td "
        ".badge'), (b) => b.getBoundingClientRect().toJSON())"
    )
    assert len(badges) >= 2, badges
    assert len({round(b["top"]) for b in badges}) == 1, badges  # one line
    assert max(b["height"] for b in badges) < 30, badges  # a badge's height, not a line's
    gaps = [right["left"] - left["right"] for left, right in itertools.pairwise(badges)]
    assert max(gaps) < 12, gaps  # side by side, not spread across the card


def test_an_officer_s_units_on_the_campaign_page_read_as_cards(demo, login, live_server):
    """The officer's way in to write a plan: each unit a card, its name on a line of the
    card and its button on one line. The three columns squeezed a unit's name to a word a
    line and "Xây dựng kế hoạch" to four lines."""
    # By its id, which is not 1 once another test made a campaign (PostgreSQL's sequences).
    campaign = Campaign.objects.get(slug="cchc-2015")
    path = reverse("campaign:campaign_detail", args=[campaign.pk])
    page = reviewer_page(login, live_server, path, 390, 844, user="cb.giaoduc")
    names = page.evaluate(
        "Array.from(document.querySelectorAll('table.table-stack td[data-label=\"Đơn vị\"]'),"
        " (td) => td.getBoundingClientRect().width)"
    )
    assert len(names) >= 3 and min(names) >= 300, names
    buttons = page.evaluate(
        "Array.from(document.querySelectorAll('table.table-stack td .btn'),"
        " (b) => b.getBoundingClientRect().height)"
    )
    assert buttons and max(buttons) < 45, buttons  # one line each
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_unit_name_with_a_word_longer_than_the_screen_fits_the_home_page_on_a_phone(
    demo, login, live_server
):
    """A unit's name with a 60-letter word: the home page's list of what was sent and its
    table of the user's units and roles break it instead of widening the page."""
    word = "CôngĐoànCơSở" * 5
    unit = Membership.objects.get(user__username="cb.tanthach").unit
    Unit.objects.filter(pk=unit.pk).update(name=f"{unit.name} {word}")
    page = login("cb.tanthach")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    for section in ("#sent", "#my-units"):
        text = page.locator(f"section:has({section})").inner_text().replace("\n", "")
        assert word in text, section
    assert horizontal_overflow(page) == []


def test_on_a_phone_a_summary_s_pdf_comes_before_its_text(demo, login, live_server):
    """The Standing Committee opens an issued summary from its notice for the PDF: on a
    phone the side column went under the whole text, the download two screens down."""
    summary = SummaryReport.objects.filter(status=SummaryReport.Status.ISSUED).first()
    page = reviewer_page(login, live_server, summary.get_absolute_url(), 390, 844, "thuongvu")
    download = page.get_by_role("link", name="Tải tệp PDF")
    assert download.bounding_box()["y"] < 844  # on the first screen
    text = page.get_by_role("heading", name="Đánh giá chung")
    assert download.bounding_box()["y"] < text.bounding_box()["y"]
    page.set_viewport_size({"width": 1366, "height": 900})
    # An office screen keeps the text on the left and the side column on its right.
    assert download.bounding_box()["x"] > text.bounding_box()["x"]


def test_a_records_admin_history_scrolls_in_its_box_on_a_phone(demo, login, live_server):
    """The admin's history of a report, a dozen columns: the table scrolls sideways in its
    own box, the page does not, and no column is squeezed to a letter a line."""
    report = AnnualReport.objects.order_by("pk").first()
    path = reverse("admin:campaign_annualreport_history", args=[report.pk])
    page = reviewer_page(login, live_server, path, 390, 844, user="admin")
    table = page.locator("#change-history")
    assert table.count() == 1
    assert horizontal_overflow(page) == []
    assert table.evaluate("(box) => box.scrollWidth > box.clientWidth")
    narrowest = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('#change-history th'), "
        "(cell) => cell.getBoundingClientRect().width))"
    )
    assert narrowest >= 90  # 6rem: a Vietnamese word or a date fits a line
