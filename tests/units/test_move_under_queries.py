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
