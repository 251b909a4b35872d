"""The rollup: every figure the dashboard, the PDF summary and the Excel export show.

A figure is computed here once, in the database, and the outputs only render the plain
data this module returns. Two functions:

- `rollup(campaign, year, unit)` for the CSPL dashboard: where the campaign stands in a
  unit's subtree, in a fixed number of queries whatever the number of units;
- `children_totals(unit, campaign, year, period)` for an upper unit's own report form.

Counting rules, written once here:

- **Expected** units are those in the subtree (the unit itself included) of a kind the
  campaign addresses and open at the period's cut-off.
- A report is **on time** or **late** once submitted or accepted, by the local date of its
  first submission against the due date; **returned** is returned; everything else
  (draft or no report at all) is **missing**.
- **Figures** come from the included reports (accepted only, or everything submitted) of
  the units that report for an area: an expected unit reports for its whole subtree (a
  district federation's officer starts from the grassroots unions' totals), so the units
  below it are never added a second time. The units reporting for an area are the expected
  units with no expected unit between them and the area's top, the top included: the
  area's own report if it is expected to file one, otherwise the first expected unit down
  each branch (below a kind the campaign does not address, or a unit closed at the
  cut-off, the branch goes on to the units below). The headline applies this to the scope;
  each row of the breakdown applies it to a unit directly below, and to the scope itself
  when it files; each kind's totals add up the rows' reporting units of that kind.
- **Plans** filed are the expected units' plans submitted at least once, whatever their state
  since; each content item counts the activities of their accepted plans that cover it,
  and those plans. The **self-assessment** counts the included reports of the expected
  units. **Obstacles** are the subtree's open ones whatever the year (overdue: past their
  answer-by date); **reminders** are those sent in the subtree about the year.
- The **trend** gives, for every year of the campaign up to the one shown, the reports
  included and the headline figures as that year's own rollup counts them (the units
  expected at that year's cut-off).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Substr
from django.utils import timezone

from campaign.models import (
    Activity,
    AnnualReport,
    Indicator,
    IndicatorValue,
    Obstacle,
    Period,
    Reminder,
    Status,
    Theme,
)
from units.dataversion import data_version
from units.models import Unit

ACCEPTED_ONLY = "accepted"
ALL_SUBMITTED = "submitted"
INCLUDE = {
    ACCEPTED_ONLY: [Status.ACCEPTED],
    ALL_SUBMITTED: [Status.SUBMITTED, Status.ACCEPTED],
}
SUBMITTED = [Status.SUBMITTED, Status.ACCEPTED]
CATEGORIES = ("on_time", "late", "returned", "missing")
ASSESSMENTS = [choice for choice, _label in AnnualReport.Assessment.choices]
CACHE_SECONDS = 24 * 60 * 60


def cached_rollup(campaign, year, unit, include=ACCEPTED_ONLY):
    """`rollup` through the cache. The key holds the data version and today's date (an
    obstacle becomes overdue without any write), so a cached figure is never stale."""
    key = ":".join(
        str(part)
        for part in (
            "rollup",
            data_version(),
            timezone.localdate().isoformat(),
            campaign.pk,
            year,
            unit.pk,
            include,
        )
    )
    result = cache.get(key)
    if result is None:
        result = rollup(campaign, year, unit, include)
        result["cache_key"] = key
        cache.set(key, result, CACHE_SECONDS)
    return result


def rollup(campaign, year, unit, include=ACCEPTED_ONLY):
    """Everything about `campaign` in `year` below `unit`, as plain data. Seven queries.

    `include` chooses the reports whose figures count: accepted ones (the default) or
    everything submitted. Raises ValidationError for a year the campaign does not run.
    """
    period = _period(campaign, year, unit)  # 1, with the obstacle and reminder counts
    due_end = end_of_day(period.due_on)
    included = INCLUDE[include]
    child_length = len(unit.path) + Unit.steplen
    expected = _expected(campaign, unit, period)
    # The depths at which a unit may stand between the scope and a unit below it.
    deepest = max(period.deepest or unit.depth, unit.depth)

    # 2: the indicators, for labels and order, and to sum each one in the trend.
    indicators = list(
        Indicator.objects.filter(campaign=campaign)
        .order_by("order", "code")
        .values("pk", "code", "name", "unit_of_measure", "kind")
    )
    integer_ids = [i["pk"] for i in indicators if i["kind"] == Indicator.Kind.INTEGER]

    # 3: every count, per child and kind, from the units joined to their report and plan.
    rows = (
        expected.annotate(
            report=FilteredRelation(
                "annualreports",
                condition=Q(annualreports__campaign=campaign, annualreports__year=year),
            ),
            plan=FilteredRelation("plans", condition=Q(plans__campaign=campaign)),
            child=Substr("path", 1, child_length),
        )
        .values("child", "kind")
        .annotate(
            expected=Count("pk"),
            plans_filed=Count("pk", filter=Q(plan__first_submitted_at__isnull=False)),
            plans_accepted=Count("pk", filter=Q(plan__status=Status.ACCEPTED)),
            on_time=Count(
                "pk",
                filter=Q(report__status__in=SUBMITTED, report__first_submitted_at__lt=due_end),
            ),
            late=Count(
                "pk",
                filter=Q(report__status__in=SUBMITTED, report__first_submitted_at__gte=due_end),
            ),
            returned=Count("pk", filter=Q(report__status=Status.RETURNED)),
            included=Count("pk", filter=Q(report__status__in=included)),
            **{
                f"assessed_{grade}": Count(
                    "pk",
                    filter=Q(report__status__in=included, report__self_assessment=grade),
                )
                for grade in ASSESSMENTS
            },
        )
        .order_by()
    )
    rows = list(rows)

    # 4: the figures of the units reporting for each child (and of the unit itself), per
    # child and kind, one column per indicator.
    reporting = (
        AnnualReport.objects.filter(
            campaign=campaign,
            year=year,
            status__in=included,
            unit__path__startswith=unit.path,
            unit__kind__in=campaign.addressed_kinds,
        )
        .filter(_open_at(period.ends_on, "unit__"))
        .filter(
            *_none_expected_above(campaign, unit, range(unit.depth + 1, deepest), period.ends_on)
        )
    )
    sums = list(
        reporting.annotate(child=Substr("unit__path", 1, child_length))
        .values("child", "unit__kind")
        .annotate(**_totals(integer_ids))
        .order_by()
    )

    # 5: the trend over every year: each year's reports counted and headline figures, by the
    # units expected at that year's own cutoff. Two aggregates in one statement (UNION ALL):
    # the reports counted per year, and the figures of the reports standing for the area.
    cutoff = F("period__ends_on")
    counted = AnnualReport.objects.filter(
        campaign=campaign,
        status__in=included,
        unit__path__startswith=unit.path,
        unit__kind__in=campaign.addressed_kinds,
    ).filter(_open_at(cutoff, "unit__"))
    standing = counted.filter(
        *_none_expected_above(campaign, unit, range(unit.depth, deepest), cutoff)
    )
    no_total = {f"total_{pk}": Value(None, output_field=BigIntegerField()) for pk in integer_ids}
    trend_rows = list(
        counted.values("year")
        .annotate(reports=Count("pk"), **no_total)
        .order_by()
        .union(
            standing.values("year")
            .annotate(reports=Value(0, output_field=BigIntegerField()), **_totals(integer_ids))
            .order_by(),
            all=True,
        )
    )

    # 6: the content items, each with how many accepted plans' activities cover it: their
    # labels, and the counts of the subtree's coverage (from its units' plans, so that the
    # rest of the country's activities are never read), in one UNION ALL.
    none = {
        name: Value(None, output_field=field)
        for name, field in (
            ("label_number", CharField()),
            ("label_title", TextField()),
            ("label_parent", BigIntegerField()),
            ("label_order", CharField()),
            ("activities", BigIntegerField()),
            ("plans", BigIntegerField()),
        )
    }
    theme_columns = ("theme", "label_number", "label_title", "label_parent", "label_order")
    labels = (
        Theme.objects.filter(campaign=campaign)
        .annotate(
            theme=F("pk"),
            label_number=F("number"),
            label_title=F("title"),
            label_parent=F("parent_id"),
            label_order=F("sort_key"),
            activities=none["activities"],
            plans=none["plans"],
        )
        .values_list(*theme_columns, "activities", "plans")
    )
    coverage = (
        Activity.themes.through.objects.filter(
            activity__plan__campaign=campaign,
            activity__plan__status=Status.ACCEPTED,
            activity__plan__unit__path__startswith=unit.path,
            activity__plan__unit__kind__in=campaign.addressed_kinds,
        )
        .filter(_open_at(period.ends_on, "activity__plan__unit__"))
        .values("theme_id")
        .annotate(
            theme=F("theme_id"),
            **{name: none[name] for name in theme_columns[1:]},
            activities=Count("activity_id"),
            plans=Count("activity__plan_id", distinct=True),
        )
        .values_list(*theme_columns, "activities", "plans")
        .order_by()
    )
    themes = _themes(labels.order_by().union(coverage, all=True))

    # 7: the unit's ancestors (for the breadcrumb) and the units directly below (to name
    # the rows of the breakdown).
    steplen = Unit.steplen
    ancestor_paths = [unit.path[:end] for end in range(steplen, len(unit.path) + 1, steplen)]
    named = list(
        Unit.objects.filter(
            Q(path__in=ancestor_paths) | Q(path__startswith=unit.path, depth=unit.depth + 1)
        )
        .order_by("path")
        .values("pk", "path", "name", "short_name", "kind", "numchild", "depth")
    )
    return _assemble(
        unit,
        campaign,
        named,
        include,
        period,
        rows,
        sums,
        trend_rows,
        themes,
        indicators,
    )


def children_totals(unit, campaign, year, period):
    """Totals of the accepted reports of the units directly below `unit` for `year`.

    Returns {"totals": {indicator_id: total}, "included": n, "expected": m}: n units'
    accepted reports are counted, out of the m units below that the campaign addresses and
    that were open at the period's cut-off. Three queries whatever the number of units.
    Only the units directly below count, so that an intermediate unit's own report (which
    already contains its units' figures) is never added twice.
    """
    children = Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, kind__in=campaign.addressed_kinds
    ).open_on(period.ends_on)
    accepted = AnnualReport.objects.filter(
        campaign=campaign, year=year, status=Status.ACCEPTED, unit__in=children
    )
    totals = dict(
        IndicatorValue.objects.filter(report__in=accepted, indicator__kind=Indicator.Kind.INTEGER)
        .values_list("indicator_id")
        .annotate(total=Sum("int_value"))
        .values_list("indicator_id", "total")
    )
    expected = children.count()
    included = accepted.count()
    return {"totals": totals, "included": included, "expected": expected}


def status_of(report, period):
    """The category (on_time, late, returned, missing) of one unit's report, by the rules
    above; for the status grid, which shows units one page at a time."""
    if report is None:
        return "missing"
    if report.status == Status.RETURNED:
        return "returned"
    if report.status in SUBMITTED and report.first_submitted_at:
        return "on_time" if report.first_submitted_at < end_of_day(period.due_on) else "late"
    return "missing"


# --- the parts --------------------------------------------------------------------------------
def _period(campaign, year, unit):
    """The period, annotated with the subtree's open and overdue obstacles and the year's
    reminders, so that they cost no query of their own."""
    if not campaign.runs_in(year):
        Period.objects.for_year(campaign, year)  # raises the usual ValidationError
    below = Q(unit__path__startswith=unit.path, campaign=OuterRef("campaign_id"))
    today = timezone.localdate()
    annotated = Period.objects.filter(campaign=campaign, year=year).annotate(
        open_obstacles=_count(Obstacle.objects.filter(below, status=Obstacle.Status.OPEN)),
        overdue_obstacles=_count(
            Obstacle.objects.filter(below, status=Obstacle.Status.OPEN, answer_by__lt=today)
        ),
        reminders=_count(Reminder.objects.filter(below, year=year)),
        manual_reminders=_count(Reminder.objects.filter(below, year=year, manual=True)),
        deepest=Subquery(
            Unit.objects.filter(path__startswith=unit.path).order_by("-depth").values("depth")[:1]
        ),
    )
    period = annotated.first()
    if period is None:  # first use of the year: create it from the campaign's rules
        Period.objects.for_year(campaign, year)
        period = annotated.first()
    return period


def _addressed(campaign, unit):
    return Unit.objects.filter(path__startswith=unit.path, kind__in=campaign.addressed_kinds)


def _expected(campaign, unit, period):
    return _addressed(campaign, unit).open_on(period.ends_on)


def _open_at(day, prefix=""):
    """Units (reached through `prefix`) open at `day`: a date, or an expression."""
    opened = Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": day})
    not_closed = Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    return opened & not_closed


def _none_expected_above(campaign, scope, depths, cutoff):
    """Conditions on annual reports: no unit the campaign expects (of an addressed kind, open
    at `cutoff`) stands above the report's unit at any of `depths`. With `depths` starting at
    the scope's depth, these are the reports giving the scope's figures; starting one level
    below, those giving each child's figures (and the scope's own, if it is expected).

    One NOT EXISTS per depth, each an equality on the ancestor's path, so that PostgreSQL
    turns each into a hashed anti-join over the units of that depth: the cost grows with
    the number of reports, not with reports times ancestors probed one by one; each hashes
    only the scope's units of one depth. `cutoff` may be an expression on the report (each
    year's own cutoff in the trend)."""
    if isinstance(cutoff, F):
        cutoff = OuterRef(cutoff.name)
    conditions = []
    for depth in depths:
        above = (
            Unit.objects.filter(
                depth=depth,
                path__startswith=scope.path,
                path=Substr(OuterRef("unit__path"), 1, Unit.steplen * depth),
                kind__in=campaign.addressed_kinds,
            )
            .filter(_open_at(cutoff))
            .filter(depth__lt=OuterRef("unit__depth"))
        )
        conditions.append(~Exists(above))
    return conditions


