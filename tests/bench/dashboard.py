"""Benchmark of the CSPL dashboard against a generated database (see generate.py).

    python -m tests.bench.dashboard [--scope root|province] \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_<scale>

In one run, side by side:

(a) a hand-written SQL aggregate (HAND_SQL below, one statement) giving the headline and
    per-child figures of the rollup by the same rules, checked equal to the rollup's;
(b) `reports.rollup.rollup` called directly (no cache), timed alternately with (a);
    medians and the ratio b/a, plus the time of each of the rollup's queries;
(c) the dashboard page over HTTP against gunicorn (4 workers, DEBUG off, Redis cache in a
    database of its own): cold (the cache emptied before each request, sessions kept) and
    warm, p50 and p95, every loop bounded in count and time;
(d) the number of queries of the page, cold, at ≈100 and at the largest subtree available
    (≈10,000 units at national scale), in-process with Django's test client.

Prints a table with PASS/MISS against the targets and writes tests/bench/out/<scale>.json
(<scale>-<scope>.json for a scope other than root).
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
TARGET_WARM_P95_MS = 30.0
TARGET_QUERIES = 12

# The rollup's headline and per-child figures, by the rules of reports/rollup.py:
# - expected: units of the subtree (the scope included) of an addressed kind, open at the
#   period's cut-off;
# - on time / late: submitted or accepted, first submission before / from the end of the
#   due day in Asia/Ho_Chi_Minh (passed in as an aware timestamp); returned; missing is the
#   rest; included: the reports whose figures count;
# - figures: the included reports of the units reporting for each child: expected units
#   with no expected unit between them and the child's level (the scope itself does not
#   block, so it reports for its own row when it is expected); the headline is the scope's
#   own report when it is expected, else every child's figures added up.
# One statement. Where the planner's estimates matter (its row estimates decide the plan and
# whether PostgreSQL's JIT compiles the query), the comments say why the SQL reads as it does.
HAND_SQL = """
WITH expected AS MATERIALIZED (
    SELECT u.id, u.path, u.depth, u.numchild
    FROM units_unit u
    WHERE u.path LIKE %(prefix)s
      AND u.kind = ANY(%(kinds)s)
      AND (u.opened_on IS NULL OR u.opened_on <= %(cutoff)s)
      AND (u.closed_on IS NULL OR u.closed_on > %(cutoff)s)
),
counts AS (
    SELECT substr(e.path, 1, %(child_len)s) AS child,
           count(*) AS expected,
           count(*) FILTER (WHERE r.status IN ('submitted', 'accepted')
                              AND r.first_submitted_at < %(due_end)s) AS on_time,
           count(*) FILTER (WHERE r.status IN ('submitted', 'accepted')
                              AND r.first_submitted_at >= %(due_end)s) AS late,
           count(*) FILTER (WHERE r.status = 'returned') AS returned,
           count(*) FILTER (WHERE r.status = ANY(%(included)s)) AS included
    FROM expected e
    LEFT JOIN reports_annualreport r
           ON r.unit_id = e.id AND r.campaign_id = %(campaign)s AND r.year = %(year)s
    GROUP BY ROLLUP (1)
),
intermediate AS (
    -- expected units strictly below the scope with units below them
    SELECT path, depth FROM expected WHERE depth > %(depth)s AND numchild > 0
),
nested AS (
    -- intermediate units with another one above them
    SELECT i.path
    FROM intermediate i
    JOIN generate_series(%(depth)s + 1, %(max_depth)s) AS k(depth) ON k.depth < i.depth
    JOIN intermediate j ON j.path = substr(i.path, 1, %(steplen)s * k.depth)
),
tops AS (
    -- those with no other one above them: their subtrees do not overlap
    SELECT path FROM intermediate EXCEPT SELECT path FROM nested
),
reporting AS MATERIALIZED (
    -- In path order (a depth-first walk; COLLATE "C" sorts bytes, fast) each unit follows
    -- the last top before it, the top itself first (top IS NULL sorts it before its own
    -- unit row). Inside that top's subtree, the top reports for the unit. The CASE … = 0
    -- form makes the planner guess few rows (the truth: one per branch), which keeps the
    -- look-ups below per row and the plan's cost under the JIT thresholds.
    SELECT id, substr(path, 1, %(child_len)s) AS child
    FROM (
        SELECT o.id, o.path,
               max(o.top) OVER (ORDER BY o.path COLLATE "C", o.top IS NULL
                                ROWS UNBOUNDED PRECEDING) AS last_top
        FROM (
            SELECT id, path, NULL AS top FROM expected
            UNION ALL
            SELECT NULL, path, path FROM tops
        ) o
    ) w
    WHERE id IS NOT NULL
      AND CASE WHEN path <> last_top AND left(path, length(last_top)) = last_top
               THEN 1 ELSE 0 END = 0
),
sums AS (
    -- one index look-up per reporting unit and per report (OFFSET 0 keeps them so)
    SELECT g.child, v.indicator_id, sum(v.int_value) AS total
    FROM reporting g
    CROSS JOIN LATERAL (
        SELECT r.id FROM reports_annualreport r
        WHERE r.unit_id = g.id AND r.campaign_id = %(campaign)s AND r.year = %(year)s
          AND r.status = ANY(%(included)s)
        OFFSET 0
    ) r
    CROSS JOIN LATERAL (
        SELECT v.indicator_id, v.int_value FROM reports_indicatorvalue v
        WHERE v.report_id = r.id
        OFFSET 0
    ) v
    JOIN campaign_indicator i ON i.id = v.indicator_id AND i.kind = 'integer'
    GROUP BY 1, 2
)
SELECT 'count' AS part, c.child, c.expected, c.on_time, c.late, c.returned,
       c.expected - c.on_time - c.late - c.returned AS missing, c.included,
       NULL::bigint AS indicator_id, NULL::bigint AS total
