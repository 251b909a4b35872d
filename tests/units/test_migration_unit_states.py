"""Migration units.0003 gives every existing unit one era: from its opening (or 1900) until
its closing, where it sits and as it is named at the time of the migration."""

import datetime

import pytest
from django.db.migrations.loader import MigrationLoader

from units.models import UnitState

pytestmark = pytest.mark.postgres

BEFORE = [("units", "0002_unitstate_and_commune_kind")]
# The units app's last migration: the assertions read its models only, and going back then
# undoes the units' migrations alone, not the other apps' built on them.
AFTER = [
    node
    for node in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    if node[0] == "units"
]


REORGANISATION = [("units", "0004_reorganisation")]


def test_existing_units_get_one_era_each_and_closed_units_one_closed_era(migrate, tree, cast):
    # One test for 0003 and 0005: going back to before them is most of its cost. Undoing
    # 0003 takes the eras the fixtures made; doing it again gives them back.
    migrate(BEFORE)
    apps = migrate.apps(BEFORE)
    Unit = apps.get_model("units", "Unit")
    assert apps.get_model("units", "UnitState").objects.count() == 0
    Unit.objects.filter(code="A2").update(
        opened_on=datetime.date(2016, 5, 1), closed_on=datetime.date(2024, 7, 1)
    )
    Unit.objects.filter(code="B1").update(short_name="B1 ngắn")
    # Before 0005, a unit closed after 0003 had its one era cut at its closing.
    migrate(REORGANISATION)
    apps = migrate.apps(REORGANISATION)
    apps.get_model("units", "Unit").objects.filter(code="B1").update(
        closed_on=datetime.date(2025, 7, 1)
    )
    apps.get_model("units", "UnitState").objects.filter(unit__code="B1").update(
        valid_until=datetime.date(2025, 7, 1)
    )
    migrate(AFTER)

    open_eras = UnitState.objects.filter(is_open=True).select_related("unit", "parent")
    states = {s.unit.code: s for s in open_eras}
    assert set(states) == set(tree) and open_eras.count() == len(tree)
    a2 = states["A2"]
    assert (a2.valid_from, a2.valid_until) == (datetime.date(2016, 5, 1), datetime.date(2024, 7, 1))
    assert (states["PV"].valid_from, states["PV"].valid_until) == (datetime.date(1900, 1, 1), None)
    assert (states["PV"].parent, states["PV"].depth) == (None, 1)
    assert states["B1"].short_name == "B1 ngắn"
    # 0005: from its closing, A2's history stands where it sits.
    closed = UnitState.objects.get(unit__code="A2", is_open=False)
    assert (closed.valid_from, closed.valid_until, closed.path) == (
        datetime.date(2024, 7, 1),
        None,
        tree["A2"].path,
    )
    assert (states["A1"].parent, states["A1"].path) == (tree["DA"], tree["A1"].path)
    assert set(
        UnitState.objects.on(datetime.date(2025, 1, 1))
        .in_area(tree["DA"].path)
        .values_list("unit__code", flat=True)
    ) == {"DA", "A1"}
    # And B1, closed after 0003, one closed era from its closing.
    eras = list(
        UnitState.objects.filter(unit__code="B1")
        .order_by("valid_from")
        .values_list("valid_until", "is_open", "parent__code")
    )
    assert eras == [(datetime.date(2025, 7, 1), True, "DB"), (None, False, "DB")]
    assert UnitState.objects.filter(is_open=False).count() == 2
    assert UnitState.objects.overlapping() == []
    # Backwards and forwards again: still one closed era each.
    migrate(REORGANISATION)
    migrate(AFTER)
    assert sorted(UnitState.objects.filter(is_open=False).values_list("unit__code", flat=True)) == [
        "A2",
        "B1",
    ]
