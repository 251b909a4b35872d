"""Benchmark of the national 2025 reorganisation on a copy of the national bench data.

    python -m tests.bench.reorganisation \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_national

1. The copy: `<name>_reorg` (portal_bench_national_reorg) is dropped and created again from
   the national database (CREATE DATABASE … TEMPLATE), then migrated.
2. Before: the rollup (reports.rollup.rollup) at the national root and at one province
   that absorbs others (Vĩnh Long, which takes Bến Tre and Trà Vinh), for 2024 and for the
   latest year, kept to compare.
3. The acts, recorded as an administrator would: one `Reorganisation` per new provincial
   federation (34 acts, dated 01/07/2025), each made of `Operation` rows: create the new
   commune and ward unions under the federation that carries on; end every district
   federation of the group by `split` rows handing its open units to them (a district's
   own sector union goes to the provincial federation); merge each other federation of the
   group into it (`move_children`, `move_members`). Each act is previewed, then applied,
   both timed, their queries counted (django.test.utils.CaptureQueriesContext).
4. After (the copy vacuumed and analysed, as autovacuum would): the same rollups. 2024's
   figures must be identical to before, every field of the headline, of each child row,
   of each kind, of the trend, the content items, texts and reminders (history does not
   move): any difference is printed and the run exits with status 1 at the end. The
   latest year's differences are listed, not checked: the new tree is that year's tree.
5. Side by side: the rollups before (on the national database) and after (on the copy),
   cold (the cache cleared: the trend's store empty too) and warm (the store filled by the
   call before, as in the steady state), in rotating order; medians and after/before.

Results go to tests/bench/out/reorganisation.json (`--label` adds a suffix). The copy stays
for inspection; drop it with `--drop` or psql. `--reuse-copy` keeps the copy a full run left
(its acts applied) and runs 4 and 5 only, the figures before taken on the national
database: to measure the rollups again after a change of the rollup. `--groups` records
some acts only (by their number in MERGERS), for a quick try.
"""

import argparse
import collections
import contextlib
import dataclasses
import datetime
import hashlib
import inspect
import json
import os
import re
import statistics
import sys
import time

import psycopg2

from tests.bench import common
from tests.bench.generate import CITIES, PLACES, PROVINCES, split

# The 2025 mergers of provinces (Resolution 202/2025/QH15, in effect on 1 July 2025): the
# federation that carries on (the new province keeps its name) and the ones merged into
# it. The eleven without partners still end their district federations.
MERGERS = [
    ("Tuyên Quang", ["Hà Giang"]),
    ("Lào Cai", ["Yên Bái"]),
    ("Thái Nguyên", ["Bắc Kạn"]),
    ("Phú Thọ", ["Vĩnh Phúc", "Hòa Bình"]),
    ("Bắc Ninh", ["Bắc Giang"]),
    ("Hưng Yên", ["Thái Bình"]),
    ("Hải Phòng", ["Hải Dương"]),
    ("Ninh Bình", ["Hà Nam", "Nam Định"]),
    ("Quảng Trị", ["Quảng Bình"]),
    ("Đà Nẵng", ["Quảng Nam"]),
    ("Quảng Ngãi", ["Kon Tum"]),
    ("Gia Lai", ["Bình Định"]),
    ("Khánh Hòa", ["Ninh Thuận"]),
    ("Lâm Đồng", ["Đắk Nông", "Bình Thuận"]),
    ("Đắk Lắk", ["Phú Yên"]),
    ("TP Hồ Chí Minh", ["Bình Dương", "Bà Rịa – Vũng Tàu"]),
    ("Đồng Nai", ["Bình Phước"]),
    ("Tây Ninh", ["Long An"]),
    ("Cần Thơ", ["Sóc Trăng", "Hậu Giang"]),
    ("Vĩnh Long", ["Bến Tre", "Trà Vinh"]),
    ("Đồng Tháp", ["Tiền Giang"]),
    ("Cà Mau", ["Bạc Liêu"]),
    ("An Giang", ["Kiên Giang"]),
    ("Hà Nội", []),
    ("Thừa Thiên Huế", []),
    ("Lai Châu", []),
    ("Điện Biên", []),
    ("Sơn La", []),
    ("Lạng Sơn", []),
    ("Quảng Ninh", []),
    ("Thanh Hóa", []),
    ("Nghệ An", []),
    ("Hà Tĩnh", []),
    ("Cao Bằng", []),
]
# Commune-level units after 1 July 2025 (2,621 communes, 687 wards, 13 special zones): the
# commune and ward unions created, shared among the district federations by the open units
# each hands over.
COMMUNES = 3_321
MEASURED_PROVINCE = "Vĩnh Long"
HISTORY_YEAR = 2024
DECIDED_ON = datetime.date(2025, 6, 27)
SIGNER = "Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"
CHILDREN_CHARS = 2000  # Operation.children_codes' max_length


