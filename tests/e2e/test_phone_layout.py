"""On a phone (390 px) the dashboard's wide tables scroll in their own box: the page itself
never scrolls sideways."""

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
