"""Benchmark of the unit import (units.importing) on generated files, row by row against in
bulk, in one run on the same data.

    python -m tests.bench.unit_import \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_import [--drop]

1. The database (its name must start with portal_bench) is dropped, created and migrated:
   an empty tree.
2. For each size (`--sizes`, 1,000 / 5,000 / 10,000 rows), a .csv file of a province: one
   provincial federation, its district federations (one for 200 rows), five commune unions
   under each and the grassroots unions under those (four levels, the deepest a file of
   the federation holds). Four imports of it, each inside a transaction rolled back
   afterwards, so that both ways start from the same tree:
   - `create`: the file into the empty tree;
   - `unchanged`: the file again over the tree it made (the commonest re-import);
   - `changed`: the file with 10 % of the units renamed, 1 % of the grassroots unions moved
     to another commune union and 5 % new grassroots unions, over that tree;
   - `moved`: the file with 10 % of the grassroots unions moved to another commune union
     and one commune union in five (with its grassroots unions) to the next district
     federation, over that tree.
   Each import runs two ways, in rotating order (`--reps` rounds): `row_by_row`, the way
   every import ran before (units.importing._apply, one unit after another: a unit added
   or moved and its history synced per unit; it is still the way a file with a refused
   row takes, to name the row), and `bulk`, the way it runs now (_apply_level: level by
   level). The `moved` file also runs `bulk_before`: in bulk, with the moves made as they
   were before they were made in bulk too (UnitManager.move_under as it was then, for each
   new parent, one UPDATE a unit moved: `_move_under_before`). Seconds and queries
   (django.test.utils.CaptureQueriesContext over an unbounded log) of `import_units`;
   reading the file is timed apart (the same both ways).
3. Checked every time: the same counts both ways, the same tree and history (every unit's
   parent, path, depth, child count, fields, every era), treebeard's `find_problems()`
   empty and no era overlapping. A difference is printed and the run exits with status 1.

Results go to tests/bench/out/unit_import.json (`--label` adds a suffix). `--drop` drops
the database at the end.
"""

import argparse
import collections
import contextlib
import csv
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

from tests.bench import common

DISTRICT_ROWS = 200  # one district federation for this many rows
COMMUNES = 5  # commune unions under each district federation


def log(message):
    print(message, flush=True)


class _Different(Exception):
    pass


