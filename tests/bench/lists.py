"""The CSPL board's working lists at province scale: the review queues with their "last step"
column, and the four Excel downloads that list every row.

    python -m tests.bench.lists [--explain] \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_province

Against a database of tests/bench/generate.py (it only reads it), as the bench reviewer
(reviewer at the root: the CSPL board), with Django's test client in this process, DEBUG
off, the cache in memory. Each request is timed twice in the same run, in rotating order
(one untimed round, then `--reps` rounds): as shipped, and with the queues' last step left
out (`campaign.listing.with_last_step` replaced by the queryset as it is), so that the ratio
"with / without" is what the column costs whatever the neighbours do. The obstacle and
inspection downloads have no last step: they are timed once per round, for their own cost.

With `--explain`, EXPLAIN (ANALYZE, BUFFERS) of the report queue's first page and of its
whole list (the Excel download's query) goes to out/lists-explain.txt, with the plan of the
step subqueries summed up (index scan or sequential scan, sort per row); then the whole
list's query is timed with and without the step index `(content_type, object_id, at)` (in a
transaction rolled back: the index is dropped for the measurement only).

Prints the medians, the ratios and the queries per request; writes out/lists.json.
"""

import argparse
import contextlib
import datetime
import io
import json
import os
import re
import statistics
import time
from unittest import mock

from tests.bench import common

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_province"
STEP_INDEX_COLUMNS = ("content_type_id", "object_id", "at")


def requests_to_time(district_pk, year):
    """(name, view name, query, has a last step): the pages and downloads measured."""
    area = {"parent": str(district_pk)}
    return [
        ("plan queue, first page", "review_queue", {}, True),
        ("plan queue, a district's", "review_queue", area, True),
        ("report queue, first page", "report_queue", {}, True),
        ("report queue, a district's, one year", "report_queue", {**area, "year": year}, True),
        ("report queue, any status, first page", "report_queue", {"status": ""}, True),
        ("plan queue excel", "review_queue_excel", {}, True),
        ("report queue excel", "report_queue_excel", {}, True),
        ("report queue excel, any status", "report_queue_excel", {"status": ""}, True),
        ("obstacles excel", "obstacle_list_excel", {}, False),
        ("inspections excel", "inspection_list_excel", {}, False),
    ]


def without_last_step():
    """The queues as they were before the last-step column: the same query, no subqueries."""
    return mock.patch("campaign.listing.with_last_step", lambda queryset: queryset)


