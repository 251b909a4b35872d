"""The rollup: every figure the dashboard, the Excel export and the summary documents show.

The counting rule (DESIGN.md, "How figures are counted"; its words are defined in
`campaign.counting`), applied here once for every output:

- A report holds its unit's **own figures**. The **total of an area** (a unit and its
  subtree) is the sum of the included reports of the units in it: no report is counted
  twice and nobody's total is typed. With no report included a total is `None` ("nothing
  included yet"), never 0.
- **Coverage** sits beside every total: how many of the area's expected units have an
  included report of their own (`included`), out of how many are expected (`expected`);
  `reports` is how many reports were summed.
- Whole-number indicators are summed; text indicators are listed (`texts`), never summed.
- A **computed** indicator (`Indicator.Source.PLANS`, where the campaign addresses the kind
  it counts) is the number of the area's units of that kind, open at the cut-off, whose
  own plan is included (accepted; or submitted or accepted, with the reports) and was
  first submitted by the end of the cut-off day. It can never exceed the number of units
  it counts. Where that kind does not file, the indicator is typed and summed.
- The **breakdown** has a row per unit directly below: its area's total and coverage, and,
  apart, the category of that unit's own report. A row whose unit has not had its own
  report included but whose area has reports is marked `from_below`. The scope's own
  report, when the scope files, is a row of its own (`is_scope`).
- Per **kind**: the included reports of the units of that kind, and their coverage.
- **Plans** filed are the expected units' plans submitted at least once; each content item
  counts the activities of the accepted plans of the expected units covering it, and those
  plans. The **self-assessment** counts the included reports of the expected units.
  **Obstacles** are the area's open ones whatever the year (overdue: past their answer-by
  date); **reminders** are those sent in the area about the year.
- The **trend** gives, for every year of the campaign up to the one shown, the reports
  summed, the units expected at that year's cut-off and the year's totals.

`rollup()` returns a `Rollup`, plain typed data that pickles into the cache and turns into
JSON (`as_json` / `Rollup.from_json`) for an issued summary's frozen figures.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone

from campaign.counting import (
    ACCEPTED_ONLY,
    ALL_SUBMITTED,
    CATEGORIES,
    INCLUDE,
    SUBMITTED,
    category,
    end_of_day,
    open_at,
)
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

__all__ = [
    "ACCEPTED_ONLY",
    "ALL_SUBMITTED",
    "ASSESSMENTS",
    "CATEGORIES",
    "INCLUDE",
    "Rollup",
    "cached_rollup",
    "category_of",
    "rollup",
    "unit_rows",
]

ASSESSMENTS = [choice for choice, _label in AnnualReport.Assessment.choices]
CACHE_SECONDS = 24 * 60 * 60
# The text figures the rollup lists for an area: enough to read, never the whole country.
TEXTS_SHOWN = 30


# --- the result ----------------------------------------------------------------------------------
@dataclass
class IndicatorInfo:
    pk: int
    code: str
    name: str
    unit_of_measure: str
    kind: str
    help_text: str = ""
    computed: bool = False

    @property
    def is_integer(self) -> bool:
        return self.kind == Indicator.Kind.INTEGER


@dataclass
class Figures:
    """The counts and totals of a group of units (an area, a kind, a year)."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    included: int = 0  # expected units whose own report is included: the coverage
    flagged: int = 0  # expected units whose sent report carries plausibility flags
    reports: int = 0  # reports summed into `totals`
    plans_filed: int = 0
    plans_accepted: int = 0
    assessed: dict[str, int] = field(default_factory=dict)
    # By indicator code: whole-number indicators only; None while nothing is included.
    totals: dict[str, int | None] = field(default_factory=dict)

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.expected - self.submitted - self.returned

    @property
    def rate(self) -> float | None:
        """Reports submitted, as a percentage of the units expected."""
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    @property
    def coverage(self) -> float | None:
        """Units included, as a percentage of the units expected."""
        return round(100 * self.included / self.expected, 1) if self.expected else None

    @property
    def total_list(self) -> list[int | None]:
        """The totals in the indicators' order (for templates, which cannot index)."""
        return list(self.totals.values())


