"""One era per existing unit: from its opening (or 1900) until its closing, where it sits
now, with its kind and names as they are now. The past before this migration is not known
any better than that."""

import datetime

from django.db import migrations

BEGINNING = datetime.date(1900, 1, 1)
STEPLEN = 4  # treebeard's MP_Node.steplen


def backfill(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    UnitState = apps.get_model("units", "UnitState")
    units = list(Unit.objects.order_by("path"))
    by_path = {unit.path: unit for unit in units}
    states = []
    for unit in units:
        valid_from = unit.opened_on or BEGINNING
        if unit.closed_on and unit.closed_on <= valid_from:
            continue  # closed the day it opened: never open, no era
        states.append(
            UnitState(
                unit=unit,
                valid_from=valid_from,
                valid_until=unit.closed_on,
                parent=by_path.get(unit.path[:-STEPLEN]) if unit.depth > 1 else None,
                path=unit.path,
                depth=unit.depth,
                kind=unit.kind,
                name=unit.name,
                short_name=unit.short_name,
            )
        )
    UnitState.objects.bulk_create(states, batch_size=1000)


def forget(apps, schema_editor):
    apps.get_model("units", "UnitState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0002_unitstate_and_commune_kind")]

    operations = [migrations.RunPython(backfill, forget)]
