"""Delivering an issued summary report to the Standing Committee.

Issuing a summary (`reports.issuing.summary_issue`) calls `deliver_issued_summary` in its
transaction: every reader gets a `SummaryReceipt` (the entry on their home page, unread
until they open the summary), a notice under the bell of the menu bar (`campaign.notices`)
and, when they have an e-mail address, an e-mail with the link, written to the outbox of
`campaign.notifications` and handed to Celery only after the commit. A rollback of the issue
therefore leaves neither a receipt, a notice nor an e-mail.

The readers are the Standing Committee: the active users with the viewer role at the
summary's unit or at a unit above it, whose role reaches the summary. The issuer is left
out (they know), and so are reviewers, who issue summaries rather than receive them.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from campaign import notices
from campaign.models import Notification
from campaign.notifications import enqueue, subject_line
from reports.models import SummaryReceipt, SummaryReport
from units.access import Scope
from units.models import Membership, Unit, User

Role = Membership.Role
S = SummaryReport.Status
# Issued summaries the home page lists: the latest ones, the rest are on the summaries page.
INBOX_SIZE = 10


def readers(summary: SummaryReport) -> list[User]:
    """The users an issued `summary` is delivered to: active viewers at its unit or above
    it, without its issuer, each once, by username. One query."""
    unit = summary.unit
    at_or_above = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    users = (
        User.objects.filter(
            memberships__role=Role.VIEWER,
            memberships__unit__path__in=at_or_above,
            is_active=True,
        )
        .exclude(pk=summary.issued_by_id)
        .distinct()
        .order_by("username")
    )
    return list(users)


def deliver_issued_summary(summary: SummaryReport) -> int:
    """Deliver the issued `summary` to its readers (`readers`) and return how many: a
    receipt and a notice each, and an e-mail with the link for each reader with an address,
    sent after the commit. Delivering twice delivers nothing new (receipts, notices and
    e-mails are keyed by summary and user). Four queries, and the outbox's after the
    commit."""
    users = readers(summary)
    if not users:
        return 0
    now = timezone.now()
    SummaryReceipt.objects.bulk_create(
        [SummaryReceipt(summary=summary, user=user, delivered_at=now) for user in users],
        ignore_conflicts=True,
    )
    notices.write(
        users,
        key=notice_key(summary),
        kind=notices.Kind.SUMMARY_ISSUED,
        unit=summary.unit,
        url=summary.get_absolute_url(),
        params={
            # Who issued it, as its e-mail and its letterhead name them on its date: the
            # board under its federation for the board's report (the federation itself did
            # not), else the unit by its name then, not the short one lists use today.
            "unit": summary.issuer_in_full,
            "number": summary.number,
            "subject": summary.subject,
            "year": summary.year,
        },
        at=now,
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "summary": summary,
            "url": settings.SITE_URL.rstrip("/") + summary.get_absolute_url(),
        }
        subject = subject_line(render_to_string("reports/email/summary_subject.txt", context))
        body = render_to_string("reports/email/summary_body.txt", context)
    rows = [
        Notification(
            key=f"summary-{summary.pk}-user-{user.pk}",
            recipient=user,
            to_email=user.email,
            subject=subject,
            body=body,
        )
        for user in users
        if user.email
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows]
    if keys:
        transaction.on_commit(lambda: enqueue(keys))
    return len(users)


def notice_key(summary: SummaryReport) -> str:
    """The event key of the notices of `summary`'s issue (campaign.notices)."""
    return f"summary-{summary.pk}"


def mark_read(user: User, summary: SummaryReport) -> bool:
    """Mark `summary` read by `user`: True when this was their first reading of a summary
    delivered to them, False otherwise (read before, never delivered, anonymous). Its
    notice under the bell is marked read too, however the summary was reached. Two
    conditional UPDATEs at the first reading, one after; the first reading's time is kept."""
    if not user.is_authenticated:
        return False
    first = bool(
        SummaryReceipt.objects.filter(user=user, summary=summary, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )
    if first:
        notices.mark_read_by_key(user, notice_key(summary))
    return first


def inbox(scope: Scope, size: int = INBOX_SIZE) -> dict:
    """The issued summaries delivered to the user of `scope` that they may still read,
    newest first: {"receipts": the latest `size`, each with its summary (and its campaign,
    unit and the summary it corrects), "unread": how many are unread in all, "more":
    whether there are more, "one_campaign": whether those listed all belong to one
    campaign}. No query for a user without a reading role; else two."""
    empty = {"receipts": [], "unread": 0, "more": False}
    if not scope.has_role({Role.VIEWER, Role.REVIEWER}):
        return empty
    delivered = SummaryReceipt.objects.filter(
        scope.condition({Role.VIEWER, Role.REVIEWER}, path_field="summary__unit__path"),
        user=scope.user,
        summary__status__in=[S.ISSUED, S.SUPERSEDED],
    )
    receipts = list(
        delivered.select_related(
            "summary__campaign", "summary__unit", "summary__supersedes"
        ).order_by("-summary__issued_at", "-summary__pk")[: size + 1]
    )
    if not receipts:
        return empty
    unread = delivered.filter(read_at__isnull=True).count()
    shown = receipts[:size]
    return {
        "receipts": shown,
        "unread": unread,
        "more": len(receipts) > size,
        # The campaign's long title under each entry only tells campaigns apart: with one,
        # the subjects already name it and it was repeated word for word on every line.
        "one_campaign": len({receipt.summary.campaign_id for receipt in shown}) == 1,
    }
