"""Draft → applied; a future date is scheduled and applied by the daily task on its day;
cancelled while not yet in effect; never applied twice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from units.models import Reorganisation, Unit, UnitState
from units.reorganisations import (
    ReorganisationError,
    reorganisation_apply,
    reorganisation_cancel,
    reorganisation_schedule,
)
from units.tasks import apply_due_reorganisations


@pytest.fixture
def future(tree, reorganise, today):
    return reorganise(
        today + datetime.timedelta(days=7),
        {"action": "rename", "unit_code": "A1", "name": "Tên mới"},
    )


def test_applying_a_future_date_is_refused_and_changes_nothing(future, admin_user, today):
    with pytest.raises(ReorganisationError):
        reorganisation_apply(reorganisation=future, user=admin_user)
    assert Unit.objects.get(code="A1").name == "CĐCS A1"
    assert not UnitState.objects.filter(valid_from__gt=today).exists()


def test_a_scheduled_reorganisation_is_applied_by_the_task_on_its_day(future, admin_user, today):
    reorganisation_schedule(reorganisation=future, user=admin_user)
    assert future.status == Reorganisation.Status.SCHEDULED
    assert apply_due_reorganisations(today.isoformat()) == []
    assert Unit.objects.get(code="A1").name == "CĐCS A1"

    # The task runs on the day; the apply itself checks the real date, so pretend it came.
    Reorganisation.objects.filter(pk=future.pk).update(effective_on=today)
    assert apply_due_reorganisations(today.isoformat()) == [(future.pk, 0)]
    future.refresh_from_db()
    assert (future.status, future.applied_by) == ("applied", admin_user)
    assert Unit.objects.get(code="A1").name == "Tên mới"
    assert apply_due_reorganisations(today.isoformat()) == []  # nothing twice


def test_a_scheduled_one_that_became_impossible_goes_back_to_draft(
    future, admin_user, reorganise, today
):
    reorganisation_schedule(reorganisation=future, user=admin_user)
    Reorganisation.objects.filter(pk=future.pk).update(effective_on=today)
    Unit.objects.get(code="A1").close(today - datetime.timedelta(days=1))
    [(pk, refusals)] = apply_due_reorganisations(today.isoformat())
    future.refresh_from_db()
    assert (pk, refusals, future.status) == (future.pk, 1, "draft")
    assert future.summary["errors"][0][0] == 1


def test_a_reorganisation_not_yet_in_effect_can_be_cancelled(future, admin_user, today):
    reorganisation_schedule(reorganisation=future, user=admin_user)
    reorganisation_cancel(reorganisation=future, user=admin_user)
    assert future.status == "cancelled"
    assert apply_due_reorganisations((today + datetime.timedelta(days=7)).isoformat()) == []
    with pytest.raises(ReorganisationError):
        reorganisation_apply(reorganisation=future, user=admin_user)


def test_an_applied_reorganisation_can_be_neither_cancelled_nor_applied_again(
    tree, reorganise, admin_user, today
):
    r = reorganise(today, {"action": "rename", "unit_code": "A1", "name": "Tên hôm nay"})
    reorganisation_apply(reorganisation=r, user=admin_user)
    with pytest.raises(ReorganisationError):
        reorganisation_cancel(reorganisation=r, user=admin_user)
    with pytest.raises(ReorganisationError):
        reorganisation_apply(reorganisation=r, user=admin_user)
    assert UnitState.objects.filter(unit__code="A1").count() == 2


def test_cancelling_an_applied_one_says_when_it_was_applied_and_what_to_do_instead(
    tree, reorganise, admin_user, today, client
):
    # A page left open in another tab: its "Cancel" button sent after the apply.
    r = reorganise(today, {"action": "rename", "unit_code": "A1", "name": "Tên hôm nay"})
    reorganisation_apply(reorganisation=r, user=admin_user)
    client.force_login(admin_user)
    response = client.post(reverse("units:reorganisation_cancel", args=[r.pk]), follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    r.refresh_from_db()
    assert message == (
        f"Đợt sắp xếp này đã được áp dụng lúc {timezone.localtime(r.applied_at):%H:%M %d/%m/%Y}"
        " nên không thể hủy: những thay đổi của đợt này nay đã là lịch sử của cây tổ chức. "
        "Muốn thay đổi tiếp, hãy ghi nhận một đợt sắp xếp mới."
    )
    assert r.status == Reorganisation.Status.APPLIED


def test_a_reorganisation_without_operations_is_refused(tree, reorganise, admin_user, today):
    with pytest.raises(ReorganisationError):
        reorganisation_apply(reorganisation=reorganise(today), user=admin_user)
