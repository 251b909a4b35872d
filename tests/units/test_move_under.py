"""Moving many units at once (`UnitManager.move_under`, what reorganisations use) leaves the
tree and its history exactly as moving them one at a time with treebeard would, for one
UPDATE per unit moved instead of some twenty queries."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from treebeard.exceptions import InvalidMoveToDescendant

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


def test_a_move_costs_one_update_per_unit_and_a_fixed_rest(bigger_tree):
    def cost(codes, target, day):
        nodes = [Unit.objects.get(code=code) for code in codes]
        target = Unit.objects.get(code=target)
        with CaptureQueriesContext(connection) as queries:
            Unit.objects.move_under(nodes, target, effective_on=day)
        return len(queries)

    two = cost(["A1", "A2"], "CX", DAY)  # 5 units with their subtrees, from 1 parent
    # 7 units, from 3 parents (CX, DB, SE); a day later, so that no era written by the first
    # move is corrected (a second move on the same day rewrites those, one statement more).
    four = cost(["A1", "A2", "B1", "S1"], "DB", DAY + datetime.timedelta(days=1))
    # One UPDATE of paths per unit moved, one of the count per parent left; the history of
    # the whole subtrees is written in a fixed number of statements.
    assert four - two == (4 - 2) + (3 - 1)
    assert two <= 18


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