def log(message):
    print(message, flush=True)


def ms(seconds):
    return round(seconds * 1000, 1)


# --- the copy -------------------------------------------------------------------------------------
def copy_database(source_url, copy_name):
    """Drop and recreate `copy_name` from the source database; returns its URL and seconds."""
    source = common.database_name(source_url)
    if not copy_name.startswith("portal_bench"):
        sys.exit(f"Refusing to drop and recreate {copy_name!r}: its name must start with "
                 "portal_bench.")  # fmt: skip
    conn = psycopg2.connect(common.server_url(source_url))
    conn.autocommit = True
    started = time.perf_counter()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
        try:
            cursor.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{source}"')
        except psycopg2.errors.ObjectInUse:
            cursor.execute(
                "SELECT pid, usename, application_name, state FROM pg_stat_activity "
                "WHERE datname = %s",
                [source],
            )
            sys.exit(
                f"{source} is in use, so it cannot be copied: {cursor.fetchall()}. "
                "Wait for those sessions to end."
            )
    conn.close()
    return common.server_url(source_url, copy_name), time.perf_counter() - started


def use_database(name):
    """Point the default connection at another database of the same server (reconnects)."""
    from django.db import connections

    connection = connections["default"]
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name


def vacuum_analyze():
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


# --- the acts -------------------------------------------------------------------------------------
def province_units():
    """{province name: its provincial federation}, by the generator's short names."""
    from units.models import Unit

    by_short = {
        unit.short_name: unit for unit in Unit.objects.filter(depth__gt=1, kind=Unit.Kind.PROVINCE)
    }
    found = {name: by_short.get(f"LĐLĐ {name}") for name in PROVINCES}
    missing = [name for name, unit in found.items() if unit is None]
    if missing:
        sys.exit(f"Not the national bench data: no federation for {', '.join(missing)}.")
    return found


def check_mergers():
    names = [name for successor, others in MERGERS for name in (successor, *others)]
    counts = collections.Counter(names)
    if sorted(counts) != sorted(PROVINCES) or max(counts.values()) != 1 or len(MERGERS) != 34:
        sys.exit("MERGERS must name each of the 63 provinces once, in 34 groups.")


def district_plan(provinces, day):
    """Every district federation open on `day`, with its open units below, and the number
    of communes it is split into: {district pk: (district, [children], communes)}."""
    from units.models import Unit

    paths = [unit.path for unit in provinces.values()]
    districts = list(Unit.objects.in_subtree(*paths).open_on(day).filter(kind=Unit.Kind.DISTRICT))
    children = collections.defaultdict(list)
    by_path = {district.path: district.pk for district in districts}
    depths = {district.depth + 1 for district in districts}
    for unit in Unit.objects.open_on(day).filter(depth__in=depths):
        parent = by_path.get(unit.path[: -Unit.steplen])
        if parent is not None:
            children[parent].append(unit)
    grassroots = [
        sum(1 for child in children[d.pk] if child.kind == Unit.Kind.GRASSROOTS) for d in districts
    ]
    # At least one commune for each district that hands over grassroots unions.
    counts = split(COMMUNES - sum(1 for g in grassroots if g), grassroots)
    return {
        district.pk: (district, children[district.pk], count + (1 if g else 0))
        for district, g, count in zip(districts, grassroots, counts, strict=True)
    }


