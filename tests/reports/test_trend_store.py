"""The trend's other years, kept close at hand (reports.rollup, "The trend's other years"):
used once computed, and never stale, whatever writes the figures they are made of: the
workflow, a queryset update or raw SQL that sends no signal, treebeard moving a subtree,
a deletion. Each change is made after a rollup filled the store, in the same transaction as
the next rollup, with no commit and no signal in between: only the stamps can tell.
"""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from campaign import workflow
from campaign.models import AnnualReport, IndicatorValue, Period, Plan
from reports.rollup import rollup
from tests.reports import world as world_module
from tests.reports.world import (
    TODAY,
    YEAR,
    D,
    Recount,
    S,
    build_world,
    local,
)
from units.models import Unit

PAST = YEAR - 1

pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


def trend_of(world, scope, include="accepted"):
    result = rollup(world.campaign, YEAR, world.units[scope], include)
    return {row.year: row for row in result.trend}


def recounted_trend(world, scope, include="accepted"):
    """The trend counted again from the database's rows, by the independent recount."""
    fresh = Recount(world)
    return {
        row["year"]: (row["reports"], row["expected"], row["totals"])
        for row in fresh.rollup(scope, YEAR, include)["trend"]
    }


def as_tuples(trend):
    return {year: (row.reports, row.expected, row.totals) for year, row in trend.items()}


def test_the_other_years_come_from_the_store_once_computed(tree, cast):
    world = build_world(tree, cast, 7)
    with CaptureQueriesContext(connection) as first:
        trend_of(world, "PV")
    with CaptureQueriesContext(connection) as second:
        again = trend_of(world, "PV")
    # The first rollup counted every year, each on the tree of its cut-off; the second
    # only the year shown.
    past_tree = f'{PAST} AS "row_year"'
    assert any(past_tree in q["sql"] for q in first.captured_queries)
    assert not any(past_tree in q["sql"] for q in second.captured_queries)
    assert len(first.captured_queries) == len(second.captured_queries)
    assert as_tuples(again) == recounted_trend(world, "PV")


def a_past_report(world, status=S.ACCEPTED):
    """An included past-year report of a unit of district A's area, with a typed figure."""
    for (code, year), record in world.reports.items():
        unit = world.units[code]
        if (
            year == PAST
            and record.status == status
            and unit.path.startswith(world.units["DA"].path)
            and (record.values.get("sessions") or 0) > 0
        ):
            return AnnualReport.objects.get(unit=unit, campaign=world.campaign, year=PAST), code
    raise AssertionError("the world has no such report")


def reopened_by_the_workflow(world, cast):
    report, code = a_past_report(world)
    workflow.submission_reopen(report, user=cast["cspl"], reason="Sửa số liệu")
    world.reports[(code, PAST)].status = AnnualReport.objects.get(pk=report.pk).status


def status_set_by_a_queryset_update(world, cast):
    report, code = a_past_report(world)
    AnnualReport.objects.filter(pk=report.pk).update(status=S.RETURNED)
    world.reports[(code, PAST)].status = S.RETURNED


def value_set_by_a_queryset_update(world, cast):
    report, code = a_past_report(world)
    IndicatorValue.objects.filter(report=report, indicator__code="sessions").update(
        int_value=F("int_value") + 5
    )
    world.reports[(code, PAST)].values["sessions"] += 5


def value_set_by_raw_sql(world, cast):
    report, code = a_past_report(world)
    value = IndicatorValue.objects.get(report=report, indicator__code="sessions")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_indicatorvalue SET int_value = int_value + 3 WHERE id = %s", [value.pk]
        )
    world.reports[(code, PAST)].values["sessions"] += 3


def report_deleted(world, cast):
    report, code = a_past_report(world)
    report.delete()
    del world.reports[(code, PAST)]


def subtree_moved_from_a_past_day(world, cast):
    # A grassroots union of district A, with its reports, moved to district B from a day
    # before the past year's cut-off (treebeard rewrites the paths with raw UPDATEs).
    _report, code = a_past_report(world)
    unit = Unit.objects.get(pk=world.units[code].pk)
    Unit.objects.move(
        unit, Unit.objects.get(pk=world.units["DB"].pk), "last-child", effective_on=MOVED_ON
    )
    world.parent[code] = "DB"
    for moved in world.units:
        world.units[moved] = Unit.objects.get(pk=world.units[moved].pk)


def unit_closed_on_a_past_day(world, cast):
    code = next(
        c
        for c in Recount(world).expected("DA", PAST)
        if world.kind[c] == Unit.Kind.GRASSROOTS and c != "DA"
    )
    Unit.objects.get(pk=world.units[code].pk).close(D(PAST, 1, 31))
    world.closed[code] = D(PAST, 1, 31)


MOVED_ON = D(PAST, 6, 1)


def plan_accepted_by_a_queryset_update(world, cast):
    # A grassroots union's plan not counted yet becomes accepted, first submitted long ago:
    # the plans counted in every year's trend change.
    code, record = next(
        (c, p)
        for c, p in world.plans.items()
        if p.status != S.ACCEPTED
        and world.kind[c] == Unit.Kind.GRASSROOTS
        and c in Recount(world).expected("DA", PAST)
    )
    first = local(D(PAST - 1, 8, 1), 9)
    Plan.objects.filter(unit=world.units[code], campaign=world.campaign).update(
        status=S.ACCEPTED, first_submitted_at=first
    )
    record.status, record.first_submitted_at = S.ACCEPTED, first