FROM counts c
UNION ALL
SELECT 'sum', s.child, NULL, NULL, NULL, NULL, NULL, NULL, s.indicator_id, s.total
FROM sums s
UNION ALL
SELECT 'headline', NULL, NULL, NULL, NULL, NULL, NULL, NULL, s.indicator_id, sum(s.total)
FROM sums s
WHERE s.child = %(path)s OR NOT EXISTS (SELECT 1 FROM expected WHERE id = %(unit)s)
GROUP BY s.indicator_id
"""

FIGURES = ("expected", "on_time", "late", "returned", "missing", "included")


# --- (a) and (b): the hand-written SQL and the rollup ------------------------------------------
def hand_params(campaign, period, unit, include):
    from reports.rollup import INCLUDE, end_of_day
    from units.models import Unit

    return {
        "prefix": unit.path + "%",
        "path": unit.path,
        "unit": unit.pk,
        "depth": unit.depth,
        "steplen": Unit.steplen,
        # No unit can be deeper than the path column allows.
        "max_depth": Unit._meta.get_field("path").max_length // Unit.steplen,
        "child_len": len(unit.path) + Unit.steplen,
        "kinds": list(campaign.addressed_kinds),
        "cutoff": period.ends_on,
        "due_end": end_of_day(period.due_on),
        "included": [str(s) for s in INCLUDE[include]],
        "campaign": campaign.pk,
        "year": period.year,
    }


def run_hand_sql(params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


def figures_from_sql(rows, codes, path_to_id):
    """The plain figures of the SQL's rows: {"headline": {...}, "children": {unit_id: {...}}}."""

    def empty():
        return {**dict.fromkeys(FIGURES, 0), "totals": dict.fromkeys(codes.values(), 0)}

    headline, children = empty(), {}
    for part, child, *counts, indicator_id, total in rows:
        if part == "count":
            target = headline if child is None else children.setdefault(child, empty())
            target.update(zip(FIGURES, counts, strict=True))
        elif part == "sum":
            children.setdefault(child, empty())["totals"][codes[indicator_id]] = int(total or 0)
        else:
            headline["totals"][codes[indicator_id]] = int(total or 0)
    return {
        "headline": headline,
        "children": {path_to_id.get(path, path): value for path, value in children.items()},
    }


def figures_from_rollup(data):
    def pick(group):
        return {**{key: group[key] for key in FIGURES}, "totals": dict(group["totals"])}

    return {
        "headline": pick(data["headline"]),
        "children": {row["unit_id"] or row.get("path"): pick(row) for row in data["by_child"]},
    }


