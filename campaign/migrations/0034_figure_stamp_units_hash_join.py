"""The figure stamps' trigger on units_unit (0009_figure_stamps) joins a statement's old and
new rows by id. The planner knows nothing of those transition tables and joins them in a
nested loop, quadratic in the rows: 1.1 s for the unit import's one UPDATE of 2,000 units
of moved subtrees (UnitManager.move_to), 3.5 ms as a hash join. Only this function: the
report values' trigger also joins reports_annualreport, where a loop over its index is the
plan a report's save wants."""

from django.db import migrations

FUNCTION = "campaign_figurestamp_units_unit()"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER FUNCTION {FUNCTION} SET enable_nestloop = off")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER FUNCTION {FUNCTION} RESET enable_nestloop")


class Migration(migrations.Migration):
    dependencies = [("campaign", "0033_notice_obstacle_closed")]

    operations = [migrations.RunPython(forwards, backwards)]
