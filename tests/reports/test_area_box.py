"""The area below, beside an upper unit's report form.

A report holds its unit's own figures; what the units below add up to is shown beside
the inputs, read-only (`campaign.counting.area_below`): the totals of their accepted
reports, how many of the units expected below are included, and every unit below with a
link to its report. Nothing is copied into the report. A figure the portal counts is no
input, and a text figure is never summed.

Every figure is checked against numbers the test adds up itself from what it created.
"""

import pytest
from django.urls import reverse

from campaign.counting import AreaBelow
from campaign.models import AnnualReport, Indicator, IndicatorValue, Period
from tests.factories import UnitFactory
from tests.pages import html
from tests.reports.world import (
    ADDRESSED,
    YEAR,
    D,
    S,
    cutoff,
    due,
    local,
    make_campaign,
)
from units.models import Unit

G = Unit.Kind.GRASSROOTS
# The units added below district A (A1 and A2 are the tree's): parent, kind, opened, closed.
BELOW = {
    "A3": ("DA", G, None, None),
    "A4": ("DA", G, None, None),
    "A5": ("DA", G, None, None),  # files nothing
    "A6": ("DA", G, None, D(2024, 6, 30)),  # closed before the cut-off
    "A9": ("DA", G, D(2024, 12, 20), None),  # opened after the cut-off
    "IZ": ("DA", Unit.Kind.INDUSTRIAL_ZONE, None, None),  # a kind the campaign does not address
    "A2X": ("A2", G, None, None),  # a union section below A2: two levels below the district
}
AREA = ["A1", "A2", *BELOW]  # the units below district A
# Reports: unit, status, year, campaign ("main" or "other"), sessions, participants, text.
FILED = [
    ("A1", S.ACCEPTED, YEAR, "main", 10, 250, "Pa nô ở trụ sở"),
    ("A2", S.SUBMITTED, YEAR, "main", 100, 1000, ""),
    ("A3", S.RETURNED, YEAR, "main", 1000, 1000, ""),
    ("A4", S.DRAFT, YEAR, "main", 10000, 1000, ""),
    ("A2X", S.ACCEPTED, YEAR, "main", 5, None, "Tờ rơi"),
    # Accepted, in the area, but not expected: summed all the same, not in the coverage.
    ("A6", S.ACCEPTED, YEAR, "main", 300, 3000, ""),
    ("IZ", S.ACCEPTED, YEAR, "main", 400, 4000, ""),
    # Not in district A's area for this year and campaign.
    ("B1", S.ACCEPTED, YEAR, "main", 600, 6000, ""),
    ("A1", S.ACCEPTED, 2023, "main", 700, 7000, ""),
    ("A1", S.ACCEPTED, YEAR, "other", 800, 8000, ""),
]
# District A's own draft.
OWN = {"sessions": 3, "participants": None, "other_forms": "Tự ghi"}
BOX = "Tổng hợp của các đơn vị cấp dưới"
NONE_YET = "chưa có báo cáo nào được tính"
CATEGORY = {"on_time": "Đúng hạn", "late": "Trễ hạn", "returned": "Bị trả lại"}
CATEGORY["missing"] = "Chưa nộp"


# Today is 10/01/2025 and every test starts from a data version of its own.
pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


@pytest.fixture
def campaign(tree):
    return make_campaign(tree["PV"], "main", D(2022, 1, 10))


def child(parent, code, kind=G, opened=None, closed=None):
    unit = UnitFactory.create(
        parent=Unit.objects.get(pk=parent.pk),
        code=code,
        name=f"CĐCS {code}",
        kind=kind,
        opened_on=opened,
        closed_on=closed,
    )
    return Unit.objects.get(pk=unit.pk)


