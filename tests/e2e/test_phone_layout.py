"""Screen widths: on a phone (390 px) the dashboard's wide tables scroll in their own box and
the page itself never scrolls sideways; on an office screen (1366 px) a reviewer's menu,
the longest, fits one line."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_dashboard_fits_a_phone_screen(demo, login, live_server):
    page = login("cspl")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#by-child")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The tables are wider than the screen, and scroll inside their box.
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.table-responsive'), "
        "(box) => [box.clientWidth, box.scrollWidth])"
    )
    assert any(scroll > client for client, scroll in widths)


def test_a_reviewer_s_menu_fits_one_line_of_an_office_screen(demo, login, live_server):
    page = login("cspl")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/")
    tops = page.evaluate(
        "Array.from(document.querySelectorAll('#main-nav .navbar-nav > .nav-item'), "
        "(item) => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(tops) >= 8  # the dashboard ... the follow-up menu
    assert len(set(tops)) == 1, tops
