"""Which closed units a unit carries on (DESIGN.md, "The tree over time").

A unit merged into a successor (`Unit.successor`) hands it its work, and on today's tree its
reports count under that successor; a successor may itself merge on (A → B → C), and then
C carries on both. A unit split among several successors (a SPLIT operation of an applied
reorganisation, one row per successor) hands each a part of the units below it, but its own
work is not divided: it closes without a successor.

`heir` is the one rule that follows the chain of successors; reports.trees regroups a year
on today's tree with it, campaign.plausibility finds the year-before figures a merged
unit's report is compared with (`forebears`); units.access lets whoever files for the unit
at the end of the chain act on what a merged unit still owes (`forebears`), and
campaign.inspections names that unit (`carrier`). `carrying_on` follows the same chain in
the database, for a query that must not read every merger first (the rollup's rows).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from units.models import Operation, Reorganisation, Unit


def heir(heirs: dict[int, int], pk: int) -> int:
    """The unit that carries on `pk`'s work: its successor's successor…, following `heirs`
    (closed unit pk → successor pk) to the first unit that is not in it. A loop (bad data)
    stops where it closes."""
    seen = set()
    while pk in heirs and pk not in seen:
        seen.add(pk)
        pk = heirs[pk]
    return pk


def carrying_on(unit_ids: QuerySet) -> RawSQL:
    """A subquery for a `pk__in` filter: every unit on the chain of successors of the units
    whose ids `unit_ids` (a queryset of one column) selects, as `heir` follows it: their
    successor, its successor, … to the last one, at any length. A loop (bad data) stops where
    it closes, as in `heir`: UNION keeps each unit once, so the recursion ends. Run once by
    the database, whatever the number of rows it filters (a recursive common table
    expression, which PostgreSQL and SQLite both run)."""
    inner, params = unit_ids.query.sql_with_params()
    unit = Unit._meta.db_table
    # The table is the model's own name, the values all parameters (those of `unit_ids`).
    sql = f"""
        WITH RECURSIVE chain(id) AS (
            SELECT u.successor_id FROM {unit} u
            WHERE u.successor_id IS NOT NULL AND u.id IN ({inner})
            UNION
            SELECT u.successor_id FROM {unit} u JOIN chain c ON u.id = c.id
            WHERE u.successor_id IS NOT NULL
        )
        SELECT id FROM chain
    """  # noqa: S608
    return RawSQL(sql, params)  # noqa: S611


def carrier(unit: Unit, today: datetime.date | None = None) -> Unit | None:
    """The unit that carries on the work of `unit`, a unit merged away by `today` (`heir`
    over its chain of successors, each link merged by then: the rule of `forebears`, which
    the access scope's `carried_on` reads, so that the unit named is the one whose officers
    may act), or None when `unit` has not merged away by then or its chain ends in a unit
    closed without a successor. One query for a merged unit, none otherwise."""
    today = today or timezone.localdate()
    if unit.successor_id is None or unit.closed_on is None or unit.closed_on > today:
        return None
    chain = {
        link.pk: link
        for link in Unit.objects.filter(
            pk__in=carrying_on(Unit.objects.filter(pk=unit.pk).values("pk"))
        )
    }
    heirs = {
        pk: link.successor_id
        for pk, link in chain.items()
        if link.successor_id and link.closed_on is not None and link.closed_on <= today
    }
    heirs[unit.pk] = unit.successor_id
    last = chain.get(heir(heirs, unit.pk))
    return last if last is not None and last.is_open_on(today) else None


@dataclass(frozen=True)
class Forebear:
    """A closed unit whose work a unit carries on."""

    pk: int
    code: str
    label: str  # its short name, else its name: closed units keep theirs
    kind: str
    closed_on: datetime.date


@dataclass
class Forebears:
    """The closed units some units carry on, by the id of the unit carrying them on, each
    list in the order of their codes; a unit with none is left out of each."""

    merged: dict[int, list[Forebear]]  # merged into it, directly or along a chain
    split: dict[int, list[Forebear]]  # split among several successors, this one among them


def forebears(unit_ids: Iterable[int], since: datetime.date, until: datetime.date) -> Forebears:
    """The units merged into each of `unit_ids`, directly or along a chain of mergers, that
    closed from `since` to `until` (both included: every link of the chain closed in that
    time, since a unit that carries on until after `until` holds the work it took over
    itself); and the units split among several successors, one of `unit_ids` among them, by
    a reorganisation applied with effect in that time. One query, whatever the number of
    units."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return Forebears({}, {})
    # Plain SQL: this runs on every annual report's save, the deadline's request, where the
    # ORM took about 3 ms to build the same union with its subqueries, ten times the
    # statement's own time (tests/bench/submission_cost.py).
    unit, operation, reorganisation = (
        Unit._meta.db_table,
        Operation._meta.db_table,
        Reorganisation._meta.db_table,
    )
    wanted_ids = ", ".join(["%s"] * len(unit_ids))
    # The tables are the models' own names, the values all parameters.
    sql = f"""
        SELECT u.successor_id, u.id, u.code, u.short_name, u.name, u.kind, u.closed_on, 0
        FROM {unit} u
        WHERE u.successor_id IS NOT NULL AND u.closed_on >= %s AND u.closed_on <= %s
        UNION ALL
        SELECT t.id, s.id, s.code, s.short_name, s.name, s.kind, s.closed_on, 1
        FROM {operation} o
        JOIN {reorganisation} r ON r.id = o.reorganisation_id
        JOIN {unit} t ON t.code = o.target_code
        LEFT JOIN {unit} s ON s.code = o.unit_code
        WHERE o.action = %s AND r.status = %s
          AND r.effective_on >= %s AND r.effective_on <= %s
          AND t.id IN ({wanted_ids})
    """  # noqa: S608
    params = [
        since,
        until,
        Operation.Action.SPLIT.value,
        Reorganisation.Status.APPLIED.value,
        since,
        until,
        *unit_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(cursor.fetchall(), key=lambda row: row[2] or "")
    # SQLite gives dates back as text in a raw query.
    date_field = Unit._meta.get_field("closed_on")
    rows = [
        (*row[:6], date_field.to_python(row[6]) if row[6] is not None else None, bool(row[7]))
        for row in rows
    ]
    heirs = {pk: successor for successor, pk, *_rest, is_split in rows if not is_split}
    wanted = set(unit_ids)
    found = Forebears({}, {})
    for to, pk, code, short_name, name, kind, closed_on, is_split in rows:
        forebear = Forebear(pk, code, short_name or name, kind, closed_on)
        if is_split:
            listed = found.split.setdefault(to, [])
            if pk is not None and forebear not in listed:
                listed.append(forebear)
            continue
        carrier = heir(heirs, pk)
        if carrier in wanted and carrier != pk:
            found.merged.setdefault(carrier, []).append(forebear)
    found.split = {pk: listed for pk, listed in found.split.items() if listed}
    return found
