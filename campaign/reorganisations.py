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
- everything else is closed with its unit, and never deleted: its history records a
  `close` step with the reason (dissolved; the successor has its own; a year before the
  change) and the decision, its status stays what it was (a report submitted for a year
  still counts in that year), and from the effective date nobody can file, review or
  reopen it (campaign.workflow) while its unit's people still read it; it leaves the
  review queues and to-do lists;
- a report of a year whose cut-off is before the effective date never moves: history does
  not move.

Each entry of `preview.submissions` says what becomes of one submission: `outcome`
"moved" (with `to` and `to_name`, the successor) or "stays" (closed, with `reason`: one of
REASONS).

A visit to a closing unit whose recommendations are still to carry out stays the unit's
(history does not move: it was made there), and nothing of it is written; its follow-up
passes to the unit carrying the closed unit's work on, whose officers mark them done
(units.access, `Scope.can_carry_on`). Each entry of `preview.inspections` names that unit
(`to`, `to_name`), or none when the unit is dissolved, split, or merges into a unit the
same act dissolves: then only the reviewers follow the visit up. The visits to the units
merged earlier into a closing unit (directly or along a chain: units.lineage.forebears),
which that unit follows up, are listed too, with the closing unit (`via`): their follow-up
goes where the closing unit's work goes.
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from campaign import workflow
from campaign.models import (
    AnnualReport,
    Campaign,
    Inspection,
    Move,
    Notice,
    Period,
    Plan,
    Status,
    Step,
)
from units import lineage
from units.models import BEGINNING, Unit

OPEN = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)

# Why an open submission of a closing unit is closed rather than moved.
DISSOLVED = "dissolved"  # the unit closes without a successor
# It merges into a unit that the same act dissolves (directly or down a chain of mergers).
SUCCESSOR_DISSOLVED = "successor_dissolved"
SUCCESSOR_HAS_ONE = "successor_has_own"  # the successor already has its own for it
PAST_YEAR = "past_year"  # a report of a year whose cut-off is before the effective date
# The campaign asks nothing of the successor (a sector union merged into the province that
# issued it): moved there, the submission would wait for a review nobody can give.
NOT_ADDRESSED = "successor_not_addressed"
REASONS = (DISSOLVED, SUCCESSOR_DISSOLVED, SUCCESSOR_HAS_ONE, PAST_YEAR, NOT_ADDRESSED)


def first_year_from(campaign: Campaign, day: datetime.date) -> int:
    """The first year whose cut-off is on or after `day`."""
    return day.year if _cutoff(campaign, day.year) >= day else day.year + 1


def _cutoff(campaign, year):
    """The year's cut-off: its period's, which staff may have moved, else the rule's."""
    ends_on = (
        Period.objects.filter(campaign=campaign, year=year).values_list("ends_on", flat=True)
    ).first()
    return ends_on or Period.defaults(campaign, year)["ends_on"]


def effects(*, preview, before, after, day, reorganisation) -> None:
    """Add to `preview` who starts or stops being expected to file, and move or close the
    open submissions of the units that close, recording why under `reorganisation`'s
    decision (see the module's rule)."""
    _expected(preview, before, after, day)
    _submissions(preview, day, reorganisation)


def _expected(preview, before, after, day):
    for campaign in Campaign.objects.order_by("issued_on", "pk"):
        year = first_year_from(campaign, day)
        if not campaign.runs_in(year):
            continue
        kinds = set(campaign.addressed_kinds)
        # The campaign's area before the act and after it (Campaign.addresses): the subtree
        # strictly below the unit carrying it, read from each snapshot by its code.
        area_then = _area_path(before, campaign.acting_issuer(day - datetime.timedelta(days=1)))
        area_now = _area_path(after, campaign.acting_issuer(day))

        for code, now in after.items():
            was = _expected_in(before.get(code), kinds, area_then)
            becomes = _expected_in(now, kinds, area_now)
            if was != becomes:
                preview.expected.append(
                    {
                        "campaign": campaign.reference,
                        "code": code,
                        "name": now["short_name"] or now["name"],
                        "change": "starts" if becomes else "stops",
                        "year": year,
                    }
                )


