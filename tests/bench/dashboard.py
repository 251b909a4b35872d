"""Benchmark of the CSPL dashboard against a generated database (see generate.py).

    python -m tests.bench.dashboard [--scope root|province] [--explain] \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_<scale>

In one run, side by side (README.md says what each figure means):

(a) a hand-written SQL statement (HAND_SQL below) computing the rollup's headline, per-child
    and trend figures by the same rule from the raw rows, checked equal to the rollup's
    (its store empty, then from its store); (a1) the same for the year shown only;
(b) `reports.rollup.rollup` called directly (no dashboard cache), the trend's other years
    from its store as in the steady state; (b1) after one past year changed; (b0) with its
    store empty; each query of the rollup timed;
(g) the generic reference: NOTES.md's "province x year reporting rate plus 20 sums" over a
    plain unit x year table built once in the benchmark database from the portal's data;
(c) the dashboard page over HTTP against gunicorn (4 workers, DEBUG off, Redis cache in a
    database of its own): cold (the cache emptied before each request, except the sessions
    and the rollup's store) and warm, p50 and p95, every loop bounded in count and time;
(d) the number of queries of the page, cold, at ≈100 and at the largest subtree available
    (≈10,000 units at national scale), in-process with Django's test client.

Prints the medians and their ratios, a table with PASS/MISS against the targets and writes
tests/bench/out/<scale>.json (<scale>-<scope>.json for a scope other than root).
"""

import argparse
import contextlib
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

from tests.bench import common

TARGET_RATIO = 1.5
TARGET_WARM_P95_MS = 20.0
TARGET_QUERIES = 12

# The rollup's figures by the counting rule (README.md, "The dashboard"; the words
# are campaign.counting's), computed from the portal's tables in one statement:
# - expected: units of the area (the scope and its subtree) of an addressed kind, open at
#   the period's cut-off; among them on time / late (submitted or accepted, first submitted
#   before / from the end of the due day in Asia/Ho_Chi_Minh, passed in as an aware
#   timestamp), returned, included (own report accepted; or submitted or accepted) and
#   flagged (submitted or accepted with plausibility flags);
# - reports and totals: the included reports of ALL units of the area (any kind, even
#   closed) and the sums of their typed whole-number figures (`summed`: the integer
#   indicators the portal does not compute), per year, per child;
# - the computed indicator (Indicator.source "plans"): the expected units of its kind whose
#   plan was first submitted before the end of the cut-off day and was included then: for a
#   year whose cut-off day has ended, the status the plan's last workflow step by then
#   (submit, return, accept, reopen: a reorganisation's steps change no status) left it in,
#   or the status before its first step when that came later, or today's with no step at
#   all; today's status for a year not cut off yet;
# - the trend: for every year of the campaign up to the one shown, the units expected at
#   that year's cut-off, the computed count at that cut-off, and the reports and totals of
#   that year, all from the raw rows.
# Rows come out by `part`: "units" (this year, per child, NULL child = the area), "trend"
# (per year, the area) and "sums" (per year and child: reports, then one row per indicator).
HAND_SQL = """
WITH years (year, cutoff, cutoff_end) AS (
    SELECT * FROM unnest(%(years)s::int[], %(cutoffs)s::date[], %(cutoff_ends)s::timestamptz[])
),
plan_steps AS MATERIALIZED (
    -- the plans' workflow steps, numbered in the order they were taken, each with the
    -- moment of the plan's next step (NULL for its last)
    SELECT s.object_id AS plan_id, s.at, s.from_status, s.to_status,
           row_number() OVER taken AS n, lead(s.at) OVER taken AS next_at
    FROM campaign_step s
    JOIN django_content_type ct ON ct.id = s.content_type_id
    WHERE ct.app_label = 'campaign' AND ct.model = 'plan'
      AND s.action IN ('submit', 'return', 'accept', 'reopen')
    WINDOW taken AS (PARTITION BY s.object_id ORDER BY s.at, s.id)
),
status_then AS (
    -- per year, the status the last step by the end of the cut-off day left each plan in:
    -- the step taken by then whose next step, if any, came later
    SELECT y.year, s.plan_id, s.to_status
    FROM years y
    JOIN plan_steps s
      ON s.at < y.cutoff_end AND (s.next_at IS NULL OR s.next_at >= y.cutoff_end)
),
status_before AS (
    -- the status before each plan's first step
    SELECT s.plan_id, s.from_status FROM plan_steps s WHERE s.n = 1
),
plans AS MATERIALIZED (
    -- per year, the plans first submitted by the end of the cut-off day, with their status
    -- then (computed indicator)
    SELECT y.year, p.unit_id,
           CASE WHEN y.cutoff_end > now() THEN p.status
                ELSE coalesce(t.to_status, b.from_status, p.status)
           END AS status
    FROM years y
    JOIN campaign_plan p
      ON p.campaign_id = %(campaign)s AND p.first_submitted_at < y.cutoff_end
    LEFT JOIN status_then t ON t.year = y.year AND t.plan_id = p.id
    LEFT JOIN status_before b ON b.plan_id = p.id
),
area AS MATERIALIZED (
    -- with the status of the unit's plan at the end of the year shown's cut-off day, if
    -- first submitted by then (joined here, where the planner knows how many units there are)
    SELECT u.id, u.kind, u.opened_on, u.closed_on, substr(u.path, 1, %(child_len)s) AS child,
           p.status AS plan_status
    FROM units_unit u
    LEFT JOIN plans p ON p.unit_id = u.id AND p.year = %(year)s
    WHERE u.path LIKE %(prefix)s
),
units_now AS (
    SELECT a.child,
           count(*) AS expected,
           count(*) FILTER (WHERE r.status IN ('submitted', 'accepted')
                              AND r.first_submitted_at < %(due_end)s) AS on_time,
           count(*) FILTER (WHERE r.status IN ('submitted', 'accepted')
                              AND r.first_submitted_at >= %(due_end)s) AS late,
           count(*) FILTER (WHERE r.status = 'returned') AS returned,
           count(*) FILTER (WHERE r.status = ANY(%(included)s)) AS included,
           count(*) FILTER (WHERE r.status IN ('submitted', 'accepted')
                              AND r.flags <> '[]'::jsonb) AS flagged,
           count(*) FILTER (WHERE a.kind = %(counted_kind)s
                              AND a.plan_status = ANY(%(included)s)) AS counted
    FROM area a
    LEFT JOIN reports_annualreport r
           ON r.unit_id = a.id AND r.campaign_id = %(campaign)s AND r.year = %(year)s
    WHERE a.kind = ANY(%(kinds)s)
      AND (a.opened_on IS NULL OR a.opened_on <= %(cutoff)s)
      AND (a.closed_on IS NULL OR a.closed_on > %(cutoff)s)
    GROUP BY ROLLUP (a.child)
),
units_then AS (
    SELECT y.year,
           count(*) AS expected,
           count(*) FILTER (WHERE a.kind = %(counted_kind)s
                              AND p.status = ANY(%(included)s)) AS counted
    FROM years y
    JOIN area a
      ON a.kind = ANY(%(kinds)s)
     AND (a.opened_on IS NULL OR a.opened_on <= y.cutoff)
     AND (a.closed_on IS NULL OR a.closed_on > y.cutoff)
    LEFT JOIN plans p ON p.unit_id = a.id AND p.year = y.year
    GROUP BY y.year
),
included AS MATERIALIZED (
    SELECT r.id, r.year, a.child
    FROM reports_annualreport r
    JOIN area a ON a.id = r.unit_id
    WHERE r.campaign_id = %(campaign)s AND r.status = ANY(%(included)s)
      AND r.year = ANY(%(years)s)
),
sums AS (
    SELECT i.year, i.child, v.indicator_id, sum(v.int_value) AS total
    FROM included i
    JOIN reports_indicatorvalue v ON v.report_id = i.id
    WHERE v.indicator_id = ANY(%(summed)s)
    GROUP BY 1, 2, 3
)
SELECT 'units' AS part, child, NULL::int AS year, NULL::int AS indicator_id,
       expected, on_time, late, returned, included, flagged, counted
FROM units_now
UNION ALL
SELECT 'trend', NULL, year, NULL, expected, NULL, NULL, NULL, NULL, NULL, counted
FROM units_then
UNION ALL
SELECT 'sums', child, year, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL
FROM included GROUP BY child, year
UNION ALL
SELECT 'sums', child, year, indicator_id, total, NULL, NULL, NULL, NULL, NULL, NULL
FROM sums
"""