def file_report(unit, campaign, status, year=YEAR, **figures):
    """A stored report of `unit` with `figures` by indicator code (None: left empty)."""
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        status=status,
        first_submitted_at=None if status == S.DRAFT else local(due(year), 9),
        results="Tổ chức các buổi tuyên truyền CCHC.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )
    for indicator in campaign.indicators.filter(code__in=figures):
        value = figures[indicator.code]
        if indicator.kind == Indicator.Kind.INTEGER:
            IndicatorValue.objects.create(report=report, indicator=indicator, int_value=value)
        else:
            IndicatorValue.objects.create(report=report, indicator=indicator, text_value=value)
    return report


@pytest.fixture
def area(tree, campaign):
    """District A's area with the reports of FILED. Returns the units and reports by code."""
    units = dict(tree)
    for code, (parent, kind, opened, closed) in BELOW.items():
        units[code] = child(units[parent], code, kind, opened, closed)
    other = make_campaign(tree["PV"], "other", D(2021, 1, 10))
    reports = {}
    for code, status, year, which, sessions, participants, text in FILED:
        stored = file_report(
            units[code],
            campaign if which == "main" else other,
            status,
            year,
            sessions=sessions,
            participants=participants,
            other_forms=text,
            grassroots_plans=99,  # typed before the portal counted it: never summed
        )
        if (year, which) == (YEAR, "main"):
            reports[code] = stored
    units["DA"] = Unit.objects.get(pk=tree["DA"].pk)  # with its new number of children
    return {"units": units, "reports": reports}


@pytest.fixture
def own_report(area, campaign):
    return file_report(area["units"]["DA"], campaign, S.DRAFT, **OWN)


# --- what the test expects, from what it created -----------------------------------------------
def is_expected(code):
    if code in ("A1", "A2"):
        return True
    _parent, kind, opened, closed = BELOW[code]
    day = cutoff(YEAR)
    return (
        kind in ADDRESSED and (opened is None or opened <= day) and (closed is None or closed > day)
    )


def accepted_below():
    """The reports summed into district A's area box: accepted, this year and campaign."""
    return [row for row in FILED if row[0] in AREA and row[1:4] == (S.ACCEPTED, YEAR, "main")]


def expected_box():
    summed = accepted_below()
    expected = [code for code in AREA if is_expected(code)]
    return {
        "reports": len(summed),
        "included": sum(1 for row in summed if row[0] in expected),
        "expected": len(expected),
        "sessions": sum(row[4] or 0 for row in summed),
        "participants": sum(row[5] or 0 for row in summed),
    }


def number(n):
    return f"{n:,}".replace(",", ".")


def aside(response):
    page = html(response)
    assert page.count("<aside") == 1
    return page.split("<aside", 1)[1].split("</aside>", 1)[0]


def indicators(campaign):
    return {i.code: i for i in campaign.indicators.all()}


