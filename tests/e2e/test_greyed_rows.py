"""A table row marked as past reads grey, as the README says of a superseded summary in the
list of summary reports: Bootstrap's table cells set their own colour, which the row's
`text-body-secondary` alone does not reach. Also a unit's ended era on its page."""

import pytest
from django.urls import reverse

from reports.models import SummaryReport
from tests.e2e.page_checks import PHONE
from units.models import Unit

pytestmark = pytest.mark.e2e

CELL_COLOURS = """(rows) => rows.map((row) => Array.from(row.cells, (cell) =>
  getComputedStyle(cell).color))"""


def cell_colours(page, rows):
    return page.locator(rows).evaluate_all(CELL_COLOURS)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["office", "phone"])
def test_a_superseded_summary_reads_grey_in_the_list(demo, login, live_server, viewport):
    page = login("thuongvu")
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}{reverse('reports:summary_list')}")
    superseded = SummaryReport.objects.get(status=SummaryReport.Status.SUPERSEDED)
    row = f"tbody tr:has(a[href='{superseded.get_absolute_url()}'])"
    (grey,) = cell_colours(page, row)
    current = cell_colours(page, "tbody tr:not(.text-body-secondary)")
    assert current and all(colours[1] != grey[1] for colours in current)
    # The date, title, scope and year cells are the row's grey, not the table's text colour.
    secondary = page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--bs-secondary-color').trim()"
    )
    assert secondary.startswith("rgba(") and len(set(grey[1:5])) == 1
    assert grey[1].replace(" ", "") == secondary.replace(" ", "")


def test_a_unit_s_ended_era_reads_grey_on_its_page(demo, login, live_server):
    page = login("cspl")
    unit = Unit.objects.get(code="BT-CL")  # LĐLĐ huyện Chợ Lách, ended on 01/07/2025
    page.goto(f"{live_server.url}{reverse('units:unit_detail', args=[unit.pk])}")
    (ended,) = cell_colours(page, "#history ~ div tbody tr.text-body-secondary")
    (before,) = cell_colours(page, "#history ~ div tbody tr:not(.text-body-secondary)")
    assert ended[0] != before[0]