UNIT_FIGURES = ("expected", "on_time", "late", "returned", "included", "flagged")
FIGURES = (*UNIT_FIGURES, "missing", "reports")

# The generic reference: the same national question over a plain unit × year table, as any
# reporting system would hold it (one row per unit and year, twenty whole-number columns),
# built once in the benchmark database from the portal's own rows (GENERIC_BUILD). Its query
# is NOTES.md's "province × year reporting rate plus 20 sums" (314 ms there): it does not
# rest on our schema or on a hand SQL we wrote over it.
GENERIC_TABLE = "bench_unit_year"
GENERIC_COLUMNS = 20


def generic_build_sql(summed):
    """The statements that build GENERIC_TABLE: a row per unit and campaign year (all units,
    reported or not), the report's status and first submission, and twenty whole numbers:
    the report's typed figures first, then multiples of them, so every column is real data."""
    columns = [
        f"f.n{1 + (k % len(summed))} * {1 + k // len(summed)}" for k in range(GENERIC_COLUMNS)
    ]
    pivot = ", ".join(
        f"sum(v.int_value) FILTER (WHERE v.indicator_id = {pk}) AS n{n}"
        for n, pk in enumerate(summed, start=1)
    )
    return [
        f"DROP TABLE IF EXISTS {GENERIC_TABLE}",
        f"""CREATE TABLE {GENERIC_TABLE} (
            unit_id integer NOT NULL,
            province_path varchar(255) NOT NULL,
            year smallint NOT NULL,
            status varchar(10),
            first_submitted_at timestamptz,
            {", ".join(f"n{k} integer" for k in range(1, GENERIC_COLUMNS + 1))}
        )""",
        f"""INSERT INTO {GENERIC_TABLE}
        SELECT u.id, substr(u.path, 1, %(province_len)s), y.year, r.status,
               r.first_submitted_at, {", ".join(columns)}
        FROM units_unit u
        CROSS JOIN generate_series(%(first_year)s, %(last_year)s) AS y(year)
        LEFT JOIN reports_annualreport r
               ON r.unit_id = u.id AND r.campaign_id = %(campaign)s AND r.year = y.year
        LEFT JOIN (
            SELECT v.report_id, {pivot}
            FROM reports_indicatorvalue v
            GROUP BY v.report_id
        ) f ON f.report_id = r.id
        ORDER BY y.year, u.path""",  # noqa: S608 (fixed names and numbers)
        f"CREATE INDEX {GENERIC_TABLE}_province ON {GENERIC_TABLE} "
        "(province_path varchar_pattern_ops)",
        f"COMMENT ON TABLE {GENERIC_TABLE} IS %(stamp)s",
        f"VACUUM (ANALYZE) {GENERIC_TABLE}",
    ]


GENERIC_SQL = f"""
SELECT province_path, year,
       count(*) AS units,
       count(*) FILTER (WHERE status IN ('submitted', 'accepted')) AS reported,
       round(100.0 * count(*) FILTER (WHERE status IN ('submitted', 'accepted'))
             / count(*), 1) AS rate,
       {", ".join(f"sum(n{k})" for k in range(1, GENERIC_COLUMNS + 1))}
FROM {GENERIC_TABLE}
WHERE province_path LIKE %(prefix)s
GROUP BY province_path, year
"""  # noqa: S608 (fixed names and numbers)


