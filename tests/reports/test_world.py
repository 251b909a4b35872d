"""The generated federation of world.py is one the portal itself would hold. The counting
tests check the rollup against a recount over it: a tree the portal refuses (a sector union
closed with its grassroots unions still open below it, a union under a grassroots union)
would test figures no user can ever see."""

import pytest

from tests.reports.world import build_world
from units.importing import import_units

pytestmark = pytest.mark.usefixtures("world_clock")

SEEDS = [3, 7, 11, 2024]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_generated_tree_passes_the_import_s_checks_typed_in_as_a_file(tree, cast, seed):
    # Each code prefixed, so that every unit is new to the import and meets all its checks:
    # the kinds that may stand under a parent, no open unit under a closed one, no unit
    # closing with open units below it, the dates in order.
    world = build_world(tree, cast, seed)
    rows = [
        {
            "line": line,
            "code": f"V-{code}",
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind,
            "parent_code": f"V-{world.parent[code]}" if world.parent[code] else "",
            "opened_on": world.opened[code],
            "closed_on": world.closed[code],
        }
        for line, (code, unit) in enumerate(world.units.items(), start=2)
    ]
    assert import_units(rows).created == len(world.units)  # else UnitImportError says why


@pytest.mark.parametrize("seed", SEEDS)
def test_every_generated_unit_lives_within_its_parent_s_life(tree, cast, seed):
    world = build_world(tree, cast, seed)
    for code, unit in world.units.items():
        if not world.parent[code]:
            continue
        parent = world.units[world.parent[code]]
        # The admin adds a unit only under a parent open on the day it opens.
        if unit.opened_on:
            assert parent.is_open_on(unit.opened_on), code
        # A reorganisation closes a unit only once the units below it are closed or moved.
        if parent.closed_on:
            assert not unit.is_open_on(parent.closed_on), code
    # The world keeps an upper union that closed in the year, its units closed with it.
    assert world.closed["SX"] and [c for c, parent in world.parent.items() if parent == "SX"]