def build_acts(provinces, user, day, groups):
    """One draft Reorganisation per group of MERGERS, its operations in order; returns
    [(act, successor, others, facts)]."""
    from units.models import Operation, Reorganisation, Unit

    plan = district_plan(provinces, day)
    districts_of = collections.defaultdict(list)
    for district, children, count in plan.values():
        districts_of[district.path[: -Unit.steplen]].append((district, children, count))
    acts = []
    for number, (successor_name, others) in enumerate(MERGERS, start=1):
        if groups and number not in groups:
            continue
        successor = provinces[successor_name]
        merged = [provinces[name] for name in others]
        ward = "phường" if successor_name in CITIES else "xã"
        label = "Liên đoàn Lao động " + (
            f"thành phố {successor_name}" if successor_name in CITIES else f"tỉnh {successor_name}"
        )
        act = Reorganisation.objects.create(
            number=f"{number}/QĐ-TLĐ",
            decided_on=DECIDED_ON,
            signer=SIGNER,
            effective_on=day,
            note=(
                f"Hợp nhất {', '.join([successor_name, *others])} thành {label}; kết thúc hoạt "
                "động các Liên đoàn Lao động cấp huyện, thành lập công đoàn cấp xã."
                if others
                else f"{label}: kết thúc hoạt động các Liên đoàn Lao động cấp huyện, thành lập "
                "công đoàn cấp xã."
            ),
            created_by=user,
        )
        operations = []

        def add(operations=operations, act=act, **values):
            operations.append(Operation(reorganisation=act, position=len(operations) + 1, **values))

        communes, splits, moved = 0, [], 0
        for province in [successor, *merged]:
            for district, children, count in sorted(
                districts_of[province.path], key=lambda entry: entry[0].path
            ):
                grassroots = [c for c in children if c.kind == Unit.Kind.GRASSROOTS]
                others_below = [c for c in children if c.kind != Unit.Kind.GRASSROOTS]
                rows = []
                for size in split(len(grassroots), [1] * count) if grassroots else []:
                    communes += 1
                    place = PLACES[(communes - 1) % len(PLACES)]
                    if communes > len(PLACES):
                        place = f"{place} {(communes - 1) // len(PLACES) + 1}"
                    code = f"{successor.code}-X{communes:04d}"
                    add(
                        action=Operation.Action.CREATE,
                        code=code,
                        name=f"Công đoàn {ward} {place}",
                        short_name=f"CĐ {ward} {place}",
                        kind=Unit.Kind.COMMUNE,
                        target_code=successor.code,
                    )
                    taken, grassroots = grassroots[:size], grassroots[size:]
                    rows.extend((code, chunk) for chunk in chunks([c.code for c in taken]))
                if others_below:
                    # A district's own sector union (education) goes to the province.
                    rows.extend(
                        (successor.code, chunk) for chunk in chunks([c.code for c in others_below])
                    )
                moved += len(children)
                splits.append((district, rows))
        for district, rows in splits:
            if not rows:
                add(action=Operation.Action.CLOSE, unit_code=district.code)
            for target, codes in rows:
                add(
                    action=Operation.Action.SPLIT,
                    unit_code=district.code,
                    target_code=target,
                    children_codes=",".join(codes),
                )
        for province in merged:
            add(
                action=Operation.Action.MERGE,
                unit_code=province.code,
                target_code=successor.code,
                move_children=True,
                move_members=True,
            )
        Operation.objects.bulk_create(operations)
        units = Unit.objects.in_subtree(*(p.path for p in [successor, *merged])).count()
        facts = {
            "act": act.number,
            "successor": successor_name,
            "merged": others,
            "units": units,
            "operations": len(operations),
            "by_action": dict(collections.Counter(op.action for op in operations)),
            "communes": communes,
            "districts": len(splits),
            "moved_below_districts": moved,
        }
        acts.append((act, successor, merged, facts))
    return acts


def chunks(codes):
    """`codes` in comma-separated runs that fit Operation.children_codes."""
    run, length = [], 0
    for code in codes:
        if run and length + 1 + len(code) > CHILDREN_CHARS:
            yield run
            run, length = [], 0
        length += len(code) + (1 if run else 0)
        run.append(code)
    if run:
        yield run


