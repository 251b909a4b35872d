"""The copy of a plan or annual report that the browser prints from its printable page
(Ctrl+P): the document alone, its table's headings whole, no heading ending a page."""

import pytest

from campaign.models import AnnualReport, Plan

pytestmark = pytest.mark.e2e

LINES_OF_FIRST_HEADING = """() => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector(".filed-document table.doc-table th"));
  return range.getClientRects().length;
}"""


@pytest.mark.parametrize(
    ("model", "kind", "unit"), [(Plan, "plans", "BT-CT-01"), (AnnualReport, "reports", "BT-CT-03")]
)
def test_the_printed_copy_keeps_words_whole_and_headings_with_their_text(
    demo, login, live_server, model, kind, unit
):
    document = model.objects.filter(unit__code=unit).first()
    page = login("cspl")
    page.goto(f"{live_server.url}/{kind}/{document.pk}/print/")
    page.emulate_media(media="print")
    # "TT" was printed as "T" over "T": the column was cut to a letter's width.
    assert page.evaluate(LINES_OF_FIRST_HEADING) == 1
    # Chromium would end a page with "Tự đánh giá" and put its answer on the next.
    breaks = page.evaluate(
        "Array.from(document.querySelectorAll('.filed-document :is(h2, h3)'),"
        " (heading) => getComputedStyle(heading).breakAfter)"
    )
    assert breaks and set(breaks) == {"avoid"}
    # The screen's rounded frame is not printed round the document, cut at each page's foot.
    frame = page.evaluate(
        "getComputedStyle(document.querySelector('.filed-document')).borderTopWidth"
    )
    assert frame == "0px"
    # Decree 30's 13–14 pt, as the PDF: 14 pt is 18.67 CSS pixels (the screen's is 16.8).
    size = page.evaluate("getComputedStyle(document.querySelector('.filed-document p')).fontSize")
    assert 13 * 4 / 3 <= float(size.removesuffix("px")) <= 14 * 4 / 3 + 0.01
