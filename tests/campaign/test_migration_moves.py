"""Migration campaign.0024 runs on a database holding plans and reports that mergers moved,
once or twice, before every move was kept: each gets one `Move` per change of unit in its
history, dated the day the unit it left closed, chained by `previous_on`; and it undoes."""

import datetime

import pytest

from campaign.models import Move, Status
from tests.campaign.filings import make_plan, make_report
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.postgres

BEFORE = [("campaign", "0023_moved_from_backfill")]
# The migration checked, no further: the assertions read its columns only.
AFTER = [("campaign", "0024_moves")]
FIRST, SECOND = datetime.date(2025, 3, 1), datetime.date(2025, 7, 1)


def kept():
    return sorted(
        (
            "plan" if move.plan_id else "report",
            move.from_unit.code,
            move.to_unit.code,
            move.on,
            move.previous_on,
        )
        for move in Move.objects.select_related("from_unit", "to_unit")
    )


def test_every_move_is_read_back_from_the_history(
    migrate, tree, cast, campaign, reorganise, admin_user
):
    make_plan(tree["A1"], campaign, cast["officer_a1"])  # moved twice
    make_report(tree["A2"], campaign, 2025, Status.SUBMITTED)  # moved once
    make_plan(tree["B1"], campaign, cast["officer_b1"])  # B1's own: the plan moving in stays
    for day, merge in ((FIRST, ("A1", "A2")), (SECOND, ("A2", "S1"))):
        act = reorganise(day, {"action": "merge", "unit_code": merge[0], "target_code": merge[1]})
        reorganisation_apply(reorganisation=act, user=admin_user)
    recorded = kept()
    assert recorded == [
        ("plan", "A1", "A2", FIRST, None),
        ("plan", "A2", "S1", SECOND, FIRST),
        ("report", "A2", "S1", SECOND, None),
    ]
    # As the portal left them before Move existed: only the rows' last move.
    Move.objects.all().delete()

    migrate(BEFORE)
    migrate(AFTER)
    assert kept() == recorded

    migrate(BEFORE)
    migrate(AFTER)
    assert kept() == recorded
