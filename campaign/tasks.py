from datetime import date

from celery import Task, shared_task
from django.utils import timezone

from campaign import file_sweep, notifications, reminders


@shared_task(bind=True, ignore_result=True, acks_late=True, soft_time_limit=30, time_limit=60)
def send_notification(self: Task, pk: int) -> str:
    """Send one outbox e-mail. Idempotent: a second run finds it sent and does nothing, and a
    run redelivered after its worker died mid-send sends it."""
    return notifications.send(pk, claimant=self.request.id or "")


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def write_woken_step_emails() -> int:
    """Write the pending workflow steps' e-mails to the outbox and send them (woken by the
    requests that commit steps). Idempotent: each step is claimed once, so a second run, or
    one racing it, writes nothing again."""
    return notifications.write_woken_step_emails()


# Messages queued before the steps' e-mails were written in batches name one step each.
@shared_task(ignore_result=True, acks_late=True, soft_time_limit=30, time_limit=60)
def write_step_emails(step_pk):
    """Write one workflow step's e-mails to the outbox and send them. Idempotent."""
    return len(notifications.write_step_emails(step_pk))


@shared_task(bind=True, ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def flush_outbox(self, batch=200):
    """Send what the broker could not take when it was written (runs every two minutes):
    first the e-mails of the steps still pending and the reminder e-mails a daily run that
    died left owed, written now and handed to the broker as each is written, then the rows
    left waiting."""
    notifications.write_pending_step_emails(batch=batch)
    reminders.write_reminder_emails(before=timezone.now() - reminders.PENDING_GRACE)
    pks = list(notifications.waiting().order_by("created_at").values_list("pk", flat=True)[:batch])
    claimant = self.request.id or ""
    return [notifications.send(pk, claimant=claimant) for pk in pks]


# Registered under the name it had in the reports app, which beat's schedule uses and
# messages already queued carry.
@shared_task(
    name="reports.tasks.send_reminders",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=540,
    time_limit=600,
)
def send_reminders(today_iso=None):
    """Send the day's reminders to units that have not submitted (beat: daily at 07:00).

    Idempotent: every step is claimed once, so a redelivered or duplicated run sends nothing
    more. `today_iso` ("YYYY-MM-DD") replays a given day; the default is today, local time.
    Returns the number of reminders created.
    """
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return reminders.send_due_reminders(today)


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def notify_due_recommendations(today_iso=None):
    """Tell units whose inspection's recommendations have fallen due (beat: daily at 07:10).

    Idempotent: each inspection's due date is claimed once, so a redelivered or duplicated
    run tells nobody twice; a day the task did not run is caught up by the next run.
    `today_iso` ("YYYY-MM-DD") replays a given day. Returns how many inspections were told.
    """
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return notifications.notify_due_recommendations(today)


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def sweep_orphan_files():
    """Remove stored attachment files a rolled-back transaction left without their row
    (beat: daily at 02:30; campaign.file_sweep). Idempotent. Returns how many went."""
    return len(file_sweep.sweep_orphan_files())
