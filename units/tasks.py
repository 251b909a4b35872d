from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from units import password_reset, reorganisations


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=540, time_limit=600)
def apply_due_reorganisations(today_iso: str | None = None) -> list[tuple[int, int]]:
    """Apply the scheduled reorganisations whose effective date has come (beat: daily, just
    after midnight local time). Idempotent: an applied one is no longer scheduled, and the
    lock in reorganisation_apply keeps two runs from applying one twice.

    Returns [(pk, number of refusals)] for each one tried.
    """
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    return [(r.pk, len(errors)) for r, errors in reorganisations.apply_due(today)]


@shared_task(
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    # 30 s, 1, 2, 4, 8 min, then every 10 min: about an hour in all. Without jitter, so that
    # the hour holds (Celery's jitter waits a random part of each step).
    retry_jitter=False,
    max_retries=10,
    soft_time_limit=30,
    time_limit=60,
)
def send_password_reset(user_pk: int) -> bool:
    """Make and send a password-reset link; while the mail server is unreachable, tried
    again after 30 s, 1 min, 2 min... for about an hour."""
    return password_reset.send_reset_link(user_pk)


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=60, time_limit=120)
def queue_password_resets(email: str) -> int:
    """A reset asked for `email`: one `send_password_reset` per active account using it,
    found here, by the worker, so that the request does the same work whether or not an
    account uses the address (its time says nothing). Returns how many were queued."""
    pks = password_reset.accounts_of(email)
    for pk in pks:
        send_password_reset.delay(pk)
    return len(pks)