def assert_box(response, campaign, area):
    """The box beside the form: its totals, its coverage and its units, as computed here."""
    wanted = expected_box()
    # The scenario covers each rule: reports of units not expected, units not reporting.
    assert (wanted["reports"], wanted["included"], wanted["expected"]) == (4, 2, 6)
    box = response.context["area"]
    by_code = indicators(campaign)
    assert (box.reports, box.included, box.expected) == (
        wanted["reports"],
        wanted["included"],
        wanted["expected"],
    )
    # Typed whole numbers only: not the text figure, not the figure the portal counts.
    assert box.totals == {
        by_code["sessions"].pk: wanted["sessions"],
        by_code["participants"].pk: wanted["participants"],
    }
    assert [(i.code, total) for i, total in box.rows] == [
        ("sessions", wanted["sessions"]),
        ("participants", wanted["participants"]),
    ]
    shown = aside(response)
    assert BOX in shown
    assert (
        f"Từ {wanted['reports']} báo cáo đã được chấp nhận; đã tính {wanted['included']} "
        f"trên {wanted['expected']} đơn vị cấp dưới."
    ) in shown
    for code in ("sessions", "participants"):
        assert (
            f"<tr><td>Chỉ tiêu {code}</td>"
            f'<td class="text-end text-nowrap">{number(wanted[code])} lượt</td></tr>'
        ) in shown
    assert "Chỉ tiêu grassroots_plans" not in shown and "Chỉ tiêu other_forms" not in shown
    # Every unit below expected or with a report, with a link to its report if it has one.
    units, reports = area["units"], area["reports"]
    listed = [code for code in AREA if is_expected(code) or code in reports]
    in_tree_order = sorted(listed, key=lambda code: units[code].path)
    assert [u["name"] for u in box.units] == [units[code].name for code in in_tree_order]
    assert [u["level"] for u in box.units] == [units[code].depth - 2 for code in in_tree_order]
    assert f"{len(listed)} đơn vị trong khu vực" in shown
    for code in listed:
        name = units[code].name
        if code in reports:
            link = reverse("campaign:report_detail", args=[reports[code].pk])
            assert f'<a href="{link}">{name}</a>' in shown, code
        else:
            assert f">{name} · " in shown, code  # not a link
    row = {u["name"]: u for u in box.units}
    assert row[units["A5"].name]["category"] == "missing"
    assert row[units["A1"].name]["category"] == "on_time"
    assert row[units["IZ"].name]["category"] == ""  # not expected: no badge
    assert sorted(name for name, u in row.items() if u["included"]) == sorted(
        units[r[0]].name for r in accepted_below()
    )
    # Nothing of another district, year or campaign; and no copy into the report.
    assert units["B1"].name not in shown
    assert "prefill" not in html(response) and "Chép số liệu" not in html(response)


# --- the box -------------------------------------------------------------------------------------
def test_the_district_officer_sees_what_the_area_below_adds_up_to_beside_the_form(
    client, cast, campaign, area, own_report
):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_edit", args=[own_report.pk]))
    assert response.status_code == 200
    assert_box(response, campaign, area)
    # The form holds the district's own figures, nothing of the units below.
    values = response.context["values"]
    assert values["value_sessions"].value() == OWN["sessions"]
    assert values["value_participants"].value() is None
    assert values["value_other_forms"].value() == OWN["other_forms"]
    page = html(response)
    assert 'name="value_sessions" id="id_value_sessions" value="3"' in page
    assert 'name="value_participants" id="id_value_participants" value=""' in page


def test_a_new_district_report_shows_the_area_below_too(client, tree, cast, campaign, area):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_start", args=[campaign.pk, tree["DA"].pk, YEAR]))
    assert response.status_code == 200
    assert_box(response, campaign, area)
    assert not AnnualReport.objects.filter(unit=tree["DA"], campaign=campaign).exists()


def test_there_is_no_copy_and_prefill_children_copies_nothing(
    client, tree, cast, campaign, area, own_report
):
    before = list(IndicatorValue.objects.order_by("pk").values())
    version = own_report.version
    client.force_login(cast["officer_a"])
    response = client.get(
        reverse("campaign:report_edit", args=[own_report.pk]), {"prefill": "children"}
    )
    assert response.status_code == 200
    values = response.context["values"]
    assert values["value_sessions"].value() == OWN["sessions"]
    assert values["value_participants"].value() is None
    assert "prefilled" not in response.context
    assert list(IndicatorValue.objects.order_by("pk").values()) == before
    assert AnnualReport.objects.get(pk=own_report.pk).version == version

    # A new report starts empty, whatever is asked.
    AnnualReport.objects.filter(pk=own_report.pk).delete()
    response = client.get(
        reverse("campaign:report_start", args=[campaign.pk, tree["DA"].pk, YEAR]),
        {"prefill": "children"},
    )
    assert response.status_code == 200
    values = response.context["values"]
    assert [values[f"value_{code}"].value() for code in ("sessions", "participants")] == [
        None,
        None,
    ]
    page = html(response)
    assert 'name="value_participants" id="id_value_participants" value=""' in page
    assert not AnnualReport.objects.filter(unit=tree["DA"], campaign=campaign).exists()


