"""The dashboard page: what it shows of the rollup, in Vietnamese.

Every number on the page is checked against the rule counted again independently
(`tests.reports.world.Recount`) over a generated federation, or against figures the test
adds up itself from the few reports it creates: the headline says from how many reports
its totals are added up and how many of the units expected are included; a total with
nothing included reads "none included yet", never 0; a unit below whose own report is not
included but whose units below reported shows their figures, marked as such.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import AnnualReport, Campaign, IndicatorValue, Period
from tests.pages import html
from tests.reports.world import (
    YEAR,
    D,
    Recount,
    S,
    assert_same_figures,
    build_world,
    due,
    fresh_data_version,
    local,
    make_campaign,
)
from units.models import Unit

# The whole-number indicators in the campaign's order: the columns of the wide tables.
TOTALS = ("sessions", "participants", "grassroots_plans")
# The Vietnamese words the page uses.
OWN = {"on_time": "Đúng hạn", "late": "Trễ hạn", "returned": "Bị trả lại", "missing": "Chưa nộp"}
DOES_NOT_FILE = "không thuộc diện báo cáo"
FROM_BELOW = "chỉ gồm số liệu của các đơn vị cấp dưới"
# A unit closed by the cut-off: its reports of the year still count.
CLOSED = "đã kết thúc hoạt động"
NONE_YET = "chưa có báo cáo nào được tính"
THE_UNIT_ITSELF = "bản thân đơn vị"


# Today is 10/01/2025 and every test starts from a data version of its own.
pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


@pytest.fixture
def world(tree, cast):
    return build_world(tree, cast, 21)


def get(client, user, **params):
    if user:
        client.force_login(user)
    response = client.get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    return response


def text(fragment):
    """A fragment of HTML as the reader sees it: no tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def rows_of(page, section):
    """The cells of the body rows of the table in `section` (its heading's id), as text."""
    part = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    body = part.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def headline_table(page):
    """The rows of the headline's list of totals: number, indicator, total."""
    part = page.split('<h2 class="h6 mb-1">', 1)[1].split("</table>", 1)[0]
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", part, re.S)
    ]


def number(n):
    """A whole number as the Vietnamese page writes it: 1.234."""
    return f"{n:,}".replace(",", ".")


def total(n):
    """A total in a table cell: a dash while nothing is included."""
    return "—" if n is None else number(n)


def rate(group):
    submitted = group["on_time"] + group["late"]
    value = round(100 * submitted / group["expected"], 1) if group["expected"] else None
    return "—" if value is None else f"{value}%".replace(".", ",")


def missing(group):
    return group["expected"] - group["on_time"] - group["late"] - group["returned"]


def figure_cells(group):
    """The status, coverage and totals cells of a row of the wide tables."""
    return [
        *(number(group[name]) for name in ("expected", "on_time", "late", "returned")),
        number(missing(group)),
        rate(group),
        number(group["reports"]),
        f"{number(group['included'])}/{number(group['expected'])}",
        *(total(group["totals"][code]) for code in TOTALS),
    ]


def headline_total(n):
    """A total in the headline's list: with its unit of measure, or "none included yet"."""
    return NONE_YET if n is None else f"{number(n)} lượt"


def child_name(row):
    """A unit's cell in the table of units below: its name, marked when only the units
    below it have their reports included; the scope's own report's row."""
    if row["is_scope"]:
        return THE_UNIT_ITSELF
    return row["name"] + (f" {FROM_BELOW}" if row["reports"] and not row["own_included"] else "")


def kind_label(kind):
    with translation.override("vi"):
        return str(dict(Unit.Kind.choices)[kind])


def headline_words(reports, included, expected):
    return (
        f'<h2 class="h6 mb-1">Số liệu tổng hợp từ {number(reports)} báo cáo</h2>',
        f"Đã tính {number(included)} trên {number(expected)} đơn vị phải báo cáo",
    )


