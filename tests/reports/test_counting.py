"""The counting rule: every figure of the rollup against an independent recount.

A report holds its unit's own figures; an area's total is the sum of the included reports
of the units in it, with its coverage beside it; what the portal can count (grassroots
unions with their own plan) it counts. The recount (`tests.reports.world.Recount`) shares
no code with `reports.rollup`.
"""

import datetime

import pytest

from campaign.models import AnnualReport, IndicatorValue, Period
from reports.rollup import rollup
from tests.reports.world import (
    CATEGORIES,
    INCLUDED,
    YEAR,
    D,
    Recount,
    S,
    assert_same_figures,
    build_world,
    due,
    local,
    make_campaign,
)

SCOPES = ["PV", "DA", "SE", "IZD", "SX", "A1"]


# Today is 10/01/2025 and every test starts from a data version of its own.
pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


@pytest.mark.parametrize("seed", [3, 11, 2024])
def test_every_rollup_figure_matches_an_independent_count_over_a_generated_federation(
    tree, cast, seed
):
    world = build_world(tree, cast, seed)
    recount = Recount(world)
    cases = [(scope, YEAR, include) for scope in SCOPES for include in INCLUDED]
    cases += [("PV", 2023, "accepted"), ("DA", 2022, "submitted")]
    for scope, year, include in cases:
        result = rollup(world.campaign, year, world.units[scope], include)
        assert_same_figures(result, recount.rollup(scope, year, include))

    # The data set exercises every rule: each category, closed and newly opened units, a
    # kind not addressed, reports that do not count and the two switches differing.
    province = rollup(world.campaign, YEAR, world.units["PV"], "accepted").headline
    assert all(getattr(province, name) > 0 for name in CATEGORIES)
    assert any(not recount.is_open(c, datetime.date(YEAR, 12, 14)) for c in world.units)
    assert any(r.status == S.SUBMITTED and r.values for r in world.reports.values())
    submitted = rollup(world.campaign, YEAR, world.units["PV"], "submitted").headline
    assert submitted.reports > province.reports


@pytest.mark.parametrize("seed", [3, 11])
def test_every_total_is_the_sum_of_its_rows_and_no_report_counts_twice(tree, cast, seed):
    world = build_world(tree, cast, seed)
    for include in INCLUDED:
        result = rollup(world.campaign, YEAR, world.units["PV"], include)
        # The children's areas (and the scope's own report) split the scope's area: their
        # reports and typed totals add up to the headline's, exactly once each.
        assert sum(row.reports for row in result.by_child) == result.headline.reports
        for code in ("sessions", "participants"):
            assert sum(row.totals[code] or 0 for row in result.by_child) == (
                result.headline.totals[code] or 0
            )
            assert sum(row.totals[code] or 0 for row in result.by_kind) == (
                result.headline.totals[code] or 0
            )
        # The reports summed are exactly the included reports of the area, each once: of
        # every unit on the year's tree (opened by its cut-off).
        stored = AnnualReport.objects.filter(
            campaign=world.campaign, year=YEAR, status__in=INCLUDED[include]
        ).exclude(unit__opened_on__gt=datetime.date(YEAR, 12, 14))
        assert result.headline.reports == stored.count()


def test_the_plans_counted_never_exceed_the_units_they_count(tree, cast):
    world = build_world(tree, cast, 7)
    recount = Recount(world)
    counted_anywhere, counted_in_trend = [], []
    for scope in SCOPES:
        for include in INCLUDED:
            result = rollup(world.campaign, YEAR, world.units[scope], include)
            expected = recount.expected(scope, YEAR)
            grassroots = [c for c in expected if world.kind[c] == "grassroots"]
            counted = result.headline.totals["grassroots_plans"]
            assert counted is None or counted <= len(grassroots)
            # None only where nothing is expected (the rollup's rule, recounted).
            recounted = recount.plans_counted(grassroots, YEAR, include) if expected else None
            assert counted == recounted, (scope, include)
            counted_anywhere.append(counted)
            for row in result.trend:
                assert row.totals["grassroots_plans"] is None or (
                    row.totals["grassroots_plans"] <= row.expected
                )
                counted_in_trend.append(row.totals["grassroots_plans"])
    # Not a bound met by nothing: plans are counted, at the headline and in the trend.
    assert any(counted for counted in counted_anywhere)
    assert any(counted for counted in counted_in_trend)


