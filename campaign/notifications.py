"""E-mail about workflow steps, through an outbox so that none is lost or sent twice.

A step writes its notifications as rows in its own transaction. After the commit each row
is handed to a Celery task; if the broker is down the row simply waits, and the periodic
`flush_outbox` task sends it later. Sending claims the row with a conditional UPDATE, so a
task that runs twice, or two workers racing, send one e-mail. A task redelivered after its
worker died mid-send takes its own claim back and sends; the one case that can still send
twice is a worker dying between the mail server's acceptance and the row being marked, so
every message carries a Message-ID fixed per row, by which mail clients drop the duplicate.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from campaign.models import Notification, Step
from config.db import on_a_live_connection
from units.models import Membership, Unit

log = logging.getLogger(__name__)

Role = Membership.Role

# A claim older than this belongs to a worker that died mid-send: the row may be retried.
CLAIM_LEASE = timedelta(minutes=5)
# Rows younger than this are still being enqueued by the request that wrote them.
FLUSH_GRACE = timedelta(seconds=30)
MAX_ATTEMPTS = 10


def recipients_for(submission, action):
    """Who hears about `action` on `submission`: one query.

    A submission goes to the reviewers of the nearest upper unit that has any reachable by
    e-mail (a district federation for its grassroots unions, the CSPL board for units
    directly under the province); a review step goes back to the unit's own officers.
    """
    unit = submission.unit
    if action == Step.Action.SUBMIT:
        ancestors = _ancestor_paths(unit)
        memberships = list(
            Membership.objects.filter(
                role=Role.REVIEWER, unit__path__in=ancestors, user__is_active=True
            )
            .exclude(user__email="")
            .select_related("user", "unit")
        )
        if not memberships:
            return []
        nearest = max(m.unit.depth for m in memberships)
        users = [m.user for m in memberships if m.unit.depth == nearest]
    else:
        users = [
            m.user
            for m in Membership.objects.filter(
                role=Role.OFFICER, unit=unit, user__is_active=True
            ).select_related("user")
        ]
    unique = {user.pk: user for user in users if user.email}
    return list(unique.values())


def notify_step(submission, step):
    """Write the outbox rows for `step` and send them once the transaction commits."""
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "step": step,
            "url": settings.SITE_URL.rstrip("/") + submission.get_absolute_url(),
        }
        # One line whatever a unit's name holds (an admin edit can still put a line break
        # in it): a header with a newline makes every send of this e-mail fail.
        subject = " ".join(render_to_string("campaign/email/step_subject.txt", context).split())
        body = render_to_string("campaign/email/step_body.txt", context)
    for user in recipients_for(submission, step.action):
        rows.append(
            Notification(
                key=f"step-{step.pk}-user-{user.pk}",
                recipient=user,
                to_email=user.email,
                subject=subject[:255],
                body=body,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows]
    if keys:
        transaction.on_commit(lambda: enqueue(keys))


def enqueue(keys):
    """Hand the notifications to the broker; a broker that is down leaves them waiting."""
    from campaign.tasks import send_notification

    for pk in Notification.objects.filter(key__in=keys).values_list("pk", flat=True):
        try:
            send_notification.delay(pk)
        except Exception:  # kombu's OperationalError, redis errors: the outbox keeps the row
            log.warning("Broker unavailable; notification %s waits in the outbox", pk)


def send(pk, claimant=""):
    """Send notification `pk` unless it was sent or another worker holds it.

    `claimant` is the id of the Celery task sending it. A claim it already holds was left by
    an earlier delivery of this same task whose worker died: the broker gives a message
    again only after its pool process was killed or after the visibility timeout, which is
    longer than any task may run. Returns "sent", "skipped" or "failed". Never raises for a
    mail error: the row records it and the periodic flush retries.
    """
    now = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    if claimant:
        free |= Q(claimed_by=claimant)
    claimed = (
        Notification.objects.filter(pk=pk, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(free)
        .update(claimed_at=now, claimed_by=claimant, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.get(pk=pk)
    try:
        message(notification).send()
    except Exception as exc:  # SMTP and network errors alike; the row keeps the reason
        log.warning("Sending notification %s failed: %s", pk, exc)
        reason = str(exc)[:2000]
        on_a_live_connection(
            lambda: Notification.objects.filter(pk=pk).update(
                claimed_at=None, claimed_by="", last_error=reason
            )
        )
        return "failed"
    # The mail server has the message: the mark must not be lost to a connection that died
    # while it talked to the server, or the row would be sent again once its lease ran out.
    on_a_live_connection(
        lambda: Notification.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    )
    return "sent"


def message(notification):
    """The e-mail of `notification`, with a Message-ID that is the same at every attempt."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.to_email],
        headers={"Message-ID": f"<{notification.key}@{domain}>"},
    )


def waiting(now=None):
    """Notifications the flush should send: unsent, unclaimed or stale, past the grace."""
    now = now or timezone.now()
    return Notification.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lt=now - FLUSH_GRACE
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))


def _ancestor_paths(unit):
    steplen = Unit.steplen
    return [unit.path[:end] for end in range(steplen, len(unit.path), steplen)]