# --- the figures of a generated federation -------------------------------------------------------
def test_the_page_shows_the_headline_figures_and_tables_of_the_rollup(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk)
    recounted = Recount(world).rollup("PV", YEAR, "accepted")
    headline = recounted["headline"]
    assert_same_figures(response.context["data"], recounted)
    page = html(response)
    for figure in (
        number(headline["expected"]),
        f"{headline['plans_filed']} / {headline['plans_accepted']}",
        f"{headline['on_time']} / {headline['late']}",
        f"{headline['returned']} / {missing(headline)}",
    ):
        assert f'<div class="fs-4 fw-semibold">{figure}</div>' in page
    # From how many reports the totals are added up, and how many units they cover.
    reports, coverage = headline_words(
        headline["reports"], headline["included"], headline["expected"]
    )
    assert reports in page and coverage in page
    # Every expected unit's included report is summed (and those of units not expected).
    assert headline["reports"] >= headline["included"] > 0
    assert headline_table(page) == [
        [
            f"({n})",
            f"Chỉ tiêu {code}" + (" do hệ thống tự đếm" if code == "grassroots_plans" else ""),
            NONE_YET
            if headline["totals"][code] is None
            else f"{number(headline['totals'][code])} lượt",
        ]
        for n, code in enumerate(TOTALS, start=1)
    ]
    # Each unit directly below, its own report apart from its area's figures.
    assert rows_of(page, "by-child") == [
        [
            THE_UNIT_ITSELF
            if row["is_scope"]
            else row["name"]
            + (f" {CLOSED}" if row["closed"] else "")
            + (f" {FROM_BELOW}" if row["reports"] and not row["own_included"] else ""),
            OWN[row["own"]] if row["own"] else DOES_NOT_FILE,
            *figure_cells(row),
        ]
        for row in recounted["by_child"]
    ]
    assert any(FROM_BELOW in cells[0] for cells in rows_of(page, "by-child"))
    assert any(cells[1] == DOES_NOT_FILE for cells in rows_of(page, "by-child"))
    assert rows_of(page, "by-kind") == [
        [kind_label(row["kind"]), *figure_cells(row)] for row in recounted["by_kind"]
    ]
    for theme in recounted["themes"]:
        assert (
            f'<td class="text-end">{theme["plans"]}</td>'
            f'<td class="text-end">{theme["activities"]}</td></tr>'
        ) in page
    assert rows_of(page, "trend") == [
        [
            str(row["year"]) + (" *" if row["changes"] else ""),
            number(row["reports"]),
            number(row["expected"]),
            f"{number(row['included'])}/{number(row['expected'])}",
            *(total(row["totals"][code]) for code in TOTALS),
        ]
        for row in recounted["trend"]
    ]
    # The forms and the pagination stay off paper.
    assert page.count('<form method="get"') == page.count('<form method="get" class="row g-2')
    assert all("d-print-none" in form for form in page.split('<form method="get"')[1:])


def test_each_unit_below_links_to_its_own_dashboard_with_a_breadcrumb_back_up(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk, include="submitted")
    page = html(response)
    rows = [row for row in response.context["data"].by_child if not row.is_scope]
    assert len(rows) >= 8
    assert drill_links(page) == {row.unit_id for row in rows}
    for row in rows:
        assert f'<a href="?include=submitted&amp;unit={row.unit_id}">' in page
    district = world.units["DA"]
    below = get(client, None, include="submitted", unit=district.pk)
    assert below.context["data"].unit_id == district.pk
    assert below.context["include"] == "submitted"
    assert [a.pk for a in below.context["breadcrumb"]] == [world.units["PV"].pk, district.pk]
    assert f'<a href="?include=submitted&amp;unit={world.units["PV"].pk}">' in html(below)


def drill_links(page):
    """The units the page links to its own dashboard for (links that start with "?")."""
    return {int(pk) for pk in re.findall(r'<a href="\?(?:[^"]*&amp;)?unit=(\d+)"', page)}


def test_the_year_and_campaign_switches_choose_the_figures(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk, year="2023")
    data = response.context["data"]
    assert data.year == 2023
    recounted = Recount(world).rollup("PV", 2023, "accepted")
    assert data.as_json()["headline"] == recounted["headline"]
    assert '<option value="2023" selected>' in html(response)
    reports, coverage = headline_words(
        recounted["headline"]["reports"],
        recounted["headline"]["included"],
        recounted["headline"]["expected"],
    )
    assert reports in html(response) and coverage in html(response)
    other = get(client, None, campaign=str(world.other.pk))
    assert other.context["data"].campaign_id == world.other.pk
    assert other.context["campaign"] == world.other