@dataclass
class AreaRow(Figures):
    """A unit directly below the scope, with its area's figures; or the scope's own report."""

    unit_id: int | None = None
    path: str = ""
    name: str = ""
    kind: str = ""
    has_children: bool = False
    is_scope: bool = False
    # The category of the unit's own report (on_time, late, returned, missing), or "" when
    # the unit is not expected to file; and whether that report is included.
    own: str = ""
    own_report_id: int | None = None
    own_included: bool = False

    @property
    def from_below(self) -> bool:
        """Its figures come only from the units below: its own report is not included."""
        return self.reports > 0 and not self.own_included


@dataclass
class KindRow(Figures):
    kind: str = ""


@dataclass
class ThemeRow:
    pk: int
    number: str
    title: str
    parent_id: int | None
    activities: int = 0
    plans: int = 0


@dataclass
class TrendRow:
    year: int
    reports: int = 0
    expected: int = 0
    totals: dict[str, int | None] = field(default_factory=dict)

    @property
    def total_list(self) -> list[int | None]:
        return list(self.totals.values())


@dataclass
class TextEntry:
    unit_name: str
    indicator: str  # code
    text: str


@dataclass
class PeriodDates:
    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date
    locks_on: datetime.date


@dataclass
class Crumb:
    pk: int
    path: str
    name: str


@dataclass
class Rollup:
    campaign_id: int
    year: int
    unit_id: int
    include: str
    period: PeriodDates
    indicators: list[IndicatorInfo]
    headline: Figures
    by_child: list[AreaRow]
    by_kind: list[KindRow]
    themes: list[ThemeRow]
    trend: list[TrendRow]
    texts: list[TextEntry]
    texts_more: bool
    ancestors: list[Crumb]
    obstacles_open: int = 0
    obstacles_overdue: int = 0
    reminders_sent: int = 0
    reminders_manual: int = 0
    cache_key: str = ""

    @property
    def integer_indicators(self) -> list[IndicatorInfo]:
        return [i for i in self.indicators if i.is_integer]

    @property
    def text_indicators(self) -> list[IndicatorInfo]:
        return [i for i in self.indicators if not i.is_integer]

    @property
    def assessment(self) -> dict[str, int]:
        return self.headline.assessed

    @property
    def unit_name(self) -> str:
        return self.ancestors[-1].name if self.ancestors else ""

    def as_json(self) -> dict:
        """Plain data for a JSON field (dates stay dates: DjangoJSONEncoder writes them)."""
        data = dataclasses.asdict(self)
        data.pop("cache_key")
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Rollup":
        """The rollup `as_json` wrote, dates parsed back from their ISO form."""

        def day(value):
            return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)

        indicators = [IndicatorInfo(**i) for i in data["indicators"]]
        codes = [i.code for i in indicators if i.is_integer]

        def ordered(row):
            # PostgreSQL's jsonb keeps a dict's keys in its own order: put the totals back
            # in the indicators' order and the grades in theirs.
            row = dict(row)
            if "totals" in row:
                row["totals"] = {code: row["totals"].get(code) for code in codes}
            if "assessed" in row:
                row["assessed"] = {g: row["assessed"].get(g, 0) for g in ASSESSMENTS}
            return row

        return cls(
            **{
                **data,
                "period": PeriodDates(**{k: day(v) for k, v in data["period"].items()}),
                "indicators": indicators,
                "headline": Figures(**ordered(data["headline"])),
                "by_child": [AreaRow(**ordered(row)) for row in data["by_child"]],
                "by_kind": [KindRow(**ordered(row)) for row in data["by_kind"]],
                "themes": [ThemeRow(**row) for row in data["themes"]],
                "trend": [TrendRow(**ordered(row)) for row in data["trend"]],
                "texts": [TextEntry(**row) for row in data["texts"]],
                "ancestors": [Crumb(**row) for row in data["ancestors"]],
            }
        )


