"""Reminders (đôn đốc) to units that have not submitted their plan or annual report.

A Celery beat task (campaign.tasks.send_reminders, registered under its old name
reports.tasks.send_reminders) runs once a day. For every campaign it works out today's step
of the escalating schedule for the plan and for each annual report being collected, finds
the expected units that have not submitted, and e-mails their officers through the outbox
of campaign.notifications; a unit with no officer of its own, whose work the officers above
file on behalf (units.access), is reminded through the officers of the nearest open unit
above that has any, as a review step reaches them (campaign.notifications.filers).

A unit is reminded once per step: the run claims the step by inserting its Reminder row,
which a partial unique constraint allows only once for automatic reminders. A second run,
or a worker racing this one, fails to insert (or blocks until the first commits, then fails)
and sends nothing.

A person is e-mailed once per run, however many of their units it reminds: an officer of a
district federation filing for twenty grassroots unions gets one e-mail listing the twenty,
not twenty e-mails. Each unit is still claimed in its own transaction, which also writes
its notices in the portal (one per unit) and records what its e-mail recipients are owed
(PendingReminderEmail); once every unit is claimed the run writes each recipient's one
e-mail from what they are owed, and deletes it in that e-mail's transaction
(`write_reminder_emails`). So a run that dies after some units has committed their claims
and what they owe: its rerun claims the rest, sends nothing twice and writes the e-mails of
both, and without a rerun the outbox's flush writes them once they are older than any run
lasts (PENDING_GRACE). The e-mails leave after their commit, each sent once by the outbox.
A reviewer's reminders by hand are sent in one transaction, so there the e-mails are
grouped in it and nothing waits.

A unit with nobody to receive a reminder (no active officer, nor one above filing for it;
one without an e-mail address still reads it in the portal) is skipped: no Reminder is
logged for it, so nothing counts it as reminded, and the reviewers' list of late units shows
it as having nobody to receive one.
The daily run logs such units; once an officer is added, the next step reaches them.

Reviewers also remind units by hand from the list of units that have not submitted.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    Exists,
    Expression,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign import counting, notices, notifications
from campaign.models import (
    AnnualReport,
    Campaign,
    Notification,
    PendingReminderEmail,
    Period,
    Plan,
    Reminder,
)
from units.models import Membership, Unit, UnitState, User

What = Reminder.What
logger = logging.getLogger(__name__)

BEFORE = {7: "before-7", 3: "before-3"}
DUE = "due"
LATE_PREFIX = "late-"
MANUAL = "manual"
# Plans have no lock date, so weekly reminders for a missing plan would otherwise go on
# for ever. Eight weeks of reminders is enough to make the point; after that reviewers see
# the unit on their list of late units and can still remind it by hand.
PLAN_LATE_WEEKS = 8
# Report reminders start this many days before the due date (the first step).
FIRST_STEP_DAYS = 7
LOG_PAGE_SIZE = 50
# The flush (campaign.tasks.flush_outbox) writes the e-mails still owed from before this
# long ago: of a run that died before writing them. Longer than any run lasts (the daily
# task's hard time limit is ten minutes), so a run still going writes its own, whole.
PENDING_GRACE = datetime.timedelta(minutes=15)


# --- the schedule ------------------------------------------------------------------------------
def schedule_step(due_on: datetime.date, today: datetime.date) -> str | None:
    """The latest step of the schedule on or before `today` for a document due on `due_on`,
    or None before the first one.

    7 and 3 days before ("before-7", "before-3"), on the day ("due"), then every 7 days
    while late ("late-1" a week after the due date, "late-2" two weeks after, …). Each
    step is claimed once per unit (`_remind_outstanding`), so a run on a day between steps
    sends nothing new, and a step whose day the task missed (beat or workers down) goes out
    at the next run, once.
    """
    days = (today - due_on).days
    if days < -max(BEFORE):
        return None
    if days < 0:
        return next(BEFORE[before] for before in sorted(BEFORE) if -days <= before)
    if days < 7:
        return DUE
    return f"{LATE_PREFIX}{days // 7}"


def late_weeks(step: str | None) -> int:
    """N for "late-N", else 0."""
    if step and step.startswith(LATE_PREFIX):
        return int(step.removeprefix(LATE_PREFIX))
    return 0


def step_label(step: str) -> str:
    """The step in words, for the reminder log."""
    if step == MANUAL:
        return _("sent by hand")
    if step == DUE:
        return _("on the due date")
    weeks = late_weeks(step)
    if weeks:
        # Grouped by thousands as every count in the interface is (`|intcomma`).
        return ngettext("%(weeks)s week late", "%(weeks)s weeks late", weeks) % {
            "weeks": number_format(weeks, force_grouping=True)
        }
    for days, name in BEFORE.items():
        if step == name:
            return ngettext(
                "%(days)d day before the due date", "%(days)d days before the due date", days
            ) % {"days": days}
    return step


def plan_step(campaign: Campaign, today: datetime.date) -> str | None:
    """The reminders' step of the campaign's plan on `today` (`schedule_step`), or None
    before the first and once it is more than PLAN_LATE_WEEKS weeks late."""
    step = schedule_step(campaign.plan_due_on, today)
    if late_weeks(step) > PLAN_LATE_WEEKS:
        return None
    return step


def report_periods(campaigns, today):
    """(campaign, year, period) for each annual report whose reminder window holds `today`.

    The window runs from a week before the period's due date to its lock date: after the
    lock the unit can no longer file, so reminding it is pointless. One query for the
    existing periods; a period is only created (from the campaign's rules) when its window
    is open, so the daily run does not fill the table with future years.
    """
    years = (today.year - 1, today.year, today.year + 1)
    existing = {
        (period.campaign_id, period.year): period
        for period in Period.objects.filter(campaign__in=campaigns, year__in=years)
    }
    found = []
    for campaign in campaigns:
        for year in years:
            if not campaign.runs_in(year):
                continue
            period = existing.get((campaign.pk, year))
            if period is None:
                dates = Period.defaults(campaign, year)
            else:
                dates = {"due_on": period.due_on, "locks_on": period.locks_on}
            first_day = dates["due_on"] - datetime.timedelta(days=FIRST_STEP_DAYS)
            if not first_day <= today <= dates["locks_on"]:
                continue
            found.append((campaign, year, period or Period.objects.for_year(campaign, year)))
    return found


# --- who must file and who has ----------------------------------------------------------------
def expected_units(campaign, what, year, today=None):
    """Units that must file, by the counting rule (campaign.counting.expected_units), on
    the tree of the day that decides it (`cutoff`: the year's cut-off; a plan, its due
    date): of a kind the campaign addressed, open then, below the unit that carried the
    campaign then (its issuer, or the successor the issuer merged into:
    Campaign.acting_issuer); and still open `today` when given (a closed unit is not
    reminded). A past year's list agrees with its dashboard: a unit that came into the
    campaign's area since (a federation merged into the campaign's) owes nothing for it.
    Lazy: no query of its own once the acting issuer is known."""
    area = campaign.acting_issuer(today)
    units = counting.expected_units(campaign, cutoff(campaign, what, year)).exclude(
        pk__in=[campaign.issuer_id, area.pk]
    )
    if today is not None:
        units = units.open_on(today)
    return units


def cutoff(campaign: Campaign, what: str, year: int) -> datetime.date | Coalesce:
    """The day whose tree decides who must file `what` of `year`: the plan's due date, or
    the year's cut-off. A value or an expression, of no query of its own."""
    if what == What.PLAN:
        return campaign.plan_due_on
    # The year's cut-off; until its period is written (the first page that needs it does
    # so), the one it will be written with: NULL would leave out every unit with an
    # opening day.
    return Coalesce(
        Subquery(Period.objects.filter(campaign=campaign, year=year).values("ends_on")[:1]),
        Value(Period.defaults(campaign, year)["ends_on"]),
        output_field=DateField(),
    )