# --- (a) and (b): the hand-written SQL and the rollup ------------------------------------------
def trend_years(campaign, year):
    """{year: cut-off} for every year the rollup's trend shows: from the campaign's first
    year to `year` (or the last year someone filed for), the period's cut-off or the
    campaign's rule for a year without a period."""
    from campaign.models import Period

    periods = {p.year: p.ends_on for p in Period.objects.filter(campaign=campaign)}
    last = max(year, *periods)
    return {
        y: periods[y] if y in periods else Period(**Period.defaults(campaign, y)).ends_on
        for y in range(campaign.first_year, last + 1)
    }


def indicator_roles(campaign):
    """(summed indicator pks, {pk: code} of the summed, computed code and counted kind)."""
    summed, codes, computed = [], {}, (None, "")
    for i in campaign.indicators.filter(kind="integer").order_by("order", "code"):
        if i.is_computed(campaign.addressed_kinds):
            computed = (i.code, i.counted_kind)
        else:
            summed.append(i.pk)
            codes[i.pk] = i.code
    return summed, codes, computed


def hand_params(campaign, period, unit, include, trend=True):
    """The statement's parameters; without `trend`, for the year shown only."""
    from campaign.counting import INCLUDE, end_of_day
    from units.models import Unit

    years = trend_years(campaign, period.year)
    if not trend:
        years = {period.year: years[period.year]}
    summed, _codes, (_code, counted_kind) = indicator_roles(campaign)
    return {
        "prefix": unit.path + "%",
        "child_len": len(unit.path) + Unit.steplen,
        "kinds": list(campaign.addressed_kinds),
        "cutoff": period.ends_on,
        "cutoff_end": end_of_day(period.ends_on),
        "due_end": end_of_day(period.due_on),
        "included": [str(s) for s in INCLUDE[include]],
        "campaign": campaign.pk,
        "year": period.year,
        "years": list(years),
        "cutoffs": list(years.values()),
        "cutoff_ends": [end_of_day(day) for day in years.values()],
        "summed": summed,
        "counted_kind": counted_kind or "",
    }


def run_hand_sql(params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


def figures_from_sql(rows, campaign, year, path_to_id):
    """The figures of the SQL's rows, in the shape of figures_from_rollup: {"headline": …,
    "children": {unit_id: …}, "trend": {year: …}}, totals by indicator code, None where the
    rollup shows "nothing included yet"."""
    _summed, codes, (computed, _kind) = indicator_roles(campaign)

    def blank():
        return {"units": dict.fromkeys(UNIT_FIGURES, 0), "counted": 0, "has_units": False,
                "reports": 0, "sums": {}}  # fmt: skip

    units, trend, sums = {}, {}, {}
    for part, child, row_year, indicator_id, *counts in rows:
        if part == "units":
            target = units.setdefault(child, blank())
            target["units"] = dict(zip(UNIT_FIGURES, counts[:6], strict=True))
            target["counted"], target["has_units"] = counts[6], counts[0] > 0
        elif part == "trend":
            trend[row_year] = {"expected": counts[0], "counted": counts[6]}
        else:
            target = sums.setdefault((row_year, child), {"reports": 0, "sums": {}})
            if indicator_id is None:
                target["reports"] = counts[0]
            else:
                target["sums"][indicator_id] = int(counts[0] or 0)

    def totals(reports, added, counted, has_units):
        result = {}
        for pk, code in codes.items():
            result[code] = added.get(pk, 0) if reports else None
        if computed:
            result[computed] = counted if has_units else None
        return result

    def figures(unit_part, sum_parts):
        reports = sum(part["reports"] for part in sum_parts)
        added = {}
        for part in sum_parts:
            for pk, total in part["sums"].items():
                added[pk] = added.get(pk, 0) + total
        counts = unit_part["units"]
        return {
            **counts,
            "missing": counts["expected"] - counts["on_time"] - counts["late"]
            - counts["returned"],
            "reports": reports,
            "totals": totals(reports, added, unit_part["counted"], unit_part["has_units"]),
        }  # fmt: skip

    this_year = {child: part for (y, child), part in sums.items() if y == year}
    headline = figures(units.get(None, blank()), list(this_year.values()))
    children = {}
    for child in (set(units) - {None}) | set(this_year):
        part = units.get(child, blank())
        if not (part["has_units"] or this_year.get(child, {}).get("reports")):
            continue
        row = figures(part, [this_year[child]] if child in this_year else [])
        children[path_to_id.get(child, child)] = row
    by_year = {}
    for y, then in trend.items():
        parts = [part for (sum_year, _child), part in sums.items() if sum_year == y]
        reports = sum(part["reports"] for part in parts)
        added = {}
        for part in parts:
            for pk, total in part["sums"].items():
                added[pk] = added.get(pk, 0) + total
        by_year[y] = {
            "reports": reports,
            "expected": then["expected"],
            "totals": totals(reports, added, then["counted"], then["expected"] > 0),
        }
    return {"headline": headline, "children": children, "trend": by_year}


def figures_from_rollup(result):
    """The same figures of a `reports.rollup.Rollup`."""

    def pick(group):
        return {**{key: getattr(group, key) for key in FIGURES}, "totals": dict(group.totals)}

    return {
        "headline": pick(result.headline),
        "children": {row.unit_id or row.path: pick(row) for row in result.by_child},
        "trend": {
            row.year: {"reports": row.reports, "expected": row.expected, "totals": row.totals}
            for row in result.trend
        },
    }


def differences(mine, theirs, limit=10):
    found = []
    if mine["headline"] != theirs["headline"]:
        found.append(f"headline: sql {mine['headline']} != rollup {theirs['headline']}")
    for part in ("children", "trend"):
        for key in sorted(set(mine[part]) | set(theirs[part]), key=str):
            a, b = mine[part].get(key), theirs[part].get(key)
            if a != b:
                found.append(f"{part} {key}: sql {a} != rollup {b}")
    return found[:limit]


class TimedOut(Exception):
    """A statement ran into the run's statement_timeout."""


def guarded(function, *args):
    """function(*args), with a statement timeout turned into TimedOut."""
    from django.db import OperationalError

    try:
        return function(*args)
    except OperationalError as error:
        if "statement timeout" in str(error):
            raise TimedOut(str(error).strip()) from None
        raise


def check_figures(campaign, period, unit, include):
    """Run both, compare; returns the list of differences (empty: equal)."""
    from reports.rollup import rollup
    from units.models import Unit

    params = hand_params(campaign, period, unit, include)
    paths = dict(
        Unit.objects.filter(path__startswith=unit.path, depth__lte=unit.depth + 1).values_list(
            "path", "pk"
        )
    )
    mine = figures_from_sql(run_hand_sql(params), campaign, period.year, paths)
    try:
        theirs = figures_from_rollup(guarded(rollup, campaign, period.year, unit, include))
    except TimedOut:
        return ["the rollup ran into the statement timeout: not compared"], mine
    return differences(mine, theirs), mine


def generic_signature(campaign):
    """What the generic table was built from: rebuilt when the data or the code changes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(id) FROM reports_annualreport WHERE campaign_id = %s",
            [campaign.pk],
        )
        reports, last = cursor.fetchone()
    return f"v1 campaign {campaign.pk} reports {reports} last {last} columns {GENERIC_COLUMNS}"


def ensure_generic_table(campaign, rebuild=False):
    """Build GENERIC_TABLE once in the benchmark database (≈15 s at national scale); a
    table built from other data is built again. Returns (rows, seconds spent building)."""
    from django.db import connection

    from units.models import Unit

    signature = generic_signature(campaign)
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [GENERIC_TABLE])
        built = cursor.fetchone()[0]
        seconds = 0.0
        if rebuild or built != signature:
            # The provinces' paths: the depth of the provincial federations (Bến Tre's).
            province = Unit.objects.filter(code=common.BENTRE_CODE).first()
            summed, _codes, _computed = indicator_roles(campaign)
            params = {
                "province_len": len(province.path) if province else Unit.steplen,
                "first_year": campaign.first_year,
                "last_year": common.LAST_YEAR,
                "campaign": campaign.pk,
                "stamp": signature,
            }
            t0 = time.perf_counter()
            for statement in generic_build_sql(summed):
                cursor.execute(statement, params)
            seconds = time.perf_counter() - t0
        cursor.execute(f"SELECT count(*) FROM {GENERIC_TABLE}")  # noqa: S608 (fixed name)
        return cursor.fetchone()[0], seconds


def run_generic(prefix):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(GENERIC_SQL, {"prefix": prefix + "%"})
        return cursor.fetchall()


def bump_year(campaign, year):
    """Move one year's figure stamp on, as a report of that year changing would: the
    rollup's store then computes that year again (nothing else changes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE campaign_figurestamp SET stamp = stamp + 1 "
            "WHERE campaign_id = %s AND year = %s",
            [campaign.pk, year],
        )


