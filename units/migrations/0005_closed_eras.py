"""Closed eras: where a closed unit's history stands after its closing day.

Until now a unit had eras only while it was open, so a report it filed before closing had
no place in the tree of its year's cut-off. Every closed unit gets one closed era from its
closing day, where it sits now (the past is not known any better than that); a unit that
already has an era starting on or after its closing day is left as it is.
"""

from django.db import migrations, models

STEPLEN = 4  # treebeard's MP_Node.steplen


def add_closed_eras(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    UnitState = apps.get_model("units", "UnitState")
    closed = list(Unit.objects.filter(closed_on__isnull=False).order_by("path"))
    if not closed:
        return
    parents = {
        unit.path: unit
        for unit in Unit.objects.filter(
            path__in={unit.path[:-STEPLEN] for unit in closed if unit.depth > 1}
        )
    }
    placed = set(
        UnitState.objects.filter(
            unit__in=closed, valid_from__gte=models.F("unit__closed_on")
        ).values_list("unit_id", flat=True)
    )
    UnitState.objects.bulk_create(
        [
            UnitState(
                unit=unit,
                valid_from=unit.closed_on,
                valid_until=None,
                is_open=False,
                parent=parents.get(unit.path[:-STEPLEN]) if unit.depth > 1 else None,
                path=unit.path,
                depth=unit.depth,
                kind=unit.kind,
                name=unit.name,
                short_name=unit.short_name,
            )
            for unit in closed
            if unit.pk not in placed
        ],
        batch_size=1000,
    )


def remove_closed_eras(apps, schema_editor):
    apps.get_model("units", "UnitState").objects.filter(is_open=False).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0004_reorganisation")]

    operations = [
        migrations.AddField(
            model_name="unitstate",
            name="is_open",
            field=models.BooleanField(default=True, verbose_name="open in that era"),
        ),
        migrations.RunPython(add_closed_eras, remove_closed_eras),
    ]