def parent_name_on(day: datetime.date | Expression) -> Subquery:
    """The name of the parent of the unit of the outer query
    (`OuterRef("pk")`) as the tree stood on `day` (a date or a date expression), from the
    units' eras: a subquery of that query, NULL for a unit with no parent that day."""

    def eras():
        return UnitState.objects.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=day)
        )

    parent = eras().filter(unit_id=OuterRef("parent_id")).values("name")[:1]
    return Subquery(
        eras().filter(unit_id=OuterRef("pk")).annotate(shown=Subquery(parent)).values("shown")[:1]
    )


def submitted_unit_ids(campaign, what, year):
    """The ids of units whose document is submitted or accepted, as a lazy subquery."""
    if what == What.PLAN:
        documents = Plan.objects.filter(campaign=campaign)
    else:
        documents = AnnualReport.objects.filter(campaign=campaign, year=year)
    return documents.filter(status__in=counting.SUBMITTED).values("unit_id")


def outstanding_units(
    campaign: Campaign, what: str, year: int, today: datetime.date | None
) -> QuerySet:
    """Expected units without a submitted document: one query when evaluated."""
    return expected_units(campaign, what, year, today).exclude(
        pk__in=submitted_unit_ids(campaign, what, year)
    )


def due_date(campaign: Campaign, what: str, year: int) -> datetime.date:
    """The day `what` of `year` is due: the period's, or, before its period is written, the
    campaign's rule (written nowhere: a page that only shows the day creates nothing)."""
    if what == What.PLAN:
        return campaign.plan_due_on
    period = Period.objects.filter(campaign=campaign, year=year).first()
    return period.due_on if period else Period.defaults(campaign, year)["due_on"]


