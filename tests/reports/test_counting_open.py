"""Whether a unit was open on a day, and whether a place lies in an area, are each one rule:
`units.models.is_open_on` and `campaign.counting.is_strictly_below` in Python (the rollup's
rows on today's tree, a unit's own category), `units.models.open_on` and
`campaign.counting.strictly_below` in SQL (who is expected). Both forms must answer the
same, at the boundaries too: a unit closed on the day is no longer open that day; one
opened on the day already is."""

import datetime

import pytest

from campaign.counting import is_strictly_below, strictly_below
from tests.factories import UnitFactory
from units.models import Unit, is_open_on
from units.models import open_on as open_at

DAY = datetime.date(2024, 12, 31)
BEFORE = DAY - datetime.timedelta(days=1)
AFTER = DAY + datetime.timedelta(days=1)

# (opened on, closed on, open on DAY written out), by unit code.
OPEN_CASES = {
    "no_dates": (None, None, True),
    "opened_that_day": (DAY, None, True),
    "opened_the_day_after": (AFTER, None, False),
    "opened_the_day_before": (BEFORE, None, True),
    "closed_that_day": (None, DAY, False),
    "closed_the_day_after": (None, AFTER, True),
    "closed_the_day_before": (None, BEFORE, False),
    "opened_and_closed_that_day": (DAY, DAY, False),
    "open_for_that_day_only": (DAY, AFTER, True),
}


@pytest.fixture
def dated(tree):
    """A unit for each case under the province, with its dates as the case says."""
    for code, (opened_on, closed_on, _open) in OPEN_CASES.items():
        UnitFactory.create(parent=tree["PV"], code=code, opened_on=opened_on, closed_on=closed_on)


@pytest.mark.parametrize("code", OPEN_CASES)
def test_is_open_on_gives_the_written_out_answer(code):
    opened_on, closed_on, expected = OPEN_CASES[code]
    assert is_open_on(opened_on, closed_on, DAY) is expected


def test_open_at_in_sql_finds_the_units_is_open_on_finds(dated):
    in_sql = set(
        Unit.objects.filter(open_at(DAY), code__in=OPEN_CASES).values_list("code", flat=True)
    )
    written_out = {code for code, (_o, _c, open_) in OPEN_CASES.items() if open_}
    assert in_sql == written_out
    in_python = {
        unit.code
        for unit in Unit.objects.filter(code__in=OPEN_CASES)
        if is_open_on(unit.opened_on, unit.closed_on, DAY)
    }
    assert in_python == written_out


def test_strictly_below_in_sql_and_in_python_agree(tree):
    """The area's own place is not below it; its children and theirs are; a place beside
    it, or one whose path merely starts like it at a shallower depth, is not."""
    area = tree["PV"].path
    units = list(Unit.objects.all())
    below_in_sql = set(Unit.objects.filter(strictly_below(area)).values_list("pk", flat=True))
    below_in_python = {unit.pk for unit in units if is_strictly_below(unit.path, area)}
    assert below_in_sql == below_in_python
    assert tree["PV"].pk not in below_in_python
    assert below_in_python == {u.pk for u in units if u.path != area and u.path.startswith(area)}
    assert below_in_python  # the province has units below it
    assert not is_strictly_below(area, None)  # no carrier: nothing is in the area