def test_with_nothing_accepted_below_the_totals_read_none_included_yet(
    client, tree, cast, campaign
):
    file_report(tree["A1"], campaign, S.SUBMITTED, sessions=5, participants=6)
    own = file_report(tree["DA"], campaign, S.DRAFT, sessions=3)
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_edit", args=[own.pk]))
    box = response.context["area"]
    assert (box.reports, box.included, box.expected) == (0, 0, 2)  # A1 and A2
    assert [total for _i, total in box.rows] == [None, None]
    shown = aside(response)
    assert "Từ 0 báo cáo đã được chấp nhận; đã tính 0 trên 2 đơn vị cấp dưới." in shown
    assert shown.count(NONE_YET) == 2
    assert "0 lượt" not in shown


def test_the_counts_of_a_large_area_are_grouped(client, tree, cast, campaign, monkeypatch):
    # A thousand reports below one unit would take minutes to file here: the box's counts
    # are given, and the sentence is read as a Vietnamese reader sees it.
    own = file_report(tree["DA"], campaign, S.DRAFT, sessions=3)
    big = AreaBelow(totals={}, reports=1402, included=1398, expected=1500)
    monkeypatch.setattr("campaign.annual_reports.area_below", lambda *args, **kwargs: big)
    client.force_login(cast["officer_a"])
    shown = aside(client.get(reverse("campaign:report_edit", args=[own.pk])))
    assert "Từ 1.402 báo cáo đã được chấp nhận; đã tính 1.398 trên 1.500 đơn vị cấp dưới." in shown


def test_a_grassroots_union_without_units_below_has_no_box(client, tree, cast, campaign, area):
    mine = area["reports"]["A1"]
    AnnualReport.objects.filter(pk=mine.pk).update(status=S.DRAFT)
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:report_edit", args=[mine.pk]), {"prefill": "children"})
    assert response.status_code == 200
    assert response.context["area"] is None
    page = html(response)
    assert "<aside" not in page and BOX not in page
    assert '<div class="col-12">' in page
    assert response.context["values"]["value_sessions"].value() == 10  # its own


# --- what is typed -------------------------------------------------------------------------------
def post_data(report=None, **values):
    data = {
        "results": "Tổ chức các buổi tuyên truyền CCHC.",
        "shortcomings": "",
        "obstacles": "",
        "proposals": "",
        "self_assessment": "good",
        "version": str(report.version) if report else "",
        "save_and_submit": "1",
    }
    return data | {f"value_{code}": value for code, value in values.items()}


@pytest.mark.parametrize("code", ["A1", "DA"])
def test_a_figure_the_portal_counts_is_no_input_and_the_report_is_submitted_without_it(
    client, tree, cast, campaign, code
):
    """Grassroots unions file in this campaign: the portal counts their plans."""
    officer = cast["officer_a1" if code == "A1" else "officer_a"]
    client.force_login(officer)
    url = reverse("campaign:report_start", args=[campaign.pk, tree[code].pk, YEAR])
    response = client.get(url)
    assert "value_grassroots_plans" not in response.context["values"].fields
    assert [i.code for i, _field, _shown in response.context["values"].rows()] == [
        "sessions",
        "participants",
        "other_forms",
    ]
    assert 'name="value_grassroots_plans"' not in html(response)
    # Complete without it: saved and submitted in one step.
    response = client.post(url, post_data(sessions="4", participants="1.250", other_forms=""))
    assert response.status_code == 302
    report = AnnualReport.objects.get(unit=tree[code], campaign=campaign, year=YEAR)
    assert report.status == S.SUBMITTED
    stored = dict(report.values.values_list("indicator__code", "int_value"))
    assert stored == {"sessions": 4, "participants": 1250, "other_forms": None}


