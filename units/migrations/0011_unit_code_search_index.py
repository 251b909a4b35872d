"""The search finds a unit by its code ("BT-CT-03", shown on every unit's page and in the
lists of units), through a trigram index on the folded code as on its names (0007,
PostgreSQL only; on SQLite nothing is stored)."""

import importlib

from django.db import migrations

search_folding = importlib.import_module("units.migrations.0007_search_folding")

INDEXES = {"unit_code_fold_trgm": ("units_unit", "code")}


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        search_folding.create_indexes(schema_editor, INDEXES)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0010_vietnamese_collation"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
