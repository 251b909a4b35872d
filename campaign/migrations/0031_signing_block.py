"""The signing block of a plan and an annual report: the authority line ("TM. BAN THƯỜNG VỤ")
and the signer's title for both, and the signer's name for the report (a plan has it in
`signer`).

Added with plain ALTER TABLE on every database, as 0028 added the report's number: Django's
SQLite editor would rebuild the plans' and reports' tables to add a column that is NOT NULL,
and the rebuild fails on the figure stamps' triggers that name them (0009). The database
keeps the default '' for the rows already there and for writes that do not name the columns.
On PostgreSQL adding a column with a constant default rewrites no row.
"""

from django.db import migrations, models

BLOCK_HELP = (
    "If the signer signs for the committee or for the chair, e.g. TM. BAN THƯỜNG VỤ, TM. BAN "
    "CHẤP HÀNH or KT. CHỦ TỊCH. Printed in capitals above the title."
)
TITLE_HELP = (
    "The signer's position, e.g. CHỦ TỊCH or PHÓ CHỦ TỊCH. Left empty with the signing "
    "authority too, the printed copy signs with the unit's name."
)

# (column, its length, its verbose name, its help text)
BLOCK = ("signer_block", 100, "signing on behalf of", BLOCK_HELP)
TITLE = ("signer_title", 100, "signer's title", TITLE_HELP)
NAME = ("signer_name", 150, "signer's name", "Printed under the signature.")

# model name, its table, its history's table, its new columns
MODELS = [
    ("plan", "campaign_plan", "campaign_historicalplan", [BLOCK, TITLE]),
    (
        "annualreport",
        "reports_annualreport",
        "reports_historicalannualreport",
        [BLOCK, TITLE, NAME],
    ),
]


def add_column(table, column, length):
    return migrations.RunSQL(
        f"ALTER TABLE {table} ADD COLUMN {column} varchar({length}) DEFAULT '' NOT NULL",
        f"ALTER TABLE {table} DROP COLUMN {column}",
    )


def field(length, verbose_name, help_text):
    return models.CharField(
        blank=True,
        db_default="",
        default="",
        help_text=help_text,
        max_length=length,
        verbose_name=verbose_name,
    )


def signer_field():
    return models.CharField(
        help_text="The name of the person who signs, printed under the signature.",
        max_length=150,
        verbose_name="signed by",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0030_pending_reminder_email"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                add_column(table, column, length)
                for _model, own, history, columns in MODELS
                for table in (own, history)
                for column, length, _name, _help in columns
            ],
            state_operations=[
                migrations.AddField(
                    model_name=model_name, name=column, field=field(length, name, help_text)
                )
                for model, _own, _history, columns in MODELS
                for model_name in (model, f"historical{model}")
                for column, length, name, help_text in columns
            ],
        ),
        migrations.AlterField(model_name="plan", name="signer", field=signer_field()),
        migrations.AlterField(model_name="historicalplan", name="signer", field=signer_field()),
    ]
