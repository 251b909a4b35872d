"""Trigram indexes on the folded text that the portal's search reads (campaign.search), on
PostgreSQL only: `portal_fold` and the extensions come from units.0007, which explains them.
On SQLite nothing is stored."""

from django.db import migrations

INDEXES = {
    "plan_doc_number_fold_trgm": ("campaign_plan", "doc_number"),
    "obstacle_subject_fold_trgm": ("reports_obstacle", "subject"),
    "inspection_findings_fold_trgm": ("reports_inspection", "findings"),
}


def create(indexes):
    """The migration step that makes `indexes` ({name: (table, column)}); later migrations
    that index more columns use it too."""

    def create_indexes(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT quote_ident(nspname) FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pg_trgm'"
            )
            trgm = cursor.fetchone()[0]
        for name, (table, column) in indexes.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin (portal_fold("{column}") {trgm}.gin_trgm_ops)'
            )

    return create_indexes


def drop(indexes):
    def drop_indexes(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return drop_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0016_on_behalf"),
        ("units", "0007_search_folding"),
    ]

    operations = [
        migrations.RunPython(create(INDEXES), drop(INDEXES), elidable=False),
    ]
