"""A closed unit is history: nobody files for it from its closing day, its people still
read it."""

import datetime

from django.utils import timezone

from units.access import FILE, REVIEW, SEE, Scope
from units.models import Unit


def close(code, day=None):
    Unit.objects.get(code=code).close(day or timezone.localdate())


def test_an_officer_of_a_closed_unit_no_longer_files_for_it_but_still_sees_it(tree, cast):
    close("A1")
    scope = Scope(cast["officer_a1"])
    a1 = Unit.objects.get(code="A1")
    assert not scope.can_file_for(a1)
    assert scope.can_see(a1)
    assert not scope.is_officer
    assert list(scope.units(FILE)) == []
    assert list(scope.units(SEE)) == [a1]
    assert scope.filing_units == []


def test_a_unit_that_closes_tomorrow_is_still_filed_for_today(tree, cast, today):
    close("A1", today + datetime.timedelta(days=1))
    scope = Scope(cast["officer_a1"])
    assert scope.can_file_for(Unit.objects.get(code="A1"))
    assert scope.is_officer


def test_an_officer_above_files_for_the_open_units_below_only(tree, cast):
    close("A1")
    scope = Scope(cast["officer_a"])
    assert not scope.can_file_for(Unit.objects.get(code="A1"))
    assert scope.can_file_for(tree["A2"])
    assert {u.code for u in scope.units(FILE)} == {"DA", "A2"}
    assert {u.code for u in scope.units(SEE)} == {"DA", "A1", "A2"}


def test_reviewers_keep_reading_and_reviewing_a_closed_unit(tree, cast):
    close("A1")
    scope = Scope(cast["reviewer_a"])
    a1 = Unit.objects.get(code="A1")
    assert scope.can_see(a1) and scope.can_review(a1)
    assert a1 in scope.units(REVIEW)
