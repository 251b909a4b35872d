from datetime import date

from celery import shared_task
from django.utils import timezone

from units import reorganisations


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=540, time_limit=600)
def apply_due_reorganisations(today_iso=None):
    """Apply the scheduled reorganisations whose effective date has come (beat: daily, just
    after midnight local time). Idempotent: an applied one is no longer scheduled, and the
    lock in reorganisation_apply keeps two runs from applying one twice.

    Returns [(pk, number of refusals)] for each one tried.
    """
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return [(r.pk, len(errors)) for r, errors in reorganisations.apply_due(today)]