def differences(mine, theirs, limit=10):
    found = []
    for name in ("headline",):
        if mine[name] != theirs[name]:
            found.append(f"headline: sql {mine[name]} != rollup {theirs[name]}")
    for key in sorted(set(mine["children"]) | set(theirs["children"]), key=str):
        a, b = mine["children"].get(key), theirs["children"].get(key)
        if a != b:
            found.append(f"child {key}: sql {a} != rollup {b}")
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


def check_figures(campaign, period, unit, include, codes):
    """Run both, compare; returns the list of differences (empty: equal)."""
    from reports.rollup import rollup
    from units.models import Unit

    params = hand_params(campaign, period, unit, include)
    paths = dict(
        Unit.objects.filter(path__startswith=unit.path, depth__lte=unit.depth + 1).values_list(
            "path", "pk"
        )
    )
    mine = figures_from_sql(run_hand_sql(params), codes, paths)
    try:
        theirs = figures_from_rollup(guarded(rollup, campaign, period.year, unit, include))
    except TimedOut:
        return ["the rollup ran into the statement timeout: not compared"], mine
    return differences(mine, theirs), mine


def time_side_by_side(campaign, period, unit, include, reps, budget):
    """(a) and (b) alternately, after one untimed run of each; at least three repetitions."""
    from reports.rollup import rollup

    params = hand_params(campaign, period, unit, include)
    sql_times, rollup_times = [], []
    run_hand_sql(params)
    t0 = time.perf_counter()
    try:
        guarded(rollup, campaign, period.year, unit, include)
    except TimedOut:
        # Not worth repeating: one timed-out run is the measurement.
        sql_times.append(_timed(run_hand_sql, params))
        return sql_times, [time.perf_counter() - t0], True
    started = time.perf_counter()
    for rep in range(reps):
        steps = [("sql", lambda: run_hand_sql(params))]
        steps.append(("rollup", lambda: guarded(rollup, campaign, period.year, unit, include)))
        if rep % 2:
            steps.reverse()
        for name, function in steps:
            t0 = time.perf_counter()
            try:
                function()
            except TimedOut:
                rollup_times.append(time.perf_counter() - t0)
                return sql_times, rollup_times, True
            (sql_times if name == "sql" else rollup_times).append(time.perf_counter() - t0)
        if rep >= 2 and time.perf_counter() - started > budget:
            break
    return sql_times, rollup_times, False


def _timed(function, *args):
    t0 = time.perf_counter()
    function(*args)
    return time.perf_counter() - t0