def _expected_in(entry, kinds, area) -> bool:
    """Whether a unit as a snapshot has it is expected to file: open, of a kind addressed,
    strictly below the area's unit (`area`, its path)."""
    return bool(
        entry
        and entry["open"]
        and entry["kind"] in kinds
        and area is not None
        and entry["path"].startswith(area)
        and entry["path"] != area
    )


def _area_path(snapshot, unit):
    entry = snapshot.get(unit.code)
    return entry["path"] if entry else None


def _submissions(preview, day, reorganisation):
    successors = {entry["code"]: entry["successor"] for entry in preview.closed}
    if not successors:
        return

    def heir(code):
        """The unit that carries on `code`'s work: its successor, or, when that one closes
        in the same act too, the successor at the end of the chain (as two acts would have
        it); None when the chain ends in a unit dissolved."""
        seen, target = {code}, successors[code]
        while target in successors and target not in seen:
            seen.add(target)
            target = successors[target]
        return None if target in successors or not target else target

    units = {unit.code: unit for unit in Unit.objects.filter(code__in=successors)}
    units.update(
        {
            unit.code: unit
            for unit in Unit.objects.filter(code__in=[s for s in successors.values() if s])
        }
    )
    closing = [units[code] for code in successors]

    def carried_on(code):
        """The unit carrying `code`'s work on, or (None, why there is none) with the unit
        it merges into, when it merges into a unit dissolved in the same act."""
        target = heir(code)
        if target:
            return units[target], ""
        if not successors[code]:
            return None, DISSOLVED
        return units[successors[code]], SUCCESSOR_DISSOLVED

    decision = {"number": reorganisation.number, "date": f"{day:%d/%m/%Y}"}
    plans = Plan.objects.filter(unit__in=closing, status__in=OPEN).select_related(
        "unit", "campaign"
    )
    for plan in plans.order_by("unit__path", "campaign_id"):
        successor, reason = carried_on(plan.unit.code)
        if not reason and not plan.campaign.addresses(successor, day):
            reason = NOT_ADDRESSED
        elif not reason and Plan.objects.filter(unit=successor, campaign=plan.campaign).exists():
            reason = SUCCESSOR_HAS_ONE
        preview.submissions.append(_resolve(plan, "plan", None, successor, reason, decision, day))
    reports = AnnualReport.objects.filter(unit__in=closing, status__in=OPEN).select_related(
        "unit", "campaign", "period"
    )
    for report in reports.order_by("unit__path", "campaign_id", "year"):
        successor, reason = carried_on(report.unit.code)
        # A report with no unit to go to is closed with its unit, whatever its year.
        if not reason and report.period.ends_on < day:
            reason = PAST_YEAR
        elif not reason and not report.campaign.addresses(successor, day):
            reason = NOT_ADDRESSED
        elif (
            not reason
            and AnnualReport.objects.filter(
                unit=successor, campaign=report.campaign, year=report.year
            ).exists()
        ):
            reason = SUCCESSOR_HAS_ONE
        preview.submissions.append(
            _resolve(report, "report", report.year, successor, reason, decision, day)
        )
    # A unit merged into a closing unit by an earlier act (directly or along a chain of
    # mergers) has its visits followed up by that unit: the follow-up changes hands with
    # it. The chains as they stood the day before: this act's own closings are links too.
    earlier = lineage.forebears(
        [unit.pk for unit in closing], BEGINNING, day - datetime.timedelta(days=1)
    ).merged
    via = {forebear.pk: unit for unit in closing for forebear in earlier.get(unit.pk, [])}
    visits = (
        Inspection.objects.to_carry_out()
        .filter(unit_id__in=[unit.pk for unit in closing] + list(via))
        .select_related("unit")
    )
    for visit in visits.order_by("unit__path", "visited_on", "pk"):
        into = via.get(visit.unit_id)
        successor, reason = carried_on((into or visit.unit).code)
        carrier = None if reason else successor
        preview.inspections.append(
            {
                "pk": visit.pk,
                "code": visit.unit.code,
                "visited_on": f"{visit.visited_on:%d/%m/%Y}",
                "due_on": (
                    f"{visit.recommendations_due_on:%d/%m/%Y}"
                    if visit.recommendations_due_on
                    else ""
                ),
                "to": carrier.code if carrier else "",
                "to_name": _name(carrier) if carrier else "",
                # The closing unit it merged into earlier; "" for a visit to a closing unit.
                "via": into.code if into else "",
            }
        )


