"""Migration units.0003 gives every existing unit one era: from its opening (or 1900) until
its closing, where it sits and as it is named at the time of the migration."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from units.models import UnitState

pytestmark = pytest.mark.postgres

BEFORE = [("units", "0002_unitstate_and_commune_kind")]
AFTER = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


def migrate(targets):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_existing_units_get_one_era_each(require_postgres, tree, cast):
    apps = migrate(BEFORE)
    Unit = apps.get_model("units", "Unit")
    assert apps.get_model("units", "UnitState").objects.count() == 0
    Unit.objects.filter(code="A2").update(
        opened_on=datetime.date(2016, 5, 1), closed_on=datetime.date(2024, 7, 1)
    )
    Unit.objects.filter(code="B1").update(short_name="B1 ngắn")
    migrate(AFTER)

    states = {s.unit.code: s for s in UnitState.objects.select_related("unit", "parent")}
    assert set(states) == set(tree)
    a2 = states["A2"]
    assert (a2.valid_from, a2.valid_until) == (datetime.date(2016, 5, 1), datetime.date(2024, 7, 1))
    assert (states["PV"].valid_from, states["PV"].valid_until) == (datetime.date(1900, 1, 1), None)
    assert (states["PV"].parent, states["PV"].depth) == (None, 1)
    assert states["B1"].short_name == "B1 ngắn"
    assert (states["A1"].parent, states["A1"].path) == (tree["DA"], tree["A1"].path)
    assert set(
        UnitState.objects.on(datetime.date(2025, 1, 1))
        .in_area(tree["DA"].path)
        .values_list("unit__code", flat=True)
    ) == {"DA", "A1"}


def test_the_backfill_can_be_undone_and_done_again(require_postgres, tree):
    migrate(BEFORE)
    migrate(AFTER)
    assert UnitState.objects.count() == len(tree)