def document_year(campaign: Campaign, what: str, year: int) -> int:
    """Plans are filed once per campaign: their reminders count in the plan's due year."""
    return campaign.plan_due_on.year if what == What.PLAN else year


# --- sending -----------------------------------------------------------------------------------
def send_due_reminders(today: datetime.date) -> int:
    """Send today's automatic reminders; return how many reminders were created.

    Safe to run any number of times a day, in parallel too: each (unit, document, step) is
    claimed by inserting its Reminder, and only the run that inserted it owes its e-mails.
    Once every document is done, each person owed reminders gets one e-mail listing them
    all (`write_reminder_emails`), with what a run that died left owed.
    """
    created = 0
    campaigns = list(Campaign.objects.select_related("issuer").order_by("pk"))
    for campaign in campaigns:
        step = plan_step(campaign, today)
        if step:
            created += _remind_outstanding(
                campaign, What.PLAN, campaign.plan_due_on.year, campaign.plan_due_on, step, today
            )
    for campaign, year, period in report_periods(campaigns, today):
        step = schedule_step(period.due_on, today)
        if step:
            created += _remind_outstanding(campaign, What.REPORT, year, period.due_on, step, today)
    write_reminder_emails()
    return created


def _remind_outstanding(campaign, what, year, due_on, step, today):
    # The step stays today's until the next one's day (a missed day is caught up): leave out
    # in one query the units it was already sent to, so that the days between steps cost
    # nothing per unit.
    claimed = Reminder.objects.filter(
        campaign=campaign, what=what, year=year, step=step, manual=False
    ).values("unit_id")
    # A unit a reviewer reminded by hand today is not reminded again the same day (the
    # reviewer's page asks before a second one); the step reaches it on the next run, while
    # it is still the current step and the document still missing.
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    by_hand_today = Reminder.objects.filter(
        campaign=campaign,
        what=what,
        year=year,
        manual=True,
        recipients__gt=0,
        sent_at__gte=start,
        sent_at__lt=start + datetime.timedelta(days=1),
    ).values("unit_id")
    units = list(
        outstanding_units(campaign, what, year, today)
        .exclude(pk__in=claimed)
        .exclude(pk__in=by_hand_today)
    )
    officers = notifications.filers(units, today)
    unreachable = [unit for unit in units if unit.pk not in officers]
    if unreachable:
        logger.warning(
            "Reminder %s of %s %s %s: nobody to receive it at %s",
            step,
            campaign.number,
            what,
            year,
            ", ".join(unit.code for unit in unreachable),
        )
    created = 0
    for unit in units:
        users = officers.get(unit.pk)
        if not users:
            continue
        # Each unit in its own transaction: the claim, its notices and the e-mails it owes
        # commit together, and a racing run waits on this one unit's claim only, not on
        # the whole run. The e-mails are written after the last unit, one per person.
        with transaction.atomic():
            reminder, claimed = Reminder.objects.get_or_create(
                unit=unit,
                campaign=campaign,
                what=what,
                year=year,
                step=step,
                manual=False,
                defaults={"due_on": due_on, "recipients": len(users)},
            )
            if claimed:
                _notify(reminder, unit, users)
                PendingReminderEmail.objects.bulk_create(
                    [
                        PendingReminderEmail(reminder=reminder, recipient=user, day=today)
                        for user in users
                        if user.email
                    ],
                    ignore_conflicts=True,
                )
                created += 1
    return created


