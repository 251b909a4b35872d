"""What moving units together (`UnitManager.move_under`, what a reorganisation's merge or
split uses) costs in queries: the same for 3 units as for 30, whatever their parents."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.models import Unit, UnitState

DAY = datetime.date(2025, 7, 1)


@pytest.fixture
def crowd(tree):
    """Under the province: one district of 3 grassroots unions and three of 10, each union
    with a team below it (subtrees move with their units), and two empty commune unions to
    receive them."""
    add = Unit.objects.add_child
    province = Unit.objects.get(code="PV")
    for district, size in [("M0", 3), ("M1", 10), ("M2", 10), ("M3", 10)]:
        parent = add(province, {"code": district, "name": district, "kind": Unit.Kind.DISTRICT})
        for n in range(size):
            union = add(
                Unit.objects.get(pk=parent.pk),
                {"code": f"{district}-{n}", "name": f"CĐCS {n}", "kind": Unit.Kind.GRASSROOTS},
            )
            add(union, {"code": f"{district}-{n}-T", "name": "Tổ", "kind": Unit.Kind.GRASSROOTS})
    for code in ("C3", "C30"):
        add(Unit.objects.get(pk=province.pk),
            {"code": code, "name": code, "kind": Unit.Kind.COMMUNE})  # fmt: skip


def moved(codes, target):
    """The queries of moving the units `codes` under `target` together."""
    nodes = list(Unit.objects.filter(code__in=codes))
    target = Unit.objects.get(code=target)
    with CaptureQueriesContext(connection) as queries:
        Unit.objects.move_under(nodes, target, effective_on=DAY)
    return len(queries)


def test_moving_30_units_costs_the_queries_of_moving_3(crowd):
    three = moved([f"M0-{n}" for n in range(3)], "C3")  # from one parent
    thirty = moved([f"M{d}-{n}" for d in (1, 2, 3) for n in range(10)], "C30")  # from three
    assert three == thirty
    # Their paths and the target (2), the target's last step (2), the moved units and
    # what the move touches (2), one UPDATE, the data version, the history synced in a
    # fixed number of statements, the target again; savepoints around the transactions.
    assert thirty <= 18
    # All 30 with their teams under C30, whose count follows; the districts left empty.
    assert Unit.objects.get(code="C30").numchild == 30
    assert Unit.objects.filter(path__startswith=Unit.objects.get(code="C30").path).count() == 61
    assert [Unit.objects.get(code=f"M{d}").numchild for d in range(4)] == [0, 0, 0, 0]
    assert all(problems == [] for problems in Unit.objects.find_problems())
    assert UnitState.objects.overlapping() == []


def test_many_subtrees_are_read_a_bounded_number_at_a_time(crowd, monkeypatch):
    """An import moving thousands of units with units below them reads their subtrees in
    chunks (one query holding them all would pass SQLite's expression depth): here 4 at a
    time, 10 subtrees in 3 reads, and every unit below arrives with its own."""
    monkeypatch.setattr("units.models.PREFIXES_PER_QUERY", 4)
    unions = [f"M1-{n}" for n in range(10)]  # each with its team below it
    nodes = list(Unit.objects.filter(code__in=unions))
    target = Unit.objects.get(code="C30")
    with CaptureQueriesContext(connection) as queries:
        Unit.objects.move_under(nodes, target, effective_on=DAY)
    subtree_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "units_unit"."id" AS "pk", "units_unit"."path" AS')
        and " LIKE " in q["sql"]
    ]
    assert len(subtree_reads) == 3  # ceil(10 / 4)
    assert all(sql.count(" LIKE ") <= 4 for sql in subtree_reads)
    c30 = Unit.objects.get(code="C30").path
    below = Unit.objects.filter(path__startswith=c30).exclude(path=c30)
    expected = unions + [f"{code}-T" for code in unions]
    assert sorted(below.values_list("code", flat=True)) == sorted(expected)
    assert all(problems == [] for problems in Unit.objects.find_problems())


def test_a_unit_counted_childless_still_takes_its_children_along(crowd):
    """A stale count (numchild 0 while a team is below it) does not leave the team behind
    on a path no unit holds: the move checks childless units for children all the same."""
    Unit.objects.filter(code="M1-0").update(numchild=0)
    moved(["M1-0"], "C3")
    union = Unit.objects.get(code="M1-0")
    team = Unit.objects.get(code="M1-0-T")
    assert team.path.startswith(union.path) and team.depth == union.depth + 1
    assert union.path.startswith(Unit.objects.get(code="C3").path)
