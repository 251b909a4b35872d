"""Two applies never interleave, on PostgreSQL's real locking."""

import threading

import pytest
from django.db import connection

from tests.units.conftest import JULY
from units import reorganisations
from units.models import Reorganisation, Unit


def run_concurrently(monkeypatch, first_reorganisation, second_reorganisation, user):
    """Apply the first, holding its transaction open a moment after its steps ran, while
    the second starts; return each outcome."""
    first_inside = threading.Event()
    results = {}
    original = reorganisations._execute

    def slow_execute(reorganisation):
        preview = original(reorganisation)
        if reorganisation.pk == first_reorganisation.pk:
            first_inside.set()
            threading.Event().wait(0.5)
        return preview

    monkeypatch.setattr(reorganisations, "_execute", slow_execute)

    def apply(name, reorganisation):
        try:
            reorganisations.reorganisation_apply(reorganisation=reorganisation, user=user)
            results[name] = "applied"
        except reorganisations.ReorganisationError:
            results[name] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=apply, args=("first", first_reorganisation))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=apply, args=("second", second_reorganisation))
    second.start()
    first.join(10)
    second.join(10)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_merges_into_each_other_cannot_both_happen(
    require_postgres, monkeypatch, tree, reorganise, admin_user
):
    into_a2 = reorganise(JULY, {"action": "merge", "unit_code": "A1", "target_code": "A2"})
    into_a1 = reorganise(JULY, {"action": "merge", "unit_code": "A2", "target_code": "A1"})
    results = run_concurrently(monkeypatch, into_a2, into_a1, admin_user)
    assert results == {"first": "applied", "second": "refused"}
    a1, a2 = Unit.objects.get(code="A1"), Unit.objects.get(code="A2")
    assert (a1.successor, a2.closed_on) == (a2, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_reorganisation_applied_twice_at_once_is_applied_once(
    require_postgres, monkeypatch, tree, reorganise, admin_user
):
    r = reorganise(JULY, {"action": "rename", "unit_code": "A1", "name": "Một lần"})
    results = run_concurrently(monkeypatch, r, Reorganisation.objects.get(pk=r.pk), admin_user)
    assert results == {"first": "applied", "second": "refused"}
    assert Unit.objects.get(code="A1").states.count() == 2