# What (b) is timed in, side by side with (a) and the generic reference: the label, and what
# each measures.
CONTENDERS = {
    "sql": "(a) hand SQL: every figure, the trend's ten years from the raw rows",
    "sql_year": "(a1) the same statement for the year shown only (the trend's other years "
    "left out, as the rollup's store leaves them out)",
    "rollup": "(b) rollup, cold: no dashboard cache; the trend's other years from its store "
    "(steady state)",
    "rollup_one_year": "(b1) rollup after one past year changed (its stamp moved on): that "
    "year computed again",
    "rollup_store_empty": "(b0) rollup with its store empty too (first view; every year computed)",
    "generic": "(g) generic reference: province x year rate plus 20 sums over a plain unit x "
    "year table",
}


def contenders(campaign, period, unit, include):
    """{name: function returning the seconds it took}."""
    from django.core.cache import cache

    from reports.rollup import rollup

    params = hand_params(campaign, period, unit, include)
    params_year = hand_params(campaign, period, unit, include, trend=False)
    past = period.year - 3

    def timed(function, *args):
        t0 = time.perf_counter()
        guarded(function, *args)
        return time.perf_counter() - t0

    def one_year():
        bump_year(campaign, past)
        return timed(rollup, campaign, period.year, unit, include)

    def store_empty():
        # In-process the cache is a LocMemCache of this run only: emptying it empties the
        # rollup's store and nothing else.
        cache.clear()
        return timed(rollup, campaign, period.year, unit, include)

    return {
        "sql": lambda: timed(run_hand_sql, params),
        "sql_year": lambda: timed(run_hand_sql, params_year),
        "rollup": lambda: timed(rollup, campaign, period.year, unit, include),
        "rollup_one_year": one_year,
        "rollup_store_empty": store_empty,
        "generic": lambda: timed(run_generic, unit.path),
    }


def time_side_by_side(campaign, period, unit, include, reps, budget):
    """Every contender once untimed, then `reps` rounds (at least three, within `budget`
    seconds) in a rotating order, so that none always runs first or after the same one.
    Returns ({name: [seconds]}, timed_out)."""
    from reports.rollup import rollup

    runs = contenders(campaign, period, unit, include)
    times = {name: [] for name in runs}
    try:
        guarded(rollup, campaign, period.year, unit, include)  # fills the store
        for function in runs.values():
            function()
    except TimedOut:
        return times, True
    started = time.perf_counter()
    names = list(runs)
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            try:
                times[name].append(runs[name]())
                if name in ("rollup_store_empty", "rollup_one_year"):
                    # Refilled, untimed: the steady-state rollup never follows them with
                    # a store they left short.
                    guarded(rollup, campaign, period.year, unit, include)
            except TimedOut:
                return times, True
        if rep >= 2 and time.perf_counter() - started > budget:
            break
    return times, False


