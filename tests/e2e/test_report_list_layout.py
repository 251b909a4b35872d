"""An officer's list of annual reports: the button that starts a report reads on one line,
and the page does not scroll sideways, on a phone and on an office screen."""

import pytest

from tests.e2e.page_checks import DESKTOP, PHONE, horizontal_overflow

pytestmark = pytest.mark.e2e

# The number of lines a link's text takes, as the browser laid it out.
TEXT_LINES = """(link) => {
  const range = document.createRange();
  range.selectNodeContents(link);
  return new Set(Array.from(range.getClientRects(), (box) => Math.round(box.top))).size;
}"""


def test_the_write_the_report_button_reads_on_one_line(demo, login, live_server):
    # cb.giaoduc's list has the widest status cells (a closed unit's two badges): the button
    # was squeezed to three lines on a phone, and to two on an office screen.
    page = login("cb.giaoduc")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/reports/")
        button = page.get_by_role("link", name="Lập báo cáo")
        assert button.count() >= 1
        for index in range(button.count()):
            assert button.nth(index).evaluate(TEXT_LINES) == 1, viewport
        assert not horizontal_overflow(page), viewport