def send_manual_reminders(
    units: Iterable[Unit],
    campaign: Campaign,
    what: str,
    year: int,
    user: User,
    today: datetime.date | None = None,
    *,
    unless_reminded_today: bool = False,
) -> tuple[list[Reminder], list[Unit], list[Unit]]:
    """Remind `units` by hand on behalf of reviewer `user`.

    Returns the Reminders sent, the units skipped because nobody there can receive one
    (no active officer): those are not logged as reminded, and, with
    `unless_reminded_today`, the units skipped because they were reminded today. The
    caller has checked that the user reviews these units and that they are expected to
    file and have not submitted (before the due date too: reviewers may urge early), and
    whether they were reminded today; that is checked again here with the units' rows
    locked, so that two reviewers reminding the same unit at once remind it once. Each
    person is e-mailed once, about all the units of theirs reminded (`_email`), in the
    same transaction.
    """
    today = today or timezone.localdate()
    year = document_year(campaign, what, year)
    due_on = due_date(campaign, what, year)
    units = list(units)
    officers = notifications.filers(units, today)
    reminders = []
    unreachable = [unit for unit in units if unit.pk not in officers]
    already = set()
    owed = {}  # {user id: (user, [reminders owed to their e-mail])}
    with transaction.atomic():
        if unless_reminded_today:
            # In order, so that two reviewers' selections never wait on each other.
            locked = Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units])
            list(locked.order_by("pk").values_list("pk", flat=True))
            already = set(reminded_on(units, campaign, what, year, today))
        for unit in units:
            users = officers.get(unit.pk)
            if not users or unit.pk in already:
                continue
            reminder = Reminder.objects.create(
                unit=unit,
                campaign=campaign,
                what=what,
                year=year,
                step=MANUAL,
                due_on=due_on,
                manual=True,
                sent_by=user,
                recipients=len(users),
            )
            _notify(reminder, unit, users)
            for recipient in users:
                if recipient.email:
                    owed.setdefault(recipient.pk, (recipient, []))[1].append(reminder)
            reminders.append(reminder)
        # Who is owed one reminder is told of "your unit" only by an officer of that unit.
        single = [
            (pk, theirs[0].unit_id) for pk, (_user, theirs) in owed.items() if len(theirs) == 1
        ]
        own = set()
        if single:
            own = set(
                Membership.objects.filter(
                    role=Membership.Role.OFFICER,
                    user_id__in=[pk for pk, _unit in single],
                    unit_id__in=[unit for _pk, unit in single],
                ).values_list("user_id", "unit_id")
            )
        rows = [
            _email(
                recipient,
                [(reminder, today) for reminder in theirs],
                own_unit=len(theirs) == 1 and (recipient.pk, theirs[0].unit_id) in own,
            )
            for recipient, theirs in owed.values()
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        keys = [row.key for row in rows]
        if keys:
            transaction.on_commit(lambda: notifications.enqueue(keys))
    return reminders, unreachable, [unit for unit in units if unit.pk in already]


def reminded_on(
    units: Iterable[Unit], campaign: Campaign, what: str, year: int, day: datetime.date
) -> dict[int, int]:
    """{unit id: reminders sent on `day`} about this document, for the units of `units`
    that had one (automatic or by hand): one query. A reminder that reached nobody, from
    before such reminders were skipped, does not count."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    rows = (
        Reminder.objects.filter(
            unit__in=units,
            campaign=campaign,
            what=what,
            year=document_year(campaign, what, year),
            recipients__gt=0,
            sent_at__gte=start,
            sent_at__lt=start + datetime.timedelta(days=1),
        )
        .values("unit_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["unit_id"]: row["count"] for row in rows}


def reminders_per_year(campaign):
    """{year: number of reminders sent} for the summary report: one query.

    A reminder logged for a unit where nobody could receive it (no active officer: one
    without an e-mail address still reads it in the portal) is not counted as sent.
    """
    rows = (
        Reminder.objects.filter(campaign=campaign, recipients__gt=0)
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("year")
    )
    return {row["year"]: row["count"] for row in rows}


def _page(reminder: Reminder) -> str:
    """Where the reminded unit writes the document."""
    if reminder.what == What.PLAN:
        return reverse("campaign:plan_start", args=[reminder.campaign_id, reminder.unit_id])
    return reverse(
        "campaign:report_start", args=[reminder.campaign_id, reminder.unit_id, reminder.year]
    )


def _notify(reminder, unit, users):
    """The notices in the portal of `users`, who file for `unit`: one per unit reminded."""
    if users:
        notices.notify_reminder(reminder, unit, _page(reminder), users)


def write_reminder_emails(before: datetime.datetime | None = None) -> int:
    """Write the e-mails of the reminders owed (PendingReminderEmail): one to each person,
    listing every reminder owed them; with `before`, only to those owed one since before
    then (the flush's: what a run that died left). Returns how many e-mails were written.

    Safe to run twice or in parallel: a person's owed rows are locked and deleted in the
    transaction that writes their e-mail, so a racing writer finds them gone, and a writer
    that dies before its commit leaves them owed, for the next run or the flush. Five
    queries a person, however many units their e-mail names.
    """
    owed = PendingReminderEmail.objects.all()
    if before is not None:
        owed = owed.filter(created_at__lt=before)
    people = list(owed.order_by("recipient_id").values_list("recipient_id", flat=True).distinct())
    written = 0
    for user_id in people:
        try:
            written += _write_reminder_email(owed.filter(recipient_id=user_id))
        except Exception:  # one person's e-mail that cannot be written must not hold others
            logger.exception(
                "Writing the reminder e-mail of user %s failed; it stays owed", user_id
            )
    return written


class _Taken(Exception):
    """Another writer took some of the rows meanwhile: this transaction rolls back."""


def _write_reminder_email(owed: QuerySet) -> int:
    """Write the e-mail of what `owed`, one person's rows, holds: 1 if written, else 0."""
    try:
        with transaction.atomic():
            rows = list(
                owed.select_related(
                    "recipient", "reminder__unit", "reminder__campaign", "reminder__sent_by"
                )
                # Whether the recipient is an officer of the reminded unit itself.
                .annotate(
                    own_unit=Exists(
                        Membership.objects.filter(
                            user_id=OuterRef("recipient_id"),
                            unit_id=OuterRef("reminder__unit_id"),
                            role=Membership.Role.OFFICER,
                        )
                    )
                )
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            if not rows:
                return 0
            # The rows are locked, so this deletes them all; SQLite locks no rows, and a
            # writer racing there may have taken some: then the other writer mails them.
            taken, _deleted = PendingReminderEmail.objects.filter(
                pk__in=[row.pk for row in rows]
            ).delete()
            if taken != len(rows):
                raise _Taken
            user = rows[0].recipient
            if not (user.is_active and user.email):
                return 0  # gone or without an address since the claim: the notices remain
            notification = _email(
                user,
                [(row.reminder, row.day) for row in rows],
                own_unit=len(rows) == 1 and rows[0].own_unit,
            )
            Notification.objects.bulk_create([notification], ignore_conflicts=True)
            transaction.on_commit(lambda: notifications.enqueue([notification.key]))
    except _Taken:
        return 0
    return 1


def _email(user: User, owed: list[tuple[Reminder, datetime.date]], own_unit: bool) -> Notification:
    """The one outbox row to `user` about the reminders `owed` to them, each with the day
    of its run (how late it is counts from it), not yet saved. `own_unit`: `user` is an
    officer of the unit of the one reminder owed.

    One reminder to one of the unit's own officers is worded to the unit's officers, as it
    always was; several, or one to an officer above filing for a unit without officers of
    its own (who would read "your unit" of a unit not theirs), are listed, by campaign,
    document and unit, each with its link. The key is that of the first
    reminder ("reminder-<pk>-user-<pk>"): a reminder is owed to a person once and mailed
    in one e-mail, so no two e-mails share it, and it keeps the Message-ID fixed.
    """
    owed = sorted(
        owed,
        key=lambda item: (
            item[0].campaign_id,
            item[0].what != What.PLAN,
            item[0].year,
            item[0].unit.path,
            item[0].pk,
        ),
    )
    items = []
    for reminder, day in owed:
        days = (day - reminder.due_on).days
        items.append(
            {
                "reminder": reminder,
                "unit": reminder.unit,
                "campaign": reminder.campaign,
                "is_report": reminder.what == What.REPORT,
                "days_left": max(-days, 0),
                "days_late": max(days, 0),
                "weeks_late": max(days, 0) // 7,
                "url": notifications.absolute(_page(reminder)),
            }
        )
    with translation.override(settings.LANGUAGE_CODE):
        if len(items) == 1 and own_unit:
            context, name = items[0], "reminder"
        else:
            documents = {(item["reminder"].what, item["reminder"].year) for item in items}
            # The subject names the document when it is the same for every unit.
            what, year = documents.pop() if len(documents) == 1 else (None, None)
            senders = {str(item["reminder"].sent_by) for item in items if item["reminder"].sent_by}
            context = {
                "user": user,
                "items": items,
                "count": len(items),
                "what": what,
                "year": year,
                "senders": ", ".join(sorted(senders)),
            }
            name = "reminders"
        subject = render_to_string(f"campaign/email/{name}_subject.txt", context)
        body = render_to_string(f"campaign/email/{name}_body.txt", context)
    first = min(reminder.pk for reminder, _day in owed)
    return Notification(
        key=f"reminder-{first}-user-{user.pk}",
        recipient=user,
        to_email=user.email,
        subject=notifications.subject_line(subject),
        body=body,
    )