def rollup_queries(campaign, period, unit, include):
    """Each query of one rollup run with its time, and the time spent outside queries."""
    from django.db import connection

    from reports.rollup import rollup

    captured = []

    def timer(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append({"sql": sql, "params": params, "ms": ms(time.perf_counter() - t0)})

    t0 = time.perf_counter()
    with contextlib.suppress(TimedOut), connection.execute_wrapper(timer):
        guarded(rollup, campaign, period.year, unit, include)
    total = ms(time.perf_counter() - t0)
    return captured, total


def explain(captured, params, path):
    """EXPLAIN (ANALYZE, BUFFERS) of each rollup query and of the hand-written SQL."""
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for index, query in enumerate(captured, start=1):
            try:
                guarded(
                    cursor.execute, "EXPLAIN (ANALYZE, BUFFERS) " + query["sql"], query["params"]
                )
                plan = "\n".join(row[0] for row in cursor.fetchall())
            except TimedOut:
                cursor.execute("EXPLAIN " + query["sql"], query["params"])
                plan = "(statement timeout: the plan without ANALYZE)\n" + "\n".join(
                    row[0] for row in cursor.fetchall()
                )
            chunks.append(f"=== rollup query {index} ({query['ms']} ms)\n{query['sql']}\n\n{plan}")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + HAND_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        chunks.append(f"=== hand-written SQL\n{HAND_SQL}\n{plan}")
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
            "/dashboard/", {"campaign": campaign.pk, "year": year, "unit": unit.pk}
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


def flush_keeping_sessions(client, prefix):
    """Delete this run's cache keys except the sessions: the next request is cold."""
    doomed = [
        key
        for key in client.scan_iter(match=f"{prefix}:*", count=1000)
        if b"django.contrib.sessions" not in key
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
            return f"/dashboard/?{query}", escape(target.name).encode()

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
            result["warm"] = summary(
                *request_loop(browser, path, args.http_warm, args.http_seconds, None, marker)
            )
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
    codes = dict(campaign.indicators.filter(kind="integer").values_list("pk", "code"))
    user = User.objects.get(username=common.REVIEWER_USERNAME)
    facts, machine = database_facts()
    scope_units = Unit.objects.filter(path__startswith=unit.path).count()
    print(
        f"{common.database_name(args.database_url)} ({scale}): {facts['units']:,} units, "
        f"{facts['annual_reports']:,} reports, {facts['indicator_values']:,} values, "
        f"{facts['size']}; scope {unit.short_name or unit.name} ({scope_units:,} units), "
        f"year {args.year}, include {args.include}, jit {machine['postgresql_settings']['jit']}",
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

    # (a) = (b)? For the scope, both ways of counting, and the two subtrees of (d).
    sizes = subtree_sizes()
    small, small_size = nearest_unit(sizes, 100)
    large, large_size = nearest_unit(sizes, 10_000)
    checks = {}
    for checked_unit in dict.fromkeys([unit, small, large]):
        for include in ("accepted", "submitted"):
            found, _figures = check_figures(campaign, period, checked_unit, include, codes)
            checks[f"{checked_unit.pk}/{include}"] = found
            if found and "timeout" in found[0]:
                print(f"  unit {checked_unit.pk} ({include}): {found[0]}", flush=True)
                break  # one timed-out rollup per unit is enough
            for line in found:
                print(f"  MISMATCH unit {checked_unit.pk} ({include}): {line}", flush=True)
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

    # (a) and (b) side by side.
    sql_times, rollup_times, timed_out = time_side_by_side(
        campaign, period, unit, args.include, args.reps, args.budget
    )
    sql_ms, rollup_ms = ms(statistics.median(sql_times)), ms(statistics.median(rollup_times))
    ratio = rollup_ms / sql_ms if sql_ms else float("inf")
    if timed_out:
        print(f"  (b) the rollup ran into the {args.statement_timeout} s statement timeout")
    captured, total = rollup_queries(campaign, period, unit, args.include)
    results["sql_vs_rollup"] = {
        "rollup_timed_out": timed_out,
        "reps": len(sql_times),
        "sql_ms": [ms(t) for t in sql_times],
        "rollup_ms": [ms(t) for t in rollup_times],
        "sql_median_ms": sql_ms,
        "rollup_median_ms": rollup_ms,
        "ratio": round(ratio, 2),
        "rollup_queries": [
            {"n": i, "ms": q["ms"], "sql": q["sql"][:160]} for i, q in enumerate(captured, 1)
        ],
        "rollup_outside_queries_ms": round(total - sum(q["ms"] for q in captured), 1),
    }
    more = ">= " if timed_out else ""
    print(
        f"  (a) SQL {sql_ms} ms, (b) rollup {more}{rollup_ms} ms, b/a {more}{ratio:.2f}",
        flush=True,
    )
    for index, query in enumerate(captured, start=1):
        print(f"      rollup query {index}: {query['ms']:>9} ms  {query['sql'][:90]}")
    if args.explain:
        common.OUT.mkdir(exist_ok=True)
        path = common.OUT / f"{scale}-{args.scope}-explain.txt"
        explain(captured, hand_params(campaign, period, unit, args.include), path)
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
            print(line, flush=True)

    # The targets.
    targets = {
        "figures equal (SQL = rollup)": (
            figures_match,
            ("equal" if figures_match else "differ")
            + (f" ({len(not_compared)} not compared: timeout)" if not_compared else ""),
        ),
        f"rollup cold <= {TARGET_RATIO} x SQL": (
            ratio <= TARGET_RATIO and not timed_out,
            f"{more}{rollup_ms} / {sql_ms} ms = {more}{ratio:.2f}",
        ),
        f"page queries equal and <= {TARGET_QUERIES}": (
            len(small_queries) == len(large_queries) <= TARGET_QUERIES,
            f"{len(small_queries)} @ {small_size:,} / {len(large_queries)} @ {large_size:,}",
        ),
    }
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
    out = common.OUT / f"{name}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nResults written to {out}")
    return 0 if figures_match else 1


if __name__ == "__main__":
    sys.exit(main())
