"""Vietnamese alphabetical order on PostgreSQL: the ICU collation `portal_vi` (units/collation.py
says why and how SQLite gets the same order).

ICU ships with PostgreSQL's Debian packages, which create its collations ("vi-x-icu") in
every database; the project's own name keeps one spelling for both databases. A database
owner may create a collation. On SQLite nothing is stored: units.apps registers the
collation on each connection.
"""

from django.db import migrations


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE COLLATION IF NOT EXISTS portal_vi (provider = icu, locale = 'vi')"
    )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP COLLATION IF EXISTS portal_vi")


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0009_sent_form"),
    ]

    operations = [
        migrations.RunPython(create_collation, drop_collation, elidable=False),
    ]
