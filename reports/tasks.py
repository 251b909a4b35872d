"""Periodic tasks of the reports app."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from reports import reminders


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=540, time_limit=600)
def send_reminders(today_iso=None):
    """Send the day's reminders to units that have not submitted (beat: daily at 07:00).

    Idempotent: every step is claimed once, so a redelivered or duplicated run sends nothing
    more. `today_iso` ("YYYY-MM-DD") replays a given day; the default is today, local time.
    Returns the number of reminders created.
    """
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return reminders.send_due_reminders(today)


from reports import summary_tasks  # noqa: E402,F401  (autodiscovery imports tasks.py only)
