from celery import shared_task

from campaign import notifications


@shared_task(bind=True, ignore_result=True, acks_late=True, soft_time_limit=30, time_limit=60)
def send_notification(self, pk):
    """Send one outbox e-mail. Idempotent: a second run finds it sent and does nothing, and a
    run redelivered after its worker died mid-send sends it."""
    return notifications.send(pk, claimant=self.request.id or "")


@shared_task(bind=True, ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def flush_outbox(self, batch=200):
    """Send what the broker could not take when it was written (runs every two minutes)."""
    pks = list(notifications.waiting().order_by("created_at").values_list("pk", flat=True)[:batch])
    claimant = self.request.id or ""
    return [notifications.send(pk, claimant=claimant) for pk in pks]