def _resolve(submission, what, year, successor, reason, decision, day):
    """Move `submission` to `successor` (no `reason`) or close it with its unit; record
    the step in its history and return the preview's entry."""
    unit = submission.unit
    entry = {
        "what": what,
        "pk": submission.pk,
        "code": unit.code,
        "campaign": submission.campaign.reference,
        "year": year,
        "status": submission.status,
        "outcome": "stays" if reason else "moved",
        "to": "" if reason else successor.code,
        "to_name": "" if reason else _name(successor),
        "reason": reason,
        # The wording of a closing depends on it: a grassroots union is dissolved, a union
        # above one ends its activity (as the 2025 decisions say of district federations).
        "kind": unit.kind,
    }
    names = {**decision, "unit": _name(unit), "successor": _name(successor) if successor else ""}
    # The reason is kept in the portal's language, whoever applies the decision.
    with translation.override(settings.LANGUAGE_CODE):
        if reason:
            text = _closed_reason(reason, what, unit) % names
        else:
            text = (
                _(
                    "From %(unit)s, which merged into %(successor)s under decision %(number)s, "
                    "effective %(date)s."
                )
                % names
            )
    if not reason:
        Move.objects.create(
            campaign_id=submission.campaign_id,
            **{what: submission},
            from_unit=unit,
            to_unit=successor,
            on=day,
            previous_on=submission.moved_on,
        )
        # Its notices go with it: read against the unit that holds it now (a reader of the
        # closed unit alone may no longer open it: campaign.notices.may_open).
        Notice.objects.filter(unit=unit, url=submission.get_absolute_url()).update(unit=successor)
        submission.moved_from, submission.moved_on = unit, day
        submission.unit = successor
        submission.version += 1
        # Through save, not update(): the change of unit goes into the submission's history.
        submission.save(update_fields=["unit", "moved_from", "moved_on", "version"])
    change = Step.UnitChange.CLOSE if reason else Step.UnitChange.MOVE
    workflow.record_unit_change(submission, change, text)
    return entry


def _closed_reason(reason, what, unit):
    if reason == DISSOLVED and unit.kind == Unit.Kind.GRASSROOTS:
        return _("%(unit)s was dissolved under decision %(number)s, effective %(date)s.")
    if reason == DISSOLVED:
        return _("%(unit)s ceased to operate under decision %(number)s, effective %(date)s.")
    if reason == SUCCESSOR_DISSOLVED:
        return _(
            "%(unit)s merged into %(successor)s, which was dissolved under the same decision "
            "%(number)s, effective %(date)s."
        )
    if reason == NOT_ADDRESSED:
        return _(
            "%(unit)s merged into %(successor)s under decision %(number)s, effective "
            "%(date)s; the campaign asks nothing of %(successor)s, so this stays with the "
            "unit that made it."
        )
    if reason == PAST_YEAR:
        return _(
            "%(unit)s merged into %(successor)s under decision %(number)s, effective "
            "%(date)s; a report of a year before the change stays with the unit that made it."
        )
    if what == "plan":
        return _(
            "%(unit)s merged into %(successor)s under decision %(number)s, effective "
            "%(date)s, and %(successor)s has its own plan."
        )
    return _(
        "%(unit)s merged into %(successor)s under decision %(number)s, effective %(date)s, "
        "and %(successor)s has its own report for that year."
    )


def _name(unit):
    return unit.short_name or unit.name
