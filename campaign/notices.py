"""Notices in the portal: what the bell in the menu bar counts, beside the e-mails.

Every event the portal e-mails about also leaves a notice for each active user it concerns,
written in the event's own transaction, so that a rollback leaves none and nothing committed
is lost (a workflow step's notices are thus written in the request, while its e-mails are
written by a worker after the commit: campaign.notifications):

- a review step (returned, accepted, reopened), or a report opened after the lock date: the
  unit's officers, or for a unit without any those who file for it from above
  (campaign.notifications.notify_step);
- a reminder: the unit's officers, or for a unit without any those who file for it from above
  (campaign.notifications.filers);
- an obstacle answered: those who file for the unit, as for a review step, and whoever
  raised it while they may see the unit (campaign.notifications.obstacle_audience); an
  obstacle closed by its unit or by another reviewer: the reviewer who answered it; the
  recommendations of a visit due: those who file for the unit, as for a review step
  (campaign.notifications);
- a summary report issued: its readers (reports.delivery).

What a unit sends up (a submission, an obstacle raised) e-mails its reviewers and leaves them
no notice: it waits in their lists.

A notice names a unit as its e-mail does, by its full name as it stood at the event (a
report's, as named that year; a summary's issuer, as its letterhead prints it), never by the
short name lists use: one list of notices, one way of naming.

Unlike the e-mails, notices reach users without an e-mail address. Each event has a key;
a user gets one notice per key, whatever retries happen (`write`).

The reader opens a notice through campaign.notice_pages: only their own (another user's is
a 404), marked read, then the page it is about if they may still go there; else back to the
list, which says why not (`refusal`, `still_asked`).
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.urls import Resolver404, resolve
from django.utils import timezone

from campaign import counting
from campaign.models import Campaign, Notice, Period, Reminder, Step, Submission
from units.access import FILE, READ, SEE, Scope
from units.models import Unit, User

Kind = Notice.Kind
Action = Step.Action

STEP_KINDS = {
    Action.RETURN: Kind.RETURNED,
    Action.ACCEPT: Kind.ACCEPTED,
    Action.REOPEN: Kind.REOPENED,
    Step.Opening.OPEN_LATE: Kind.OPENED_LATE,
}
# The bell shows "99+" beyond this: counting further would cost more and tell nothing.
BELL_CAP = 99
# The reasons and subjects kept in a notice: enough to recognise them, the page has the rest.
PARAM_LENGTH = 300


def write(
    users: Iterable[User],
    *,
    key: str,
    kind: str,
    unit: Unit,
    url: str,
    params: dict,
    at: datetime.datetime | None = None,
) -> int:
    """Leave the notice `kind` of event `key` about `unit`'s object at `url` for each active
    user of `users`, in the caller's transaction; return how many users were meant. A user
    who already has a notice of `key` gets nothing new (ON CONFLICT DO NOTHING). One query,
    none without users."""
    recipients = {user.pk: user for user in users if user.is_active}
    if not recipients:
        return 0
    at = at or timezone.now()
    params = {
        name: _shortened(value) if isinstance(value, str) else value
        for name, value in params.items()
    }
    Notice.objects.bulk_create(
        [
            Notice(
                recipient=user,
                key=key,
                kind=kind,
                unit=unit,
                url=url,
                params=params,
                created_at=at,
            )
            for user in recipients.values()
        ],
        ignore_conflicts=True,
    )
    return len(recipients)


def _shortened(text: str) -> str:
    """`text` as a notice keeps it: whole, or cut after a whole word within PARAM_LENGTH and
    ended with "…", so that a long reason is not shown as if it stopped mid-word."""
    if len(text) <= PARAM_LENGTH:
        return text
    cut = text[: PARAM_LENGTH - 1]
    if " " in cut and not text[PARAM_LENGTH - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-\n") + "…"


def submission_params(submission) -> dict:
    """What a notice about a plan or an annual report names, as the step's e-mail does
    (campaign.notifications): a plan by its unit's name, a report by its year and its unit
    as named that year (a unit renamed or merged since keeps its old name on that year's
    report). No query for a plan once its unit and campaign are loaded; one for a report
    (`AnnualReport.unit_name_then`) unless it was read with its name then."""
    is_report = hasattr(submission, "year")
    return {
        "what": "report" if is_report else "plan",
        "unit": submission.unit_name_then() if is_report else submission.unit.name,
        "year": submission.year if is_report else None,
        "campaign": submission.campaign.reference,
    }


def notify_step(submission: Submission, step: Step, users: Iterable[User]) -> int:
    """The notices of a review step (returned, accepted, reopened) or of a report opened
    late to `users`, who file for the unit; a submission leaves none (the reviewers have
    their queue)."""
    kind = STEP_KINDS.get(step.action)
    if kind is None:
        return 0
    return write(
        users,
        key=f"step-{step.pk}",
        kind=kind,
        unit=submission.unit,
        url=submission.get_absolute_url(),
        params={**submission_params(submission), "reason": step.reason},
        at=step.at,
    )


def notify_reminder(reminder: Reminder, unit: Unit, url: str, users: Iterable[User]) -> int:
    """The notices of `reminder` to `users`, the active officers of `unit`, with or without
    an e-mail address, linking to `url` (where the unit writes the document). One query."""
    return write(
        users,
        key=f"reminder-{reminder.pk}",
        kind=Kind.REMINDED,
        unit=unit,
        url=url,
        params={
            "what": reminder.what,
            # As the reminder's e-mail greets the unit.
            "unit": unit.name,
            "year": reminder.year,
            "due_on": reminder.due_on.isoformat(),
            "campaign": reminder.campaign.reference,
        },
    )


# --- reading ---------------------------------------------------------------------------------
def of(user: User) -> QuerySet:
    """`user`'s notices, newest first, with their units (for `refusal`)."""
    return (
        Notice.objects.filter(recipient=user).select_related("unit").order_by("-created_at", "-pk")
    )


