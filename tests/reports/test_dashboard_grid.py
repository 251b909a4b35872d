"""The dashboard's status grid: every expected unit of the area with its own report, over
pages of 50, filtered by status and kind, sorted by tree order, name or status, each row
a `reports.rollup.UnitRow` linking to the unit's report."""

import datetime
import re
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from campaign.models import AnnualReport, Period
from tests.factories import MembershipFactory, UnitFactory
from tests.pages import html
from tests.reports.world import (
    CATEGORIES,
    YEAR,
    D,
    S,
    due,
    local,
    make_campaign,
)
from units.models import Unit, UnitState

GRID_UNITS = 50
# The report of unit n is STATES[n % 5]: (status, first submitted), or no report at all.
STATES = [
    None,
    (S.DRAFT, None),
    (S.SUBMITTED, local(due(YEAR), 23, 59)),  # on time: the due day's last minute
    (S.ACCEPTED, local(due(YEAR) + datetime.timedelta(days=1))),  # late: midnight after
    (S.RETURNED, local(due(YEAR), 8)),
]


# Today is 10/01/2025 and every test starts from a data version of its own.
pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


@pytest.fixture
def grid_district(tree, cast):
    """District G with 50 grassroots unions in every state (51 expected units with itself)."""
    campaign = make_campaign(tree["PV"], "grid", D(2023, 1, 1))
    period = Period.objects.get(campaign=campaign, year=YEAR)
    district = UnitFactory.create(parent=tree["PV"], kind=Unit.Kind.DISTRICT, code="DG")
    units = [district]
    for n in range(GRID_UNITS):
        parent = Unit.objects.get(pk=district.pk)
        units.append(UnitFactory.create(parent=parent, code=f"G{n:02d}", name=f"CĐCS {99 - n:02d}"))
    for n, unit in enumerate(units):
        state = STATES[n % len(STATES)]
        if state:
            AnnualReport.objects.create(
                unit=unit,
                campaign=campaign,
                year=YEAR,
                period=period,
                status=state[0],
                first_submitted_at=state[1],
                results="Đã tuyên truyền.",
                self_assessment="fair",
            )
    MembershipFactory(user=cast["cspl"], unit=Unit.objects.get(pk=district.pk), role="viewer")
    return Unit.objects.get(pk=district.pk)


def grid(client, district, **params):
    response = client.get(reverse("reports:dashboard"), {"unit": district.pk, **params})
    assert response.status_code == 200
    return response


def expected_category(n):
    """The category of unit n's report, by the states above."""
    state = STATES[n % len(STATES)]
    if state is None or state[0] == S.DRAFT:
        return "missing"
    return {S.SUBMITTED: "on_time", S.ACCEPTED: "late", S.RETURNED: "returned"}[state[0]]


def test_the_grid_lists_every_expected_unit_over_two_pages_with_a_link_to_each_report(
    client, cast, grid_district
):
    client.force_login(cast["cspl"])
    first = grid(client, grid_district)
    data, rows = first.context["data"], list(first.context["grid"]["rows"])
    assert data.headline.expected == first.context["grid"]["total"] == GRID_UNITS + 1
    assert (len(rows), first.context["grid"]["pages"]) == (50, 2)
    second = grid(client, grid_district, page="2")
    rows += second.context["grid"]["rows"]
    assert len(rows) == GRID_UNITS + 1
    assert [r.path for r in rows] == sorted(r.path for r in rows)
    assert len({r.pk for r in rows}) == GRID_UNITS + 1
    # In tree order: the district, then G00, G01…: each in the state it was given.
    assert [r.category for r in rows] == [expected_category(n) for n in range(GRID_UNITS + 1)]
    reports = dict(AnnualReport.objects.values_list("unit_id", "pk"))
    firsts = dict(AnnualReport.objects.values_list("unit_id", "first_submitted_at"))
    assert [r.report_id for r in rows] == [reports.get(r.pk) for r in rows]
    assert [r.first_submitted_at for r in rows] == [firsts.get(r.pk) for r in rows]
    page = html(first) + html(second)
    with translation.override("vi"):
        kinds = dict(Unit.Kind.choices)
        for row in rows:
            assert row.kind_label == kinds[row.kind]
            if row.first_submitted_at:
                moment = timezone.localtime(row.first_submitted_at)
                shown = formats.date_format(moment, "SHORT_DATETIME_FORMAT")
                assert f"<td>{shown}</td>" in page
    linked = re.findall(r'href="/reports/(\d+)/"', page)
    assert sorted(int(pk) for pk in linked) == sorted(r.report_id for r in rows if r.report_id)
    assert len(linked) == 40  # every unit but the eleven with no report at all
    # The unit's name is the link, a target a finger can hit on a phone.
    for row in rows:
        if row.report_id:
            assert f'<a href="/reports/{row.report_id}/">{row.name}</a>' in page
    assert '&amp;page=2#grid">' in html(first) and '&amp;page=1#grid">' in html(second)


