"""Migrations campaign.0021 and 0026 run on a database holding visits. After 0021 those that
recommended nothing read "No recommendations", whatever they said; the others keep their
follow-up. 0026 gives every visit its follow-up's first version. Both undo."""

import datetime

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres

# The assertions read the table in SQL: the tests go no further than the migration they check.
BEFORE = [("campaign", "0020_notice_opened_late")]
AFTER = [("campaign", "0021_inspection_without_recommendations")]


def follow_ups():
    with connection.cursor() as cursor:
        cursor.execute("SELECT recommendations, follow_up FROM reports_inspection ORDER BY id")
        return cursor.fetchall()


def test_visits_without_recommendations_get_none_to_follow_up_and_back(
    migrate, tree, cast, campaign
):
    migrate(BEFORE)
    rows = [
        ("", "pending"),
        (" \n\t", "met"),
        ("Lưu biên bản.", "pending"),
        ("Bổ sung sổ theo dõi.", "in_progress"),
        ("Lập kế hoạch năm.", "met"),
    ]
    with connection.cursor() as cursor:  # written as the portal wrote them before 0021
        for recommendations, follow_up in rows:
            cursor.execute(
                "INSERT INTO reports_inspection (unit_id, campaign_id, visited_on, kind, "
                "members, findings, recommendations, follow_up, follow_up_note, "
                "done_note, recorded_by_id, recorded_at) "
                "VALUES (%s, %s, %s, 'inspection', 'Đoàn', 'Nhận xét', %s, %s, '', '', %s, now())",
                [
                    tree["A1"].pk,
                    campaign.pk,
                    datetime.date(2016, 5, 4),
                    recommendations,
                    follow_up,
                    cast["cspl"].pk,
                ],
            )

    migrate(AFTER)
    assert [follow_up for _text, follow_up in follow_ups()] == [
        "none",
        "none",
        "pending",
        "in_progress",
        "met",
    ]

    migrate(BEFORE)
    assert [follow_up for _text, follow_up in follow_ups()] == [
        "pending",
        "pending",
        "pending",
        "in_progress",
        "met",
    ]


def test_visits_recorded_before_the_follow_up_had_a_version_start_at_1(
    migrate, tree, cast, campaign
):
    # Migration 0026 adds the version the follow-up form carries: every visit already
    # recorded gets the one a new visit starts at, and undoing it drops only that column.
    before, after = (
        [("campaign", "0025_verbose_names")],
        [("campaign", "0026_inspection_follow_up_version")],
    )
    migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_inspection (unit_id, campaign_id, visited_on, kind, members, "
            "findings, recommendations, follow_up, follow_up_note, done_note, recorded_by_id, "
            "recorded_at) VALUES (%s, %s, %s, 'inspection', 'Đoàn', 'Nhận xét', "
            "'Lưu biên bản.', 'in_progress', 'Đang theo dõi', '', %s, now())",
            [tree["A1"].pk, campaign.pk, datetime.date(2016, 5, 4), cast["cspl"].pk],
        )
    migrate(after)
    with connection.cursor() as cursor:
        cursor.execute("SELECT follow_up, follow_up_version FROM reports_inspection")
        assert cursor.fetchall() == [("in_progress", 1)]
    migrate(before)
    assert follow_ups() == [("Lưu biên bản.", "in_progress")]
