"""Migrations units.0007 and 0011, campaign.0017 and 0029 (the search's fold function and
trigram indexes, PostgreSQL only) undo and redo on a database holding data, which they leave
as it was."""

import pytest
from django.db import connection

from campaign import search
from campaign.models import Plan
from tests.campaign.filings import make_plan
from units.access import Scope
from units.models import Unit

pytestmark = pytest.mark.postgres

BEFORE = [("units", "0006_data_version"), ("campaign", "0016_on_behalf")]
INDEXES = {
    "unit_name_fold_trgm",
    "unit_short_name_fold_trgm",
    "unit_code_fold_trgm",
    "plan_doc_number_fold_trgm",
    "obstacle_subject_fold_trgm",
    "inspection_findings_fold_trgm",
    "annualreport_doc_number_fold_trgm",
}


def search_objects():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_fold_trgm'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'portal_fold'")
        functions = cursor.fetchone()[0]
    return indexes, functions


def test_the_search_migrations_undo_and_redo_with_data(migrate, tree, cast, campaign):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], doc_number="5/KH-ĐK")
    units_before = sorted(Unit.objects.values_list("code", "name"))
    assert search_objects() == (INDEXES, 1)

    migrate(BEFORE)
    assert search_objects() == (set(), 0)
    assert sorted(Unit.objects.values_list("code", "name")) == units_before
    # Its columns only: later migrations add others that this state does not have.
    assert Plan.objects.values_list("doc_number", flat=True).get() == "5/KH-ĐK"

    migrate(migrate.latest())  # the search reads today's models
    assert search_objects() == (INDEXES, 1)
    assert sorted(Unit.objects.values_list("code", "name")) == units_before
    found = search.found(Scope(cast["reviewer_a"]), search.KINDS["plans"], ["5/kh-dk"])
    assert list(found) == [plan]
