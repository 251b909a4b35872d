"""Accent-insensitive search on PostgreSQL: the `portal_fold(text)` function and trigram
indexes on the folded unit names (units/folding.py says why).

`unaccent` is STABLE (its dictionary could change), so an index cannot call it directly: the
IMMUTABLE wrapper promises the dictionary stays as installed. Its body names the extension's
schema, so the function gives the same answer whatever the caller's search_path (an index
is also evaluated by VACUUM, ANALYZE and a restore, under a restricted one).

Both extensions ship with PostgreSQL (Debian's postgresql-contrib) and are trusted since
PostgreSQL 13: the database owner may create them. Undoing the migration drops the function
and the indexes but leaves the extensions, which other objects of the database may use.

On SQLite nothing is stored: units.apps registers the function on each connection.
"""

from django.db import migrations

INDEXES = {
    "unit_name_fold_trgm": ("units_unit", "name"),
    "unit_short_name_fold_trgm": ("units_unit", "short_name"),
}


def extension_schema(schema_editor, name):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = %s",
            [name],
        )
        return cursor.fetchone()[0]


def create_fold(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    unaccent = extension_schema(schema_editor, "unaccent")
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION portal_fold(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        f"$$ SELECT lower({unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, $1)) $$"
    )
    create_indexes(schema_editor, INDEXES)


def create_indexes(schema_editor, indexes):
    trgm = extension_schema(schema_editor, "pg_trgm")
    for name, (table, column) in indexes.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (portal_fold("{column}") {trgm}.gin_trgm_ops)'
        )


def drop_fold(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_fold(text)")


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0006_data_version"),
    ]

    operations = [
        migrations.RunPython(create_fold, drop_fold, elidable=False),
    ]
