"""E-mail about workflow steps, through an outbox so that none is lost or sent twice.

A workflow step owes e-mails: the request records it with `emails_pending` set, in its own
transaction, and after the commit wakes the task that writes the pending steps' e-mails
(`wake_step_email_writer`): the steps committed within a second share one task, so a
deadline's hundreds of submissions hand the broker a few messages, not one each. For each
step the task claims it with a conditional UPDATE, finds who is told and writes the
e-mails as rows of the outbox, one per recipient, in one transaction; after that commit
each row is handed to a Celery task of its own. The request thus neither looks up the
recipients nor renders anything. If the broker is down, a step or a row simply waits, and
the periodic `flush_outbox` task writes the steps' e-mails and sends the rows later.
Sending claims the row with a conditional UPDATE, so a task that runs twice, or two workers
racing, send one e-mail. A task redelivered after its worker died mid-send takes its own
claim back and sends; the one case that can still send twice is a worker dying between the
mail server's acceptance and the row being marked, so every message carries a Message-ID
fixed per row, by which mail clients drop the duplicate.

Other events (an obstacle raised, answered or closed by a reviewer, recommendations due,
reminders, summaries) write their rows themselves, in the transaction of the event; the daily
reminders, one e-mail per person and run, in the transaction that takes what the run's units
owe that person (campaign.reminders.write_reminder_emails).

Beside its e-mails, each event leaves notices in the portal (campaign.notices), written in
the event's own transaction (a step's in the request) and reaching also the people without
an e-mail address. An obstacle closed by a reviewer is told to its unit by e-mail and
notice; the reviewer who answered it gets a notice when its unit or another reviewer
closes it.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign import notices
from campaign.models import Inspection, Notification, Obstacle, Status, Step, Submission
from config.db import on_a_live_connection
from units import lineage
from units.access import Scope, open_on
from units.models import Membership, Unit, User

log = logging.getLogger(__name__)

Role = Membership.Role

# A claim older than this belongs to a worker that died mid-send: the row may be retried.
CLAIM_LEASE = timedelta(minutes=5)
# Rows and pending steps younger than this are still being handed to the broker by the
# request or task that wrote them.
FLUSH_GRACE = timedelta(seconds=30)
MAX_ATTEMPTS = 10
# The writer of the steps' e-mails is woken once a second at most: a request that commits a
# step sets the key for WAKE_TTL_S, and only the one that set it publishes the task, which
# runs WAKE_DELAY_S later. The delay outlasts the key, so a step that found the key set had
# committed before the task reads the pending steps, even with the worker's clock a second
# ahead; the task also deletes the key as it starts, and the flush catches a lost task's.
WAKE_KEY = "step-emails-writer-woken"
WAKE_TTL_S = 1
WAKE_DELAY_S = 2


def audience(submission, action):
    """Who hears about `action` on `submission`, each active user once: one query.

    A submission goes to the reviewers of the nearest upper unit that has any reachable by
    e-mail (a district federation for its grassroots unions, the CSPL board for units
    directly under the province); a review step (a return, an acceptance, a reopening, a
    report opened after the lock date) goes back to the unit's own officers, all of them:
    one without an e-mail address still gets the notice in the portal. For a unit with
    none, whose work is filed on behalf (units.access), it goes to the officers of the
    nearest open unit above that has any, who filed it and must fix it: two queries then.
    """
    unit = submission.unit
    if action == Step.Action.SUBMIT:
        return reviewers_above(unit)
    unique = {user.pk: user for user in filers_of(unit)}
    return list(unique.values())


def reviewers_above(unit: Unit) -> list[User]:
    """Who is e-mailed about what `unit` sends up (a submission, an obstacle): the active
    reviewers, with an e-mail address, of the nearest unit above it that has any, each
    once. One query."""
    memberships = list(
        Membership.objects.filter(
            role=Role.REVIEWER, unit__path__in=_ancestor_paths(unit), user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "unit")
    )
    if not memberships:
        return []
    nearest = max(m.unit.depth for m in memberships)
    unique = {m.user.pk: m.user for m in memberships if m.unit.depth == nearest}
    return list(unique.values())


def filers_of(unit: Unit, day: date | None = None) -> list[User]:
    """Who files for `unit` on `day` (`filers`)."""
    return filers([unit], day).get(unit.pk, [])


def filers(units: Iterable[Unit], day: date | None = None) -> dict[int, list[User]]:
    """{unit id: [who files for it]} for `units`, with or without an e-mail address (who
    has none reads the notice in the portal only): its active officers, or, for a unit with
    none, whose work is filed on behalf (units.access), the active officers of the nearest
    unit above it open on `day` (today by default) that has any. A unit with nobody is left
    out. One query, two when some unit has no officer of its own."""
    units = list(units)
    officers = {}
    memberships = (
        Membership.objects.filter(
            role=Role.OFFICER,
            unit__in=[unit.pk for unit in units],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("unit_id", "user_id")
    )
    for membership in memberships:
        officers.setdefault(membership.unit_id, []).append(membership.user)
    orphans = [unit for unit in units if unit.pk not in officers]
    if not orphans:
        return officers
    steplen = Unit.steplen
    above = {
        unit.pk: [unit.path[:end] for end in range(len(unit.path) - steplen, 0, -steplen)]
        for unit in orphans
    }
    by_path = {}
    memberships = (
        Membership.objects.filter(
            role=Role.OFFICER,
            unit__path__in={path for paths in above.values() for path in paths},
            user__is_active=True,
        )
        # Only officers of an open unit file on behalf (units.access).
        .filter(open_on(day or timezone.localdate(), "unit__"))
        .select_related("user", "unit")
        .order_by("unit__path", "user_id")
    )
    for membership in memberships:
        by_path.setdefault(membership.unit.path, []).append(membership.user)
    for unit in orphans:
        nearest = next((path for path in above[unit.pk] if path in by_path), None)
        if nearest is not None:
            officers[unit.pk] = by_path[nearest]
    return officers


def notify_step(submission: Submission, step: Step) -> None:
    """Tell about `step`, just recorded on `submission` in the caller's transaction: the
    notices in the portal of a review step (campaign.notices) now, in that transaction, and,
    once it commits, the e-mails of a step recorded with `emails_pending`, written by a
    worker (`write_step_emails`). A submission runs no query here: its reviewers have no
    notice, and their e-mails are the worker's."""
    if step.action in notices.STEP_KINDS:
        notices.notify_step(submission, step, audience(submission, step.action))
    if step.emails_pending:
        transaction.on_commit(wake_step_email_writer)


