"""Who is expected to file, which filings count, and when one counts as on time.

The counting rule of README.md ("The dashboard") starts here, with the words
every count is built from; `reports.rollup` adds up areas with them, and the reminders
use them to find who is late:

- **Expected** units: the units of an area (a unit and its subtree) of a kind the campaign
  addresses, open at the period's cut-off, and in the campaign's own area: strictly below
  the unit carrying it then (`Campaign.acting_issuer`), all read on the tree as it stood
  that day, from the units' eras (`expected_places`).
- **Included** filings: accepted ones; or every submitted one (submitted or accepted) when
  the reader asks for it.
- A report is **on time** when it was first submitted by the end of its due day (local
  time), **late** after; **returned** is returned; a draft, or no report, is **missing**.
- A report holds its unit's **own figures**; the total of an area is the sum of the
  included reports of the units in it, never copied into another report.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Subquery, Sum, Value, When
from django.utils.translation import gettext as _

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from units.models import Unit, UnitState

ACCEPTED_ONLY = "accepted"
ALL_SUBMITTED = "submitted"
INCLUDE: dict[str, tuple[str, ...]] = {
    ACCEPTED_ONLY: (Status.ACCEPTED,),
    ALL_SUBMITTED: (Status.SUBMITTED, Status.ACCEPTED),
}
SUBMITTED: tuple[str, ...] = (Status.SUBMITTED, Status.ACCEPTED)
CATEGORIES = ("on_time", "late", "returned", "missing")


def inclusion(value: str | None) -> str:
    """The inclusion asked for (`?include=`), accepted-only unless it names the other."""
    return ALL_SUBMITTED if value == ALL_SUBMITTED else ACCEPTED_ONLY


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the portal's time zone (Asia/Ho_Chi_Minh)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    if day == datetime.date.max:
        # A period kept from before its dates were bounded can end on 31/12/9999 (typed
        # for "never"); there is no day after it, and its last instant serves as well.
        return datetime.datetime.combine(day, datetime.time.max, zone)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def is_strictly_below(path: str, area: str | None) -> bool:
    """Whether a place of `path` lies strictly below the place `area` (None: no place, so
    nothing is below it). `strictly_below` is the same rule in SQL."""
    return area is not None and path.startswith(area) and path != area


def strictly_below(area, prefix: str = "") -> Q:
    """Rows whose place (its `path` under `prefix`) lies strictly below the place `area`: a
    path, or a path expression. The SQL form of `is_strictly_below`."""
    return Q(**{f"{prefix}path__startswith": area}) & ~Q(**{f"{prefix}path": area})


def is_expected(kinds: Iterable[str], kind: str, open_then: bool, in_area: bool) -> bool:
    """Whether a unit is expected to file, from what is known of it at the cut-off: of one
    of the campaign's `kinds`, open (`units.models.is_open_on`), and in the campaign's area
    (`is_strictly_below` the unit carrying it). `expected_place` is the same rule in SQL."""
    return kind in kinds and bool(open_then) and bool(in_area)


def expected_place(kinds: Iterable[str], area, prefix: str = "", open_then: Q | None = None) -> Q:
    """Eras (`UnitState` rows, their fields under `prefix`) expected to file: of one of
    `kinds`, open, and strictly below the place `area` (a path, or a path expression) of
    the unit carrying the campaign on that day. The rule in one place: the lists, the
    reminders, last year's figures and the rollup (reports.trees.YearTree, on the year's
    tree and on today's) all filter by it.

    `open_then`: whether the unit was open that day, when not read from the era's own
    `is_open` (today's tree reads it from the unit's dates, `units.models.open_on`, its era
    being joined under `prefix`)."""
    if open_then is None:
        open_then = Q(**{f"{prefix}is_open": True})
    return Q(**{f"{prefix}kind__in": list(kinds)}) & open_then & strictly_below(area, prefix)


def campaign_area(campaign: Campaign, day) -> Subquery:
    """The path, on the tree of `day`, of the unit carrying `campaign` then
    (`Campaign.acting_issuer`): the campaign's area that day lies strictly below it.

    `day` is a date, or a date expression read in the same query (a period's cut-off before
    it is read): the carrier is then the first of the issuer's chain of successors, followed
    as far as today's carrier, open that day (the last of them when none is), as
    `acting_issuer` would find it. No query of its own but the acting issuer's (one per
    successor first followed)."""
    places = UnitState.objects.placed_on(day)
    if isinstance(day, datetime.date):
        carrier = places.filter(unit=campaign.acting_issuer(day))
    else:
        chain = campaign.issuer_chain()
        first_open = Case(
            *[When(unit_id=unit.pk, is_open=True, then=Value(n)) for n, unit in enumerate(chain)],
            When(unit_id=chain[-1].pk, then=Value(len(chain))),
            default=Value(len(chain) + 1),
            output_field=IntegerField(),
        )
        carrier = places.filter(unit__in=chain).order_by(first_open)
    return Subquery(carrier.values("path")[:1])


def expected_places(campaign: Campaign, cutoff, within: Unit | None = None) -> QuerySet[UnitState]:
    """The eras at `cutoff` of the units that must file for the period ending then, on the
    tree as it stood that day (DESIGN.md, "The tree over time": a later reorganisation never
    changes who was expected): of a kind the campaign addressed, open, and strictly below
    the unit carrying the campaign then (`campaign_area`); of those, the ones strictly below
    `within`'s place that day when given. `cutoff`: a date, or a date expression. Lazy: one
    query when read (with the acting issuer's, see `campaign_area`)."""
    places = UnitState.objects.placed_on(cutoff)
    expected = places.filter(
        expected_place(campaign.addressed_kinds, campaign_area(campaign, cutoff))
    )
    if within is not None:
        here = places.filter(unit=within).order_by().values("path")[:1]
        expected = expected.filter(strictly_below(Subquery(here)))
    return expected


def expected_units(campaign: Campaign, cutoff, within: Unit | None = None) -> QuerySet[Unit]:
    """The units of `expected_places` (as they stand today, to filter and annotate on
    today's tree: who is still open, who reviews them now). Lazy: one query when read."""
    return Unit.objects.filter(pk__in=expected_places(campaign, cutoff, within).values("unit_id"))


def expected_among(campaign: Campaign, cutoff: datetime.date, units: Iterable[Unit]) -> set[int]:
    """Of `units`, the pks of those that owe `campaign` its report for the period ending on
    `cutoff`: the per-unit form of `expected_places`, so that a unit is offered, allowed or
    reminded to write a year's report exactly when that year's totals expect it (a unit
    that came under the campaign's issuer since owes nothing for it; one moved out since
    still owes it). For the year still running, its cut-off lies ahead and the tree read is
    the one that day, as the rollup reads it. One query for a whole page's units, none
    without units (and the acting issuer's, see `campaign_area`)."""
    pks = [unit.pk for unit in units]
    if not pks:
        return set()
    return set(
        expected_places(campaign, cutoff).filter(unit_id__in=pks).values_list("unit_id", flat=True)
    )


def expects(campaign: Campaign, period: Period, unit: Unit) -> bool:
    """Whether `period`, of `campaign`, expects a report from `unit` (`expected_among`).
    One query (and the acting issuer's)."""
    return unit.pk in expected_among(campaign, period.ends_on, [unit])


def expected_pairs(
    periods: Iterable[tuple[Campaign, datetime.date]], units: Iterable[Unit]
) -> set[tuple[int, int]]:
    """(unit pk, campaign pk) for each of `units` that each (campaign, cut-off) of
    `periods` expects (`expected_among`), read for every campaign in one query (and the
    acting issuers', see `campaign_area`): a list of several campaigns' reports asks once."""
    pks = [unit.pk for unit in units]
    parts = [
        expected_places(campaign, cutoff)
        .filter(unit_id__in=pks)
        .order_by()
        .values_list("unit_id", Value(campaign.pk, output_field=IntegerField()))
        for campaign, cutoff in periods
    ]
    if not pks or not parts:
        return set()
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return set(query)


def not_expected_message(campaign: Campaign, period: Period, unit: Unit) -> str:
    """Why `period`'s year expects no report from `unit`: not open at its cut-off, or not
    among the units the campaign's issuer asked then (it stood elsewhere in the tree, or
    was of a kind the campaign does not address). No query."""
    if not unit.is_open_on(period.ends_on):
        return period.not_expected_message(unit)
    return _(
        "%(unit)s was not under %(issuer)s at the end of %(year)s (or not as a unit it asks "
        "to report): no report is due from it for that year."
    ) % {
        "unit": unit,
        "issuer": campaign.issuer.short_name or campaign.issuer.name,
        "year": period.year,
    }


def category(
    status: str | None, first_submitted_at: datetime.datetime | None, due_on: datetime.date
) -> str:
    """on_time, late, returned or missing: one unit's report by the rule above."""
    if status == Status.RETURNED:
        return "returned"
    if status in SUBMITTED and first_submitted_at:
        return "on_time" if first_submitted_at < end_of_day(due_on) else "late"
    return "missing"


def category_conditions(due_on: datetime.date, prefix: str = "") -> dict[str, Q]:
    """`category()` in SQL, one condition per category but "missing": the reports (their
    fields under `prefix`) on time, late and returned, for counts (`Count(filter=...)`).
    The same rule as `category()`, the same end of the due day: a report sent without a
    first submission time is in none of them, as `category()` calls it missing, and so is a
    draft, or no report (a left join's empty row)."""
    due_end = end_of_day(due_on)
    status, first = f"{prefix}status", f"{prefix}first_submitted_at"
    return {
        "on_time": Q(**{f"{status}__in": SUBMITTED, f"{first}__lt": due_end}),
        "late": Q(**{f"{status}__in": SUBMITTED, f"{first}__gte": due_end}),
        "returned": Q(**{status: Status.RETURNED}),
    }


def category_case(due_on: datetime.date, prefix: str = "") -> Case:
    """`category()` in SQL, as the index of the report's category (its fields under
    `prefix`) in CATEGORIES, to filter and sort on: the conditions of
    `category_conditions`, "missing" for a row in none of them. The same rule as
    `category()`."""
    return Case(
        *[
            When(condition, then=Value(CATEGORIES.index(name)))
            for name, condition in category_conditions(due_on, prefix).items()
        ],
        default=Value(CATEGORIES.index("missing")),
        output_field=IntegerField(),
    )


@dataclass
class AreaBelow:
    """What the area below a unit adds up to, beside that unit's own report form: the totals
    of the accepted reports of the units below it (never the unit's own), their coverage
    and every unit in it with its report, so that the officer sees what is counted where."""

    totals: dict[int, int | None]  # by indicator pk; None while nothing is included
    reports: int
    included: int
    expected: int
    units: list[dict] = field(default_factory=list)  # name, kind, report pk, category


def area_below(
    unit: Unit,
    campaign: Campaign,
    year: int,
    period: Period,
    indicators: Iterable[Indicator],
    may_open: Callable[[Unit], bool] | None = None,
) -> AreaBelow:
    """The area below `unit` for the report form, with the totals of the typed whole-number
    `indicators`, on the tree of the year's cut-off (a later reorganisation never changes
    it; README.md, "The tree over time"): the units that stood below it then, named as they
    were, those expected by the counting rule (`expected_places`) with their category. A
    unit's report is linked when `may_open` (given the report's unit as it stands today,
    with its path only) answers True, or always without it: one moved out since may no
    longer be the reader's to open. Four queries whatever its size (and the campaign's
    acting issuer, unless its issuer was read with it)."""
    cutoff = period.ends_on
    # Where every unit stood at the cut-off: the unit's own place, then the places below.
    places = UnitState.objects.placed_on(cutoff)
    here = places.filter(unit=unit).order_by()
    below = places.filter(
        path__startswith=Subquery(here.values("path")[:1]),
        depth__gt=Subquery(here.values("depth")[:1]),
    )
    expected = set(expected_places(campaign, cutoff, within=unit).values_list("unit_id", flat=True))
    reports = {
        r["unit_id"]: r
        for r in AnnualReport.objects.filter(
            campaign=campaign, year=year, unit__in=below.values("unit_id")
        ).values("pk", "unit_id", "unit__path", "status", "first_submitted_at")
    }
    included = [r["pk"] for r in reports.values() if r["status"] in INCLUDE[ACCEPTED_ONLY]]
    sums = dict(
        IndicatorValue.objects.filter(report_id__in=included, int_value__isnull=False)
        .values_list("indicator_id")
        .annotate(total=Sum("int_value"))
        .values_list("indicator_id", "total")
    )
    integer_ids = [
        i.pk
        for i in indicators
        if i.kind == "integer" and not i.is_computed(campaign.addressed_kinds)
    ]
    units = []
    rows = list(
        below.filter(unit_id__in=expected | set(reports))
        .order_by("path")
        .values("unit_id", "name", "short_name", "kind", "depth")
    )
    depth = min((row["depth"] for row in rows), default=1) - 1  # the unit's, at the cut-off
    for row in rows:
        report = reports.get(row["unit_id"])
        units.append(
            {
                "name": row["short_name"] or row["name"],
                "kind": row["kind"],
                "level": row["depth"] - depth,
                "report_id": report["pk"]
                if report and (may_open is None or may_open(Unit(path=report["unit__path"])))
                else None,
                "category": category(
                    report and report["status"],
                    report and report["first_submitted_at"],
                    period.due_on,
                )
                if row["unit_id"] in expected
                else "",
                "included": bool(report and report["pk"] in included),
            }
        )
    return AreaBelow(
        totals={pk: (sums.get(pk) or 0) if included else None for pk in integer_ids},
        reports=len(included),
        included=sum(1 for pk in expected if pk in reports and reports[pk]["pk"] in included),
        expected=len(expected),
        units=units,
    )
