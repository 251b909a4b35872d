"""The roll-up of the units below: totals of the accepted reports only, which units are expected,
a fixed number of queries, and the totals box and copy on a district's report form."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from reports.rollup import children_totals
from tests.factories import UnitFactory
from units.models import Unit

S = Status
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # figures 15/12/2023–14/12/2024 (the cut-off), due 20/12/2024
D = datetime.date


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Freeze the time the models and the sessions read, before the due date of YEAR."""
    moment = datetime.datetime(YEAR, 12, 1, 9, 0, tzinfo=LOCAL).astimezone(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def make_campaign(issuer, slug="test-campaign", **fields):
    campaign = Campaign.objects.create(
        slug=slug,
        number=f"99/KH-{slug}",
        title="Kế hoạch tuyên truyền thử nghiệm",
        issuer=issuer,
        issued_on=datetime.date(2015, 6, 10),
        directive="Kế hoạch số 1/KH-UBND",
        first_year=2015,
        plan_due_on=datetime.date(2015, 7, 31),
        **fields,
    )
    Indicator.objects.create(
        campaign=campaign, code="sessions", name="Số buổi tuyên truyền", unit_of_measure="buổi"
    )
    Indicator.objects.create(
        campaign=campaign,
        code="participants",
        name="Số lượt người tham dự",
        unit_of_measure="lượt người",
        order=1,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="other_forms",
        name="Hình thức khác",
        kind=Indicator.Kind.TEXT,
        order=2,
    )
    return campaign


@pytest.fixture
def campaign(tree):
    # Industrial-zone unions are not asked to file under this campaign.
    kinds = [k for k in Unit.Kind.values if k not in (Unit.Kind.PROVINCE, "industrial_zone")]
    return make_campaign(tree["PV"], addressed_kinds=kinds)


def report(unit, campaign, status=S.ACCEPTED, year=YEAR, **figures):
    """A stored report of `unit` with `figures` by indicator code (None: left empty)."""
    stored = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Tổ chức các buổi tuyên truyền CCHC.",
        self_assessment=AnnualReport.Assessment.GOOD,
        status=status,
    )
    for indicator in campaign.indicators.all():
        if indicator.code not in figures:
            continue
        value = figures[indicator.code]
        if indicator.kind == Indicator.Kind.INTEGER:
            IndicatorValue.objects.create(report=stored, indicator=indicator, int_value=value)
        else:
            IndicatorValue.objects.create(report=stored, indicator=indicator, text_value=value)
    return stored


def child(parent, code, **fields):
    unit = UnitFactory.create(parent=Unit.objects.get(pk=parent.pk), code=code, **fields)
    return Unit.objects.get(pk=unit.pk)


def refreshed(unit):
    # The tree keeps the number of children on the row: read it again after adding some.
    return Unit.objects.get(pk=unit.pk)


def totals_by_code(rollup, campaign):
    codes = dict(campaign.indicators.values_list("pk", "code"))
    return {codes[pk]: total for pk, total in rollup["totals"].items()}


