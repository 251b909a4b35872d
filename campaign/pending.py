"""What waits for the user in campaigns: shown on the home page (see PENDING_PROVIDERS).

One provider for plans, one for annual reports and obstacles, and one for the
recommendations of inspection visits. Each item is a dict:
`title`, `detail`, `campaign` (the title of the campaign it belongs to, "" for a count
across campaigns), `url`, and `deadline` (see `deadline`) where a deadline of the current
campaign year applies, else None. `due` repeats the deadline's date for older readers.

Only the current campaign year's deadlines are shown: a plan due in a past year (the seed's
plan was due on 31/07/2015) carries no deadline any more, rather than a badge that has said
"due" for years, once the units are no longer reminded of it; the annual report's
deadline is the one of the year being written now (`campaign.periods.report_year`).
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign import counting
from campaign.models import (
    EDITABLE,
    AnnualReport,
    Campaign,
    Inspection,
    Obstacle,
    Period,
    Plan,
    Status,
)
from campaign.periods import report_year
from campaign.reminders import PLAN_LATE_WEEKS, What, outstanding_units, plan_step
from units.access import SEE, Scope, open_on

# A deadline this close (in days) is "due soon".
DUE_SOON_DAYS = 14
# From this many days before a document's due date (until the lock date of an annual
# report), a reviewer is told how many of their units have not submitted it: a month to
# chase them, rather than a count of every unit all year long while nobody is late yet.
CHASE_FROM_DAYS = 30


class Deadline:
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def deadline(due: datetime.date | None, today: datetime.date) -> dict | None:
    """The state of a deadline on `today`, for a badge that says it in words (never by its
    colour alone): {"on": due, "state": one of Deadline, "label": the state's words,
    "days": days left (negative once overdue)}. None without a deadline."""
    if due is None:
        return None
    days = (due - today).days
    if days < 0:
        state, label = Deadline.OVERDUE, _("Overdue")
    elif days <= DUE_SOON_DAYS:
        state, label = Deadline.DUE_SOON, _("Due soon")
    else:
        state, label = Deadline.UPCOMING, _("Upcoming")
    return {"on": due, "state": state, "label": label, "days": days}


def _item(title, detail, url, due=None, today=None, *, campaign=None):
    return {
        "title": title,
        "detail": detail,
        "campaign": campaign.title if campaign else "",
        "url": url,
        "due": due,
        "deadline": deadline(due, today) if due else None,
    }


def plan_items(scope: Scope, today: datetime.date | None = None) -> list[dict]:
    """Plans the user must write, fix or review: four queries at most once the scope's
    units filed for are loaded (one query, `Scope.filing_units`), plus a reviewer's counts
    of units not submitted (below).

    For officers: each campaign running this year that addresses one of the units they file
    for (where they hold the role, and the units below those with no officer of their own:
    filing on behalf) and whose plan is missing, a draft or returned (a campaign that begins
    next year too, from `CHASE_FROM_DAYS` before its plan is due); the plan's deadline while
    it still matters (`_plan_current`). For reviewers: how many plans wait for their review,
    and from `CHASE_FROM_DAYS` before the plan's due date to the end of that year (later
    while the reminders still go out), how many of their units have not submitted it (one
    query per such campaign).
    """
    today = today or timezone.localdate()
    items = []
    own_units = scope.filing_units
    # The campaigns running this year, and any other whose plan is asked for now: one due
    # in the next days of a campaign that begins next year, or one due in December that is
    # still late in January (see `_plan_current`).
    asked_now = Q(
        plan_due_on__gte=today - datetime.timedelta(weeks=PLAN_LATE_WEEKS + 1),
        plan_due_on__lte=today + datetime.timedelta(days=CHASE_FROM_DAYS),
    )
    campaigns = (
        list(
            (
                Campaign.objects.running_in(today.year) | Campaign.objects.filter(asked_now)
            ).select_related("issuer")
        )
        if own_units or scope.is_reviewer
        else []
    )
    if own_units:
        plans = {
            (plan.unit_id, plan.campaign_id): plan
            for plan in Plan.objects.filter(unit__in=own_units, campaign__in=campaigns)
        }
        for campaign in campaigns:
            due = campaign.plan_due_on if _plan_current(campaign, today) else None
            for unit in own_units:
                if not campaign.addresses(unit):
                    continue
                # A unit opened after the plans were due is not counted as late with its
                # plan (campaign.counting: open on the due date): no deadline to show.
                unit_due = due if unit.is_open_on(campaign.plan_due_on) else None
                plan = plans.get((unit.pk, campaign.pk))
                if plan is None:
                    items.append(
                        _item(
                            _("Write the implementation plan of %(unit)s") % {"unit": unit},
                            "",
                            reverse("campaign:plan_start", args=[campaign.pk, unit.pk]),
                            unit_due,
                            today,
                            campaign=campaign,
                        )
                    )
                elif plan.status == Status.DRAFT:
                    items.append(
                        _item(
                            _("Submit the draft implementation plan of %(unit)s") % {"unit": unit},
                            "",
                            plan.get_absolute_url(),
                            unit_due,
                            today,
                            campaign=campaign,
                        )
                    )
                elif plan.status == Status.RETURNED:
                    items.append(
                        _item(
                            (
                                _(
                                    "Complete and resubmit the reopened implementation plan "
                                    "of %(unit)s"
                                )
                                if plan.was_reopened
                                else _(
                                    "Fix and resubmit the returned implementation plan of %(unit)s"
                                )
                            )
                            % {"unit": unit},
                            "",
                            plan.get_absolute_url(),
                            campaign=campaign,
                        )
                    )
    if scope.is_reviewer:
        for campaign in campaigns:
            due = campaign.plan_due_on
            # Plans are due once, in the campaign's first months: chased from a month
            # before, that year (and after it while the reminders still go out).
            if (due - today).days <= CHASE_FROM_DAYS and _plan_current(campaign, today):
                items += _not_submitted(scope, campaign, What.PLAN, due.year, due, today)
        waiting = Plan.objects.filter(
            scope.review_condition(path_field="unit__path"),
            open_on(scope.today, "unit__"),
            status=Status.SUBMITTED,
        ).count()
        if waiting:
            items.append(
                _item(
                    _("%(count)s plan(s) wait for your review") % {"count": waiting},
                    "",
                    reverse("campaign:review_queue"),
                )
            )
    return items


def _plan_current(campaign: Campaign, today: datetime.date) -> bool:
    """Whether the plan's deadline still matters on `today`: in its own year or a later
    one, and after that year as long as the units are still reminded of it
    (`campaign.reminders.plan_step`: a plan due on 20/12 is still late in January). No
    query."""
    return campaign.plan_due_on.year >= today.year or plan_step(campaign, today) is not None


def report_items(scope: Scope, today: datetime.date | None = None) -> list[dict]:
    """Reports to write, fix or review, and obstacles to answer, once the scope's units
    filed for are loaded (`Scope.filing_units`, filing on behalf included): two queries for
    the campaigns and their periods, two for the officer's reports (those written, and which
    units owe them: campaign.counting), two for the reviewer's queue and obstacles, and
    near a deadline one per campaign for the units not submitted (with one per successor
    followed when a campaign's issuer has merged away).

    For officers, each campaign's report of the year being written now (last year's until
    its lock date, then this year's: `report_year`), with that year's deadline while it is
    missing or a draft, and its lock date once returned; nothing once that year's reports
    are locked. For reviewers, from `CHASE_FROM_DAYS` before that deadline to the lock
    date, how many of the units they review have not submitted it (one query per
    campaign), linked to the list that reminds them.
    """
    items = []
    today = today or timezone.localdate()
    own_units = scope.filing_units
    wanted = _report_years(today) if own_units or scope.is_reviewer else {}
    if own_units:
        which = Q(pk__in=[])
        for campaign, year, *_dates in wanted.values():
            which |= Q(campaign=campaign, year=year)
        # A report of a locked year that a reviewer opened again (opened late, or reopened)
        # after its lock date: the unit can file it now (AnnualReport.filing_open).
        which |= Q(
            status__in=EDITABLE,
            period__locks_on__lt=today,
            reopened_at__date__gt=F("period__locks_on"),
        )
        filed = {
            (r.unit_id, r.campaign_id, r.year): r
            for r in AnnualReport.objects.filter(which, unit__in=own_units).select_related(
                "campaign", "unit"
            )
        }
        for report in filed.values():
            if wanted.get(report.campaign_id, (None, None))[1] == report.year:
                continue  # listed below with that year's deadline
            items.append(
                _item(
                    _("Finish and submit the %(year)s annual report of %(unit)s")
                    % {"year": report.year, "unit": report.unit},
                    report.status_label,
                    report.get_absolute_url(),
                    campaign=report.campaign,
                )
            )
        # Which units owe each year its report, by the counting rule on that year's tree
        # (campaign.counting: not one opened after the cut-off, nor one that came under the
        # campaign's issuer since; one moved out since still owes it): one query for all.
        owed = counting.expected_pairs(
            [(campaign, ends_on) for campaign, _year, _due, _locks, ends_on in wanted.values()],
            own_units,
        )
        for campaign, year, due, locks_on, _ends_on in wanted.values():
            for unit in own_units:
                if (unit.pk, campaign.pk) not in owed:
                    continue
                report = filed.get((unit.pk, campaign.pk, year))
                if report is None:
                    items.append(
                        _item(
                            _("Write the %(year)s annual report of %(unit)s")
                            % {"year": year, "unit": unit},
                            "",
                            reverse("campaign:report_start", args=[campaign.pk, unit.pk, year]),
                            due,
                            today,
                            campaign=campaign,
                        )
                    )
                elif report.status in (Status.DRAFT, Status.RETURNED):
                    items.append(
                        _item(
                            _("Finish and submit the %(year)s annual report of %(unit)s")
                            % {"year": year, "unit": unit},
                            report.status_label,
                            report.get_absolute_url(),
                            # A returned report's lateness is settled by its first submission;
                            # what is left is to resubmit it before the reports lock.
                            due if report.status == Status.DRAFT else locks_on,
                            today,
                            campaign=campaign,
                        )
                    )
    if scope.is_reviewer:
        for campaign, year, due, *_dates in wanted.values():
            if (due - today).days <= CHASE_FROM_DAYS:
                items += _not_submitted(scope, campaign, What.REPORT, year, due, today)
        reviewed = scope.review_condition(path_field="unit__path")
        waiting = AnnualReport.objects.filter(
            reviewed, open_on(scope.today, "unit__"), status=Status.SUBMITTED
        ).count()
        if waiting:
            items.append(
                _item(
                    _("%(count)s annual report(s) wait for your review") % {"count": waiting},
                    "",
                    reverse("campaign:report_queue"),
                )
            )
        counts = Obstacle.objects.filter(reviewed, status=Obstacle.Status.OPEN).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(answer_by__lt=today))
        )
        if counts["open"]:
            # "0 overdue" is no news: said only when some are.
            if counts["overdue"]:
                title = _("%(open)s open obstacle(s) to answer, %(overdue)s overdue") % counts
            else:
                title = _("%(open)s open obstacle(s) to answer") % counts
            items.append(
                _item(
                    title,
                    "",
                    reverse("campaign:obstacle_list") + "?status=open&to_answer=true",
                )
            )
    return items


def inspection_items(scope: Scope, today: datetime.date | None = None) -> list[dict]:
    """The recommendations of inspection visits to the units the user files for that are
    still to carry out: not marked done by the unit, not recorded as met by the reviewers,
    with their due date when the visit set one; and those of the closed units whose work
    those units carry on (`Scope.carried_on`: the visit stays the closed unit's, its
    follow-up passes on). For a reviewer first, the visits whose unit marked them done
    (`_marked_done_items`). Two queries, none for a user who files for no unit, and one
    more for a reviewer. The notice sent on the due date (campaign.notifications) is read
    once; this stays until the officer marks them done."""
    items = _marked_done_items(scope) if scope.is_reviewer else []
    own_units = scope.filing_units
    if not own_units:
        return items
    today = today or timezone.localdate()
    carried_on = scope.carried_on
    # The carried-on visits through the scope like every fetch: a merger places the closed
    # unit under the one carrying it on, but a unit added already merged may stand elsewhere,
    # where its page would be a 404.
    carried = Q(unit__in=list(carried_on)) & scope.condition(SEE, "unit__path")
    visits = (
        Inspection.objects.to_carry_out()
        .filter(Q(unit__in=own_units) | carried)
        .select_related("unit", "campaign")
        .order_by(F("recommendations_due_on").asc(nulls_last=True), "visited_on", "pk")
    )
    return items + [
        _item(
            _(
                "Carry out the recommendations of the visit of %(date)s to %(unit)s, then "
                "mark them done"
            )
            % {"date": visit.visited_on.strftime("%d/%m/%Y"), "unit": visit.unit},
            (
                _("%(unit)s has merged into %(carrier)s, which follows them up")
                % {"unit": visit.unit, "carrier": carried_on[visit.unit_id]}
                if visit.unit_id in carried_on
                else ""
            ),
            visit.get_absolute_url(),
            visit.recommendations_due_on,
            today,
            campaign=visit.campaign,
        )
        for visit in visits
    ]


def _marked_done_items(scope: Scope) -> list[dict]:
    """For a reviewer, the visits to the units they review whose unit marked the
    recommendations done while the follow-up does not say they were met yet: the unit waits
    for the reviewers to check it, and nothing else tells them. One query."""
    count = (
        Inspection.objects.marked_done_unchecked()
        .filter(scope.review_condition(path_field="unit__path"))
        .count()
    )
    if not count:
        return []
    return [
        _item(
            ngettext(
                "%(count)s visit: the unit marked the recommendations done, check and record "
                "the follow-up",
                "%(count)s visits: the units marked the recommendations done, check and "
                "record the follow-up",
                count,
            )
            % {"count": count},
            "",
            reverse("campaign:inspection_list") + "?unit_done=true",
        )
    ]


def _report_years(today):
    """The annual report being written now in each campaign (last year's until its lock
    date, then this year's: `report_year`), by campaign id: (campaign, year, due date,
    lock date, cut-off).
    A year already locked is left out: only a reviewer can reopen it now. Two queries."""
    # Last year's report is still written in January, until its lock date: the campaigns
    # running last year or this year.
    campaigns = list(
        Campaign.objects.select_related("issuer")
        .filter(first_year__lte=today.year)
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=today.year - 1))
    )
    years = [today.year - 1, today.year]
    periods = {}
    for period in Period.objects.filter(campaign__in=campaigns, year__in=years):
        periods.setdefault(period.campaign_id, {})[period.year] = period
    wanted = {}
    for campaign in campaigns:
        by_year = periods.get(campaign.pk, {})
        year = report_year(campaign, today, periods=by_year)
        if year not in years:
            continue
        period = by_year.get(year)
        dates = (
            {"due_on": period.due_on, "locks_on": period.locks_on, "ends_on": period.ends_on}
            if period
            else Period.defaults(campaign, year)
        )
        if today > dates["locks_on"]:
            continue
        wanted[campaign.pk] = (
            campaign,
            year,
            dates["due_on"],
            dates["locks_on"],
            dates["ends_on"],
        )
    return wanted


def _not_submitted(scope, campaign, what, year, due, today):
    """How many units `scope`'s user reviews have not submitted the document (one query),
    as an item linked to the list that reminds them; none when every one has."""
    missing = outstanding_units(campaign, what, year, today).filter(scope.review_condition())
    count = missing.count()
    if not count:
        return []
    if what == What.PLAN:
        title = ngettext(
            "%(count)s unit you review has not submitted its plan",
            "%(count)s units you review have not submitted their plan",
            count,
        )
    else:
        title = ngettext(
            "%(count)s unit you review has not submitted its %(year)s annual report",
            "%(count)s units you review have not submitted their %(year)s annual report",
            count,
        )
    query = urlencode({"campaign": campaign.pk, "what": what, "year": year})
    return [
        _item(
            title % {"count": count, "year": year},
            "",
            f"{reverse('campaign:late_units')}?{query}",
            due,
            today,
            campaign=campaign,
        )
    ]