def test_switching_to_a_campaign_that_does_not_run_the_year_chosen_opens_its_default_year(
    client, cast, world
):
    # The form sends the year still chosen with the campaign picked: a 404 stopped the user.
    Campaign.objects.filter(pk=world.other.pk).update(first_year=2024)
    client.force_login(cast["cspl"])
    asked = {"campaign": world.other.pk, "year": "2023", "unit": world.units["PV"].pk}
    with translation.override("vi"):
        response = client.get(reverse("reports:dashboard"), asked, follow=True)
    assert response.status_code == 200
    assert response.context["campaign"] == world.other
    # Today is 10/01/2025: the year being reported on is still 2024.
    assert response.context["year"] == 2024 and response.context["unit"] == world.units["PV"]
    assert [str(message) for message in response.context["messages"]] == [
        "Kế hoạch thực hiện từ năm 2024; không có báo cáo cho năm 2023. Đang hiển thị năm 2024."
    ]
    assert '<option value="2024" selected>' in html(response)


def test_the_switch_to_every_submitted_report_changes_the_totals(client, cast, world):
    recount = Recount(world)
    accepted = get(client, cast["cspl"], unit=world.units["PV"].pk)
    submitted = get(client, None, unit=world.units["PV"].pk, include="submitted")
    as_accepted = recount.rollup("PV", YEAR, "accepted")["headline"]
    as_submitted = recount.rollup("PV", YEAR, "submitted")["headline"]
    assert accepted.context["data"].as_json()["headline"] == as_accepted
    assert submitted.context["data"].as_json()["headline"] == as_submitted
    assert as_accepted["totals"] != as_submitted["totals"]
    assert as_accepted["reports"] < as_submitted["reports"]
    assert '<option value="submitted" selected>' in html(submitted)
    assert "Tính mọi báo cáo đã gửi, dù đã được chấp nhận hay chưa." in html(submitted)
    assert "Chỉ tính các báo cáo đã được chấp nhận." in html(accepted)
    for response, headline in ((accepted, as_accepted), (submitted, as_submitted)):
        reports, coverage = headline_words(
            headline["reports"], headline["included"], headline["expected"]
        )
        assert reports in html(response) and coverage in html(response)


def test_the_charts_are_inline_svg_with_no_script_and_nothing_fetched(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk)
    page = html(response)
    charts = response.context["charts"]
    assert set(charts) == {"status", "children", "kinds", "trend", "assessment"}
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    for name, svg in charts.items():
        assert svg.startswith("<svg"), name
        assert "<script" not in svg and "javascript:" not in svg, name
        references = re.findall(r'(?:href|src)\s*=\s*["\']([^"\']*)', svg)
        references += re.findall(r"url\(\s*['\"]?([^)'\"]+)", svg)
        references += re.findall(r"@import", svg)
        assert all(ref.startswith("#") for ref in references), (name, references)
        # Inline, its style element carrying the response's CSP nonce.
        assert svg.replace("<style", f'<style nonce="{nonce}"') in page
    # The page's only scripts are the project's own: the Bootstrap bundle, the one that
    # lets the keyboard scroll a wide table's box, and the one that ignores a second tap.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/bootstrap/js/bootstrap.bundle.min.js">',
        '<script src="/static/js/scroll_boxes.js" defer>',
        '<script src="/static/js/submit_once.js" defer>',
        '<script src="/static/js/first_error.js" defer>',
    ]


def test_the_wide_tables_head_each_indicator_by_its_number_in_the_list_of_figures(
    client, cast, world
):
    """Indicator names are sentences: cut to three words they read wrong, and whole they
    wrap a column header over five lines. Each column is headed "(n)", the indicator's
    number in the list of figures, with the whole name on hover and for screen readers."""
    page = html(get(client, cast["cspl"], unit=world.units["PV"].pk))
    for number_, code in enumerate(TOTALS, start=1):
        name = f"Chỉ tiêu {code}"
        assert f'<td class="text-body-secondary text-nowrap">({number_})</td><td>{name}' in page
        header = (
            f'<th class="text-end text-nowrap" scope="col"><abbr title="{name}">({number_})</abbr>'
            f'<span class="visually-hidden"> {name}</span></th>'
        )
        assert page.count(header) == 3, code  # by unit below, by kind, over the years
    # A text figure has no column: it is listed, never summed.
    assert 'title="Chỉ tiêu other_forms"' not in page
    assert "…</th>" not in page
    # The status headers never wrap, nor the names of the kinds of unit.
    assert page.count('<th class="text-end text-nowrap" scope="col">Đúng hạn</th>') == 2
    assert '<td class="text-nowrap">LĐLĐ huyện, thành phố</td>' in page