@pytest.mark.parametrize(
    "change",
    [
        reopened_by_the_workflow,
        status_set_by_a_queryset_update,
        value_set_by_a_queryset_update,
        value_set_by_raw_sql,
        report_deleted,
        subtree_moved_from_a_past_day,
        unit_closed_on_a_past_day,
        plan_accepted_by_a_queryset_update,
    ],
)
def test_a_past_year_is_never_stale_after(tree, cast, change):
    world = build_world(tree, cast, 11)
    before = as_tuples(trend_of(world, "DA"))
    assert before == recounted_trend(world, "DA")
    trend_of(world, "DA")  # from the store now
    change(world, cast)
    after = as_tuples(trend_of(world, "DA"))
    assert after[PAST] != before[PAST]
    recounted = recounted_trend(world, "DA")
    if change is subtree_moved_from_a_past_day:
        # The recount knows today's tree only: the years before the move keep theirs.
        assert after[PAST - 1] == before[PAST - 1]
        after = {y: row for y, row in after.items() if y >= PAST}
        recounted = {y: row for y, row in recounted.items() if y >= PAST}
    assert after == recounted


def test_a_change_made_today_never_moves_a_past_year(tree, cast):
    world = build_world(tree, cast, 11)
    before = as_tuples(trend_of(world, "DA"))
    _report, code = a_past_report(world)
    unit = Unit.objects.get(pk=world.units[code].pk)
    Unit.objects.move(unit, Unit.objects.get(pk=world.units["DB"].pk), "last-child")
    other = next(c for c in Recount(world).expected("DA", PAST) if c not in ("DA", code))
    Unit.objects.get(pk=world.units[other].pk).close(TODAY)
    after = as_tuples(trend_of(world, "DA"))
    assert {y: after[y] for y in (PAST - 1, PAST)} == {y: before[y] for y in (PAST - 1, PAST)}


def test_a_campaign_of_many_years_counts_them_all(tree, cast):
    # Each trend year is one part of one query: chained, SQLite refused them from the
    # seventeenth year on ("parser stack overflow"), and the dashboard failed.
    world = build_world(tree, cast, 7)
    type(world.campaign).objects.filter(pk=world.campaign.pk).update(first_year=YEAR - 24)
    world.campaign.refresh_from_db()
    trend = trend_of(world, "PV")
    assert sorted(trend) == list(range(YEAR - 24, YEAR + 1))
    recounted = recounted_trend(world, "PV")  # the years the world has reports in
    assert {y: t for y, t in as_tuples(trend).items() if y in recounted} == recounted
    assert all(trend[y].reports == 0 for y in trend if y not in recounted)


def test_a_past_year_whose_cut_off_is_moved_is_counted_on_its_new_tree(tree, cast, monkeypatch):
    # Staff move a past year's cut-off (the period's admin offers it) past the day a unit
    # left the area: that year's reports and totals count on the new tree, as its expected
    # units do. Moving the unit moves the tree's stamp; moving the cut-off moves none.
    world = build_world(tree, cast, 11)
    _report, code = a_past_report(world)
    trend_of(world, "DA")
    unit = Unit.objects.get(pk=world.units[code].pk)
    Unit.objects.move(
        unit, Unit.objects.get(pk=world.units["DB"].pk), "last-child", effective_on=D(PAST, 12, 20)
    )
    before = as_tuples(trend_of(world, "DA"))
    Period.objects.filter(campaign=world.campaign, year=PAST).update(ends_on=D(PAST, 12, 31))
    after = as_tuples(trend_of(world, "DA"))

    # The recount on the new cut-off, where the unit is district B's (years before the
    # move keep their tree).
    moved_cutoff = world_module.cutoff
    monkeypatch.setattr(
        world_module, "cutoff", lambda year: D(PAST, 12, 31) if year == PAST else moved_cutoff(year)
    )
    world.parent[code] = "DB"
    assert after[PAST] != before[PAST]
    assert after[PAST] == recounted_trend(world, "DA")[PAST]


def test_a_store_kept_by_an_older_counting_rule_is_not_read(tree, cast, monkeypatch):
    """STORE_VERSION is in every key: the years kept under an older rule (version 3 counted
    a past year's plans by today's status) are counted again, not served."""
    from django.core.cache import cache

    from reports import rollup as rollup_module

    world = build_world(tree, cast, 7)
    kept = {}
    set_many = cache.set_many

    def keeping(values, *args, **kwargs):
        kept.update(values)
        return set_many(values, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", keeping)
    monkeypatch.setattr(rollup_module, "STORE_VERSION", rollup_module.STORE_VERSION - 1)
    trend_of(world, "PV")
    assert kept
    # What an older rule kept, made plainly wrong: every count and total of every year.
    cache.set_many(
        {
            key: (value[0] + 1000, dict.fromkeys(value[1], 1000), *value[2:])
            for key, value in kept.items()
        }
    )
    recounted = recounted_trend(world, "PV")
    assert as_tuples(trend_of(world, "PV")) != recounted  # the older code would read them
    monkeypatch.undo()
    assert as_tuples(trend_of(world, "PV")) == recounted
