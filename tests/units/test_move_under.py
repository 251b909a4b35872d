"""Moving many units at once (`UnitManager.move_under`, what reorganisations use) leaves the
tree and its history exactly as moving them one at a time with treebeard would, in a
bounded number of queries (tests/units/test_move_under_queries.py) instead of some twenty
a unit."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow

from units.models import Unit, UnitState

DAY = datetime.date(2025, 7, 1)


@pytest.fixture
def bigger_tree(tree):
    """The fixture tree plus a commune union and grandchildren under A1 and A2: subtrees of
    different depths move, and the target already has a child."""
    add = Unit.objects.add_child
    units = dict(tree)
    units["CX"] = add(
        Unit.objects.get(code="PV"), {"code": "CX", "name": "CĐ xã X", "kind": Unit.Kind.COMMUNE}
    )
    for parent, code in [("A1", "A1a"), ("A1", "A1b"), ("A2", "A2a"), ("CX", "X1")]:
        units[code] = add(
            Unit.objects.get(code=parent),
            {"code": code, "name": f"Tổ {code}", "kind": Unit.Kind.GRASSROOTS},
        )
    return {code: Unit.objects.get(pk=unit.pk) for code, unit in units.items()}


def snapshot():
    """The whole tree and every era, by code: what a move must leave behind."""
    everything = list(Unit.objects.all())
    code_at = {u.path: u.code for u in everything}
    units = {
        u.code: (u.path, u.depth, u.numchild, code_at.get(u.path[: -Unit.steplen]))
        for u in everything
    }
    eras = sorted(
        (s.unit.code, s.valid_from, s.valid_until, s.path, s.depth, s.parent_id, s.is_open)
        for s in UnitState.objects.select_related("unit")
    )
    return units, eras


class Undo(Exception):
    pass


def outcome(move):
    """The snapshot after `move()`, which is then rolled back."""
    try:
        with transaction.atomic():
            move()
            taken = snapshot()
            raise Undo
    except Undo:
        return taken


def test_moving_together_ends_as_moving_one_at_a_time(bigger_tree):
    codes = ["A2", "A1", "B1"]  # out of path order: they land in the order given

    def together():
        nodes = [Unit.objects.get(code=code) for code in codes]
        Unit.objects.move_under(nodes, Unit.objects.get(code="CX"), effective_on=DAY)

    def one_by_one():
        for code in codes:
            Unit.objects.move(
                Unit.objects.get(code=code),
                Unit.objects.get(code="CX"),
                "last-child",
                effective_on=DAY,
            )

    before = snapshot()
    after = outcome(together)
    assert after == outcome(one_by_one)
    assert after != before
    units, _eras = after
    assert [code for code, _ in sorted(units.items(), key=lambda item: item[1][0])
            if units[code][3] == "CX"] == ["X1", "A2", "A1", "B1"]  # fmt: skip
    assert units["A1a"][1] == 4 and units["DA"][2] == 0 and units["CX"][2] == 4


def test_the_tree_is_sound_and_history_unbroken_after_a_move(bigger_tree):
    nodes = [bigger_tree["A1"], bigger_tree["S1"]]
    Unit.objects.move_under(nodes, bigger_tree["DB"], effective_on=DAY)
    assert all(problems == [] for problems in Unit.objects.find_problems())
    assert UnitState.objects.overlapping() == []
    # The nodes and the target given are current afterwards.
    assert nodes[0].path == Unit.objects.get(code="A1").path
    assert bigger_tree["DB"].numchild == 3
    # Before the day the units stood where they were; from it, under DB.
    day_before = DAY - datetime.timedelta(days=1)
    area = {s.unit.code for s in UnitState.objects.area(bigger_tree["DA"], day_before)}
    assert area == {"DA", "A1", "A1a", "A1b", "A2", "A2a"}
    area = {s.unit.code for s in UnitState.objects.area(bigger_tree["DB"], DAY)}
    assert area == {"DB", "B1", "A1", "A1a", "A1b", "S1"}


def test_moved_units_take_the_next_paths_under_the_target_in_the_order_given(bigger_tree):
    Unit.objects.move_under(
        [bigger_tree[code] for code in ("A2", "A1", "B1")], bigger_tree["CX"], effective_on=DAY
    )
    # CX (0001 0004) holds X1 at step 1: the three follow it at steps 2, 3 and 4, their
    # subtrees below them; DA and DB are left empty.
    expected = {
        "PV": ("0001", 1, 4),
        "DA": ("00010001", 2, 0),
        "DB": ("00010002", 2, 0),
        "SE": ("00010003", 2, 1),
        "S1": ("000100030001", 3, 0),
        "CX": ("00010004", 2, 4),
        "X1": ("000100040001", 3, 0),
        "A2": ("000100040002", 3, 1),
        "A2a": ("0001000400020001", 4, 0),
        "A1": ("000100040003", 3, 2),
        "A1a": ("0001000400030001", 4, 0),
        "A1b": ("0001000400030002", 4, 0),
        "B1": ("000100040004", 3, 0),
    }
    assert {u.code: (u.path, u.depth, u.numchild) for u in Unit.objects.all()} == expected
    assert (bigger_tree["A1"].path, bigger_tree["A1"].depth) == ("000100040003", 3)
    assert bigger_tree["CX"].numchild == 4


def test_a_target_without_a_free_path_is_refused_before_anything_moves(bigger_tree):
    # B1 on the last path a step can write below DA: no unit can follow it.
    Unit.objects.move_to({bigger_tree["B1"].pk: bigger_tree["DA"].path + "ZZZZ"})
    before = snapshot()
    with pytest.raises(PathOverflow), transaction.atomic():
        Unit.objects.move_under([bigger_tree["S1"]], bigger_tree["DA"], effective_on=DAY)
    assert snapshot() == before


def test_nodes_below_one_another_or_above_the_target_are_refused(bigger_tree):
    with pytest.raises(ValueError):
        Unit.objects.move_under([bigger_tree["A1"], bigger_tree["A1a"]], bigger_tree["DB"])
    with pytest.raises(InvalidMoveToDescendant):
        Unit.objects.move_under([bigger_tree["DA"]], bigger_tree["A1"])
    assert Unit.objects.get(code="A1").path.startswith(bigger_tree["DA"].path)


def next_path(target):
    """The path a unit moved to the end of `target`'s children takes."""
    step = Unit.objects.last_child_step(target) + 1
    return Unit._get_path(target.path, target.depth + 1, step)


