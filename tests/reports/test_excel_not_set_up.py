"""A past year regrouped on today's tree has rows for units set up after its cut-off (a
commune union that took a district's grassroots unions): the dashboard says "not set up
yet" of such a unit's own report; the Excel export said "does not file", which a reader
takes for a unit the campaign never asks, though it files from the year it opened."""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from reports.rollup import rollup
from tests.reports.summaries import YEAR


@pytest.fixture(autouse=True)
def _clock(world_clock, fresh_version, fresh_cache):
    return world_clock


@pytest.fixture
def commune(campaign, merged_commune):
    """District A merged into a commune union (conftest: merged_commune)."""
    return campaign, merged_commune


def test_a_unit_set_up_after_the_cut_off_reads_not_set_up_yet_in_the_export(
    client, cast, tree, commune
):
    campaign, xa = commune
    row = next(
        r for r in rollup(campaign, YEAR, tree["PV"], tree="today").by_child if r.unit_id == xa.pk
    )
    assert row.not_yet and row.reports > 0

    client.force_login(cast["cspl"])
    params = {"unit": tree["PV"].pk, "year": YEAR, "tree": "today"}
    with translation.override("vi"):
        page = client.get(reverse("reports:dashboard"), params).content.decode()
        content = client.get(reverse("reports:dashboard_excel"), params).content
    assert "chưa thành lập" in page
    sheet = openpyxl.load_workbook(BytesIO(content))["Theo đơn vị trực thuộc"]
    header = [cell.value for cell in sheet[1]]
    own = header.index("Báo cáo của đơn vị")
    (line,) = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == xa.name]
    assert line[own] == "Chưa thành lập"  # a cell of its own: with a capital