def test_where_the_units_counted_do_not_file_the_upper_unit_types_that_figure(client, tree, cast):
    """A campaign addressing only districts: no grassroots plan is filed in the portal, so
    the district types the number itself, and cannot submit without it."""
    campaign = make_campaign(tree["PV"], "districts", D(2022, 1, 10))
    campaign.addressed_kinds = [Unit.Kind.DISTRICT]
    campaign.save()
    client.force_login(cast["officer_a"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["DA"].pk, YEAR])
    response = client.get(url)
    assert "value_grassroots_plans" in response.context["values"].fields
    assert 'name="value_grassroots_plans"' in html(response)
    response = client.post(url, post_data(sessions="4", participants="5"))
    assert response.status_code == 200  # refused: a figure is missing, nothing saved
    assert "Chỉ tiêu grassroots_plans" in response.context["form"].non_field_errors()[0]
    assert not AnnualReport.objects.filter(unit=tree["DA"], campaign=campaign).exists()
    response = client.post(url, post_data(sessions="4", participants="5", grassroots_plans="2"))
    assert response.status_code == 302
    report = AnnualReport.objects.get(unit=tree["DA"], campaign=campaign)
    assert report.status == S.SUBMITTED
    assert report.values.get(indicator__code="grassroots_plans").int_value == 2


def test_a_text_figure_is_never_summed(client, cast, campaign, area, own_report):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_edit", args=[own_report.pk]))
    text = indicators(campaign)["other_forms"]
    box = response.context["area"]
    assert text.pk not in box.totals
    shown = aside(response)
    for _code, _status, _year, _which, _s, _p, words in FILED:
        if words:
            assert words not in shown
    # The district's own text stays its own, in its field.
    assert response.context["values"]["value_other_forms"].value() == OWN["other_forms"]
    assert f">{OWN['other_forms']}</textarea>" in html(response)


# --- a fixed number of queries -------------------------------------------------------------------
# The session comes from the cache, the campaign's indicators from the process once read
# (campaign.measures). Then:
#  1. the user;
#  2. the user's memberships, with their units (the scope);
#  3. the report, with its unit, campaign and period;
#  4. the report's figures;
#  5. the area below (`area_below`): the units expected below;
#  6. the reports of the units below;
#  7. the sums of the accepted ones, by indicator (none is run when none is accepted);
#  8. the units below to list, with their names;
#  9. the report's attached scans (of a paper report filed on behalf);
# 10. the units merged into the unit in the report's year (campaign.plausibility);
# 11. the figures of last year (under each input);
# 12. the bell's unread notices.
DISTRICT_FORM_QUERIES = 12


@pytest.mark.parametrize("children", [2, 30])
def test_the_district_form_costs_the_same_queries_whatever_the_number_of_units_below(
    client, tree, cast, campaign, django_assert_num_queries, children, measures_read
):
    own = file_report(tree["DA"], campaign, S.DRAFT, **OWN)
    for n in range(children):
        unit = tree["A1"] if n == 0 else tree["A2"] if n == 1 else child(tree["DA"], f"A{n + 10}")
        status = S.ACCEPTED if n % 3 else S.SUBMITTED
        file_report(unit, campaign, status, sessions=n, participants=2, other_forms="Chữ")
    client.force_login(cast["officer_a"])
    client.get(reverse("campaign:report_list"))  # the session is in the cache from now on
    measures_read(campaign)
    with django_assert_num_queries(DISTRICT_FORM_QUERIES):
        response = client.get(reverse("campaign:report_edit", args=[own.pk]))
    assert response.status_code == 200
    accepted = [n for n in range(children) if n % 3]
    box = response.context["area"]
    assert (box.reports, box.included, box.expected) == (len(accepted), len(accepted), children)
    assert [total for _i, total in box.rows] == [sum(accepted), 2 * len(accepted)]
    assert len(box.units) == children