def _totals(integer_ids):
    """One SUM per integer indicator over the reports' values. Each value is one look-up in
    the (report, indicator) index: the reports come out of anti-joins whose size PostgreSQL
    cannot estimate, and a plain join would let it read every value of the campaign."""
    return {
        f"total_{pk}": Sum(
            Subquery(
                IndicatorValue.objects.filter(report=OuterRef("pk"), indicator_id=pk).values(
                    "int_value"
                )[:1]
            )
        )
        for pk in integer_ids
    }


def _themes(rows):
    """The content items in their order, from the labels' and the counts' rows."""
    labels, counts = {}, {}
    for pk, number, title, parent_id, order, activities, plans in rows:
        if activities is None:
            labels[pk] = (
                order,
                {"pk": pk, "number": number, "title": title, "parent_id": parent_id},
            )
        else:
            counts[pk] = {"activities": activities, "plans": plans}
    return [
        {**label, **counts.get(pk, {"activities": 0, "plans": 0})}
        for pk, (_order, label) in sorted(labels.items(), key=lambda item: item[1][0])
    ]


def _count(queryset):
    return Subquery(queryset.order_by().values("campaign").annotate(n=Count("pk")).values("n")[:1])


def end_of_day(day):
    """The first instant after `day` in the portal's time zone (Asia/Ho_Chi_Minh)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def _assemble(unit, campaign, named, include, period, rows, sums, trend_rows, themes, indicators):
    integer_ids = [i["pk"] for i in indicators if i["kind"] == Indicator.Kind.INTEGER]
    codes = {i["pk"]: i["code"] for i in indicators}
    # The unit's own report stands for its whole area when the unit is expected to file.
    files_itself = campaign.addresses(unit) and unit.is_open_on(period.ends_on)

    def empty():
        counts = dict.fromkeys(
            [
                "expected",
                "plans_filed",
                "plans_accepted",
                "on_time",
                "late",
                "returned",
                "included",
                *(f"assessed_{g}" for g in ASSESSMENTS),
            ],
            0,
        )
        counts["totals"] = {codes[pk]: 0 for pk in integer_ids}
        return counts

    headline, by_kind, by_child = empty(), {}, {}
    for row in rows:
        for target in (
            headline,
            by_kind.setdefault(row["kind"], empty()),
            by_child.setdefault(row["child"], empty()),
        ):
            for key, value in row.items():
                if key not in ("child", "kind"):
                    target[key] += value
    for row in sums:
        for pk in integer_ids:
            code, total = codes[pk], row[f"total_{pk}"] or 0
            by_child.setdefault(row["child"], empty())["totals"][code] += total
            if row["child"] == unit.path:
                headline["totals"][code] += total  # the unit's own report stands for it all
            else:
                by_kind.setdefault(row["unit__kind"], empty())["totals"][code] += total
                if not files_itself:
                    headline["totals"][code] += total
    for group in (headline, *by_kind.values(), *by_child.values()):
        _finish(group)

    children = {u["path"]: u for u in named if u["depth"] >= unit.depth}
    child_list = []
    for path, figures in sorted(by_child.items()):
        info = children.get(path, {})
        child_list.append(
            {
                "unit_id": info.get("pk"),
                "path": path,
                "name": info.get("short_name") or info.get("name", ""),
                "kind": info.get("kind", ""),
                "is_scope": path == unit.path,
                "has_children": bool(info.get("numchild")),
                **figures,
            }
        )

    # Every year of the campaign up to the one shown (or a later one with reports).
    counted = {}
    for row in trend_rows:  # per year: one row of counts, one of figures (if any)
        year_row = counted.setdefault(
            row["year"], {"reports": 0, "totals": {codes[pk]: 0 for pk in integer_ids}}
        )
        year_row["reports"] += row["reports"]
        for pk in integer_ids:
            year_row["totals"][codes[pk]] += row[f"total_{pk}"] or 0
    last = max([period.year, *counted])
    trend = []
    for trend_year in range(campaign.first_year, last + 1):
        row = counted.get(trend_year) or {
            "reports": 0,
            "totals": {codes[pk]: 0 for pk in integer_ids},
        }
        trend.append({"year": trend_year, **row})

    return {
        "cache_key": "",
        "ancestors": [
            {"pk": u["pk"], "path": u["path"], "name": u["short_name"] or u["name"]}
            for u in named
            if u["depth"] <= unit.depth
        ],
        "campaign_id": period.campaign_id,
        "year": period.year,
        "unit_id": unit.pk,
        "include": include,
        "period": {
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "due_on": period.due_on,
            "locks_on": period.locks_on,
        },
        "indicators": indicators,
        "headline": headline,
        "by_kind": [
            {"kind": kind, **figures}
            for kind, figures in sorted(by_kind.items(), key=lambda item: _kind_order(item[0]))
        ],
        "by_child": child_list,
        "themes": themes,
        "assessment": {grade: headline[f"assessed_{grade}"] for grade in ASSESSMENTS},
        "trend": trend,
        "obstacles": {
            "open": period.open_obstacles or 0,
            "overdue": period.overdue_obstacles or 0,
        },
        "reminders": {
            "sent": period.reminders or 0,
            "manual": period.manual_reminders or 0,
        },
    }


def _finish(group):
    submitted = group["on_time"] + group["late"]
    group["submitted"] = submitted
    group["missing"] = group["expected"] - submitted - group["returned"]
    group["rate"] = round(100 * submitted / group["expected"], 1) if group["expected"] else None
    group["on_time_rate"] = (
        round(100 * group["on_time"] / group["expected"], 1) if group["expected"] else None
    )


def _kind_order(kind):
    order = list(Unit.Kind.values)
    return order.index(kind) if kind in order else len(order)