@pytest.fixture
def district_a(tree, campaign):
    """District A's units below it, with reports in every state, and reports that must not
    count because of their unit, year or campaign. Returns the units by code."""
    units = dict(tree)
    units["A3"] = child(tree["DA"], "A3")
    units["A4"] = child(tree["DA"], "A4")
    units["A5"] = child(tree["DA"], "A5")
    units["A6"] = child(tree["DA"], "A6", closed_on=D(2024, 6, 30))  # closed before the cut-off
    units["A8"] = child(tree["DA"], "A8", closed_on=D(2025, 1, 5))  # closed after the cut-off
    units["A9"] = child(tree["DA"], "A9", opened_on=D(2024, 12, 20))  # opened after it
    units["IZ"] = child(tree["DA"], "IZ", kind=Unit.Kind.INDUSTRIAL_ZONE)  # not addressed
    units["A2X"] = child(tree["A2"], "A2X")  # below A2: counted in A2's own report
    # Counted: the accepted reports of the units directly below, open at the cut-off.
    report(units["A1"], campaign, sessions=10, participants=250, other_forms="Pa nô")
    report(units["A5"], campaign, sessions=7, participants=None)
    report(units["A8"], campaign, sessions=3, participants=50)
    # Not counted: not accepted.
    report(units["A2"], campaign, S.SUBMITTED, sessions=100, participants=1000)
    report(units["A3"], campaign, S.RETURNED, sessions=1000, participants=1000)
    report(units["A4"], campaign, S.DRAFT, sessions=10000, participants=1000)
    # Not counted: accepted, but the unit is not expected or not directly below.
    report(units["A6"], campaign, sessions=300, participants=3000)
    report(units["A9"], campaign, sessions=301, participants=3010)
    report(units["IZ"], campaign, sessions=400, participants=4000)
    report(units["A2X"], campaign, sessions=500, participants=5000)
    # Not counted: another district, another year, another campaign.
    report(units["B1"], campaign, sessions=600, participants=6000)
    report(units["A1"], campaign, year=2023, sessions=700, participants=7000)
    other = make_campaign(tree["PV"], slug="other")
    report(units["A5"], other, sessions=800, participants=8000)
    return units


# --- the totals ----------------------------------------------------------------------------------
def test_the_totals_add_up_only_the_accepted_reports_of_the_units_directly_below(
    campaign, district_a
):
    district = refreshed(district_a["DA"])
    rollup = children_totals(district, campaign, YEAR, Period.objects.for_year(campaign, YEAR))
    # Hand-computed: A1 10 + A5 7 + A8 3 sessions; A1 250 + A8 50 participants (A5 left it
    # empty); no total for the text indicator.
    assert totals_by_code(rollup, campaign) == {"sessions": 20, "participants": 300}
    # Counted: A1, A5, A8. Expected: those and A2, A3, A4 (not accepted yet); not A6 (closed
    # before the cut-off), A9 (opened after it), IZ (not addressed) or A2X (not directly below).
    assert (rollup["included"], rollup["expected"]) == (3, 6)


def test_a_reopened_report_no_longer_counts(campaign, district_a):
    AnnualReport.objects.filter(unit=district_a["A1"], year=YEAR).update(status=S.RETURNED)
    rollup = children_totals(
        refreshed(district_a["DA"]), campaign, YEAR, Period.objects.for_year(campaign, YEAR)
    )
    assert totals_by_code(rollup, campaign) == {"sessions": 10, "participants": 50}
    assert (rollup["included"], rollup["expected"]) == (2, 6)


def test_the_totals_of_another_year_count_that_years_reports(campaign, district_a):
    rollup = children_totals(
        refreshed(district_a["DA"]), campaign, 2023, Period.objects.for_year(campaign, 2023)
    )
    assert totals_by_code(rollup, campaign) == {"sessions": 700, "participants": 7000}
    # A9 opened in December 2024, after 2023's cut-off; A6 was still open then.
    assert (rollup["included"], rollup["expected"]) == (1, 7)


def test_the_cut_off_moved_by_staff_decides_which_units_are_expected(campaign, district_a):
    period = Period.objects.for_year(campaign, YEAR)
    Period.objects.filter(pk=period.pk).update(ends_on=D(2024, 6, 29))
    period.refresh_from_db()
    rollup = children_totals(refreshed(district_a["DA"]), campaign, YEAR, period)
    # A6 closed on 30/06, after this cut-off: expected now, and its accepted report counts.
    assert totals_by_code(rollup, campaign) == {"sessions": 320, "participants": 3300}
    assert (rollup["included"], rollup["expected"]) == (4, 7)


