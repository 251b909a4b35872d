"""What a reorganisation means for the campaigns: who is expected to file from when, and what
becomes of the open submissions of the units that close.

`effects` is listed in settings.REORGANISATION_HANDLERS; units.reorganisations calls it
inside the transaction that previews (rolled back) or applies (kept) a reorganisation, after
the tree has changed, so the preview lists what applying does.

The rule for the open submissions (draft, submitted or returned) of a unit that closes:

- a plan, and an annual report of a year whose cut-off is on or after the effective date,
  of a unit merged into a successor move to the successor when it has none of its own for
  that campaign (and year): the successor carries on the work. The row is the same, so its
  steps and history follow it, and its history records the change of unit;
- everything else stays with the closed unit, untouched and never deleted: it can no longer
  be filed (the access scope refuses filing for a closed unit) and it leaves the review
  queues; a report submitted for a year still counts in that year;
- a report of a year whose cut-off is before the effective date never moves: history does
  not move.
"""

import datetime

from campaign.models import AnnualReport, Campaign, Period, Plan, Status
from units.models import Unit

OPEN = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


def first_year_from(campaign: Campaign, day: datetime.date) -> int:
    """The first year whose cut-off is on or after `day`."""
    cutoff = Period.defaults(campaign, day.year)["ends_on"]
    return day.year if cutoff >= day else day.year + 1


def effects(*, preview, before, after, day) -> None:
    """Add to `preview` who starts or stops being expected to file, and move or keep the
    open submissions of the units that close (see the module's rule)."""
    _expected(preview, before, after, day)
    _submissions(preview, day)


def _expected(preview, before, after, day):
    for campaign in Campaign.objects.order_by("issued_on", "pk"):
        year = first_year_from(campaign, day)
        if not campaign.runs_in(year):
            continue
        kinds = set(campaign.addressed_kinds)
        for code, now in after.items():
            then = before.get(code)
            was = bool(then and then["open"] and then["kind"] in kinds)
            becomes = now["open"] and now["kind"] in kinds
            if was != becomes:
                preview.expected.append(
                    {
                        "campaign": campaign.number,
                        "code": code,
                        "name": now["short_name"] or now["name"],
                        "change": "starts" if becomes else "stops",
                        "year": year,
                    }
                )


def _submissions(preview, day):
    successors = {entry["code"]: entry["successor"] for entry in preview.closed}
    if not successors:
        return
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=successors)}
    units.update(
        {
            unit.code: unit
            for unit in Unit.objects.filter(code__in=[s for s in successors.values() if s])
        }
    )
    closing = [units[code] for code in successors]
    plans = Plan.objects.filter(unit__in=closing, status__in=OPEN).select_related("campaign")
    for plan in plans.order_by("unit__path", "campaign_id"):
        successor = units.get(successors[plan.unit.code]) if successors[plan.unit.code] else None
        movable = (
            successor is not None
            and not Plan.objects.filter(unit=successor, campaign=plan.campaign).exists()
        )
        preview.submissions.append(_move(plan, "plan", None, successor if movable else None))
    reports = AnnualReport.objects.filter(unit__in=closing, status__in=OPEN).select_related(
        "campaign"
    )
    for report in reports.order_by("unit__path", "campaign_id", "year"):
        code = successors[report.unit.code]
        successor = units.get(code) if code else None
        current = Period.defaults(report.campaign, report.year)["ends_on"] >= day
        movable = (
            successor is not None
            and current
            and not AnnualReport.objects.filter(
                unit=successor, campaign=report.campaign, year=report.year
            ).exists()
        )
        preview.submissions.append(
            _move(report, "report", report.year, successor if movable else None)
        )


def _move(submission, what, year, successor):
    entry = {
        "what": what,
        "pk": submission.pk,
        "code": submission.unit.code,
        "campaign": submission.campaign.number,
        "year": year,
        "status": submission.status,
        "outcome": "moved" if successor else "stays",
        "to": successor.code if successor else "",
    }
    if successor is not None:
        submission.unit = successor
        # Through save, not update(): the change of unit goes into the submission's history.
        submission.save(update_fields=["unit"])
    return entry
