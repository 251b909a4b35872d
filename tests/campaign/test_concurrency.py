"""No lost update: two people saving the same draft at once, on PostgreSQL's real locking."""

import threading

import pytest
from django.db import connection, transaction

from campaign import workflow
from campaign.models import Plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_saves_from_the_same_version_exactly_one_wins(require_postgres, plan_a1):
    version = plan_a1.version
    first_inside = threading.Event()
    results = {}

    def save(name, signer, hold):
        try:
            plan = Plan.objects.get(pk=plan_a1.pk)
            plan.signer = signer
            with transaction.atomic():
                workflow.save_if_unchanged(plan, expected_version=version, fields=["signer"])
                if hold:
                    # Keep the row locked while the second save arrives.
                    first_inside.set()
                    threading.Event().wait(0.5)
            results[name] = "saved"
        except workflow.ConflictError:
            results[name] = "conflict"
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("first", "Người thứ nhất", True))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=save, args=("second", "Người thứ hai", False))
    second.start()
    first.join(10)
    second.join(10)
    assert results == {"first": "saved", "second": "conflict"}
    plan = Plan.objects.get(pk=plan_a1.pk)
    assert plan.signer == "Người thứ nhất"  # the first save is untouched
    assert plan.version == version + 1


def test_a_save_from_before_a_submission_is_refused(plan_a1, cast):
    # An officer saves a form opened before a colleague submitted: the plan is now locked.
    version = plan_a1.version
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    plan = Plan.objects.get(pk=plan_a1.pk)
    plan.signer = "Sửa sau khi gửi"
    with pytest.raises(workflow.ConflictError):
        workflow.save_if_unchanged(plan, expected_version=version, fields=["signer"])
    assert Plan.objects.get(pk=plan_a1.pk).signer != "Sửa sau khi gửi"


def test_a_stale_version_is_refused_on_any_database(plan_a1):
    stale = plan_a1.version
    fresh = Plan.objects.get(pk=plan_a1.pk)
    fresh.summary = "Lưu trước"
    workflow.save_if_unchanged(fresh, expected_version=stale, fields=["summary"])
    late = Plan.objects.get(pk=plan_a1.pk)
    late.summary = "Lưu sau"
    with pytest.raises(workflow.ConflictError):
        workflow.save_if_unchanged(late, expected_version=stale, fields=["summary"])
    assert Plan.objects.get(pk=plan_a1.pk).summary == "Lưu trước"