def test_a_district_with_no_accepted_report_below_has_no_totals(tree, campaign):
    report(tree["A1"], campaign, S.SUBMITTED, sessions=4, participants=5)
    rollup = children_totals(tree["DA"], campaign, YEAR, Period.objects.for_year(campaign, YEAR))
    assert rollup == {"totals": {}, "included": 0, "expected": 2}


@pytest.mark.parametrize("children", [2, 30])
def test_the_totals_cost_three_queries_whatever_the_number_of_units(
    tree, campaign, django_assert_num_queries, children
):
    district = UnitFactory.create(parent=tree["PV"], kind=Unit.Kind.DISTRICT, code="DX")
    for n in range(children):
        unit = child(district, f"X{n:02d}")
        status = S.ACCEPTED if n % 2 == 0 else S.SUBMITTED
        report(unit, campaign, status, sessions=n, participants=10, other_forms="Chữ")
    district = refreshed(district)
    period = Period.objects.for_year(campaign, YEAR)
    with django_assert_num_queries(3):
        rollup = children_totals(district, campaign, YEAR, period)
    accepted = range(0, children, 2)
    assert totals_by_code(rollup, campaign) == {
        "sessions": sum(accepted),
        "participants": 10 * len(accepted),
    }
    assert (rollup["included"], rollup["expected"]) == (len(accepted), children)


# --- the totals box on the district's form -------------------------------------------------------
def vi(message, **params):
    with translation.override("vi"):
        text = translation.gettext(message)
        return escape(text % params if params else text)


def html(response):
    return response.content.decode()


@pytest.fixture
def accepted_a1(tree, campaign):
    """A1 accepted (1.234 participants), A2 only submitted: 1 of 2 units counted."""
    report(tree["A1"], campaign, sessions=12, participants=1234, other_forms="Pa nô")
    report(tree["A2"], campaign, S.SUBMITTED, sessions=99, participants=999)


@pytest.fixture
def report_da(tree, campaign):
    """District A's own draft, with figures of its own."""
    return report(
        tree["DA"], campaign, S.DRAFT, sessions=3, participants=None, other_forms="Tự ghi"
    )


def test_the_district_officer_sees_the_totals_of_the_units_below_beside_the_form(
    client, tree, cast, campaign, accepted_a1, report_da
):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_edit", args=[report_da.pk]))
    assert response.status_code == 200
    rollup = response.context["rollup"]
    assert (rollup["included"], rollup["expected"]) == (1, 2)
    assert [(i.code, total) for i, total in rollup["rows"]] == [
        ("sessions", 12),
        ("participants", 1234),
    ]
    page = html(response)
    assert vi("Totals of the units below") in page
    assert (
        vi(
            "Accepted reports of %(included)s of %(expected)s units are counted.",
            included=1,
            expected=2,
        )
        in page
    )
    assert "1.234 lượt người" in page and "12 buổi" in page
    assert 'href="?prefill=children"' in page
    # The form still shows the district's own figures.
    assert response.context["values"]["value_sessions"].value() == 3


def test_the_totals_box_is_also_beside_a_new_district_report(
    client, tree, cast, campaign, accepted_a1
):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_start", args=[campaign.pk, tree["DA"].pk, YEAR]))
    assert response.status_code == 200
    assert response.context["rollup"]["included"] == 1
    response = client.get(
        reverse("campaign:report_start", args=[campaign.pk, tree["DA"].pk, YEAR]),
        {"prefill": "children"},
    )
    assert response.context["values"]["value_participants"].value() == 1234
    assert not AnnualReport.objects.filter(unit=tree["DA"]).exists()


