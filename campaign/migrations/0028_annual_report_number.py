"""An annual report's register number.

Added with plain ALTER TABLE on every database: Django's SQLite editor would rebuild the
reports table to add a column that is NOT NULL, and the rebuild fails on the figure stamps'
triggers that name it (0009). The database keeps the default '' for the rows already there
and for writes that do not name the column.
"""

from django.db import migrations, models

HELP = (
    "The number your unit's office gave the report, e.g. 12/BC-CĐCS. Left empty, the printed "
    "copy leaves a space to write it by hand."
)


def add_column(table):
    return migrations.RunSQL(
        f"ALTER TABLE {table} ADD COLUMN doc_number varchar(50) DEFAULT '' NOT NULL",
        f"ALTER TABLE {table} DROP COLUMN doc_number",
    )


def number_field():
    return models.CharField(
        blank=True,
        db_default="",
        default="",
        help_text=HELP,
        max_length=50,
        verbose_name="document number",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0027_admin_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                add_column("reports_annualreport"),
                add_column("reports_historicalannualreport"),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="annualreport", name="doc_number", field=number_field()
                ),
                migrations.AddField(
                    model_name="historicalannualreport", name="doc_number", field=number_field()
                ),
            ],
        ),
    ]