# --- a few reports, added up by the test ---------------------------------------------------------
# Each unit's own figures: (status, sessions, participants).
FILED = {
    "A1": (S.ACCEPTED, 24, 700),
    "A2": (S.ACCEPTED, 21, 500),
    "DA": (S.DRAFT, 7, 90),
    "B1": (S.SUBMITTED, 3, 30),
}
# The units the campaign expects to report under the province: every one but the province
# itself, a kind it does not address.
EXPECTED = ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]
INCLUDED = {"accepted": {S.ACCEPTED}, "submitted": {S.ACCEPTED, S.SUBMITTED}}


@pytest.fixture
def small(tree):
    """A campaign with the reports of FILED, none of them the province's."""
    campaign = make_campaign(tree["PV"], "small", D(2022, 1, 1))
    for code, (status, sessions, participants) in FILED.items():
        file_report(campaign, tree[code], status, sessions=sessions, participants=participants)
    return campaign


def file_report(campaign, unit, status, **figures):
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=YEAR,
        period=Period.objects.get(campaign=campaign, year=YEAR),
        status=status,
        first_submitted_at=None if status == S.DRAFT else local(due(YEAR), 9),
        results="Đã tuyên truyền.",
        self_assessment="good",
    )
    for indicator in campaign.indicators.filter(code__in=figures):
        IndicatorValue.objects.create(
            report=report, indicator=indicator, int_value=figures[indicator.code]
        )
    return report


def added_up(codes, include):
    """The reports of `codes` included, and their sums, from FILED."""
    filed = [FILED[c] for c in codes if c in FILED and FILED[c][0] in INCLUDED[include]]
    return len(filed), sum(f[1] for f in filed), sum(f[2] for f in filed)


@pytest.mark.parametrize("include", ["accepted", "submitted"])
def test_the_headline_says_from_how_many_reports_its_totals_are_added_up_and_their_coverage(
    client, tree, cast, small, include
):
    page = html(get(client, cast["cspl"], unit=tree["PV"].pk, include=include))
    reports, sessions, participants = added_up(FILED, include)
    included = sum(1 for c in EXPECTED if c in FILED and FILED[c][0] in INCLUDED[include])
    assert (reports, included) == ((2, 2) if include == "accepted" else (3, 3))
    for words in headline_words(reports, included, len(EXPECTED)):
        assert words in page
    assert f"({round(100 * included / len(EXPECTED), 1)}%)".replace(".", ",") in page
    assert headline_table(page)[:2] == [
        ["(1)", "Chỉ tiêu sessions", f"{number(sessions)} lượt"],
        ["(2)", "Chỉ tiêu participants", f"{number(participants)} lượt"],
    ]
    assert NONE_YET not in page
    assert "Figures added up from" not in page and "expected units included" not in page


def test_a_total_with_nothing_included_reads_none_included_yet_rather_than_0(client, tree, cast):
    campaign = make_campaign(tree["PV"], "empty", D(2022, 1, 1))
    file_report(campaign, tree["B1"], S.SUBMITTED, sessions=3, participants=30)
    response = get(client, cast["cspl"], unit=tree["PV"].pk)
    page = html(response)
    assert response.context["data"].headline.totals["sessions"] is None
    for words in headline_words(0, 0, len(EXPECTED)):
        assert words in page
    assert "Chưa có báo cáo nào được tính: chưa có số liệu tổng hợp." in page
    assert headline_table(page) == [
        ["(1)", "Chỉ tiêu sessions", NONE_YET],
        ["(2)", "Chỉ tiêu participants", NONE_YET],
        # What the portal counts is counted all the same: no grassroots union has a plan.
        ["(3)", "Chỉ tiêu grassroots_plans do hệ thống tự đếm", "0 lượt"],
    ]
    # In the wide tables, a dash: no area below has a report included.
    rows = rows_of(page, "by-child")
    assert [cells[0] for cells in rows] == [tree[code].name for code in ("DA", "DB", "SE")]
    for cells in rows:
        assert cells[-3:-1] == ["—", "—"], cells[0]
    # Every submitted report, and B1's figures are there.
    page = html(get(client, None, unit=tree["PV"].pk, include="submitted"))
    assert NONE_YET not in page
    assert headline_table(page)[0] == ["(1)", "Chỉ tiêu sessions", "3 lượt"]