# --- computing it -------------------------------------------------------------------------------
def cached_rollup(campaign, year: int, unit: Unit, include: str = ACCEPTED_ONLY) -> Rollup:
    """`rollup` through the cache. The key holds the data version and today's date (an
    obstacle becomes overdue without any write), so a cached figure is never stale."""
    key = ":".join(
        str(part)
        for part in (
            "rollup2",
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
        result.cache_key = key
        cache.set(key, result, CACHE_SECONDS)
    return result


def rollup(campaign, year: int, unit: Unit, include: str = ACCEPTED_ONLY) -> Rollup:
    """Everything about `campaign` in `year` in `unit`'s area. Seven queries (six without a
    text indicator), whatever the number of units.

    `include` chooses the reports (and, for computed figures, the plans) that count:
    accepted ones (the default) or everything submitted. Raises ValidationError for a year
    the campaign does not run.
    """
    periods = _periods(campaign, year, unit)  # 1, with the year's obstacles and reminders
    period = periods[year]
    included = INCLUDE[include]
    child_length = len(unit.path) + Unit.steplen

    # 2: the indicators, for labels and order, and which of them the portal counts.
    indicators, computed = [], {}
    for i in Indicator.objects.filter(campaign=campaign).order_by("order", "code"):
        is_computed = i.is_computed(campaign.addressed_kinds)
        if is_computed:
            computed[i.code] = i.counted_kind
        indicators.append(
            IndicatorInfo(
                pk=i.pk,
                code=i.code,
                name=i.name,
                unit_of_measure=i.unit_of_measure,
                kind=i.kind,
                help_text=i.help_text,
                computed=is_computed,
            )
        )
    summed = [i for i in indicators if i.is_integer and not i.computed]
    # Every year up to the one shown, and any later one someone has filed for already.
    cutoffs = _cutoffs(campaign, periods, max(year, *periods))

    # 3: the area's units of an addressed kind, per child and kind: at this year's cut-off,
    # the expected ones, their own report's category and their plans; at every year's
    # cut-off, how many were expected and how many each computed indicator counts.
    due_end = end_of_day(period.due_on)
    now_open = open_at(period.ends_on)
    per_year = {}
    for trend_year, cutoff in cutoffs.items():
        then_open = open_at(cutoff)
        per_year[f"expected_{trend_year}"] = Count("pk", filter=then_open)
        for code, kind in computed.items():
            per_year[f"counted_{code}_{trend_year}"] = Count(
                "pk",
                filter=then_open
                & Q(kind=kind, plan__status__in=included)
                & Q(plan__first_submitted_at__lt=end_of_day(cutoff)),
            )
    unit_rows = list(
        Unit.objects.filter(path__startswith=unit.path, kind__in=campaign.addressed_kinds)
        .annotate(
            report=FilteredRelation(
                "annualreports",
                condition=Q(annualreports__campaign=campaign, annualreports__year=year),
            ),
            plan=FilteredRelation("plans", condition=Q(plans__campaign=campaign)),
            child=Substr("path", 1, child_length),
        )
        .values("child", "kind")
        .annotate(
            expected=Count("pk", filter=now_open),
            plans_filed=Count("pk", filter=now_open & Q(plan__first_submitted_at__isnull=False)),
            plans_accepted=Count("pk", filter=now_open & Q(plan__status=Status.ACCEPTED)),
            on_time=Count(
                "pk",
                filter=now_open
                & Q(report__status__in=SUBMITTED, report__first_submitted_at__lt=due_end),
            ),
            late=Count(
                "pk",
                filter=now_open
                & Q(report__status__in=SUBMITTED, report__first_submitted_at__gte=due_end),
            ),
            returned=Count("pk", filter=now_open & Q(report__status=Status.RETURNED)),
            included=Count("pk", filter=now_open & Q(report__status__in=included)),
            flagged=Count(
                "pk", filter=now_open & Q(report__status__in=SUBMITTED) & ~Q(report__flags=[])
            ),
            **{
                f"assessed_{grade}": Count(
                    "pk",
                    filter=now_open & Q(report__status__in=included, report__self_assessment=grade),
                )
                for grade in ASSESSMENTS
            },
            **per_year,
        )
        .order_by()
    )

    # 4: the included reports of the area, per year, child and kind of their unit: how
    # many, and the sum of each typed whole-number indicator.
    area_reports = AnnualReport.objects.filter(
        campaign=campaign, status__in=included, unit__path__startswith=unit.path
    )
    sums = list(
        area_reports.annotate(child=Substr("unit__path", 1, child_length))
        .values("year", "child", "unit__kind")
        .annotate(
            reports=Count("pk", distinct=True),
            **{
                f"total_{i.pk}": Sum("values__int_value", filter=Q(values__indicator_id=i.pk))
                for i in summed
            },
        )
        .order_by()
    )

    # 5: the content items, each with how many accepted plans' activities cover it.
    themes = _themes(campaign, unit, period)

    # 6: the scope's ancestors (the breadcrumb) and the units directly below (the rows of
    # the breakdown), each with its own report for the year.
    steplen = Unit.steplen
    ancestor_paths = [unit.path[:end] for end in range(steplen, len(unit.path) + 1, steplen)]
    named = list(
        Unit.objects.filter(
            Q(path__in=ancestor_paths) | Q(path__startswith=unit.path, depth=unit.depth + 1)
        )
        .annotate(
            report=FilteredRelation(
                "annualreports",
                condition=Q(annualreports__campaign=campaign, annualreports__year=year),
            )
        )
        .order_by("path")
        .values(
            "pk",
            "path",
            "name",
            "short_name",
            "kind",
            "numchild",
            "depth",
            "opened_on",
            "closed_on",
            "report__pk",
            "report__status",
            "report__first_submitted_at",
        )
    )

    # 7: the first text figures of the year's included reports, in tree order.
    texts = []
    text_ids = [i.pk for i in indicators if not i.is_integer]
    if text_ids:
        texts = list(
            IndicatorValue.objects.filter(
                report__in=area_reports.filter(year=year), indicator_id__in=text_ids
            )
            .exclude(text_value="")
            .order_by("report__unit__path", "indicator__order", "indicator__code")
            .values_list(
                "report__unit__short_name", "report__unit__name", "indicator__code", "text_value"
            )[: TEXTS_SHOWN + 1]
        )

    return _assemble(
        campaign=campaign,
        unit=unit,
        period=period,
        include=include,
        indicators=indicators,
        computed=computed,
        cutoffs=cutoffs,
        unit_rows=unit_rows,
        sums=sums,
        themes=themes,
        named=named,
        texts=texts,
    )


# --- the parts --------------------------------------------------------------------------------
def _periods(campaign, year, unit):
    """The campaign's periods by year; the one of `year` annotated with the area's open and
    overdue obstacles and the year's reminders, so that they cost no query of their own (a
    CASE runs the counts for that row only)."""
    if not campaign.runs_in(year):
        Period.objects.for_year(campaign, year)  # raises the usual ValidationError
    below = Q(unit__path__startswith=unit.path, campaign=OuterRef("campaign_id"))
    today = timezone.localdate()

    def this_year(queryset):
        return Case(When(year=year, then=_count(queryset)), default=Value(None))

    annotated = Period.objects.filter(campaign=campaign).annotate(
        open_obstacles=this_year(Obstacle.objects.filter(below, status=Obstacle.Status.OPEN)),
        overdue_obstacles=this_year(
            Obstacle.objects.filter(below, status=Obstacle.Status.OPEN, answer_by__lt=today)
        ),
        reminders=this_year(Reminder.objects.filter(below, year=year)),
        manual_reminders=this_year(Reminder.objects.filter(below, year=year, manual=True)),
    )
    periods = {period.year: period for period in annotated}
    if year not in periods:  # first use of the year: create it from the campaign's rules
        Period.objects.for_year(campaign, year)
        periods = {period.year: period for period in annotated.all()}
    return periods


def _cutoffs(campaign, periods, last):
    """Every year's cut-off from the campaign's first year to `last`: the period's, or the
    campaign's rule for a year no one has filed for yet."""
    return {
        year: (
            periods[year] if year in periods else Period(**Period.defaults(campaign, year))
        ).ends_on
        for year in range(campaign.first_year, last + 1)
    }


def _themes(campaign, unit, period):
    none = {
        name: Value(None, output_field=output)
        for name, output in (
            ("label_number", CharField()),
            ("label_title", TextField()),
            ("label_parent", IntegerField()),
            ("label_order", CharField()),
            ("activities", IntegerField()),
            ("plans", IntegerField()),
        )
    }
    columns = ("theme", "label_number", "label_title", "label_parent", "label_order")
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
        .values_list(*columns, "activities", "plans")
    )
    coverage = (
        Activity.themes.through.objects.filter(
            activity__plan__campaign=campaign,
            activity__plan__status=Status.ACCEPTED,
            activity__plan__unit__path__startswith=unit.path,
            activity__plan__unit__kind__in=campaign.addressed_kinds,
        )
        .filter(open_at(period.ends_on, "activity__plan__unit__"))
        .values("theme_id")
        .annotate(
            theme=F("theme_id"),
            **{name: none[name] for name in columns[1:]},
            activities=Count("activity_id"),
            plans=Count("activity__plan_id", distinct=True),
        )
        .values_list(*columns, "activities", "plans")
        .order_by()
    )
    labels_by_pk, counts = {}, {}
    for pk, number, title, parent_id, order, activities, plans in labels.order_by().union(
        coverage, all=True
    ):
        if activities is None:
            labels_by_pk[pk] = (order, ThemeRow(pk, number, title, parent_id))
        else:
            counts[pk] = (activities, plans)
    themes = []
    for pk, (_order, row) in sorted(labels_by_pk.items(), key=lambda item: item[1][0]):
        row.activities, row.plans = counts.get(pk, (0, 0))
        themes.append(row)
    return themes


def _count(queryset):
    return Subquery(queryset.order_by().values("campaign").annotate(n=Count("pk")).values("n")[:1])


def _assemble(
    *,
    campaign,
    unit,
    period,
    include,
    indicators,
    computed,
    cutoffs,
    unit_rows,
    sums,
    themes,
    named,
    texts,
):
    """The rollup's groups from the queries' rows: the headline, the children, the kinds
    and the years each add up the rows that fall in them."""
    year = period.year
    summed = [i for i in indicators if i.is_integer and not i.computed]
    headline, by_child, by_kind = _Group(), {}, {}
    by_year = {trend_year: _Group() for trend_year in cutoffs}
    for row in unit_rows:
        for group in (headline, _get(by_kind, row["kind"]), _get(by_child, row["child"])):
            group.add_units(row, computed, year)
        for trend_year, group in by_year.items():
            group.figures.expected += row[f"expected_{trend_year}"]
            group.add_counted(row, computed, trend_year)
    for row in sums:
        if row["year"] == year:
            for group in (headline, _get(by_kind, row["unit__kind"]), _get(by_child, row["child"])):
                group.add_reports(row, summed)
        if row["year"] in by_year:
            by_year[row["year"]].add_reports(row, summed)

    def totals(group, kind=None):
        result = {}
        for i in indicators:
            if not i.is_integer:
                continue
            if i.computed:
                # The units it counts are of one kind: a row of another kind has no count.
                applies = kind is None or kind == computed[i.code]
                result[i.code] = group.counted.get(i.code) if applies and group.has_units else None
            else:
                result[i.code] = group.sums.get(i.code, 0) if group.figures.reports else None
        return result

    headline.figures.totals = totals(headline)
    kinds = []
    for kind, group in sorted(by_kind.items(), key=lambda item: _kind_order(item[0])):
        if not (group.has_units or group.figures.reports):
            continue  # a kind with nothing expected at the cut-off and nothing filed
        kinds.append(KindRow(**_fields(group.figures), kind=kind))
        kinds[-1].totals = totals(group, kind)

    named_by_path = {u["path"]: u for u in named}
    below = {u["path"] for u in named if u["depth"] == unit.depth + 1}
    children = []
    for path in sorted(set(by_child) | below):
        group = by_child.get(path) or _Group()
        info = named_by_path.get(path, {})
        is_scope = path == unit.path
        if not (group.has_units or group.figures.reports):
            continue  # nothing is expected, and nothing was filed, in that unit's area
        own_status = info.get("report__status")
        files_itself = bool(
            info and info["kind"] in campaign.addressed_kinds and _open(info, period.ends_on)
        )
        row = AreaRow(
            **_fields(group.figures),
            unit_id=info.get("pk"),
            path=path,
            name=info.get("short_name") or info.get("name", ""),
            kind=info.get("kind", ""),
            has_children=bool(info.get("numchild")) and not is_scope,
            is_scope=is_scope,
            own=category(own_status, info.get("report__first_submitted_at"), period.due_on)
            if files_itself
            else "",
            own_report_id=info.get("report__pk"),
            own_included=own_status in INCLUDE[include],
        )
        row.totals = totals(group)
        children.append(row)

    trend = []
    for trend_year, group in by_year.items():
        trend.append(
            TrendRow(
                year=trend_year,
                reports=group.figures.reports,
                expected=group.figures.expected,
                totals=totals(group),
            )
        )
    shown = texts[:TEXTS_SHOWN]
    return Rollup(
        campaign_id=campaign.pk,
        year=year,
        unit_id=unit.pk,
        include=include,
        period=PeriodDates(period.starts_on, period.ends_on, period.due_on, period.locks_on),
        indicators=indicators,
        headline=headline.figures,
        by_child=children,
        by_kind=kinds,
        themes=themes,
        trend=trend,
        texts=[TextEntry(short or name, code, text) for short, name, code, text in shown],
        texts_more=len(texts) > len(shown),
        ancestors=[
            Crumb(u["pk"], u["path"], u["short_name"] or u["name"])
            for u in named
            if u["depth"] <= unit.depth
        ],
        obstacles_open=period.open_obstacles or 0,
        obstacles_overdue=period.overdue_obstacles or 0,
        reminders_sent=period.reminders or 0,
        reminders_manual=period.manual_reminders or 0,
    )


class _Group:
    """A group's figures while the rows are added up, with the sums of its reports and the
    counts of its computed indicators."""

    UNIT_COUNTS = (
        "expected",
        "on_time",
        "late",
        "returned",
        "included",
        "flagged",
        "plans_filed",
        "plans_accepted",
    )

    def __init__(self):
        self.figures = Figures(assessed=dict.fromkeys(ASSESSMENTS, 0))
        self.sums: dict[str, int] = {}
        self.counted: dict[str, int] = {}
        self.has_units = False

    def add_units(self, row, computed, year):
        figures = self.figures
        for name in self.UNIT_COUNTS:
            setattr(figures, name, getattr(figures, name) + row[name])
        for grade in ASSESSMENTS:
            figures.assessed[grade] += row[f"assessed_{grade}"]
        self.add_counted(row, computed, year)
        self.has_units = self.has_units or row["expected"] > 0

    def add_counted(self, row, computed, year):
        for code in computed:
            self.counted[code] = self.counted.get(code, 0) + row[f"counted_{code}_{year}"]
        self.has_units = self.has_units or row[f"expected_{year}"] > 0

    def add_reports(self, row, summed):
        self.figures.reports += row["reports"]
        for i in summed:
            self.sums[i.code] = self.sums.get(i.code, 0) + (row[f"total_{i.pk}"] or 0)


def _get(groups, key):
    if key not in groups:
        groups[key] = _Group()
    return groups[key]


def _fields(group):
    return {f.name: getattr(group, f.name) for f in dataclasses.fields(Figures)}


def _open(info, day):
    return (info["opened_on"] is None or info["opened_on"] <= day) and (
        info["closed_on"] is None or info["closed_on"] > day
    )


def _kind_order(kind):
    order = list(Unit.Kind.values)
    return order.index(kind) if kind in order else len(order)


def category_of(report, due_on: datetime.date) -> str:
    """The category of one unit's report (an object with `status` and `first_submitted_at`,
    or None) by the rule of campaign.counting."""
    if report is None:
        return "missing"
    return category(report.status, report.first_submitted_at, due_on)


# --- the units, one row each --------------------------------------------------------------------
FLAGGED = "flagged"  # a grid filter beside the categories: sent reports with flags
GRID_SORTS = {"path": ("path",), "name": ("name", "path"), "status": ("category", "path")}


@dataclass
class UnitRow:
    """An expected unit of the area with its own report: the dashboard's grid, the Excel
    sheet of units and the summary's appendix all list these."""

    pk: int
    code: str
    name: str
    short_name: str
    kind: str
    path: str
    level: int  # depth below the scope
    category: str  # "" for a unit not expected to file (listed for its included report)
    status: str  # the report's workflow status, "" without a report
    report_id: int | None
    first_submitted_at: datetime.datetime | None
    included: bool
    # By indicator code, for an included report only: its figures are counted, a draft's or
    # a returned one's are not data yet.
    values: dict[str, int | str | None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.short_name or self.name


def unit_rows(
    campaign,
    unit: Unit,
    result: Rollup,
    *,
    kind: str = "",
    category: str = "",
    sort: str = "path",
    window: tuple[int, int] | None = None,
    with_values: bool = False,
    with_filers: bool = False,
) -> list[UnitRow]:
    """The expected units of `result`'s area (the scope included), in `sort` order, filtered
    by `kind` and report `category`, sliced to `window` (start, stop); `with_filers` adds the
    units not expected whose report is included all the same (closed after filing, or of a
    kind not addressed), so that the rows add up to the totals. ONE query: the units joined
    to their report for the year and, `with_values`, that report's typed figures (each
    aggregated per indicator by the database; a computed figure is the rollup's)."""
    period = result.period
    due_end = end_of_day(period.due_on)
    included = INCLUDE[result.include]
    # The categories of campaign.counting.category, in SQL.
    code_of = Case(
        When(
            Q(report__status__in=SUBMITTED, report__first_submitted_at__lt=due_end),
            then=Value(0),
        ),
        When(
            Q(report__status__in=SUBMITTED, report__first_submitted_at__isnull=False),
            then=Value(1),
        ),
        When(report__status=Status.RETURNED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    expected = Q(kind__in=campaign.addressed_kinds) & open_at(period.ends_on)
    units = (
        Unit.objects.filter(path__startswith=unit.path)
        .annotate(
            report=FilteredRelation(
                "annualreports",
                condition=Q(
                    annualreports__campaign_id=result.campaign_id,
                    annualreports__year=result.year,
                ),
            ),
            category=code_of,
            is_expected=Case(
                When(expected, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .filter(expected | Q(report__status__in=included) if with_filers else expected)
    )
    if kind:
        units = units.filter(kind=kind)
    if category in CATEGORIES:
        units = units.filter(category=CATEGORIES.index(category))
    elif category == FLAGGED:
        units = units.filter(report__status__in=SUBMITTED).exclude(report__flags=[])
    columns = [
        "pk",
        "code",
        "name",
        "short_name",
        "kind",
        "path",
        "depth",
        "category",
        "is_expected",
        "report__pk",
        "report__status",
        "report__first_submitted_at",
    ]
    figures = {}
    if with_values:
        counted = Q(report__status__in=included)
        for i in result.indicators:
            if i.computed:
                continue
            which = counted & Q(report__values__indicator_id=i.pk)
            figures[f"figure_{i.pk}"] = (
                Sum("report__values__int_value", filter=which)
                if i.is_integer
                else Max("report__values__text_value", filter=which)
            )
        units = units.values(*columns).annotate(**figures)
    else:
        units = units.values(*columns)
    units = units.order_by(*GRID_SORTS.get(sort, GRID_SORTS["path"]))
    if window:
        units = units[window[0] : window[1]]
    rows = []
    for row in units:
        status = row["report__status"] or ""
        rows.append(
            UnitRow(
                pk=row["pk"],
                code=row["code"],
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                path=row["path"],
                level=row["depth"] - unit.depth,
                category=CATEGORIES[row["category"]] if row["is_expected"] else "",
                status=status,
                report_id=row["report__pk"],
                first_submitted_at=row["report__first_submitted_at"],
                included=status in included,
                values={
                    i.code: row[f"figure_{i.pk}"] if status in included and not i.computed else None
                    for i in result.indicators
                }
                if with_values
                else {},
            )
        )
    return rows