def province_rows(size):
    """The rows of a province's file of `size` rows: [code, name, kind, parent_code]."""
    districts = max(1, size // DISTRICT_ROWS)
    grassroots = size - 1 - districts * (1 + COMMUNES)
    rows = [["P", "Liên đoàn Lao động tỉnh", "province", ""]]
    communes = []
    for d in range(districts):
        rows.append([f"D{d}", f"LĐLĐ huyện {d}", "district", "P"])
        for c in range(COMMUNES):
            communes.append(f"D{d}-C{c}")
            rows.append([communes[-1], f"Công đoàn xã {d}.{c}", "commune", f"D{d}"])
    rows += [
        [f"G{g}", f"CĐCS Doanh nghiệp {g}", "grassroots", communes[g % len(communes)]]
        for g in range(grassroots)
    ]
    return rows


def changed_rows(rows):
    """10 % renamed, 1 % of the grassroots unions moved, 5 % new grassroots unions."""
    communes = [row[0] for row in rows if row[2] == "commune"]
    changed = []
    for index, (code, name, kind, parent) in enumerate(rows):
        if index % 10 == 3:
            name += " (tên đúng)"
        if kind == "grassroots" and index % 100 == 7:
            parent = communes[(communes.index(parent) + 1) % len(communes)]
        changed.append([code, name, kind, parent])
    new = len(rows) // 20
    changed += [
        [f"N{n}", f"CĐCS mới {n}", "grassroots", communes[n % len(communes)]] for n in range(new)
    ]
    return changed


def moved_rows(rows):
    """A reorganising file: 10 % of the grassroots unions moved to another commune union,
    and one commune union in five, with the grassroots unions under it, moved to the next
    district federation (none when the province has one)."""
    districts = [row[0] for row in rows if row[2] == "district"]
    communes = [row[0] for row in rows if row[2] == "commune"]
    moved = []
    for index, (code, name, kind, parent) in enumerate(rows):
        if kind == "grassroots" and index % 10 == 7:
            parent = communes[(communes.index(parent) + 1) % len(communes)]
        if kind == "commune" and communes.index(code) % 5 == 2 and len(districts) > 1:
            parent = districts[(districts.index(parent) + 1) % len(districts)]
        moved.append([code, name, kind, parent])
    return moved


def write_csv(folder, name, rows):
    path = Path(folder) / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent_code", "opened_on"])
        writer.writerows([*row, "01/01/2015"] for row in rows)
    return path


@contextlib.contextmanager
def counted(facts):
    """CaptureQueriesContext over an unbounded log (the connection keeps the last 9,000
    queries otherwise); `facts` gets the count and the seconds spent in the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    kept = connection.queries_log
    connection.queries_log = collections.deque()
    try:
        with CaptureQueriesContext(connection) as captured:
            yield
        facts["queries"] = len(captured.captured_queries)
        facts["query_s"] = sum(float(query["time"]) for query in captured.captured_queries)
    finally:
        connection.queries_log = kept


def _move_level_before(rows, paths, existing, parents, changes, result, today):
    """units.importing._move_level before moves were made in bulk (7 December 2026, commit
    101ca9d): `UnitManager.move_under` for each new parent, one UPDATE a unit moved."""
    from units.importing import _parent_label
    from units.models import Unit

    by_target = {}
    for row in rows:
        by_target.setdefault(row.parent_code or None, []).append(row)
    if not by_target:
        return
    codes = [row.code for group in by_target.values() for row in group]
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    for target_code, group in by_target.items():
        target = parents[target_code] if target_code else None
        if target is not None:
            _move_under_before([units[row.code] for row in group], target)
        else:
            for row in group:
                last = Unit.objects.get_last_root_node()
                Unit.objects.move(units[row.code], last, pos="last-sibling")
        for row in group:
            current_parent = existing[row.code][1]
            before = existing[current_parent][0] if current_parent else None
            opens = units[row.code].opened_on
            change = changes[row.code]
            change.parent = (_parent_label(before), _parent_label(target))
            change.moved_on = opens if opens and opens > today else today
            result.moved += 1


def _move_under_before(nodes, target):
    """UnitManager.move_under before it moved its nodes with move_to (8 December 2026): one
    UPDATE of a node's subtree for each node, one of the count for each parent left."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr
    from django.utils import timezone

    from units.dataversion import bump_data_version
    from units.models import Unit, UnitState

    steplen = Unit.steplen
    current = {unit.pk: unit for unit in Unit.objects.filter(pk__in=[n.pk for n in nodes])}
    target.refresh_from_db()
    step = Unit.objects.last_child_step(target)
    first_new_path = None
    left = collections.Counter()
    for node in nodes:
        unit = current[node.pk]
        step += 1
        new_path = Unit._get_path(target.path, target.depth + 1, step)
        first_new_path = first_new_path or new_path
        Unit.objects.filter(path__startswith=unit.path).update(
            depth=F("depth") + (target.depth + 1 - unit.depth),
            path=Concat(Value(new_path), Substr("path", len(unit.path) + 1)),
        )
        left[unit.path[:-steplen]] += 1
    for parent_path, count in left.items():
        if parent_path:
            Unit.objects.filter(path=parent_path).update(numchild=F("numchild") - count)
    Unit.objects.filter(pk=target.pk).update(numchild=F("numchild") + len(nodes))
    bump_data_version()
    target.refresh_from_db()
    moved = Unit.objects.filter(path__startswith=target.path, path__gte=first_new_path)
    UnitState.objects.sync(list(moved.values_list("pk", flat=True)), timezone.localdate())


def _write_eras_before(self):
    """units.models._Splits.write before it wrote in one statement (commit 101ca9d)."""
    from units.models import UnitState

    UnitState.objects.bulk_update(self.ended, ["valid_until"], batch_size=1000)
    if self.corrected:
        UnitState.objects.bulk_update(
            self.corrected, sorted(self.corrected_fields), batch_size=1000
        )
    UnitState.objects.bulk_create(self.new, batch_size=1000)


@contextlib.contextmanager
def one_by_one(way):
    """The import as it ran before 2026-12-07 (`row_by_row`), in bulk with the moves as
    they were made before they were made in bulk (`bulk_before`: only for files that move
    and create nothing, where both number the same paths), or as it runs now (`bulk`)."""
    from units import importing, models

    if way == "bulk":
        yield
        return
    if way == "bulk_before":
        kept = importing._move_level, models._Splits.write
        importing._move_level, models._Splits.write = _move_level_before, _write_eras_before
        try:
            yield
        finally:
            importing._move_level, models._Splits.write = kept
        return

    def refused(*args, **kwargs):
        raise importing._Refused

    kept = importing._apply_level
    importing._apply_level = refused
    try:
        yield
    finally:
        importing._apply_level = kept


def snapshot():
    """The tree and its history as plain values (by code: the keys differ between runs)."""
    from units.models import Unit, UnitState

    units = {
        pk: (code, path, depth, numchild, name, short_name, kind, opened_on, closed_on)
        for pk, code, path, depth, numchild, name, short_name, kind, opened_on, closed_on in (
            Unit.objects.values_list(
                "pk",
                "code",
                "path",
                "depth",
                "numchild",
                "name",
                "short_name",
                "kind",
                "opened_on",
                "closed_on",
            )
        )
    }
    eras = sorted(
        (units[unit_id][0], units[parent_id][0] if parent_id else None, *rest)
        for unit_id, parent_id, *rest in UnitState.objects.values_list(
            "unit_id",
            "parent_id",
            "valid_from",
            "valid_until",
            "is_open",
            "path",
            "depth",
            "kind",
            "name",
            "short_name",
        )
    )
    return sorted(units.values()), eras


def sound():
    from units.models import Unit, UnitState

    problems = [len(found) for found in Unit.objects.find_problems()]
    overlaps = len(UnitState.objects.overlapping())
    return {"find_problems": problems, "overlapping_eras": overlaps}


def import_once(rows, way, base_rows, user, source):
    """One import inside a transaction rolled back; its time, queries, counts and tree."""
    from django.db import transaction

    from units.importing import import_units

    facts = {}
    with transaction.atomic():
        if base_rows is not None:
            import_units([dict(row) for row in base_rows])
        with one_by_one(way), counted(facts):
            started = time.perf_counter()
            result = import_units([dict(row) for row in rows], user=user, source=source)
            facts["seconds"] = time.perf_counter() - started
        facts["result"] = {
            "created": result.created,
            "updated": result.updated,
            "moved": result.moved,
            "unchanged": result.unchanged,
            "names_corrected": result.names_corrected,
            "changes_described": [change.describe() for change in result.changes[:20]],
        }
        facts["tree"] = snapshot()
        facts["sound"] = sound()
        transaction.set_rollback(True)
    return facts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/portal_bench_import",
        help="dropped and created again: its name must start with portal_bench",
    )
    parser.add_argument("--sizes", default="1000,5000,10000", help="rows of the files")
    parser.add_argument(
        "--scenarios",
        default="create,unchanged,changed,moved",
        help="which files to import (create, unchanged, changed, moved)",
    )
    parser.add_argument("--reps", type=int, default=1, help="rounds of each import, each way")
    parser.add_argument(
        "--row-by-row-max",
        type=int,
        default=1000,
        help="the row-by-row way only up to this size (it takes minutes beyond)",
    )
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--label", default="", help="suffix of the output file's name")
    args = parser.parse_args(argv)
    name = common.database_name(args.database_url)
    if not name.startswith("portal_bench"):
        sys.exit(f"Refusing to drop and recreate {name!r}: its name must start with portal_bench.")
    conn = psycopg2.connect(common.server_url(args.database_url))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        return run(args, [int(size) for size in args.sizes.split(",")])
    finally:
        if args.drop:
            from django.db import connections

            connections.close_all()
            with conn.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def run(args, sizes):
    common.configure_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from units.importing import read_rows
    from units.models import User

    translation.activate("vi")
    call_command("migrate", verbosity=0, interactive=False)
    user = User.objects.create_user("bench-importer", is_staff=True)
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
        "reps": args.reps,
        "sizes": {},
    }
    with connection.cursor() as cursor:
        results["machine"] = common.machine_info(cursor)
    different = False
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            rows = province_rows(size)
            files = {
                "create": (write_csv(folder, f"units-{size}.csv", rows), False),
                "unchanged": (write_csv(folder, f"units-{size}.csv", rows), True),
                "changed": (write_csv(folder, f"changed-{size}.csv", changed_rows(rows)), True),
                "moved": (write_csv(folder, f"moved-{size}.csv", moved_rows(rows)), True),
            }
            base = read_rows(files["create"][0])
            files = {key: value for key, value in files.items() if key in args.scenarios.split(",")}
            by_scenario = results["sizes"][size] = {}
            for scenario, (path, over_tree) in files.items():
                started = time.perf_counter()
                read = read_rows(path)
                read_s = time.perf_counter() - started
                runs = {"row_by_row": [], "bulk": []}
                if scenario == "moved":
                    runs = {"row_by_row": [], "bulk_before": [], "bulk": []}
                if size > args.row_by_row_max:
                    del runs["row_by_row"]
                ways = list(runs)
                for rep in range(args.reps):
                    for way in ways[rep % 2 :] + ways[: rep % 2]:
                        runs[way].append(
                            import_once(read, way, base if over_tree else None, user, path.name)
                        )
                first = {way: found[0] for way, found in runs.items()}
                checks = []
                for key in ("result", "tree"):
                    for way in first:
                        if first[way][key] != first["bulk"][key]:
                            checks.append(f"{key} differs ({way})")
                for way, found in runs.items():
                    for facts in found:
                        if facts["sound"] != {"find_problems": [0] * 5, "overlapping_eras": 0}:
                            checks.append(f"{way}: {facts['sound']}")
                different |= bool(checks)
                summary = {
                    "rows": len(read),
                    "read_s": round(read_s, 2),
                    "result": {
                        key: value
                        for key, value in first["bulk"]["result"].items()
                        if key != "changes_described"
                    },
                    "checks": checks or "same tree, sound",
                }
                for way, found in runs.items():
                    summary[way] = {
                        "seconds": round(statistics.median(f["seconds"] for f in found), 2),
                        "queries": found[0]["queries"],
                        "query_s": round(statistics.median(f["query_s"] for f in found), 2),
                    }
                by_scenario[scenario] = summary
                new = summary["bulk"]
                old = summary.get("row_by_row")
                before = (
                    f"row by row {old['seconds']:>7,.2f} s {old['queries']:>7,} queries | "
                    if old
                    else f"{'row by row not run':<40}| "
                )
                earlier = summary.get("bulk_before")
                if earlier:
                    before += (
                        f"bulk before {earlier['seconds']:>6,.2f} s "
                        f"{earlier['queries']:>5,} queries | "
                    )
                log(
                    f"{size:>6,} rows, {scenario:<9}: {before}bulk {new['seconds']:>6,.2f} s "
                    f"{new['queries']:>4,} queries"
                    + (f" | ×{old['seconds'] / new['seconds']:.0f}" if old else "")
                    + f" | read {summary['read_s']:.2f} s | {summary['checks']}"
                )
    results["load_average_at_end"] = os.getloadavg()
    common.OUT.mkdir(exist_ok=True)
    out = common.OUT / ("unit_import" + (f"-{args.label}" if args.label else "") + ".json")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    log(f"Written to {out}")
    if different:
        log("FAIL: the two ways left different trees, or an unsound one.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