# --- preview and apply, timed and counted ------------------------------------------------------
@contextlib.contextmanager
def counted_queries(facts):
    """CaptureQueriesContext over an unbounded log (the connection keeps only the last 9,000
    queries otherwise, and one act runs hundreds of thousands); `facts` gets the count, the
    time the queries took, the count by statement and the costliest statement shapes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    kept = connection.queries_log
    connection.queries_log = collections.deque()
    try:
        with CaptureQueriesContext(connection) as captured:
            yield
        facts.update(query_facts(captured.captured_queries))
    finally:
        connection.queries_log = kept


SHAPE = re.compile(r"'[^']*'|\b\d+\b")


def query_facts(queries):
    kinds = collections.Counter()
    shapes = collections.defaultdict(lambda: [0, 0.0])
    seconds = 0.0
    for query in queries:
        spent = float(query["time"])
        kinds[query["sql"].lstrip().split(" ", 1)[0].upper()] += 1
        seconds += spent
        shape = shapes[SHAPE.sub("?", query["sql"])[:150]]
        shape[0] += 1
        shape[1] += spent
    return {
        "queries": len(queries),
        "query_s": round(seconds, 1),
        "by_statement": dict(kinds.most_common()),
        "shapes": {
            sql: [n, round(spent, 2)]
            for sql, (n, spent) in sorted(shapes.items(), key=lambda kv: -kv[1][1])[:12]
        },
    }


def run_act(act, user):
    from units.reorganisations import reorganisation_apply, reorganisation_preview

    result = {"preview_queries": {}, "apply_queries": {}}
    with counted_queries(result["preview_queries"]):
        started = time.perf_counter()
        preview = reorganisation_preview(act)
        result["preview_s"] = round(time.perf_counter() - started, 2)
    with counted_queries(result["apply_queries"]):
        started = time.perf_counter()
        applied = reorganisation_apply(reorganisation=act, user=user)
        result["apply_s"] = round(time.perf_counter() - started, 2)
    result["did"] = {
        name: len(getattr(applied, name))
        for name in ("opened", "closed", "moved", "memberships_moved", "expected", "submissions")
    }
    previewed = {name: len(getattr(preview, name)) for name in result["did"]}
    if previewed != result["did"]:
        result["preview_differs"] = previewed
    return result


# --- the rollups -------------------------------------------------------------------------------
# What a year's rollup says about that year: compared field by field before and after.
# The trend's rows of the years whose cut-off is before the reorganisation are history too.
HISTORY_PARTS = (
    "headline", "by_child", "by_kind", "trend", "themes", "texts", "reminders",
)  # fmt: skip
# Shown, not checked: the trend's rows of later years (a rollup of 2024 shows 2025 too, on
# the new tree), where a child row's unit stands today, the area's open obstacles (counted
# whatever their year: today's state) and the breadcrumb (today's names).
CURRENT_PARTS = ("trend_later", "by_child_today", "obstacles", "ancestors")
# A child row's fields that say where its unit stands today (AreaRow.unit_path, for the
# access scope and the links), not where it stood in the year.
TODAY_FIELDS = ("unit_path",)


def row_key(row):
    return str(row.unit_id) if row.unit_id else f"scope {row.path}"


def figures(result, history_years):
    """The rollup's figures as plain data, by part; rows keyed by their unit (or kind, year)."""
    asdict = dataclasses.asdict
    return {
        "trend_later": {
            str(row.year): asdict(row) for row in result.trend if row.year not in history_years
        },
        "headline": asdict(result.headline),
        "by_child": {
            row_key(row): {k: v for k, v in asdict(row).items() if k not in TODAY_FIELDS}
            for row in result.by_child
        },
        "by_child_today": {
            row_key(row): {k: getattr(row, k) for k in TODAY_FIELDS if hasattr(row, k)}
            for row in result.by_child
        },
        "by_kind": {row.kind: asdict(row) for row in result.by_kind},
        "trend": {str(row.year): asdict(row) for row in result.trend if row.year in history_years},
        "themes": {str(row.pk): asdict(row) for row in result.themes},
        "texts": {
            "entries": [asdict(entry) for entry in result.texts],
            "more": result.texts_more,
        },
        "reminders": {"sent": result.reminders_sent, "manual": result.reminders_manual},
        "obstacles": {"open": result.obstacles_open, "overdue": result.obstacles_overdue},
        "ancestors": [asdict(crumb) for crumb in result.ancestors],
    }


def differences(before, after, parts):
    """Every field that differs, as 'part key field: before -> after'."""
    found = []

    def compare(prefix, a, b):
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(a) + [k for k in b if k not in a]:
                if key not in b:
                    found.append(f"{prefix} {key}: only before")
                elif key not in a:
                    found.append(f"{prefix} {key}: only after")
                else:
                    compare(f"{prefix} {key}", a[key], b[key])
        elif a != b:
            found.append(f"{prefix}: {a!r} -> {b!r}")

    for part in parts:
        compare(part, before[part], after[part])
    return found


def summarise(found):
    """How many differences per part and kind ('only before' rows, changed fields)."""
    counts = collections.Counter()
    for line in found:
        part = line.split(" ", 1)[0]
        if line.endswith("only before"):
            counts[f"{part}: rows only before"] += 1
        elif line.endswith("only after"):
            counts[f"{part}: rows only after"] += 1
        else:
            counts[f"{part}: fields changed"] += 1
    return dict(counts)