def sheet_rows(content):
    """The table's data rows of a download (below its header row)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(n for n, row in enumerate(rows) if row and row[0] and row[1] and row[2])
    return rows[header + 1 :]


def fetch(client, url, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, query)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} {query}: HTTP {response.status_code}")
    return elapsed * 1000, len(queries), response


def check_downloads(client, cases, urls):
    """Each download lists the same rows with and without the column, as many as a count
    written here from the tables; with it, every sent report has a last step."""
    from django.db import connection

    today = datetime.date.today()
    with connection.cursor() as cursor:
        # The root reviewer's waiting queue: every submitted item of a unit open today.
        counts = {}
        for table in ("campaign_plan", "reports_annualreport"):
            sql = f"SELECT count(*) FROM {table} s JOIN units_unit u ON u.id = s.unit_id "  # noqa: S608 (fixed names)
            cursor.execute(
                sql + "WHERE s.status = 'submitted' AND (u.closed_on IS NULL OR u.closed_on > %s) "
                "AND (u.opened_on IS NULL OR u.opened_on <= %s)",
                [today, today],
            )
            counts[table] = cursor.fetchone()[0]
    expected = {
        "plan queue excel": counts["campaign_plan"],
        "report queue excel": counts["reports_annualreport"],
    }
    found = {}
    for name, view, query, has_step in cases:
        if not view.endswith("_excel"):
            continue
        _ms, _n, response = fetch(client, urls[name], query)
        rows = sheet_rows(response.content)
        found[name] = len(rows)
        if has_step:
            with without_last_step():
                _ms, _n, bare = fetch(client, urls[name], query)
            if len(sheet_rows(bare.content)) != len(rows):
                raise SystemExit(f"{name}: not the same rows without the last step")
        if name in expected and len(rows) != expected[name]:
            raise SystemExit(f"{name}: {len(rows)} rows, the tables count {expected[name]}")
        if name == "report queue excel":
            # Every waiting report was sent online by the generator: a "last step" cell each.
            from django.conf import settings
            from django.utils import translation

            with translation.override(settings.LANGUAGE_CODE):
                label = translation.gettext("Last step")
            column = sheet_rows_header(response.content).index(label)
            if any(row[column] in (None, "") for row in rows):
                raise SystemExit(f"{name}: a waiting report without its last step")
    return found


def sheet_rows_header(content):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return list(next(row for row in rows if row and row[0] and row[1] and row[2]))


def measure(client, cases, urls, reps, budget):
    """Medians of each request with and without the last step, in rotating order."""
    variants = []
    for name, _view, query, has_step in cases:
        variants.append((name, "with", query))
        if has_step:
            variants.append((name, "without", query))
    times = {(name, kind): [] for name, kind, _query in variants}
    queries = {}
    started = time.perf_counter()
    for rnd in range(reps + 1):
        shift = rnd % len(variants)
        for name, kind, query in variants[shift:] + variants[:shift]:
            context = without_last_step() if kind == "without" else contextlib.nullcontext()
            with context:
                ms, count, _response = fetch(client, urls[name], query)
            if rnd:
                times[(name, kind)].append(ms)
            queries[(name, kind)] = count
        if rnd >= 3 and time.perf_counter() - started > budget:
            break
    return {key: statistics.median(values) for key, values in times.items()}, queries, rnd


def summarise_plan(plan):
    """What the step subqueries do, from an EXPLAIN's text: each scan of campaign_step, whether
    it finds a row's steps by its object (object_id in the index condition) or reads all the
    steps of the kind and filters them, and how many times it ran."""
    lines = plan.splitlines()
    scans = []
    for n, line in enumerate(lines):
        if "on campaign_step" not in line:
            continue
        condition = next((x for x in lines[n + 1 : n + 3] if "Index Cond" in x), "")
        removed = next((x for x in lines[n + 1 : n + 4] if "Rows Removed by Filter" in x), "")
        loops = re.search(r"loops=(\d+)", line)
        scans.append(
            {
                "scan": "sequential" if "Seq Scan" in line else line.split("using ")[1].split()[0],
                "by object": "object_id" in condition,
                "loops": int(loops.group(1)) if loops else None,
                "rows removed per loop": int(removed.split(":")[1]) if removed else 0,
            }
        )
    sorts = sum("Sort Key: (CASE WHEN" in line for line in lines)
    return {"step scans": scans, "per-row sorts (CASE, at, id)": sorts}


def explain(client, urls, out):
    """EXPLAIN ANALYZE of the report queue's page and whole list; the whole list's query
    timed with and without the step index, the index dropped in a rolled-back transaction."""
    from django.db import connection, transaction
    from django.test import RequestFactory

    from campaign.annual_reports import ReportQueueFilter, reports
    from campaign.listing import filter_results, queue_filter
    from units.models import User

    request = RequestFactory().get(urls["report queue, first page"])
    request.user = User.objects.get(username=common.REVIEWER_USERNAME)
    found, _data, _sort = queue_filter(request, reports(), ReportQueueFilter)
    whole = filter_results(found)
    page = whole[:25]
    texts = {
        "report queue, first page": page.explain(analyze=True, buffers=True),
        "report queue, whole list (the download)": whole.explain(analyze=True, buffers=True),
    }
    summary = {name: summarise_plan(text) for name, text in texts.items()}
    sql, params = whole.query.sql_with_params()

    def timed(rounds=5):
        values = []
        with connection.cursor() as cursor:
            for _ in range(max(rounds, 1) + (rounds > 0)):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                values.append((time.perf_counter() - started) * 1000)
        return statistics.median(values[1:] if rounds else values)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'campaign_step' "
            "AND indexdef LIKE %s",
            ["%(" + ", ".join(STEP_INDEX_COLUMNS) + ")%"],
        )
        (index_name,) = cursor.fetchone()
    with_index = timed()
    # The same list without the column: what its three subqueries cost in the database.
    with without_last_step():
        found, _data, _sort = queue_filter(request, reports(), ReportQueueFilter)
        bare_sql, bare_params = filter_results(found).query.sql_with_params()
    with_column, params_kept, sql_kept = with_index, params, sql
    sql, params = bare_sql, bare_params
    without_column = timed()
    sql, params = sql_kept, params_kept
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX "{index_name}"')
        # Once: each row then reads every step of its kind (seconds).
        texts["whole list without the step index"] = whole.explain(analyze=True)
        without_index = timed(rounds=0)
        transaction.set_rollback(True)
    summary["whole list without the step index"] = summarise_plan(
        texts["whole list without the step index"]
    )
    path = out / "lists-explain.txt"
    path.write_text(
        "".join(f"=== {name}\n{text}\n\n" for name, text in texts.items()), encoding="utf-8"
    )
    return {
        "index": index_name,
        "plans": summary,
        "whole list SQL ms, with the last step": round(with_column, 1),
        "whole list SQL ms, without the last step": round(without_column, 1),
        "whole list SQL ms, with the last step, without the step index": round(without_index, 1),
        "file": str(path.relative_to(common.ROOT)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--budget", type=float, default=240, help="seconds for the rounds")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    common.configure_django(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from campaign.models import Campaign
    from units.models import Unit, User

    common.OUT.mkdir(exist_ok=True)
    district = Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("path").last()
    year = str(Campaign.objects.get(slug=common.CAMPAIGN_SLUG).first_year + common.YEARS - 1)
    cases = requests_to_time(district.pk, year)
    urls = {name: reverse(f"campaign:{view}") for name, view, _query, _step in cases}
    # The pages' static URLs without a collected manifest (as dashboard.py's part (d)).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    client = Client()
    client.force_login(User.objects.get(username=common.REVIEWER_USERNAME))

    rows = check_downloads(client, cases, urls)
    medians, queries, rounds = measure(client, cases, urls, args.reps, args.budget)
    explained = explain(client, urls, common.OUT) if args.explain else None
    load_after = os.getloadavg()

    print(f"\n{rounds} rounds, medians in ms (load {load_before[0]:.2f} → {load_after[0]:.2f})")
    print(f"{'request':<40} {'rows':>6} {'with':>9} {'without':>9} {'ratio':>6} {'queries':>8}")
    results = []
    for name, _view, _query, _has_step in cases:
        with_ms = medians[(name, "with")]
        without_ms = medians.get((name, "without"))
        ratio = with_ms / without_ms if without_ms else None
        results.append(
            {
                "request": name,
                "rows": rows.get(name),
                "with_ms": round(with_ms, 1),
                "without_ms": None if without_ms is None else round(without_ms, 1),
                "ratio": None if ratio is None else round(ratio, 2),
                "queries": queries[(name, "with")],
                "queries_without": queries.get((name, "without")),
            }
        )
        print(
            f"{name:<40} {rows.get(name, ''):>6} {with_ms:>9.1f} "
            f"{'' if without_ms is None else f'{without_ms:.1f}':>9} "
            f"{'' if ratio is None else f'{ratio:.2f}':>6} {queries[(name, 'with')]:>8}"
        )
    if explained:
        print(f"\nEXPLAIN ({explained['file']}), step index {explained['index']}:")
        for name, summary in explained["plans"].items():
            print(f"  {name}: {summary}")
        for key, value in explained.items():
            if key.startswith("whole list SQL"):
                print(f"  {key}: {value}")
    with connection.cursor() as cursor:
        machine = common.machine_info(cursor)
    result = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "database": common.database_name(args.database_url),
        "rounds": rounds,
        "results": results,
        "explain": explained,
        "load_before": load_before,
        "load_after": load_after,
        "machine": machine,
    }
    path = common.OUT / "lists.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"Written to {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