def test_the_grid_s_page_links_keep_its_filters_and_open_on_the_grid(client, cast, grid_district):
    """The grid comes after every table and chart (some 9,000 px down on a phone): its
    pages open on it, as its filter does, not at the top of the page."""
    client.force_login(cast["cspl"])
    first = html(grid(client, grid_district, sort="name"))
    (following,) = re.findall(r'<a class="page-link" href="([^"]+)"', first)
    assert following.endswith("#grid") and "sort=name" in following and "page=2" in following
    second = html(grid(client, grid_district, sort="name", page="2"))
    (previous,) = re.findall(r'<a class="page-link" href="([^"]+)"', second)
    assert previous.endswith("#grid") and "page=1" in previous


@pytest.mark.parametrize("status", CATEGORIES)
def test_the_grid_filtered_by_status_lists_as_many_units_as_the_rollup_counts(
    client, cast, grid_district, status
):
    client.force_login(cast["cspl"])
    response = grid(client, grid_district, status=status)
    counted = getattr(response.context["data"].headline, status)
    assert response.context["grid"]["total"] == counted
    rows = response.context["grid"]["rows"]
    assert len(rows) == counted > 0
    assert {row.category for row in rows} == {status}
    assert counted == sum(1 for n in range(GRID_UNITS + 1) if expected_category(n) == status)
    assert counted == {"on_time": 10, "late": 10, "returned": 10, "missing": 21}[status]


def test_the_grid_filters_by_kind_and_sorts_by_name_or_status(client, cast, grid_district):
    client.force_login(cast["cspl"])
    grassroots = grid(client, grid_district, kind="grassroots").context["grid"]
    assert grassroots["total"] == GRID_UNITS == len(grassroots["rows"])
    assert {row.kind for row in grassroots["rows"]} == {"grassroots"}
    by_name = grid(client, grid_district, sort="name", kind="grassroots").context["grid"]["rows"]
    assert [row.name for row in by_name] == sorted(row.name for row in by_name)
    assert by_name[0].name == "CĐCS 50"
    by_status = grid(client, grid_district, sort="status").context["grid"]["rows"]
    order = [CATEGORIES.index(row.category) for row in by_status]
    assert order == sorted(order) and order[0] == 0
    assert grid(client, grid_district, page="-5").context["grid"]["page"] == 1
    assert grid(client, grid_district, page="7").context["grid"]["page"] == 2


def test_the_grid_sorted_by_name_follows_the_vietnamese_alphabet(client, cast, grid_district):
    # By code point, as both databases sort by default, "Đồng Khởi" and "Ấp Bắc" came after
    # "Zô": every letter with a mark after "Z".
    names = {"G00": "Ấp Bắc", "G01": "Đồng Khởi", "G02": "Zô", "G03": "Dung", "G04": "An Bình"}
    for code, name in names.items():
        Unit.objects.filter(code=code).update(name=name)
        UnitState.objects.filter(unit__code=code).update(name=name)
    client.force_login(cast["cspl"])
    rows = grid(client, grid_district, sort="name", kind="grassroots").context["grid"]["rows"]
    listed = [row.name for row in rows]
    assert len(listed) == GRID_UNITS
    assert listed[:3] == ["An Bình", "Ấp Bắc", "CĐCS 50"]
    assert listed[-3:] == ["Dung", "Đồng Khởi", "Zô"]