def _report(unit, campaign, status, **figures):
    period = Period.objects.for_year(campaign, YEAR)
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=YEAR,
        period=period,
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


def test_a_district_whose_own_report_is_missing_shows_its_grassroots_figures(tree):
    campaign = make_campaign(tree["PV"], "gap", D(2022, 1, 1))
    _report(tree["A1"], campaign, S.ACCEPTED, sessions=24, participants=700)
    _report(tree["A2"], campaign, S.ACCEPTED, sessions=21, participants=500)
    _report(tree["DA"], campaign, S.DRAFT, sessions=7, participants=90)

    district = rollup(campaign, YEAR, tree["DA"])
    assert district.headline.reports == 2
    assert district.headline.totals["sessions"] == 24 + 21
    assert (district.headline.included, district.headline.expected) == (2, 3)
    own_row = next(row for row in district.by_child if row.is_scope)
    assert own_row.totals["sessions"] is None and own_row.own == "missing"

    province = rollup(campaign, YEAR, tree["PV"])
    row = next(row for row in province.by_child if row.unit_id == tree["DA"].pk)
    assert row.totals["sessions"] == 45 and row.reports == 2
    assert row.own == "missing" and row.from_below
    assert province.headline.reports == 2

    # Once the district's own report is accepted, its own figures are added, once.
    AnnualReport.objects.filter(unit=tree["DA"]).update(
        status=S.ACCEPTED, first_submitted_at=local(due(YEAR), 8)
    )
    province = rollup(campaign, YEAR, tree["PV"])
    row = next(row for row in province.by_child if row.unit_id == tree["DA"].pk)
    assert row.totals["sessions"] == 24 + 21 + 7 and not row.from_below
    assert province.headline.totals["participants"] == 700 + 500 + 90


def test_a_total_with_nothing_included_is_none_not_zero(tree):
    campaign = make_campaign(tree["PV"], "empty", D(2022, 1, 1))
    _report(tree["A1"], campaign, S.SUBMITTED, sessions=3, participants=30)
    accepted = rollup(campaign, YEAR, tree["PV"], "accepted")
    assert accepted.headline.reports == 0
    assert accepted.headline.totals["sessions"] is None
    submitted = rollup(campaign, YEAR, tree["PV"], "submitted")
    assert submitted.headline.totals["sessions"] == 3


def test_a_report_first_submitted_at_2359_local_on_the_due_day_is_on_time_and_at_midnight_late(
    tree,
):
    campaign = make_campaign(tree["PV"], "edge", D(2022, 1, 1))
    period = Period.objects.get(campaign=campaign, year=YEAR)
    for code, moment in [
        ("A1", local(due(YEAR), 23, 59)),
        ("A2", local(due(YEAR) + datetime.timedelta(days=1))),
        ("B1", local(due(YEAR) + datetime.timedelta(days=1), 6, 59)),  # 23:59 UTC on the day
    ]:
        AnnualReport.objects.create(
            unit=tree[code],
            campaign=campaign,
            year=YEAR,
            period=period,
            status=S.SUBMITTED,
            first_submitted_at=moment,
            results="Đã tuyên truyền.",
            self_assessment="good",
        )
    district_a = rollup(campaign, YEAR, tree["DA"]).headline
    assert (district_a.on_time, district_a.late, district_a.missing) == (1, 1, 1)
    district_b = rollup(campaign, YEAR, tree["DB"]).headline
    assert (district_b.on_time, district_b.late) == (0, 1)


SIZES = {"small": (0, 1), "large": (18, 22)}


@pytest.mark.parametrize("size", SIZES)
def test_the_rollup_costs_nine_queries_whatever_the_number_of_units(
    tree, cast, size, django_assert_num_queries
):
    world = build_world(tree, cast, 5, per_parent=SIZES[size])
    # Large: at least 18 grassroots unions under each of at least seven parents (three
    # districts, the sector, civil-servants and industrial-zone unions, the province).
    assert len(world.units) < 40 if size == "small" else len(world.units) > 7 * 18
    for scope in ("PV", "DA"):
        for include in INCLUDED:
            # The periods, the indicators, the units, the reports' sums, the content
            # items, the names, the text figures.
            with django_assert_num_queries(9):
                result = rollup(world.campaign, YEAR, world.units[scope], include)
            assert result.headline.expected == len(Recount(world).expected(scope, YEAR))
