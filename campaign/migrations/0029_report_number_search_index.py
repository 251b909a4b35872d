"""The search finds an annual report by its register number (0028), through a trigram index
on its folded text as it finds a plan by its number (0017, PostgreSQL only)."""

import importlib

from django.db import migrations

search_indexes = importlib.import_module("campaign.migrations.0017_search_indexes")

INDEXES = {"annualreport_doc_number_fold_trgm": ("reports_annualreport", "doc_number")}


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0028_annual_report_number"),
    ]

    operations = [
        migrations.RunPython(
            search_indexes.create(INDEXES), search_indexes.drop(INDEXES), elidable=False
        ),
    ]