def test_a_reopened_report_counts_as_returned_and_reads_reopened_as_on_its_page(
    client, cast, grid_district
):
    """A reopened report is back with its unit, neither submitted nor included: the grid and
    the Excel sheet count it with the returned ones (the workflow makes it `returned`), but
    name it "Mở lại" as its own page and the queues do, since nothing was wrong with it."""
    returned = list(
        AnnualReport.objects.filter(status=S.RETURNED, unit__path__startswith=grid_district.path)
    )
    reopened = returned[0]
    reopened.reopened_at = timezone.now()
    reopened.save(update_fields=["reopened_at"])
    assert reopened.was_reopened
    client.force_login(cast["cspl"])
    response = grid(client, grid_district, status="returned")
    assert response.context["data"].headline.returned == len(returned) == 10
    rows = response.context["grid"]["rows"]
    assert [row.report_id for row in rows if row.reopened] == [reopened.pk]
    page = html(response)
    # The grid and the table of units below (each unit's own report) alike.
    badges = re.findall(r'<span class="badge grid-returned">([^<]+)</span>', page)
    assert sorted(badges) == ["Bị trả lại"] * 18 + ["Mở lại"] * 2
    own = [row for row in response.context["data"].by_child if row.own_reopened]
    assert [(row.unit_id, row.own) for row in own] == [(reopened.unit_id, "returned")]

    response = client.get(
        reverse("reports:dashboard_excel"), {"unit": grid_district.pk, "year": YEAR}
    )
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    sheet = workbook["Từng đơn vị"]
    states = {row[1]: (row[3], row[4]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert states[reopened.unit.code] == ("Bị trả lại", "Mở lại")
    assert sum(1 for category, _state in states.values() if category == "Bị trả lại") == 10
    assert sum(1 for _category, state in states.values() if state == "Bị trả lại") == 9
    below = workbook["Theo đơn vị trực thuộc"]
    own = {row[0]: row[2] for row in below.iter_rows(min_row=2, values_only=True)}
    assert own[reopened.unit.short_name or reopened.unit.name] == "Mở lại"
    assert list(own.values()).count("Bị trả lại") == 9


def option_counts(page, select_id):
    """The grid filter's choices as {value: the number beside its label}."""
    [select] = re.findall(rf'<select id="{select_id}".*?</select>', page, re.S)
    options = re.findall(r'<option value="([^"]*)"[^>]*>[^<]*\(([\d.]+)\)</option>', select)
    return {value: int(count.replace(".", "")) for value, count in options}


def recount(district, **where):
    """The district's expected units (itself and every grassroots union below it) in each
    category, counted here in SQL from the units and their reports, not by the rollup."""
    end_of_due_day = local(due(YEAR) + datetime.timedelta(days=1))
    units = Unit.objects.filter(path__startswith=district.path, **where)
    reports = AnnualReport.objects.filter(unit__in=units, year=YEAR)
    sent = reports.filter(status__in=(S.SUBMITTED, S.ACCEPTED))
    counts = {
        "on_time": sent.filter(first_submitted_at__lt=end_of_due_day).count(),
        "late": sent.filter(first_submitted_at__gte=end_of_due_day).count(),
        "returned": reports.filter(status=S.RETURNED).count(),
        "flagged": sent.exclude(flags=[]).exclude(flags__isnull=True).count(),
    }
    counts["missing"] = units.count() - counts["on_time"] - counts["late"] - counts["returned"]
    counts[""] = units.count()
    return counts


def test_the_grid_s_filters_say_how_many_units_each_choice_lists(client, cast, grid_district):
    # A reviewer coming from the spreadsheet read how many units each choice would list
    # before choosing it; the grid's filters said nothing of it.
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        page = html(grid(client, grid_district))
        assert option_counts(page, "g-status") == recount(grid_district)
        assert option_counts(page, "g-kind") == {
            "": GRID_UNITS + 1,
            Unit.Kind.DISTRICT: 1,
            Unit.Kind.GRASSROOTS: GRID_UNITS,
        }
        # The statuses count within the kind chosen, the kinds within the status chosen.
        within = html(grid(client, grid_district, kind="grassroots", status="late"))
        assert option_counts(within, "g-status") == recount(grid_district, kind="grassroots")
        late = recount(grid_district)["late"]
        assert option_counts(within, "g-kind") == {
            "": late,
            Unit.Kind.DISTRICT: recount(grid_district, kind="district")["late"],
            Unit.Kind.GRASSROOTS: recount(grid_district, kind="grassroots")["late"],
        }
        # Each count is what the choice then lists.
        for status, count in option_counts(page, "g-status").items():
            assert grid(client, grid_district, status=status).context["grid"]["total"] == count


def test_a_grid_filtered_to_nothing_says_so_and_leads_to_every_unit(client, cast, grid_district):
    # "No unit matches." and nothing more: on a phone the filters are 9,000 px up.
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        page = html(grid(client, grid_district, kind="district", status="on_time", sort="name"))
    assert "Không có đơn vị nào khớp với các bộ lọc này." in page
    [link] = re.findall(r'<a href="\?([^"]*)#grid">Xem mọi đơn vị</a>', page)
    query = dict(pair.split("=") for pair in link.replace("&amp;", "&").split("&"))
    assert query == {"unit": str(grid_district.pk), "sort": "name"}
