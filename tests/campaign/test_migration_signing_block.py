"""Migration campaign.0031 runs on a database holding plans and annual reports: each keeps its
signer and everything else, and gets an empty authority line, title (and, for a report,
name), in its history too; a row written without naming them (a raw COPY, as the benchmark's
generator writes) gets them empty; and it undoes."""

import pytest
from django.db import connection

from campaign.models import Status
from tests.campaign.filings import make_plan, make_report

pytestmark = pytest.mark.postgres

BEFORE = [("campaign", "0030_pending_reminder_email")]
AFTER = [("campaign", "0031_signing_block")]
TABLES = {
    "campaign_plan": ("signer_block", "signer_title"),
    "campaign_historicalplan": ("signer_block", "signer_title"),
    "reports_annualreport": ("signer_block", "signer_title", "signer_name"),
    "reports_historicalannualreport": ("signer_block", "signer_title", "signer_name"),
}


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def columns(table):
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def test_plans_and_reports_keep_their_signer_and_get_an_empty_signing_block(
    migrate, tree, cast, campaign
):
    make_plan(tree["A1"], campaign, cast["officer_a1"], signer="Nguyễn Văn An")
    make_plan(tree["A2"], campaign, cast["officer_a1"], signer="Chủ tịch công đoàn")
    make_report(tree["A1"], campaign, 2016, Status.SUBMITTED)
    make_report(tree["A2"], campaign, 2016, Status.DRAFT)
    plans_sql = "SELECT id, unit_id, doc_number, signer, summary, version FROM campaign_plan"
    reports_sql = "SELECT id, unit_id, doc_number, results, version FROM reports_annualreport"
    plans, reports = rows(f"{plans_sql} ORDER BY id"), rows(f"{reports_sql} ORDER BY id")

    migrate(BEFORE)  # the database as it stood before 0031, with its rows
    for table, added in TABLES.items():
        assert not columns(table) & set(added), table

    migrate(AFTER)
    assert rows(f"{plans_sql} ORDER BY id") == plans
    assert rows(f"{reports_sql} ORDER BY id") == reports
    for table, added in TABLES.items():
        values = rows(f"SELECT DISTINCT {', '.join(added)} FROM {table}")  # noqa: S608
        assert values == [("",) * len(added)], table
    assert rows("SELECT signer FROM campaign_historicalplan ORDER BY signer") == [
        ("Chủ tịch công đoàn",),
        ("Nguyễn Văn An",),
    ]
    # A row written without naming the new columns gets them empty, not NULL.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO campaign_plan (status, version, created_at, updated_at, doc_number, "
            "doc_date, signer, summary, campaign_id, unit_id) VALUES ('draft', 1, now(), "
            "now(), '1/KH', '2015-07-01', 'Trần Thị Bình', 'Tóm tắt', %s, %s) "
            "RETURNING signer_block, signer_title",
            [campaign.pk, tree["B1"].pk],
        )
        assert cursor.fetchone() == ("", "")

    migrate(BEFORE)
    assert rows("SELECT signer FROM campaign_plan ORDER BY signer") == [
        ("Chủ tịch công đoàn",),
        ("Nguyễn Văn An",),
        ("Trần Thị Bình",),
    ]
