"""The rollup is the one place that adds figures up: `AreaRow.added_up` makes one row of
several disjoint areas (the PDF summary's units directly below the scope, together)."""

from reports.rollup import AreaRow, IndicatorInfo

SESSIONS = IndicatorInfo(
    pk=1, code="sessions", name="Số buổi", unit_of_measure="buổi", kind="integer"
)
PLANS = IndicatorInfo(
    pk=2, code="plans", name="Số CĐCS có kế hoạch", unit_of_measure="", kind="integer"
)
# Expected, on time, late, returned, included, reports, plans filed, plans accepted.
COUNTS = AreaRow.ADDED


def row(counts, sessions):
    """An area's row: its `COUNTS` in that order, its total of sessions (plans: none)."""
    return AreaRow(
        **dict(zip(COUNTS, counts, strict=True)), totals={"sessions": sessions, "plans": None}
    )


def test_counts_and_totals_are_added_up_a_total_none_only_while_no_row_has_one():
    rows = [
        row((3, 1, 1, 1, 2, 2, 3, 2), 12),
        row((2, 0, 0, 0, 0, 0, 0, 0), None),
        row((1, 1, 0, 0, 1, 1, 1, 0), 5),
    ]
    group = AreaRow.added_up(rows, [SESSIONS, PLANS])
    assert [getattr(group, name) for name in COUNTS] == [6, 2, 1, 1, 3, 3, 4, 2]
    assert group.missing == 2
    assert group.totals == {"sessions": 17, "plans": None}
    assert group.coverage == 50.0
    assert group.on_time_rate == 33.3


def test_a_count_one_row_lacks_is_not_made_up():
    """A row whose count is None (not known): the group's is None too, not the others' sum."""
    rows = [AreaRow(expected=2, included=1), AreaRow(expected=1, included=None)]
    group = AreaRow.added_up(rows, [])
    assert group.expected == 3
    assert group.included is None