def history_years(campaign, day):
    """The campaign's years whose cut-off is before `day`: the reorganisation is not theirs."""
    from campaign.models import Period

    return {
        year
        for year in range(campaign.first_year, common.LAST_YEAR + 2)
        if Period.defaults(campaign, year)["ends_on"] < day
    }


def snapshot_rollups(campaign, scopes, years, day):
    """{(scope label, year): figures}, each rollup with the cache cleared first."""
    from django.core.cache import cache

    from reports.rollup import rollup

    past = history_years(campaign, day)
    taken = {}
    for label, unit in scopes.items():
        for year in years:
            cache.clear()
            taken[(label, year)] = figures(rollup(campaign, year, unit), past)
    return taken


def time_rollups(campaign, scopes, years, databases, reps):
    """Cold and warm rollup times per (scope, year, database), in rotating order of the
    databases and cases; returns {(scope, year, database, cold|warm): [seconds]}."""
    from django.core.cache import cache

    from reports.rollup import rollup

    cases = [(label, year, db) for label in scopes for year in years for db in databases]
    times = collections.defaultdict(list)
    for rep in range(reps + 1):  # the first round is not kept: connections, caches warm up
        shift = rep % len(cases)
        for label, year, db in cases[shift:] + cases[:shift]:
            use_database(db)
            cache.clear()
            unit = scopes[label]
            started = time.perf_counter()
            rollup(campaign, year, unit)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            rollup(campaign, year, unit)
            warm = time.perf_counter() - started
            if rep:
                times[(label, year, db, "cold")].append(cold)
                times[(label, year, db, "warm")].append(warm)
    return times


def query_times(campaign, scopes, years, databases, reps=3):
    """Each query of a warm rollup (the store filled), before and after: medians of `reps`
    runs in ms, by position; printed where a query's time moved by 20 ms or more."""
    from django.core.cache import cache
    from django.db import connection

    from reports.rollup import rollup

    found = {}
    for label, unit in scopes.items():
        for year in years:
            runs = {db: [] for db in databases}
            for _rep in range(reps):
                for db in databases:
                    use_database(db)
                    cache.clear()
                    rollup(campaign, year, unit)
                    captured = []

                    def timer(execute, sql, params, many, context, captured=captured):
                        started = time.perf_counter()
                        try:
                            return execute(sql, params, many, context)
                        finally:
                            captured.append((time.perf_counter() - started, sql))

                    with connection.execute_wrapper(timer):
                        rollup(campaign, year, unit)
                    runs[db].append(captured)
            rows = []
            first = runs[databases[0]][0]
            for index, (_seconds, sql) in enumerate(first):
                row = {"sql": " ".join(sql.split())[:100]}
                for name, db in zip(("before_ms", "after_ms"), databases, strict=True):
                    times = [run[index][0] for run in runs[db] if len(run) > index]
                    row[name] = ms(statistics.median(times)) if times else None
                rows.append(row)
            found[f"{label} {year}"] = rows
            moved = [r for r in rows if r["before_ms"] is not None and r["after_ms"] is not None
                     and abs(r["after_ms"] - r["before_ms"]) >= 20]  # fmt: skip
            for row in moved:
                log(
                    f"    {label} {year} warm, query {rows.index(row) + 1}: "
                    f"{row['before_ms']:,.1f} -> {row['after_ms']:,.1f} ms  {row['sql'][:70]}"
                )
    return found


# --- the run --------------------------------------------------------------------------------------
def fingerprint():
    files = (
        "reports/rollup.py",
        "units/reorganisations.py",
        "units/models.py",
        "campaign/reorganisations.py",
        "tests/bench/reorganisation.py",
    )
    return {
        name: hashlib.sha256((common.ROOT / name).read_bytes()).hexdigest()[:12]
        for name in files
        if (common.ROOT / name).exists()
    }