def unread_count(user: User) -> int:
    """How many of `user`'s notices are unread, counted up to BELL_CAP + 1: one query on the
    partial index of unread notices."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True)[: BELL_CAP + 1].count()


def latest(user: User, size: int = 5, leave_out: Iterable[str] = ()) -> list[Notice]:
    """`user`'s `size` newest notices but those of the kinds `leave_out` (a page that lists
    those events in a section of their own): one query."""
    notices = of(user)
    if leave_out:
        notices = notices.exclude(kind__in=list(leave_out))
    return list(notices[:size])


def mark_read(user: User, pk: int) -> bool:
    """Mark `user`'s notice `pk` read, keeping the first reading's time: True when it was
    unread. One conditional UPDATE."""
    return bool(
        Notice.objects.filter(recipient=user, pk=pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def mark_all_read(user: User) -> int:
    """Mark every unread notice of `user` read; return how many. One UPDATE."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_read_by_key(user: User, key: str) -> int:
    """Mark `user`'s notice of event `key` read, if unread (reading the object another way
    than through the notice, e.g. a summary from the home page). One UPDATE."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, key=key, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Why a notice's link no longer opens for its reader (`refusal`, `still_asked`).
UNSEEN = "unseen"  # not a page of the portal, or its unit is out of the reader's reach
CLOSED = "closed"  # a link to write for a unit that has closed since
OWN_OFFICER = "own_officer"  # ... for a unit filed for from above, which has an officer now
NOT_FILING = "not_filing"  # ... for a unit the reader still sees but no longer files for
NOT_ASKED = "not_asked"  # ... a plan or report the campaign no longer asks of the unit


def may_open(notice: Notice, scope: Scope) -> bool:
    """Whether the notice's link still leads somewhere its reader may go (`refusal`)."""
    return not refusal(notice, scope)


def refusal(notice: Notice, scope: Scope) -> str:
    """Why the notice's link no longer leads somewhere its reader may go, "" when it does:
    the link is a path of the portal and its reader still holds, over the unit of its
    object, a role the page asks for (`LINK_ROLES`; any role, to see it): a link to write a
    plan or report is to a unit they still file for (closed since, it is a 403), a summary
    report is for a reviewer or the Standing Committee (to one who became an officer, it is
    a 404). A reader who still sees the unit a reminder asked them to write for is told
    what changed: it closed (CLOSED), it has an officer of its own who files for it now
    (OWN_OFFICER), or they file for it no more (NOT_FILING); else UNSEEN. No query beyond
    the scope's own (whether the unit has an officer of its own is the one `allows` asked).
    A plan or report a merger moved takes its notices' unit with it
    (campaign.reorganisations). Whether the campaign still asks for what the link starts
    writing costs queries, and is `still_asked`'s."""
    url = notice.url
    if not url.startswith("/") or url.startswith("//"):
        return UNSEEN
    try:
        view = resolve(urlsplit(url).path).view_name
    except Resolver404:
        return UNSEEN
    roles = LINK_ROLES.get(view, SEE)
    unit = notice.unit
    if scope.allows(unit, roles):
        return ""
    if roles != FILE or not scope.can_see(unit):
        return UNSEEN
    if not unit.is_open_on(scope.today):
        return CLOSED
    # Open, and below a unit the reader files from: `allows` refused it for its officer.
    if any(unit.path.startswith(path) for path in scope.paths(FILE)):
        return OWN_OFFICER
    return NOT_FILING


def still_asked(notice: Notice) -> bool:
    """For a link that starts writing a plan or a report (a reminder's), whether the
    campaign still asks the notice's unit for it, as that page checks: for a plan, the unit
    is of a kind the campaign addresses, in its area today (a later reorganisation, a unit
    moved out of the area or its kind changed, makes that page a 404); for a report, the
    year owes it by the counting rule on that year's tree (campaign.counting.expects). True
    for any other link, without a query; else one query (two for a report), and those of
    `Campaign.acting_issuer` for a campaign whose issuer merged away."""
    match = resolve(urlsplit(notice.url).path)
    if match.view_name not in WRITE_LINKS:
        return True
    kwargs = match.kwargs
    if "year" in kwargs:
        period = (
            Period.objects.filter(campaign_id=kwargs["campaign_pk"], year=kwargs["year"])
            .select_related("campaign__issuer")
            .first()
        )
        if period is None:
            return True  # the page writes the period and answers for itself
        return counting.expects(period.campaign, period, notice.unit)
    campaign = Campaign.objects.select_related("issuer").filter(pk=kwargs["campaign_pk"]).first()
    return campaign is None or campaign.addresses(notice.unit)


# The roles a linked page asks for beyond seeing the unit, as the page itself checks them:
# starting to write a unit's plan or report; reading a summary (reports.summary).
LINK_ROLES = {
    "campaign:plan_start": FILE,
    "campaign:report_start": FILE,
    "reports:summary_detail": READ,
}
WRITE_LINKS = {view for view, roles in LINK_ROLES.items() if roles == FILE}