def test_move_to_moves_a_unit_and_one_below_it_as_treebeard_one_after_the_other(bigger_tree):
    def with_treebeard():
        unit_move = Unit.objects.move
        unit_move(
            Unit.objects.get(code="A1"), Unit.objects.get(code="DB"), "last-child", effective_on=DAY
        )
        unit_move(
            Unit.objects.get(code="A1a"),
            Unit.objects.get(code="CX"),
            "last-child",
            effective_on=DAY,
        )

    def at_once():
        paths = {
            bigger_tree["A1"].pk: next_path(bigger_tree["DB"]),
            bigger_tree["A1a"].pk: next_path(bigger_tree["CX"]),
        }
        with CaptureQueriesContext(connection) as queries:
            moved = Unit.objects.move_to(paths, effective_on=DAY)
        # A1 with A1b, and A1a: the tree read, one UPDATE, the data version, the history.
        assert sorted(Unit.objects.filter(pk__in=moved).values_list("code", flat=True)) == [
            "A1",
            "A1a",
            "A1b",
        ]
        assert len(queries) <= 12

    expected = outcome(with_treebeard)
    assert outcome(at_once) == expected
    assert all(problems == [] for problems in Unit.objects.find_problems())


def test_move_to_refuses_a_unit_moved_below_itself_or_onto_a_taken_path(bigger_tree):
    before = snapshot()
    below_itself = {bigger_tree["DA"].pk: next_path(bigger_tree["A1"])}
    taken = {bigger_tree["B1"].pk: bigger_tree["A1"].path}
    with pytest.raises(InvalidMoveToDescendant), transaction.atomic():
        Unit.objects.move_to(below_itself)
    with pytest.raises(ValueError), transaction.atomic():
        Unit.objects.move_to(taken)
    assert snapshot() == before