def tree_facts(day):
    from units.models import Unit

    open_units = Unit.objects.open_on(day)
    return {
        "units": Unit.objects.count(),
        "open": open_units.count(),
        "open_by_kind": dict(
            collections.Counter(open_units.values_list("kind", flat=True)).most_common()
        ),
        "provinces_under_root": open_units.filter(depth=2, kind=Unit.Kind.PROVINCE).count(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the national bench database")
    parser.add_argument("--copy", default="", help="default: <database>_reorg")
    parser.add_argument("--reps", type=int, default=5, help="rounds of the side-by-side timing")
    parser.add_argument(
        "--groups",
        default="",
        help="only these acts, by number in MERGERS (e.g. 20 or 1-3,20): a quick try",
    )
    parser.add_argument("--skip-timing", action="store_true", help="no side-by-side timing")
    parser.add_argument(
        "--reuse-copy",
        action="store_true",
        help="keep the copy a full run left (its acts applied): compare and time the rollups "
        "only, the figures before taken on the national database (after a change of the "
        "rollup: minutes instead of an hour)",
    )
    parser.add_argument("--drop", action="store_true", help="drop the copy at the end")
    parser.add_argument("--label", default="", help="suffix of the output file's name")
    args = parser.parse_args(argv)
    groups = set()
    for part in filter(None, args.groups.split(",")):
        low, _sep, high = part.partition("-")
        groups.update(range(int(low), int(high or low) + 1))
    return run(args, groups)


def run(args, groups):
    total = time.perf_counter()
    check_mergers()
    code = fingerprint()
    source = common.database_name(args.database_url)
    copy_name = args.copy or f"{source}_reorg"
    day = common.REORGANISATION_DAY
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "source": source,
        "copy": copy_name,
        "effective_on": day.isoformat(),
        "code": code,
        "load_average_at_start": os.getloadavg(),
        "steps_s": {},
    }
    steps = results["steps_s"]

    results["reused_copy"] = args.reuse_copy
    if args.reuse_copy:
        copy_url = common.server_url(args.database_url, copy_name)
        log(f"Reusing {copy_name}; the figures before from {source}")
    else:
        log(f"Copying {source} to {copy_name}")
        copy_url, seconds = copy_database(args.database_url, copy_name)
        steps["copy"] = round(seconds, 1)
        log(f"  copied ({seconds:.1f} s)")

    started = time.perf_counter()
    common.configure_django(copy_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    steps["migrate"] = round(time.perf_counter() - started, 1)

    from django.core.cache import cache
    from django.db import connection

    from campaign.models import Campaign
    from reports.rollup import rollup
    from units.models import Reorganisation, Unit, UnitState, User

    with connection.cursor() as cursor:
        results["machine"] = common.machine_info(cursor)
    if args.reuse_copy:
        applied = Reorganisation.objects.filter(status=Reorganisation.Status.APPLIED).count()
        if applied != len(MERGERS):
            sys.exit(f"{copy_name} holds {applied} applied acts, not {len(MERGERS)}: run without "
                     "--reuse-copy.")  # fmt: skip
        use_database(source)  # the figures before, on the national database
    campaign = Campaign.objects.get(slug=common.CAMPAIGN_SLUG)
    user = User.objects.get(username=common.REVIEWER_USERNAME)
    provinces = province_units()
    root = Unit.objects.get(code=common.NATIONAL_ROOT_CODE)
    measured = provinces[MEASURED_PROVINCE]
    scopes = {"root": root, MEASURED_PROVINCE: measured}
    years = [HISTORY_YEAR, common.LAST_YEAR]
    results["tree_before"] = tree_facts(day)
    results["scope_units_before"] = {
        label: Unit.objects.in_subtree(unit.path).count() for label, unit in scopes.items()
    }

    started = time.perf_counter()
    before = snapshot_rollups(campaign, scopes, years, day)
    steps["rollups_before"] = round(time.perf_counter() - started, 1)
    log(f"  rollups before: {len(before)} ({steps['rollups_before']} s)")

    started = time.perf_counter()
    if args.reuse_copy:
        use_database(copy_name)
        acts = []  # applied already
    else:
        acts = build_acts(provinces, user, day, groups)
    steps["build_acts"] = round(time.perf_counter() - started, 1)
    operations = sum(facts["operations"] for _act, _s, _m, facts in acts)
    log(
        f"  {len(acts)} acts, {operations:,} operations, "
        f"{sum(f['communes'] for _a, _s, _m, f in acts):,} communes "
        f"({steps['build_acts']} s)"
    )

    results["acts"] = []
    started = time.perf_counter()
    for act, _successor, _merged, facts in acts:
        done = run_act(act, user)
        results["acts"].append({**facts, **done})
        log(
            f"  {facts['act']:>9} {facts['successor']:<16} {facts['units']:>6,} units "
            f"{facts['operations']:>5,} ops {facts['moved_below_districts']:>6,} moved: "
            f"preview {done['preview_s']:6.1f} s ({done['preview_queries']['queries']:,} "
            f"queries), apply {done['apply_s']:6.1f} s ({done['apply_queries']['queries']:,} "
            "queries)"
            + (f" PREVIEW DIFFERS {done['preview_differs']}" if "preview_differs" in done else "")
        )
    steps["acts"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    overlaps = UnitState.objects.overlapping()
    results["eras_overlapping"] = len(overlaps)
    results["tree_after"] = tree_facts(day)
    results["scope_units_after"] = {
        label: Unit.objects.in_subtree(unit.path).count() for label, unit in scopes.items()
    }
    steps["check_tree"] = round(time.perf_counter() - started, 1)
    if not args.reuse_copy:
        steps["vacuum_analyze"] = round(vacuum_analyze(), 1)
    log(f"  eras overlapping: {len(overlaps)}; VACUUM (ANALYZE) {steps.get('vacuum_analyze')} s")

    started = time.perf_counter()
    after = snapshot_rollups(campaign, scopes, years, day)
    steps["rollups_after"] = round(time.perf_counter() - started, 1)

    history_broken = False
    results["comparison"] = {}
    for (label, year), was in before.items():
        now = after[(label, year)]
        checked = differences(was, now, HISTORY_PARTS)
        shown = differences(was, now, CURRENT_PARTS)
        key = f"{label} {year}"
        results["comparison"][key] = {
            "checked": year == HISTORY_YEAR,
            "differences": len(checked),
            "summary": summarise(checked),
            "first": checked[:40],
            "current_state": shown[:10],
            "headline_before": {k: was["headline"][k] for k in ("expected", "included", "reports")},
            "headline_after": {k: now["headline"][k] for k in ("expected", "included", "reports")},
            "children": [len(was["by_child"]), len(now["by_child"])],
        }
        verdict = "identical" if not checked else f"{len(checked)} differences"
        if year == HISTORY_YEAR and checked:
            history_broken = True
            verdict = f"DIFFERENT ({len(checked)} fields or rows)"
        log(
            f"  {key}: {verdict}; children {len(was['by_child'])} -> {len(now['by_child'])}; "
            f"expected {was['headline']['expected']:,} -> {now['headline']['expected']:,}; "
            f"reports {was['headline']['reports']:,} -> {now['headline']['reports']:,}"
        )
        if checked:
            for part, count in summarise(checked).items():
                log(f"      {part}: {count}")
            limit = 12 if year == HISTORY_YEAR else 4
            for line in checked[:limit]:
                log(f"      {line[:220]}")
        for line in shown[:3]:
            log(f"      (not history) {line[:200]}")

    # Shown, not checked: the same past year regrouped on today's tree, where the reader asks
    # for it (rollup(..., tree="today"), where the code offers it): there a merged unit's
    # reports count under its successor, so the figures of an absorbing province grow.
    if "tree" in inspect.signature(rollup).parameters:
        results["regrouped_on_today"] = {}
        for label, unit in scopes.items():
            cache.clear()
            now = figures(
                rollup(campaign, HISTORY_YEAR, unit, tree="today"),
                history_years(campaign, day),
            )
            was = before[(label, HISTORY_YEAR)]
            found = differences(was, now, ("headline", "by_child"))
            key = f"{label} {HISTORY_YEAR}"
            results["regrouped_on_today"][key] = {
                "differences": len(found),
                "summary": summarise(found),
                "children": [len(was["by_child"]), len(now["by_child"])],
                "expected": [was["headline"]["expected"], now["headline"]["expected"]],
                "reports": [was["headline"]["reports"], now["headline"]["reports"]],
            }
            log(
                f"  {key} regrouped on today's tree (not checked): {len(found)} differences; "
                f"children {len(was['by_child'])} -> {len(now['by_child'])}; expected "
                f"{was['headline']['expected']:,} -> {now['headline']['expected']:,}; reports "
                f"{was['headline']['reports']:,} -> {now['headline']['reports']:,}"
            )

    if not args.skip_timing:
        started = time.perf_counter()
        times = time_rollups(campaign, scopes, years, [source, copy_name], args.reps)
        steps["side_by_side"] = round(time.perf_counter() - started, 1)
        medians = {key: statistics.median(value) for key, value in times.items()}
        table = []
        log(f"  rollup times, medians of {args.reps} rounds (ms): before / after = ratio")
        for label in scopes:
            for year in years:
                row = {"scope": label, "year": year}
                for state in ("cold", "warm"):
                    was = medians[(label, year, source, state)]
                    now = medians[(label, year, copy_name, state)]
                    row[state] = {"before_ms": ms(was), "after_ms": ms(now),
                                  "ratio": round(now / was, 2)}  # fmt: skip
                table.append(row)
                log(
                    f"    {label:<10} {year}: cold {row['cold']['before_ms']:>8,.1f} / "
                    f"{row['cold']['after_ms']:>8,.1f} = {row['cold']['ratio']:.2f}   warm "
                    f"{row['warm']['before_ms']:>8,.1f} / {row['warm']['after_ms']:>8,.1f} = "
                    f"{row['warm']['ratio']:.2f}"
                )
        results["rollup_times"] = table
        started = time.perf_counter()
        results["rollup_queries_warm_ms"] = query_times(
            campaign, scopes, years, [source, copy_name]
        )
        steps["query_times"] = round(time.perf_counter() - started, 1)
        results["rollup_times_raw_ms"] = {
            " ".join(map(str, key)): [ms(v) for v in value] for key, value in times.items()
        }
    cache.clear()

    preview_s = sum(a["preview_s"] for a in results["acts"])
    apply_s = sum(a["apply_s"] for a in results["acts"])
    results["totals"] = {
        "acts": len(results["acts"]),
        "operations": operations,
        "preview_s": round(preview_s, 1),
        "apply_s": round(apply_s, 1),
        "preview_queries": sum(a["preview_queries"]["queries"] for a in results["acts"]),
        "apply_queries": sum(a["apply_queries"]["queries"] for a in results["acts"]),
        "apply_query_s": round(sum(a["apply_queries"]["query_s"] for a in results["acts"]), 1),
        "moved_below_districts": sum(a["moved_below_districts"] for a in results["acts"]),
        "run_s": round(time.perf_counter() - total, 1),
    }
    moved = results["totals"]["moved_below_districts"]
    if moved:
        results["totals"]["apply_ms_per_moved_unit"] = round(1000 * apply_s / moved, 1)
        results["totals"]["apply_queries_per_moved_unit"] = round(
            results["totals"]["apply_queries"] / moved, 1
        )
    shapes = collections.defaultdict(lambda: [0, 0.0])
    for act in results["acts"]:
        for sql, (n, spent) in act["apply_queries"]["shapes"].items():
            shapes[sql][0] += n
            shapes[sql][1] += spent
    results["totals"]["apply_costliest_statements"] = {
        sql: [n, round(spent, 1)]
        for sql, (n, spent) in sorted(shapes.items(), key=lambda kv: -kv[1][1])[:8]
    }
    results["history_identical"] = not history_broken
    results["load_average_at_end"] = os.getloadavg()
    if fingerprint() != code:
        results["code_changed_during_run"] = fingerprint()
        log("  WARNING: the code measured changed during the run")
    t = results["totals"]
    if args.reuse_copy:
        t["apply_costliest_statements"] = {}
        log(f"Run {t['run_s']:,} s (the acts applied by an earlier run)")
    else:
        log(
            f"Total: {t['acts']} acts, {t['operations']:,} operations; "
            f"preview {t['preview_s']:,} s "
            f"({t['preview_queries']:,} queries), apply {t['apply_s']:,} s "
            f"({t['apply_queries']:,} queries, {t['apply_query_s']:,} s in the database); "
            f"{t.get('apply_ms_per_moved_unit', 0)} ms and "
            f"{t.get('apply_queries_per_moved_unit', 0)} queries per unit moved; "
            f"run {t['run_s']:,} s"
        )
    for sql, (n, spent) in t["apply_costliest_statements"].items():
        log(f"    {spent:>8,.1f} s {n:>9,}  {sql[:110]}")
    common.OUT.mkdir(exist_ok=True)
    name = "reorganisation" + (f"-{args.label}" if args.label else "") + ".json"
    (common.OUT / name).write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    log(f"Written to {common.OUT / name}")

    if args.drop:
        connection.close()
        conn = psycopg2.connect(common.server_url(args.database_url))
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
        conn.close()
    if history_broken:
        log(f"FAIL: the {HISTORY_YEAR} figures changed with the reorganisation (history moved).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
