from celery import shared_task

from campaign import notifications


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=30, time_limit=60)
def send_notification(pk):
    """Send one outbox e-mail. Idempotent: a second run finds it sent and does nothing."""
    return notifications.send(pk)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def flush_outbox(batch=200):
    """Send what the broker could not take when it was written (runs every two minutes)."""
    pks = list(notifications.waiting().order_by("created_at").values_list("pk", flat=True)[:batch])
    return [notifications.send(pk) for pk in pks]