def test_a_rate_with_no_unit_expected_is_a_dash_with_no_per_cent_sign(client, tree, cast):
    # A campaign addressing the districts only: nobody in the sector union's area is
    # expected, and the report it filed all the same is summed.
    campaign = make_campaign(tree["PV"], "districts", D(2022, 1, 1))
    campaign.addressed_kinds = [Unit.Kind.DISTRICT]
    campaign.save(update_fields=["addressed_kinds"])
    file_report(campaign, tree["SE"], S.ACCEPTED, sessions=3, participants=30)
    page = html(get(client, cast["cspl"], unit=tree["PV"].pk))
    rows = {cells[0]: cells for cells in rows_of(page, "by-child")}
    # Expected, on time, late, returned, missing, then the rate.
    assert rows[tree["SE"].name][2:8] == ["0", "0", "0", "0", "0", "—"]
    assert rows[tree["DA"].name][2:8] == ["1", "0", "0", "0", "1", "0,0%"]
    assert "—%" not in page
    # The headline of the sector union's own area: "(—)", not "(—%)".
    page = html(get(client, cast["cspl"], unit=tree["SE"].pk))
    assert '<span class="fs-6">(—)</span>' in page
    assert "—%" not in page


def test_a_unit_below_whose_own_report_is_missing_shows_its_units_figures_marked_as_such(
    client, tree, cast, small
):
    page = html(get(client, cast["cspl"], unit=tree["PV"].pk))
    rows = {cells[0].split(" chỉ gồm")[0]: cells for cells in rows_of(page, "by-child")}
    district_a = rows[tree["DA"].name]
    reports, sessions, participants = added_up(["DA", "A1", "A2"], "accepted")
    # DA's own report is a draft: its row holds A1's and A2's figures, and says so.
    assert district_a[0] == f"{tree['DA'].name} {FROM_BELOW}"
    assert district_a[1] == OWN["missing"]
    included = reports  # A1 and A2 are expected
    assert district_a[-5:] == [
        str(reports),
        f"{included}/3",  # DA itself, A1 and A2 are expected
        str(sessions),
        number(participants),
        "0",  # no grassroots union of DA has a plan
    ]
    # DB has no report included at all: nothing to mark, nothing to show.
    district_b = rows[tree["DB"].name]
    assert district_b[0] == tree["DB"].name and district_b[1] == OWN["missing"]
    assert district_b[-5:] == ["0", "0/2", "—", "—", "0"]
    assert page.count(FROM_BELOW) == 1

    # Once DA's own report is accepted, its own figures are added and the mark goes.
    AnnualReport.objects.filter(unit=tree["DA"]).update(
        status=S.ACCEPTED, first_submitted_at=local(due(YEAR), 8)
    )
    now_filed = {**FILED, "DA": (S.ACCEPTED, *FILED["DA"][1:])}
    fresh_data_version()  # an update() in a test commits nothing: no signal moves it on
    page = html(get(client, None, unit=tree["PV"].pk))
    rows = {cells[0]: cells for cells in rows_of(page, "by-child")}
    district_a = rows[tree["DA"].name]
    filed = [now_filed[c] for c in ("DA", "A1", "A2")]
    assert district_a[1] == OWN["on_time"]
    assert district_a[-5:] == [
        "3",
        "3/3",
        str(sum(f[1] for f in filed)),
        number(sum(f[2] for f in filed)),
        "0",
    ]
    assert FROM_BELOW not in page


def test_the_title_names_the_unit_once(client, tree, cast):
    make_campaign(tree["PV"], "titled", D(2022, 1, 1))
    Unit.objects.filter(pk=tree["PV"].pk).update(short_name="LĐLĐ tỉnh Vĩnh Long")
    title = re.compile(r"<title>(.*?)</title>", re.S)
    # The site's own name ends every title: the province's dashboard does not repeat it.
    page = html(get(client, cast["cspl"], unit=tree["PV"].pk))
    assert title.search(page).group(1).strip() == "Bảng theo dõi · LĐLĐ tỉnh Vĩnh Long"
    page = html(get(client, cast["cspl"], unit=tree["DA"].pk))
    assert title.search(page).group(1).strip() == (
        f"Bảng theo dõi · {tree['DA']} · LĐLĐ tỉnh Vĩnh Long"
    )
