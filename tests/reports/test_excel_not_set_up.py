"""A past year regrouped on today's tree has rows for units set up after its cut-off (a
commune union that took a district's grassroots unions): the dashboard says "not set up
yet" of such a unit's own report; the Excel export said "does not file", which a reader
takes for a unit the campaign never asks, though it files from the year it opened.

The page also names the units merged into such a unit, whose reports it holds, and says
which tree its figures are counted on: the Excel export and the PDF said "not set up yet"
without the names, and the workbook did not say which tree. They now say what the page
says, in the same words (`AreaRow.merged_note`, `Rollup.counted_on`)."""

import html as htmllib
import re
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from reports import pdf
from reports.rollup import rollup, with_forebears
from tests.reports.summaries import YEAR, make_summary

NAMED = "Chưa thành lập; gồm báo cáo của các đơn vị đã sáp nhập vào: LĐLĐ huyện A"


# Today is 10/01/2025, with a data version of its own and an empty cache.
pytestmark = pytest.mark.usefixtures("world_day")


@pytest.fixture
def commune(campaign, merged_commune):
    """District A merged into a commune union (conftest: merged_commune)."""
    return campaign, merged_commune


def get(client, cast, units, name, **params):
    client.force_login(cast["cspl"])
    params = {"unit": units["PV"].pk, "year": YEAR, **params}
    with translation.override("vi"):
        response = client.get(reverse(f"reports:{name}"), params)
    assert response.status_code == 200
    return response


def words(page_html):
    """The page's text, tags and charts left out."""
    page_html = re.sub(r"<(svg|style|script)\b.*?</\1>", " ", page_html, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


def summary_cells(content):
    sheet = openpyxl.load_workbook(BytesIO(content)).worksheets[0]
    return {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_a_unit_set_up_after_the_cut_off_reads_not_set_up_yet_in_the_export(
    client, cast, tree, commune
):
    campaign, xa = commune
    row = next(
        r for r in rollup(campaign, YEAR, tree["PV"], tree="today").by_child if r.unit_id == xa.pk
    )
    assert row.not_yet and row.reports > 0

    page = get(client, cast, tree, "dashboard", tree="today").content.decode()
    content = get(client, cast, tree, "dashboard_excel", tree="today").content
    assert "chưa thành lập" in page
    sheet = openpyxl.load_workbook(BytesIO(content))["Theo đơn vị trực thuộc"]
    header = [cell.value for cell in sheet[1]]
    own = header.index("Báo cáo của đơn vị")
    (line,) = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == xa.name]
    # A cell of its own: with a capital; and, as the page says, whose reports it holds.
    assert line[own] == NAMED
    assert NAMED[1:] in words(page)


def test_the_workbook_says_which_tree_it_counts_on_as_the_page_does(client, cast, tree, commune):
    for tree_mode, sentence in (
        (
            "then",
            "Các báo cáo năm 2024 được tính theo cây tổ chức tại thời điểm chốt số liệu của năm "
            "đó (14/12/2024): việc sắp xếp lại tổ chức về sau không làm thay đổi số liệu này.",
        ),
        ("today", "Các báo cáo năm 2024 được nhóm lại theo cây tổ chức hiện nay: báo cáo"),
    ):
        page = words(get(client, cast, tree, "dashboard", tree=tree_mode).content.decode())
        content = get(client, cast, tree, "dashboard_excel", tree=tree_mode).content
        cells = summary_cells(content)["Tính trên"]
        said = cells[2]
        assert said.startswith(sentence), tree_mode
        assert said in page, tree_mode


def test_the_pdf_names_the_units_merged_into_a_unit_set_up_later(tree, cast, commune):
    """A summary counts on the year's tree, where no such row stands: its figures regrouped
    on today's tree, the PDF's cell says what the page and the workbook say."""
    campaign, xa = commune
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    today = with_forebears(rollup(campaign, YEAR, tree["PV"], tree="today"))
    figures = {**pdf.freeze(summary), "rollup": today.as_json()}
    children = pdf.document_context(summary, figures)["children"]
    (row,) = [row for row in children if row["label"] == xa.name]
    assert row["own"] == NAMED
