"""The admin's lists of annual reports, plans and reporting periods show every column on an
office screen, beside the admin's menu and the filters: the campaign's whole title in each
row had made them some 2,000 px wide, with the year, status and dates out of sight."""

import pytest

pytestmark = pytest.mark.e2e

# How far the list's table reaches past the box it scrolls in, in pixels.
OVERFLOW = """() => {
  const table = document.querySelector('#result_list');
  return table.scrollWidth - table.parentElement.clientWidth;
}"""


@pytest.mark.parametrize("model", ["annualreport", "plan", "period"])
def test_every_column_of_the_list_is_on_a_1366_px_screen(demo, login, live_server, model):
    page = login("admin")  # the browser's screen is 1366 px wide (tests/e2e/conftest.py)
    page.goto(f"{live_server.url}/admin/campaign/{model}/")

    assert page.locator("#result_list tbody tr").count() > 0
    assert page.locator("#nav-sidebar").is_visible()
    assert page.evaluate(OVERFLOW) <= 0