def test_copying_the_totals_fills_the_whole_numbers_and_saves_nothing(
    client, cast, campaign, accepted_a1, report_da
):
    before = list(IndicatorValue.objects.order_by("pk").values())
    version = report_da.version
    client.force_login(cast["officer_a"])
    response = client.get(
        reverse("campaign:report_edit", args=[report_da.pk]), {"prefill": "children"}
    )
    assert response.status_code == 200
    values = response.context["values"]
    assert values["value_sessions"].value() == 12
    assert values["value_participants"].value() == 1234
    assert values["value_other_forms"].value() == "Tự ghi"  # text is not added up
    page = html(response)
    assert 'name="value_sessions" id="id_value_sessions" value="12"' in page
    assert 'name="value_participants" id="id_value_participants" value="1234"' in page
    assert (
        vi("The totals of the units below were copied into your figures. Check them, then save.")
        in page
    )
    assert list(IndicatorValue.objects.order_by("pk").values()) == before
    assert AnnualReport.objects.get(pk=report_da.pk).version == version


def test_the_copied_totals_are_saved_once_the_officer_saves(
    client, cast, campaign, accepted_a1, report_da
):
    client.force_login(cast["officer_a"])
    data = {
        "results": report_da.results,
        "shortcomings": "",
        "obstacles": "",
        "proposals": "",
        "self_assessment": "good",
        "version": str(report_da.version),
        "value_sessions": "12",
        "value_participants": "1.234",
        "value_other_forms": "Tự ghi",
    }
    url = reverse("campaign:report_edit", args=[report_da.pk]) + "?prefill=children"
    assert client.post(url, data).status_code == 302
    stored = dict(
        IndicatorValue.objects.filter(report=report_da).values_list("indicator__code", "int_value")
    )
    assert stored == {"sessions": 12, "participants": 1234, "other_forms": None}


def test_with_no_accepted_report_below_nothing_is_offered_to_copy(
    client, tree, cast, campaign, report_da
):
    report(tree["A1"], campaign, S.SUBMITTED, sessions=5, participants=6)
    client.force_login(cast["officer_a"])
    response = client.get(
        reverse("campaign:report_edit", args=[report_da.pk]), {"prefill": "children"}
    )
    assert response.context["rollup"]["included"] == 0
    assert vi(
        "Accepted reports of %(included)s of %(expected)s units are counted.",
        included=0,
        expected=2,
    ) in html(response)
    assert 'href="?prefill=children"' not in html(response)
    # Nothing to copy: the district's own figures stay.
    assert response.context["values"]["value_sessions"].value() == 3
    assert response.context["prefilled"] is False


def test_a_grassroots_union_has_no_totals_box(client, tree, cast, campaign, accepted_a1):
    mine = AnnualReport.objects.get(unit=tree["A1"])
    AnnualReport.objects.filter(pk=mine.pk).update(status=S.DRAFT)
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:report_edit", args=[mine.pk]), {"prefill": "children"})
    assert response.status_code == 200
    assert response.context["rollup"] is None
    page = html(response)
    assert vi("Totals of the units below") not in page
    assert (
        vi("The totals of the units below were copied into your figures. Check them, then save.")
        not in page
    )
    assert response.context["values"]["value_sessions"].value() == 12


# (The session comes from the cache.) User, memberships (scope), the report with unit, campaign and
# period, the campaign's indicators, the report's figures, and the roll-up's three queries.
DISTRICT_EDIT_QUERIES = 8


@pytest.mark.parametrize("children", [2, 30])
def test_the_district_form_costs_the_same_queries_whatever_the_number_of_units_below(
    client, tree, cast, campaign, report_da, django_assert_num_queries, children
):
    for n in range(children):
        unit = tree["A1"] if n == 0 else tree["A2"] if n == 1 else child(tree["DA"], f"A{n + 10}")
        report(unit, campaign, sessions=1, participants=2)
    client.force_login(cast["officer_a"])
    with django_assert_num_queries(DISTRICT_EDIT_QUERIES):
        response = client.get(reverse("campaign:report_edit", args=[report_da.pk]))
    rollup = response.context["rollup"]
    assert (rollup["included"], rollup["expected"]) == (children, children)
    assert [total for _i, total in rollup["rows"]] == [children, 2 * children]
