"""Migration campaign.0023 runs on a database holding plans and reports that mergers moved
before `moved_from` existed: each gets the unit its history shows before the move and that
unit's closing day; nothing else changes; and it undoes."""

import datetime

import pytest

from campaign.models import AnnualReport, Plan, Status
from tests.campaign.filings import make_plan, make_report
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.postgres

BEFORE = [("campaign", "0022_submission_moved_from")]
# The migration checked, no further: the assertions read its columns only.
AFTER = [("campaign", "0023_moved_from_backfill")]
MERGER = datetime.date(2025, 7, 1)
FIELDS = ("unit", "moved_from", "moved_on")


def moves():
    return sorted(
        (type(s).__name__, s.unit.code, s.moved_from and s.moved_from.code, s.moved_on)
        # Their columns of 0022 only: later migrations add others (a report's number).
        for s in [*Plan.objects.only(*FIELDS), *AnnualReport.objects.only(*FIELDS)]
    )


def test_submissions_moved_before_the_field_get_it_from_their_history(
    migrate, tree, cast, campaign, reorganise, admin_user
):
    make_plan(tree["A1"], campaign, cast["officer_a1"])
    make_report(tree["A1"], campaign, 2025, Status.SUBMITTED)  # its cut-off after the merger
    make_report(tree["A1"], campaign, 2024, Status.SUBMITTED)  # a past year: stays, closed
    make_plan(tree["A2"], campaign, cast["officer_a1"])  # not concerned
    act = reorganise(MERGER, {"action": "merge", "unit_code": "A1", "target_code": "B1"})
    reorganisation_apply(reorganisation=act, user=admin_user)
    moved = moves()
    assert moved == [
        ("AnnualReport", "A1", None, None),
        ("AnnualReport", "B1", "A1", MERGER),
        ("Plan", "A2", None, None),
        ("Plan", "B1", "A1", MERGER),
    ]
    # As the portal left them before the field: moved, with nothing recorded on the row.
    Plan.objects.update(moved_from=None, moved_on=None)
    AnnualReport.objects.update(moved_from=None, moved_on=None)

    migrate(BEFORE)
    migrate(AFTER)
    assert moves() == moved

    migrate(BEFORE)
    assert all(entry[2:] == (None, None) for entry in moves())
