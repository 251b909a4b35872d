"""The Excel export's sheets beside the breakdowns (the trend, the content covered, the open
obstacles), checked against the counting rule recounted independently over a generated
federation (`tests.reports.world.Recount`), and the set-up of every sheet: an autofilter
over the table, printed landscape on A4, fitted to the page's width, its header row repeated
on every page."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaign.models import Indicator, Obstacle
from reports.excel import MARK, build_workbook, open_obstacles
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED, rollup, unit_rows
from tests.reports.world import TODAY, YEAR, Recount, build_world
from units.models import Unit

pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")
# The sheets' titles, in Vietnamese.
TREND, CONTENT, OBSTACLES = "Qua các năm", "Nội dung tuyên truyền", "Vướng mắc chưa trả lời"


@pytest.fixture
def world(tree, cast):
    return build_world(tree, cast, 13)


def download(client, cast, world, code, who="cspl", **params):
    client.force_login(cast[who])
    response = client.get(
        reverse("reports:dashboard_excel"),
        {"campaign": world.campaign.pk, "year": YEAR, "unit": world.units[code].pk, **params},
    )
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(BytesIO(response.content))


def headers(sheet):
    return [cell.value for cell in sheet[1]]


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def indicator_headers(world):
    """The whole-number indicators' column headers, in the campaign's order."""
    return [
        f"{i.name} ({i.unit_of_measure})" if i.unit_of_measure else i.name
        for i in Indicator.objects.filter(
            campaign=world.campaign, kind=Indicator.Kind.INTEGER
        ).order_by("order", "code")
    ]


def day(value):
    """A date cell as openpyxl reads it back (a datetime at midnight) as a date."""
    return value.date() if isinstance(value, datetime.datetime) else value


# --- the trend ---------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["PV", "DA", "SE"])
@pytest.mark.parametrize("include", [ACCEPTED_ONLY, ALL_SUBMITTED])
def test_the_trend_sheet_gives_each_years_recounted_figures_and_the_days_the_tree_changed(
    client, cast, world, code, include
):
    sheet = download(client, cast, world, code, include=include)[TREND]
    assert headers(sheet) == [
        "Năm",
        "Số báo cáo được cộng",
        "Đơn vị phải báo cáo",
        "Đơn vị được tính",
        "Tỷ lệ đơn vị được tính",
        *indicator_headers(world),
        "Những ngày cây tổ chức thay đổi",
    ]
    expected = [
        [
            row["year"],
            row["reports"],
            row["expected"],
            # Each year's coverage beside its totals: units included of units expected.
            row["included"],
            round(row["included"] / row["expected"], 3) if row["expected"] else None,
            # A total with nothing included is an empty cell, never 0.
            *row["totals"].values(),
            "; ".join(row["changes"]) or None,
        ]
        for row in Recount(world).rollup(code, YEAR, include)["trend"]
    ]
    assert rows(sheet) == expected
    assert any(row[-1] for row in expected) or code != "PV"  # the world changed in the years
    for row in sheet.iter_rows(min_row=2, max_col=4):
        assert all(cell.data_type == "n" for cell in row)
        assert row[0].number_format == "0"  # a year, not 2.024
    assert all(row[4].number_format == "0.0%" for row in sheet.iter_rows(min_row=2, max_col=5))


# --- the content covered -----------------------------------------------------------------------
@pytest.mark.parametrize("code", ["PV", "DB"])
def test_the_content_sheet_gives_each_items_recounted_plans_and_activities(
    client, cast, world, code
):
    sheet = download(client, cast, world, code)[CONTENT]
    assert headers(sheet) == ["Mục", "Nội dung", "Kế hoạch", "Hoạt động"]
    recounted = Recount(world).rollup(code, YEAR, ACCEPTED_ONLY)["themes"]
    assert rows(sheet) == [
        [theme["number"], theme["title"], theme["plans"], theme["activities"]]
        for theme in recounted
    ]
    assert sum(theme["activities"] for theme in recounted) > 0 or code != "PV"
    # A sub-item is indented under its item.
    indents = {row[0].value: row[1].alignment.indent for row in sheet.iter_rows(min_row=2)}
    assert indents["2"] == 0 and indents["2.1"] == 1 and indents["2.10"] == 1
    assert sheet["A2"].data_type == "s"  # "2.10" stays a text, never 2.1


def test_a_text_wider_than_its_column_wraps_in_a_row_tall_enough_to_read_it(client, cast, world):
    # The demo's content items run to 600 characters in a column of 50, beside a number:
    # unwrapped, all but their first words were hidden, on screen and on paper.
    theme = world.themes["2.1"]
    theme.title = "Tuyên truyền " * 20
    theme.save()
    sheet = download(client, cast, world, "PV")[CONTENT]
    [row] = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "2.1"]
    item = row[1]
    width = sheet.column_dimensions["B"].width
    assert len(item.value) > width
    assert item.alignment.wrap_text and item.alignment.indent == 1  # still under its item
    height = sheet.row_dimensions[item.row].height
    assert height and height >= 15 * len(item.value) / width
    assert not row[0].alignment.wrap_text  # its short number beside it is left alone


# --- the open obstacles ------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["PV", "DA", "DB", "SE"])
def test_the_obstacle_sheet_lists_the_open_obstacles_the_summary_counts(client, cast, world, code):
    workbook = download(client, cast, world, code)
    sheet = workbook[OBSTACLES]
    assert headers(sheet) == [
        "Đơn vị",
        "Mã",
        "Kế hoạch phát động",
        "Tiêu đề",
        "Ngày gửi",
        "Hạn trả lời",
        "Quá hạn",
    ]
    recounted = Recount(world)
    inside = set(recounted.subtree(code))
    wanted = sorted(
        (unit, answer_by, MARK if answer_by < TODAY else None)
        for unit, campaign, status, answer_by in world.obstacles
        if unit in inside and campaign == world.campaign.pk and status == Obstacle.Status.OPEN
    )
    listed = rows(sheet)
    assert sorted((row[1], day(row[5]), row[6]) for row in listed) == wanted
    assert all(row[2] == world.campaign.number for row in listed)
    # Those to answer first come first.
    assert [day(row[5]) for row in listed] == sorted(day(row[5]) for row in listed)
    # As many as the summary sheet and the dashboard count, and as many overdue.
    figures = recounted.rollup(code, YEAR, ACCEPTED_ONLY)
    summary = {row[0]: row[1] for row in rows(workbook.worksheets[0])}
    assert len(listed) == figures["obstacles_open"] == summary["Vướng mắc chưa trả lời"]
    overdue = sum(1 for row in listed if row[6] == MARK)
    assert overdue == figures["obstacles_overdue"] == summary["Vướng mắc quá hạn"]
    # Every other row of the summary is the year's; these are the export day's, any year.
    notes = {row[0]: row[3] for row in rows(workbook.worksheets[0])}
    said = "Tính đến ngày xuất, gửi trong bất kỳ năm nào"
    assert notes["Vướng mắc chưa trả lời"] == notes["Vướng mắc quá hạn"] == said


def test_the_obstacle_sheet_gives_dates_as_date_cells_and_raising_in_local_time(
    client, cast, world
):
    obstacle = Obstacle.objects.filter(campaign=world.campaign, status="open").first()
    moment = datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 1/1, 06:30 in VN
    Obstacle.objects.filter(pk=obstacle.pk).update(raised_at=moment)
    sheet = download(client, cast, world, "PV")[OBSTACLES]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[3].value == obstacle.subject]
    assert row[4].value == datetime.datetime(2025, 1, 1, 6, 30)
    assert row[4].number_format == "dd/mm/yyyy hh:mm"
    assert (day(row[5].value), row[5].number_format) == (obstacle.answer_by, "dd/mm/yyyy")


def test_a_subject_that_looks_like_a_formula_stays_a_text(client, cast, world):
    obstacle = Obstacle.objects.filter(campaign=world.campaign, status="open").first()
    Obstacle.objects.filter(pk=obstacle.pk).update(subject='=HYPERLINK("http://x.example","?")')
    sheet = download(client, cast, world, "PV")[OBSTACLES]
    (cell,) = [r[3] for r in sheet.iter_rows(min_row=2) if r[3].value.startswith("=")]
    assert cell.data_type == "s"


def test_an_indicator_named_like_a_formula_heads_its_columns_as_a_text(client, cast, world):
    # Headers went through sheet.append, which makes any "=…" a formula.
    name = '=HYPERLINK("http://x.example","Bấm")'
    Indicator.objects.filter(campaign=world.campaign, kind=Indicator.Kind.INTEGER).update(name=name)
    book = download(client, cast, world, "PV")
    heads = [cell for sheet in book.worksheets for cell in sheet[1] if str(cell.value)[:1] == "="]
    assert len({cell.parent.title for cell in heads}) >= 3
    assert {cell.data_type for cell in heads} == {"s"}
    formulas = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in formulas if c.data_type == "f"]


def test_text_the_forms_accept_but_xml_cannot_hold_is_left_out(client, cast, world):
    # U+FFFF passes the report and obstacle forms; openpyxl refuses it (it was a 500).
    obstacle = Obstacle.objects.filter(campaign=world.campaign, status="open").first()
    Obstacle.objects.filter(pk=obstacle.pk).update(subject="Chưa rõ\uffff thủ tục\ufffe")
    Indicator.objects.filter(campaign=world.campaign, code="sessions").update(name="Số buổi\uffff")
    workbook = download(client, cast, world, "PV")
    subjects = [r[3] for r in rows(workbook[OBSTACLES])]
    assert "Chưa rõ thủ tục" in subjects
    assert "Số buổi (lượt)" in headers(workbook.worksheets[1])


def test_listing_the_obstacles_costs_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):  # the open obstacles with their unit and campaign
        found = open_obstacles(world.campaign, world.units["PV"])
        [(o.unit.name, o.campaign.number) for o in found]
    assert found


# --- every sheet: filter and print ---------------------------------------------------------------
def test_every_sheet_filters_its_whole_table_and_prints_landscape_fitted_to_width(
    client, cast, world
):
    workbook = download(client, cast, world, "PV")
    assert workbook.sheetnames[-3:] == [TREND, CONTENT, OBSTACLES]
    for sheet in workbook.worksheets:
        last = openpyxl.utils.get_column_letter(len(headers(sheet)))
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
        assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)


def test_an_empty_table_still_filters_its_header(tree, world):
    # A district with no unit below files nothing and has no obstacle.
    lone = Unit.objects.add_child(
        Unit.objects.get(pk=tree["PV"].pk),
        {"code": "ZZ", "name": "LĐLĐ huyện Z", "kind": Unit.Kind.DISTRICT},
    )
    result = rollup(world.campaign, YEAR, lone)
    units = unit_rows(world.campaign, lone, result, with_values=True)
    workbook = build_workbook(result, units, world.campaign, open_obstacles(world.campaign, lone))
    sheet = workbook[_("Obstacles open")]
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:G1"


def test_the_sheet_titles_and_headers_are_translated(world):
    result = rollup(world.campaign, YEAR, world.units["PV"])
    units = unit_rows(world.campaign, world.units["PV"], result, with_values=True)
    with translation.override("en"):
        english = build_workbook(result, units, world.campaign, [])
        assert english.sheetnames[-3:] == ["Over the years", "Content covered", "Obstacles open"]
        assert headers(english["Over the years"])[-1] == "Days the tree changed"
        assert headers(english["Content covered"])[0] == pgettext("a content item's number", "Item")


# --- the units below ---------------------------------------------------------------------------
def test_a_unit_closed_by_the_cut_off_is_marked_on_the_sheet_of_units_below_as_on_the_page(
    client, cast, world
):
    # SX closed on 31/03/2024 (and a grassroots union under the province in the year): nobody
    # is expected there in 2024, and the reports they filed still count.
    result = rollup(world.campaign, YEAR, world.units["PV"])
    closed = [row for row in result.by_child if row.closed and not row.is_scope]
    assert world.units["SX"].pk in [row.unit_id for row in closed]
    assert all(row.reports and not row.dissolved for row in closed)
    marked = [f"{row.name} (đã kết thúc hoạt động)" for row in closed]
    sheet = download(client, cast, world, "PV")["Theo đơn vị trực thuộc"]
    names = [cells[0] for cells in rows(sheet)]
    assert [name for name in names if "(" in name] == marked
    page = client.get(
        reverse("reports:dashboard"),
        {"campaign": world.campaign.pk, "year": YEAR, "unit": world.units["PV"].pk},
    ).content.decode()
    badge = '<span class="badge text-bg-light border">đã kết thúc hoạt động</span>'
    assert page.count(badge) == len(closed)
    for row in closed:
        assert f"{row.name}</a> {badge}" in page