def wake_step_email_writer() -> None:
    """Have a worker write the pending steps' e-mails in two seconds, unless a request has
    in the last second: publishing a task costs a request about 1 ms, the cache key a tenth
    of that.

    No step is missed: a step that found the key set committed before the task that key
    announced reads the pending steps (see WAKE_DELAY_S). A broker (or cache) that is down
    leaves the steps pending, for the periodic flush.
    """
    from campaign.tasks import write_woken_step_emails

    if not cache.add(WAKE_KEY, 1, WAKE_TTL_S):
        return
    try:
        write_woken_step_emails.apply_async(countdown=WAKE_DELAY_S)
    except Exception as exc:  # kombu's OperationalError, redis errors: the steps stay pending
        log.warning("Broker unavailable (%s); the steps' e-mails wait in the outbox", exc)


def write_woken_step_emails() -> int:
    """What a woken task does: let the next step wake another task (without a broker, as in
    development, it runs at once, before the key would lapse), then write the e-mails of
    every step pending until now. Returns how many e-mails it wrote."""
    cache.delete(WAKE_KEY)
    return write_pending_step_emails(grace=timedelta(0), batch=None)


def write_step_emails(step_pk: int) -> list[str]:
    """Write the e-mails of step `step_pk` to the outbox, if they are still pending, and
    send them once written. Returns the rows' keys (none when another run wrote them).

    Safe to run twice or in parallel: the step is claimed by a conditional UPDATE of its
    `emails_pending` in the transaction that writes the rows, so one run writes them; a run
    that dies before its commit leaves the step pending, for the next. The rows' keys are
    those the request used to write ("step-<step pk>-user-<user pk>"), so nothing written
    before this moved to a worker is written again.
    """
    with transaction.atomic():
        if not Step.objects.filter(pk=step_pk, emails_pending=True).update(emails_pending=False):
            return []
        step = Step.objects.select_related("actor").get(pk=step_pk)
        model = ContentType.objects.get_for_id(step.content_type_id).model_class()
        submission = model.objects.select_related(*model.WORKFLOW_RELATED).get(pk=step.object_id)
        people = audience(submission, step.action)
        keys = _write_step_rows(submission, step, people)
        if keys:
            transaction.on_commit(lambda: enqueue(keys))
    return keys