def rollup_queries(campaign, period, unit, include, store_empty=False):
    """Each query of one rollup run with its time, and the time spent outside queries:
    with the store as it is (filled by the runs before), or emptied first."""
    from django.core.cache import cache
    from django.db import connection

    from reports.rollup import rollup

    captured = []

    def timer(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append({"sql": sql, "params": params, "ms": ms(time.perf_counter() - t0)})

    if store_empty:
        cache.clear()
    else:
        guarded(rollup, campaign, period.year, unit, include)
    t0 = time.perf_counter()
    with contextlib.suppress(TimedOut), connection.execute_wrapper(timer):
        guarded(rollup, campaign, period.year, unit, include)
    total = ms(time.perf_counter() - t0)
    return captured, total


def explain(sections, path):
    """EXPLAIN (ANALYZE, BUFFERS) of each (title, sql, params) into `path`."""
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for title, sql, params in sections:
            try:
                guarded(cursor.execute, "EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            except TimedOut:
                cursor.execute("EXPLAIN " + sql, params)
                plan = "(statement timeout: the plan without ANALYZE)\n" + "\n".join(
                    row[0] for row in cursor.fetchall()
                )
            shown = cursor.mogrify(sql, params).decode() if params is not None else sql
            chunks.append(f"=== {title}\n{shown}\n\n{plan}")
    path.write_text("\n\n".join(chunks) + "\n")


# --- (d): queries of the page -----------------------------------------------------------------
def subtree_sizes(max_depth=3):
    """{path: units in its subtree} for the units down to `max_depth`."""
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for depth in range(1, max_depth + 1):
            cursor.execute(
                "SELECT substr(path, 1, %s), count(*) FROM units_unit WHERE depth >= %s GROUP BY 1",
                [depth * 4, depth],
            )
            sizes.update(cursor.fetchall())
    return sizes


def nearest_unit(sizes, wanted):
    from units.models import Unit

    path = min(sizes, key=lambda p: (abs(sizes[p] - wanted), p))
    return Unit.objects.get(path=path), sizes[path]


def page_queries(user, campaign, year, unit, keep_session=True):
    """The queries of one cold dashboard request: the cache emptied first, except (with
    `keep_session`) the session, as in the HTTP measurement."""
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    # Static URLs without the manifest (the query count does not depend on it).
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(user)
    cache.clear()
    if keep_session:
        # As over HTTP: the session is in the cache (cached_db reads it back into it).
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore(client.session.session_key).load()
    with override_settings(STORAGES=storages), CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("reports:dashboard"), {"campaign": campaign.pk, "year": year, "unit": unit.pk}
        )
    if response.status_code != 200:
        raise RuntimeError(f"dashboard answered {response.status_code} for unit {unit.pk}")
    return [q["sql"] for q in queries.captured_queries]


# --- (c): the page over HTTP -------------------------------------------------------------------
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pick_redis_db(base_url, wanted):
    import redis

    candidates = [wanted] if wanted is not None else list(range(15, 1, -1))
    for number in candidates:
        client = redis.Redis.from_url(f"{base_url.rstrip('/')}/{number}")
        if wanted is not None or client.dbsize() == 0:
            return number, client
    raise SystemExit("No empty Redis database between 2 and 15; pass --redis-db.")


# Kept by a cold request: the sessions (as for any user), and the rollup's store of the
# trend's other years (reports.rollup), which is there in the steady state: it changes only
# with a write to the figures of one of those years.
KEPT_WHEN_COLD = (b"django.contrib.sessions", b"rollup-trend:")


def flush_keeping_sessions(client, prefix):
    """Delete this run's cache keys except KEPT_WHEN_COLD: the next request is cold."""
    doomed = [
        key
        for key in client.scan_iter(match=f"{prefix}:*", count=1000)
        if not any(kept in key for kept in KEPT_WHEN_COLD)
    ]
    if doomed:
        client.delete(*doomed)
    return len(doomed)


class Gunicorn:
    """gunicorn config.wsgi as a subprocess, stopped (master first, by pid) on exit."""

    def __init__(self, env, workers, port, log_path):
        self.port = port
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        binary = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(binary),
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "600",
            ],
            cwd=common.ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class Browser:
    """A logged-in client: a cookie jar and no redirects (a redirect is an error here)."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path, timeout=600):
        with self.opener.open(self.base + path, timeout=timeout) as response:
            return response.status, response.read()

    def login(self, username, password):
        status, body = self.get("/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError("no CSRF token on /login/")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1).decode(),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (always http://127.0.0.1)
            self.base + "/login/", data=form, headers={"Referer": self.base + "/login/"}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                raise RuntimeError(f"login answered {response.status}, not a redirect")
        except urllib.error.HTTPError as error:
            if error.code != 302:
                raise
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            raise RuntimeError("login set no session cookie")


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def request_loop(browser, path, count, budget, before=None, marker=b""):
    """Up to `count` timed GETs within `budget` seconds (a started request always finishes,
    within the server's statement timeout). Stops at the first failed request.

    Returns (times, error)."""
    times = []
    started = time.perf_counter()
    for _ in range(count):
        if before:
            before()
        t0 = time.perf_counter()
        try:
            status, body = browser.get(path)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return times, f"{type(error).__name__}: {error} after {time.perf_counter() - t0:.0f} s"
        elapsed = time.perf_counter() - t0
        if status != 200 or marker not in body:
            return times, f"unexpected answer {status} ({len(body)} bytes) after {elapsed:.0f} s"
        times.append(elapsed)
        if time.perf_counter() - started + elapsed > budget:
            break
    return times, None


def summary(times, error):
    if not times:
        return {"n": 0, "error": error}
    return {
        "n": len(times),
        "p50_ms": ms(percentile(times, 0.50)),
        "p95_ms": ms(percentile(times, 0.95)),
        "min_ms": ms(min(times)),
        "max_ms": ms(max(times)),
        **({"error": error} if error else {}),
    }


def http_bench(args, campaign, year, unit, warm_up_unit):
    from django.urls import reverse
    from django.utils.html import escape

    redis_db, redis_client = pick_redis_db(args.redis_url, args.redis_db)
    prefix = f"bench-{os.getpid()}"
    redis_url = f"{args.redis_url.rstrip('/')}/{redis_db}"
    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    env = {
        **os.environ,
        **common.bench_environment(
            args.database_url,
            redis_url,
            STATIC_ROOT=static_root,
            CACHE_KEY_PREFIX=prefix,
        ),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = {"redis_db": redis_db, "workers": args.workers}
    server = None
    try:
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=common.ROOT,
            env=env,
            check=True,
            timeout=300,
        )
        result["collectstatic_s"] = round(time.perf_counter() - t0, 1)
        port = free_port()
        log_path = Path(tempfile.gettempdir()) / f"portal-bench-gunicorn-{port}.log"
        server = Gunicorn(env, args.workers, port, log_path)
        server.wait_ready()
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.login(common.REVIEWER_USERNAME, common.REVIEWER_PASSWORD)

        def page(target):
            query = urllib.parse.urlencode(
                {"campaign": campaign.pk, "year": year, "unit": target.pk, "include": args.include}
            )
            return f"{reverse('reports:dashboard')}?{query}", escape(target.name).encode()

        path, marker = page(unit)
        result["path"] = path

        # Warm-up on a small subtree: every worker imports, connects and renders the page,
        # and the scope's own rollup stays out of the cache.
        warm_path, warm_marker = page(warm_up_unit)
        times, error = request_loop(
            browser, warm_path, 2 * args.workers, args.http_seconds, None, warm_marker
        )
        result["warm_up"] = {"unit_id": warm_up_unit.pk, **summary(times, error)}

        def flush():
            flush_keeping_sessions(redis_client, prefix)

        result["cold"] = summary(
            *request_loop(browser, path, args.http_cold, args.http_seconds, flush, marker)
        )
        if result["cold"]["n"] == 0:
            # The page never completes cold, so the cache cannot be filled: nothing warm.
            note = "not measured: no cold request completed, so the cache was never filled"
            result["fill"] = result["warm"] = {"n": 0, "error": note}
        else:
            # One request fills the cache (the cold loop may have stopped on a failure).
            result["fill"] = summary(
                *request_loop(browser, path, 1, args.http_seconds, None, marker)
            )
            # The load average around the warm loop: its 1-minute figure includes this run's
            # own gunicorn workers and client, the 5-minute one shows what ran before.
            result["load_before_warm"] = os.getloadavg()
            result["warm"] = summary(
                *request_loop(browser, path, args.http_warm, args.http_seconds, None, marker)
            )
            result["load_after_warm"] = os.getloadavg()
    finally:
        if server is not None:
            server.stop()
        with contextlib.suppress(Exception):
            keys = list(redis_client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                redis_client.delete(*keys)
        shutil.rmtree(static_root, ignore_errors=True)
    return result


# --- the run ----------------------------------------------------------------------------------
def ms(seconds):
    return round(seconds * 1000, 1)


def verdict(ok):
    return "PASS" if ok else "MISS"


def database_facts():
    from django.db import connection

    facts = {}
    with connection.cursor() as cursor:
        for table, key in (
            ("units_unit", "units"),
            ("reports_annualreport", "annual_reports"),
            ("reports_indicatorvalue", "indicator_values"),
            ("campaign_plan", "plans"),
            ("reports_reminder", "reminders"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            facts[key] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        facts["size"] = cursor.fetchone()[0]
        machine = common.machine_info(cursor)
    return facts, machine


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scope", choices=("root", "province"), default="root")
    parser.add_argument("--scale", choices=("province", "national"), help="default: from the tree")
    parser.add_argument("--year", type=int, default=common.LAST_YEAR)
    parser.add_argument("--include", choices=("accepted", "submitted"), default="accepted")
    parser.add_argument("--reps", type=int, default=7, help="repetitions of (a) and (b)")
    parser.add_argument("--budget", type=float, default=300, help="seconds for (a) and (b)")
    parser.add_argument("--http-cold", type=int, default=20, help="cold requests at most")
    parser.add_argument("--http-warm", type=int, default=300, help="warm requests at most")
    parser.add_argument("--http-seconds", type=float, default=120, help="seconds per loop")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, help="default: the first empty one from 15 down")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE into out/")
    parser.add_argument(
        "--rebuild-generic", action="store_true", help=f"build {GENERIC_TABLE} again"
    )
    parser.add_argument("--label", default="", help="suffix of the output files' names")
    parser.add_argument(
        "--statement-timeout",
        type=int,
        default=300,
        help="seconds; set on the benchmark database for the run, so no query runs away",
    )
    args = parser.parse_args(argv)

    set_statement_timeout(args.database_url, args.statement_timeout)
    try:
        return run(args)
    finally:
        set_statement_timeout(args.database_url, None)


def set_statement_timeout(url, seconds):
    """ALTER DATABASE … SET (or RESET) statement_timeout: every new connection of the run,
    in-process and gunicorn's, gets it (the settings' connection options do not set it)."""
    import psycopg2

    name = common.database_name(url)
    conn = psycopg2.connect(common.server_url(url))
    conn.autocommit = True
    with conn.cursor() as cursor:
        if seconds:
            cursor.execute(f'ALTER DATABASE "{name}" SET statement_timeout = %s', [f"{seconds}s"])
        else:
            cursor.execute(f'ALTER DATABASE "{name}" RESET statement_timeout')
    conn.close()


def fingerprint():
    """Short hashes of the code measured: others may edit it while a run goes on."""
    import hashlib

    files = ("reports/rollup.py", "reports/dashboard.py", "config/settings.py")
    return {
        name: hashlib.sha256((common.ROOT / name).read_bytes()).hexdigest()[:12] for name in files
    }


def unapplied_migrations():
    """Migrations of the code that the benchmark database lacks (generate.py applied those of
    its day): the figures would describe an older schema."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def run(args):
    code_before = fingerprint()
    common.configure_django(args.database_url)
    missing = unapplied_migrations()
    if missing:
        print(
            f"WARNING: the database lacks migrations {', '.join(missing)}; apply them with "
            "DATABASE_URL=… python manage.py migrate (or generate it again)",
            flush=True,
        )
    # WhiteNoise looks for STATIC_ROOT in-process; the in-process client needs none.
    warnings.filterwarnings("ignore", message="No directory at")
    load_before = os.getloadavg()
    from campaign.models import Campaign, Period
    from units.models import Unit, User

    root = Unit.objects.filter(depth=1).order_by("path").first()
    if root is None:
        sys.exit("No units: generate the database first (python -m tests.bench.generate).")
    national = Unit.objects.filter(depth=2, kind=Unit.Kind.PROVINCE).exists()
    scale = args.scale or ("national" if national else "province")
    unit = root
    if args.scope == "province":
        unit = Unit.objects.filter(code=common.BENTRE_CODE).first() or root
    campaign = Campaign.objects.get(slug=common.CAMPAIGN_SLUG)
    period = Period.objects.get(campaign=campaign, year=args.year)
    user = User.objects.get(username=common.REVIEWER_USERNAME)
    facts, machine = database_facts()
    scope_units = Unit.objects.filter(path__startswith=unit.path).count()
    print(
        f"{common.database_name(args.database_url)} ({scale}): {facts['units']:,} units, "
        f"{facts['annual_reports']:,} reports, {facts['indicator_values']:,} values, "
        f"{facts['size']}; scope {unit.short_name or unit.name} ({scope_units:,} units), "
        f"year {args.year}, include {args.include}; "
        + ", ".join(f"{k} {v}" for k, v in machine["postgresql_settings"].items()),
        flush=True,
    )
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "database": common.database_name(args.database_url),
        "database_facts": facts,
        "machine": machine,
        "scope": {"unit_id": unit.pk, "name": unit.name, "units": scope_units},
        "year": args.year,
        "include": args.include,
        "statement_timeout_s": args.statement_timeout,
        "unapplied_migrations": missing,
        # On the app's own connection (the settings may set it), shared by (a) and (b).
        "jit": machine["postgresql_settings"]["jit"],
    }

    # (a) = (b)? For the scope, both ways of counting, and the two subtrees of (d); each
    # twice: the rollup's store empty, then from it.
    sizes = subtree_sizes()
    small, small_size = nearest_unit(sizes, 100)
    large, large_size = nearest_unit(sizes, 10_000)
    checks = {}
    from django.core.cache import cache

    cache.clear()
    for checked_unit in dict.fromkeys([unit, small, large]):
        for include in ("accepted", "submitted"):
            for store in ("store empty", "from the store"):
                found, _figures = check_figures(campaign, period, checked_unit, include)
                checks[f"{checked_unit.pk}/{include}/{store}"] = found
                if found and "timeout" in found[0]:
                    print(f"  unit {checked_unit.pk} ({include}): {found[0]}", flush=True)
                    break  # one timed-out rollup per unit is enough
                for line in found:
                    print(
                        f"  MISMATCH unit {checked_unit.pk} ({include}, {store}): {line}",
                        flush=True,
                    )
    not_compared = [key for key, found in checks.items() if found and "timeout" in found[0]]
    compared = {key: found for key, found in checks.items() if key not in not_compared}
    figures_match = bool(compared) and not any(compared.values())
    results["figures_match"] = figures_match
    results["figure_checks"] = {key: value or "equal" for key, value in checks.items()}
    print(
        f"  figures: hand-written SQL vs rollup on {len(compared)} cases: "
        f"{'equal' if figures_match else 'DIFFERENT'}"
        + (f"; not compared (rollup timed out): {', '.join(not_compared)}" if not_compared else ""),
        flush=True,
    )

    # The generic reference's table, built once.
    generic_rows, built_s = ensure_generic_table(campaign, args.rebuild_generic)
    results["generic"] = {"table": GENERIC_TABLE, "rows": generic_rows, "built_s": round(built_s)}
    if built_s:
        print(f"  built {GENERIC_TABLE}: {generic_rows:,} rows in {built_s:.0f} s", flush=True)

    # (a), (b) and (g) side by side.
    load_timed = os.getloadavg()
    times, timed_out = time_side_by_side(
        campaign, period, unit, args.include, args.reps, args.budget
    )
    medians = {name: ms(statistics.median(t)) if t else None for name, t in times.items()}
    if timed_out:
        print(f"  a statement ran into the {args.statement_timeout} s statement timeout")

    def ratio(a, b):
        return round(medians[a] / medians[b], 2) if medians[a] and medians[b] else None

    ratios = {
        "rollup / sql": ratio("rollup", "sql"),
        "rollup / sql_year": ratio("rollup", "sql_year"),
        "rollup_store_empty / sql": ratio("rollup_store_empty", "sql"),
        "rollup / generic": ratio("rollup", "generic"),
        "sql / generic": ratio("sql", "generic"),
    }
    captured, total = rollup_queries(campaign, period, unit, args.include)
    captured_empty, _total_empty = rollup_queries(
        campaign, period, unit, args.include, store_empty=True
    )
    results["side_by_side"] = {
        "timed_out": timed_out,
        "reps": min(len(t) for t in times.values()),
        "load_average_at_start": load_timed,
        "what": CONTENDERS,
        "ms": {name: [ms(x) for x in t] for name, t in times.items()},
        "median_ms": medians,
        "ratios": ratios,
        "rollup_queries": [
            {"n": i, "ms": q["ms"], "sql": q["sql"][:160]} for i, q in enumerate(captured, 1)
        ],
        "rollup_queries_store_empty": [
            {"n": i, "ms": q["ms"], "sql": q["sql"][:160]} for i, q in enumerate(captured_empty, 1)
        ],
        "rollup_outside_queries_ms": round(total - sum(q["ms"] for q in captured), 1),
    }
    print(f"  side by side, medians of {results['side_by_side']['reps']} rounds:", flush=True)
    for name, label in CONTENDERS.items():
        print(f"    {medians[name]!s:>9} ms  {label}")
    print("    ratios: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    for index, query in enumerate(captured, start=1):
        empty = captured_empty[index - 1]["ms"] if index <= len(captured_empty) else "-"
        print(
            f"      rollup query {index}: {query['ms']:>9} ms (store empty {empty:>9} ms)  "
            f"{query['sql'][:70]}"
        )
    if args.explain:
        common.OUT.mkdir(exist_ok=True)
        label = f"-{args.label}" if args.label else ""
        path = common.OUT / f"{scale}-{args.scope}{label}-explain.txt"
        sections = [
            (f"rollup query {i} ({q['ms']} ms, store filled)", q["sql"], q["params"])
            for i, q in enumerate(captured, 1)
        ]
        sections += [
            (f"rollup query {i} ({q['ms']} ms, store empty)", q["sql"], q["params"])
            for i, q in enumerate(captured_empty, 1)
            if i in (3, 4)
        ]
        sections += [
            ("(a) hand-written SQL", HAND_SQL, hand_params(campaign, period, unit, args.include)),
            (
                "(a1) hand-written SQL, the year shown only",
                HAND_SQL,
                hand_params(campaign, period, unit, args.include, trend=False),
            ),
            ("(g) generic reference", GENERIC_SQL, {"prefix": unit.path + "%"}),
        ]
        explain(sections, path)
        print(f"  EXPLAIN ANALYZE written to {path}")

    # (d) queries of the page, cold.
    small_queries = page_queries(user, campaign, args.year, small)
    large_queries = page_queries(user, campaign, args.year, large)
    no_session = len(page_queries(user, campaign, args.year, large, keep_session=False))
    results["page_queries"] = {
        "session_not_cached_large": no_session,
        "small": {
            "unit_id": small.pk,
            "name": small.name,
            "units": small_size,
            "queries": len(small_queries),
        },
        "large": {
            "unit_id": large.pk,
            "name": large.name,
            "units": large_size,
            "queries": len(large_queries),
        },
    }
    if len(small_queries) != len(large_queries) or len(large_queries) > TARGET_QUERIES:
        results["page_queries"]["small"]["sql"] = small_queries
        results["page_queries"]["large"]["sql"] = large_queries
    print(
        f"  (d) page queries: {len(small_queries)} at {small_size:,} units "
        f"({small.short_name or small.name}), {len(large_queries)} at {large_size:,} units "
        f"({large.short_name or large.name}); {no_session} when the session is not cached either",
        flush=True,
    )

    # (c) over HTTP.
    if not args.skip_http:
        results["http"] = http_bench(args, campaign, args.year, unit, small)
        for name in ("warm_up", "cold", "fill", "warm"):
            figures = results["http"][name]
            line = f"  (c) HTTP {name}: n={figures['n']}"
            if figures["n"]:
                line += f", p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms"
            if figures.get("error"):
                line += f"; stopped: {figures['error']}"
            if name == "warm" and "load_before_warm" in results["http"]:
                around = (results["http"]["load_before_warm"], results["http"]["load_after_warm"])
                line += "; load average before/after: " + " / ".join(
                    ", ".join(f"{x:.2f}" for x in load) for load in around
                )
            print(line, flush=True)

    # The targets.
    targets = {
        "figures equal (SQL = rollup)": (
            figures_match,
            ("equal" if figures_match else "differ")
            + (f" ({len(not_compared)} not compared: timeout)" if not_compared else ""),
        ),
        f"rollup cold <= {TARGET_RATIO} x hand SQL": (
            ratios["rollup / sql"] is not None
            and ratios["rollup / sql"] <= TARGET_RATIO
            and not timed_out,
            f"{medians['rollup']} / {medians['sql']} ms = {ratios['rollup / sql']}"
            f" (same year only: {ratios['rollup / sql_year']}; store empty:"
            f" {ratios['rollup_store_empty / sql']})",
        ),
        f"page queries equal and <= {TARGET_QUERIES}": (
            len(small_queries) == len(large_queries) <= TARGET_QUERIES,
            f"{len(small_queries)} @ {small_size:,} / {len(large_queries)} @ {large_size:,}",
        ),
    }
    if args.scope == "root" and scale == "national":
        targets[f"rollup cold <= {TARGET_RATIO} x generic aggregate"] = (
            ratios["rollup / generic"] is not None
            and ratios["rollup / generic"] <= TARGET_RATIO
            and not timed_out,
            f"{medians['rollup']} / {medians['generic']} ms = {ratios['rollup / generic']}",
        )
    if "http" in results:
        p95 = results["http"]["warm"].get("p95_ms")
        label = f"warm p95 <= {TARGET_WARM_P95_MS:.0f} ms" + (
            "" if scale == "national" else " (target set for national)"
        )
        value = f"{p95} ms (n={results['http']['warm']['n']})" if p95 is not None else "none"
        targets[label] = (p95 is not None and p95 <= TARGET_WARM_P95_MS, value)
    results["targets"] = {
        name: {"pass": ok, "value": value} for name, (ok, value) in targets.items()
    }

    width = max(len(name) for name in targets)
    print(f"\n{'target':<{width}}  {'result':<6}  value")
    for name, (ok, value) in targets.items():
        print(f"{name:<{width}}  {verdict(ok):<6}  {value}")

    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    code_after = fingerprint()
    results["code"] = {"before": code_before, "after": code_after}
    if code_after != code_before:
        print(f"WARNING: the code changed during the run: {code_before} -> {code_after}")
    print(
        f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    common.OUT.mkdir(exist_ok=True)
    name = scale if args.scope == "root" else f"{scale}-{args.scope}"
    out = common.OUT / f"{name}{f'-{args.label}' if args.label else ''}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nResults written to {out}")
    return 0 if figures_match else 1


if __name__ == "__main__":
    sys.exit(main())
