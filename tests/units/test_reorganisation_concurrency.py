"""Two applies never interleave, nor an apply and a preview, on PostgreSQL's real locking."""

import threading

import pytest
from django.db import connection

from tests.units.reorganisations import JULY
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_preview_drawn_while_another_reorganisation_is_applied_waits_rather_than_fails(
    require_postgres, monkeypatch, tree, reorganise, admin_user
):
    # The page of a draft runs its steps (and rolls them back) to show its preview. Two
    # drafts renaming the same units in the opposite order, one previewed while the other
    # is applied: each held a unit the other waited for, and PostgreSQL ended one of them
    # with a deadlock error (a 500 on the page).
    shown = reorganise(
        JULY,
        {"action": "rename", "unit_code": "A1", "name": "Xem trước A1"},
        {"action": "rename", "unit_code": "A2", "name": "Xem trước A2"},
    )
    applied = reorganise(
        JULY,
        {"action": "rename", "unit_code": "A2", "name": "Áp dụng A2"},
        {"action": "rename", "unit_code": "A1", "name": "Áp dụng A1"},
        number="57/QĐ-LĐLĐ",
    )
    preview_holds_a1, apply_holds_a2 = threading.Event(), threading.Event()
    original = reorganisations._Run.rename

    def rename(run, operation, unit):
        original(run, operation, unit)
        if run.reorganisation.pk == shown.pk and unit.code == "A1":
            preview_holds_a1.set()
            # Until the apply holds A2 (or a while: with the fix it waits for the preview).
            if apply_holds_a2.wait(2):
                threading.Event().wait(0.5)  # and has gone on to wait for A1
        if run.reorganisation.pk == applied.pk and unit.code == "A2":
            apply_holds_a2.set()

    monkeypatch.setattr(reorganisations._Run, "rename", rename)
    results = {}

    def run(name, action):
        try:
            action()
            results[name] = "done"
        except Exception as error:  # what failed is the result
            results[name] = type(error).__name__
        finally:
            connection.close()

    preview = threading.Thread(
        target=run, args=("preview", lambda: reorganisations.reorganisation_preview(shown))
    )
    preview.start()
    assert preview_holds_a1.wait(10)

    def apply():
        reorganisations.reorganisation_apply(reorganisation=applied, user=admin_user)

    applying = threading.Thread(target=run, args=("apply", apply))
    applying.start()
    preview.join(20)
    applying.join(20)
    assert results == {"preview": "done", "apply": "done"}
    assert Unit.objects.get(code="A1").name == "Áp dụng A1"
