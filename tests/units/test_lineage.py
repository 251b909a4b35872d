"""Which closed units a unit carries on (units/lineage.py): the units merged into it, along a
chain of mergers, within a time; the units split among several successors, it among them."""

import datetime

import pytest

from units.lineage import carrying_on, forebears, heir
from units.models import Unit
from units.reorganisations import reorganisation_apply

TODAY = datetime.date(2024, 12, 1)
SINCE, UNTIL = datetime.date(2023, 12, 15), datetime.date(2024, 12, 14)


@pytest.fixture(autouse=True)
def clock(freeze):
    return freeze.on(TODAY)


@pytest.fixture
def apply(reorganise, admin_user):
    def run(day, *operations):
        act = reorganise(day, *operations, number=f"{day:%d%m%Y}/QĐ")
        reorganisation_apply(reorganisation=act, user=admin_user)

    return run


def merge(unit, successor):
    return {"action": "merge", "unit_code": unit, "target_code": successor}


def codes(found):
    return {
        Unit.objects.get(pk=pk).code: [forebear.code for forebear in listed]
        for pk, listed in found.items()
    }


def test_the_heir_follows_the_chain_and_stops_at_a_loop():
    assert heir({1: 2, 2: 3}, 1) == 3
    assert heir({1: 2, 2: 3}, 3) == 3
    assert heir({1: 2, 2: 1}, 1) in (1, 2)  # bad data: no endless loop


def carried_on_by(*units):
    """The codes of the units `carrying_on` finds for `units`, read back."""
    chain = carrying_on(Unit.objects.filter(pk__in=[u.pk for u in units]).values("pk"))
    return set(Unit.objects.filter(pk__in=chain).values_list("code", flat=True))


def test_carrying_on_follows_the_chain_as_the_heir_does(tree, apply):
    apply(datetime.date(2024, 3, 1), merge("A2", "B1"))
    apply(datetime.date(2024, 6, 1), merge("B1", "A1"))
    apply(datetime.date(2024, 9, 1), merge("A1", "S1"))
    assert carried_on_by(tree["A2"]) == {"B1", "A1", "S1"}  # three mergers
    assert carried_on_by(tree["A1"], tree["DB"]) == {"S1"}
    assert carried_on_by(tree["S1"]) == set()
    heirs = dict(Unit.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    assert Unit.objects.get(pk=heir(heirs, tree["A2"].pk)).code == "S1"


def test_carrying_on_stops_at_a_loop(tree):
    """Bad data, two units handed to each other: the query ends, each unit found once."""
    closed = {"closed_on": datetime.date(2024, 3, 1)}
    Unit.objects.filter(pk=tree["A1"].pk).update(successor=tree["A2"], **closed)
    Unit.objects.filter(pk=tree["A2"].pk).update(successor=tree["A1"], **closed)
    assert carried_on_by(tree["A1"]) == {"A1", "A2"}


def test_a_chain_of_mergers_within_the_time_reaches_its_last_unit(tree, apply):
    apply(datetime.date(2024, 3, 1), merge("A2", "B1"))
    apply(datetime.date(2024, 6, 1), merge("B1", "A1"))
    found = forebears([tree["A1"].pk, tree["S1"].pk], SINCE, UNTIL)
    assert codes(found.merged) == {"A1": ["A2", "B1"]}
    assert found.split == {}
    # Taken before the time began, B1's merger into A1 is A1's own history.
    assert forebears([tree["A1"].pk], datetime.date(2024, 7, 1), UNTIL).merged == {}
    # Asked for B1 alone, its predecessor goes on to A1, who carries it on: not B1's.
    assert forebears([tree["B1"].pk], SINCE, UNTIL).merged == {}


def test_a_split_names_the_unit_split_for_each_successor(tree, apply):
    apply(
        datetime.date(2024, 6, 1),
        *(
            {"action": "create", "code": code, "name": code, "kind": "commune", "target_code": "PV"}
            for code in ("CX", "CY")
        ),
        {"action": "split", "unit_code": "DA", "target_code": "CX", "children_codes": "A1"},
        {"action": "split", "unit_code": "DA", "target_code": "CY", "children_codes": "A2"},
    )
    successors = Unit.objects.filter(code__in=["CX", "CY"]).values_list("pk", flat=True)
    found = forebears(successors, SINCE, UNTIL)
    assert codes(found.split) == {"CX": ["DA"], "CY": ["DA"]}
    assert found.merged == {}
    assert forebears(successors, datetime.date(2024, 7, 1), UNTIL).split == {}