def _write_step_rows(submission, step: Step, people) -> list[str]:
    """The outbox rows of `step` to those of `people` with an e-mail address. One query to
    write them, and one more for a submission sent again after a return (`_sent_again`)."""
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "step": step,
            "action": step.get_action_display(),
            "url": settings.SITE_URL.rstrip("/") + submission.get_absolute_url(),
            **_named(submission),
            **_sent_again(step),
        }
        subject = subject_line(render_to_string("campaign/email/step_subject.txt", context))
        body = render_to_string("campaign/email/step_body.txt", context)
    for user in (user for user in people if user.email):
        rows.append(
            Notification(
                key=f"step-{step.pk}-user-{user.pk}",
                recipient=user,
                to_email=user.email,
                subject=subject,
                body=body,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return [row.key for row in rows]


def _sent_again(step: Step) -> dict:
    """For a submission sent again after a return or a reopening: {"action": "Submitted
    again", "returned": that return or reopening step (None if none is recorded)}, so that
    the reviewers do not read it as a first submission. Empty for any other step, without a
    query; one query otherwise, here in the worker: the request that submits neither reads
    the history for it nor pays for it."""
    if step.action != Step.Action.SUBMIT or step.from_status != Status.RETURNED:
        return {}
    returned = (
        Step.objects.filter(
            content_type_id=step.content_type_id,
            object_id=step.object_id,
            action__in=[Step.Action.RETURN, Step.Action.REOPEN],
            at__lte=step.at,
        )
        .exclude(pk=step.pk)
        .order_by("-at", "-pk")
        .only("action", "at")
        .first()
    )
    return {"action": _("Submitted again"), "returned": returned}


def _named(submission) -> dict:
    """What a step's e-mail is about, as its page names it: a report with its year (a unit
    may have two years open) and its unit as named that year; a plan by its unit's name,
    as the reminders name it ("implementation plan": the campaign is a plan too)."""
    if hasattr(submission, "year"):
        return {
            "what": _("Annual report %(year)s") % {"year": submission.year},
            "unit_name": submission.unit_name_then(),
        }
    return {"what": _("Implementation plan"), "unit_name": submission.unit.name}


def write_pending_step_emails(
    now: datetime | None = None, batch: int | None = 200, grace: timedelta = FLUSH_GRACE
) -> int:
    """Write the e-mails of the steps pending since before `grace` ago: for the flush, those
    whose request could not wake a worker (or whose task was lost). At most `batch` steps
    (None: all), each in its own transaction, its rows handed to the broker as it commits.
    Returns how many e-mails this run wrote."""
    now = now or timezone.now()
    pks = list(
        Step.objects.filter(emails_pending=True, at__lte=now - grace)
        .order_by("at")
        .values_list("pk", flat=True)[:batch]
    )
    written = 0
    for pk in pks:
        try:
            written += len(write_step_emails(pk))
        except Exception:  # one step that cannot be written must not hold the others back
            log.exception("Writing the e-mails of step %s failed; it stays pending", pk)
    return written


SUBJECT_CHARS = Notification._meta.get_field("subject").max_length


def subject_line(rendered: str) -> str:
    """A rendered subject as a header takes it: one line whatever the names in it hold (a
    newline in a header fails every send), and one that runs past what the outbox keeps cut
    after a whole word, with "…", not in the middle of one."""
    line = " ".join(rendered.split())
    if len(line) <= SUBJECT_CHARS:
        return line
    cut = line[: SUBJECT_CHARS - 1]
    if " " in cut and line[SUBJECT_CHARS - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def write(key: str, users, subject_template: str, body_template: str, context: dict) -> list[str]:
    """Write the e-mail rendered from the two templates with `context` (in the portal's
    language) to each of `users` with an address, keyed "`key`-user-<pk>", and send them
    once the transaction commits. Writing the same key twice writes nothing new. Returns
    the rows' keys."""
    users = [user for user in users if user.email]
    if not users:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject = subject_line(render_to_string(subject_template, context))
        body = render_to_string(body_template, context)
    rows = [
        Notification(
            key=f"{key}-user-{user.pk}",
            recipient=user,
            to_email=user.email,
            subject=subject,
            body=body,
        )
        for user in users
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows]
    transaction.on_commit(lambda: enqueue(keys))
    return keys


def absolute(path: str) -> str:
    """The portal's address of `path`, for a link in an e-mail."""
    return settings.SITE_URL.rstrip("/") + path


def notify_obstacle_raised(obstacle: Obstacle) -> list[str]:
    """E-mail the reviewers who answer `obstacle`, just raised (`reviewers_above` its
    unit), in the caller's transaction; sent once it commits. No notice: like a submission,
    it waits in their list (the home page counts it). Returns the outbox rows' keys."""
    return write(
        f"obstacle-{obstacle.pk}-raised",
        reviewers_above(obstacle.unit),
        "campaign/email/obstacle_raised_subject.txt",
        "campaign/email/obstacle_raised_body.txt",
        {"obstacle": obstacle, "url": absolute(obstacle.get_absolute_url())},
    )


def obstacle_audience(obstacle: Obstacle) -> list[User]:
    """Who hears what the reviewers did with `obstacle` (its answer, its closing): who files
    for its unit (`filers_of`: its active officers, or, for a unit with none, the officers
    above who file for it on its behalf, as for a review step), and whoever raised it while
    they may still see its unit (moved to another unit, or their unit ended and the obstacle's
    unit went elsewhere, the obstacle's page is a 404 to them, and what became of it is not
    theirs to read). Two queries, three for a unit without an officer of its own; one less
    when the raiser is among them or inactive."""
    users = filers_of(obstacle.unit)
    raiser = obstacle.raised_by
    if raiser.is_active and raiser not in users and Scope(raiser).can_see(obstacle.unit):
        users.append(raiser)
    return users


def notify_obstacle_answered(obstacle: Obstacle, answered_at: datetime) -> int:
    """Tell `obstacle_audience` that `obstacle` was answered at `answered_at`: a notice
    each and an e-mail to those with an address, in the caller's transaction (the
    answer's). Each answer is an event of its own (an answer edited later is told again).
    Returns how many users were told."""
    users = obstacle_audience(obstacle)
    key = f"obstacle-{obstacle.pk}-answer-{answered_at:%Y%m%d%H%M%S%f}"
    told = notices.write(
        users,
        key=key,
        kind=notices.Kind.OBSTACLE_ANSWERED,
        unit=obstacle.unit,
        url=obstacle.get_absolute_url(),
        # As its e-mail names the unit (and every notice does): by its name, not the short
        # one lists use.
        params={"unit": obstacle.unit.name, "subject": obstacle.subject},
        at=answered_at,
    )
    write(
        key,
        users,
        "campaign/email/obstacle_answered_subject.txt",
        "campaign/email/obstacle_answered_body.txt",
        {"obstacle": obstacle, "url": absolute(obstacle.get_absolute_url())},
    )
    return told


def notify_obstacle_closed(obstacle: Obstacle) -> list[str]:
    """E-mail `obstacle_audience`, but for whoever closed it, that a reviewer closed
    `obstacle` (its `closed_by` and `closed_at` set), in the caller's transaction; sent once
    it commits, with a notice each; and leave the reviewer who answered it, when another
    closed it, a notice (`notify_answerer_of_closing`). An obstacle closes once, so the key
    is its own. Returns the outbox rows' keys."""
    notify_answerer_of_closing(obstacle, by_reviewer=True)
    users = [user for user in obstacle_audience(obstacle) if user.pk != obstacle.closed_by_id]
    # As every e-mailed event: a notice too, which reaches an officer without an address.
    notices.write(
        users,
        key=f"obstacle-{obstacle.pk}-closed",
        kind=notices.Kind.OBSTACLE_CLOSED,
        unit=obstacle.unit,
        url=obstacle.get_absolute_url(),
        params={
            "unit": obstacle.unit.name,
            "subject": obstacle.subject,
            "what": "unit",
            "closer": str(obstacle.closed_by),
        },
        at=obstacle.closed_at,
    )
    return write(
        f"obstacle-{obstacle.pk}-closed",
        users,
        "campaign/email/obstacle_closed_subject.txt",
        "campaign/email/obstacle_closed_body.txt",
        {"obstacle": obstacle, "url": absolute(obstacle.get_absolute_url())},
    )


def notify_obstacle_closed_by_unit(obstacle: Obstacle) -> int:
    """Leave a notice for the reviewer who answered `obstacle`, which its own unit has just
    closed (`notify_answerer_of_closing`): their answer settled the question. No e-mail:
    nothing is asked of them. Returns how many users were told (0 or 1)."""
    return notify_answerer_of_closing(obstacle, by_reviewer=False)


def notify_answerer_of_closing(obstacle: Obstacle, *, by_reviewer: bool) -> int:
    """Leave a notice for the reviewer who answered `obstacle`, just closed (its `closed_by`
    and `closed_at` set) by its unit or, `by_reviewer`, by another reviewer (named in it),
    in the caller's transaction: the obstacle leaves their list of those to follow, and
    whether their answer settled it or someone else ended it was otherwise unsaid. Nobody
    is told when the answerer closed it themselves, is inactive, or may no longer see the
    unit (moved since, the obstacle's page is a 404 to them). Returns how many users were
    told (0 or 1). Two queries, none without another answerer."""
    if obstacle.answered_by_id is None or obstacle.answered_by_id == obstacle.closed_by_id:
        return 0
    answerer = User.objects.filter(pk=obstacle.answered_by_id, is_active=True).first()
    if answerer is None or not Scope(answerer).can_see(obstacle.unit):
        return 0
    params = {"unit": obstacle.unit.name, "subject": obstacle.subject}
    if by_reviewer:
        params |= {"what": "reviewer", "closer": str(obstacle.closed_by)}
    return notices.write(
        [answerer],
        key=f"obstacle-{obstacle.pk}-closed",
        kind=notices.Kind.OBSTACLE_CLOSED,
        unit=obstacle.unit,
        url=obstacle.get_absolute_url(),
        params=params,
        at=obstacle.closed_at,
    )


def due_recommendations(today) -> QuerySet:
    """Inspections whose recommendations fell due by `today`, not met, not marked done by
    the unit (the reviewers judge that mark), of a unit open today or merged away (the unit
    carrying its work on follows them up, from the merger's day), and whose officers have
    not been told of that due date yet."""
    return (
        Inspection.objects.to_carry_out()
        .filter(recommendations_due_on__lte=today)
        .filter(Q(due_notified_on__isnull=True) | ~Q(due_notified_on=F("recommendations_due_on")))
        # A merged unit's due dates from its closing day on: one that fell due while it was
        # open was its own officers' to hear of, and a first run would otherwise tell the
        # carrying units of every recommendation ever left at a unit merged since.
        .filter(
            open_on(today, "unit__")
            | Q(
                unit__successor__isnull=False,
                recommendations_due_on__gte=F("unit__closed_on"),
            )
        )
    )


def notify_due_recommendations(today: date) -> int:
    """Tell who files for each unit whose inspection's recommendations fell due by `today`
    (`due_recommendations`, `filers_of`): a notice each and an e-mail to those with an
    address. Returns how many inspections were told.

    Safe to run any number of times, in parallel too: each inspection is claimed by a
    conditional UPDATE of `due_notified_on` to its due date, in the transaction that writes
    its notices and e-mails, so a due date is told once; a due date moved later is told
    again when it comes.
    """
    told = 0
    for pk in due_recommendations(today).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            claimed = (
                due_recommendations(today)
                .filter(pk=pk)
                .update(due_notified_on=F("recommendations_due_on"))
            )
            if not claimed:
                continue  # another run took it, or it changed meanwhile
            inspection = Inspection.objects.select_related("unit").get(pk=pk)
            due_on = inspection.recommendations_due_on
            key = f"inspection-{pk}-due-{due_on.isoformat()}"
            # Who marks the recommendations done (campaign.inspections): the unit's officers,
            # or the officers above who file for a unit that has none of its own; once it
            # merged away, those of the unit carrying its work on (none when the chain ends
            # in a unit dissolved: the reviewers follow it up).
            unit = inspection.unit
            if not unit.is_open_on(today):
                unit = lineage.carrier(unit, today)
            users = filers_of(unit, today) if unit is not None else []
            notices.write(
                users,
                key=key,
                kind=notices.Kind.RECOMMENDATION_DUE,
                unit=inspection.unit,
                url=inspection.get_absolute_url(),
                params={
                    "unit": inspection.unit.name,
                    "visited_on": inspection.visited_on.isoformat(),
                    "due_on": due_on.isoformat(),
                },
            )
            write(
                key,
                users,
                "campaign/email/recommendation_due_subject.txt",
                "campaign/email/recommendation_due_body.txt",
                {"inspection": inspection, "url": absolute(inspection.get_absolute_url())},
            )
            told += 1
    return told


def enqueue(keys: list[str]) -> None:
    """Hand the notifications to the broker; a broker that is down leaves them waiting."""
    from campaign.tasks import send_notification

    for pk in Notification.objects.filter(key__in=keys).values_list("pk", flat=True):
        try:
            send_notification.delay(pk)
        except Exception:  # kombu's OperationalError, redis errors: the outbox keeps the row
            log.warning("Broker unavailable; notification %s waits in the outbox", pk)


def send(pk: int, claimant: str = "") -> str:
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
    # The sender may carry a display name: "Cổng CCHC <cong@ldld.vn>".
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.to_email],
        headers={"Message-ID": f"<{notification.key}@{domain}>"},
    )


def waiting(now: datetime | None = None) -> QuerySet:
    """Notifications the flush should send: unsent, unclaimed or stale, past the grace."""
    now = now or timezone.now()
    return Notification.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lt=now - FLUSH_GRACE
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))


def _ancestor_paths(unit):
    steplen = Unit.steplen
    return [unit.path[:end] for end in range(steplen, len(unit.path), steplen)]
