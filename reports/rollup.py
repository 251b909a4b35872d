"""The rollup: every figure the dashboard, the Excel export and the summary documents show.

The counting rule (README.md, "The dashboard"; its words are defined in
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
- **Plans** filed are the expected units' plans first submitted by the end of the cut-off
  day; each content item counts the activities of the expected units' plans accepted then
  (a plan's status at the cut-off is its last workflow step's by then), and those plans.
  The **self-assessment** counts the included reports of the expected units.
  **Obstacles** are the area's open ones whatever the year (overdue: past their answer-by
  date); **reminders** are those sent in the area about the year.
- The **trend** gives, for every year of the campaign up to the one shown, the reports
  summed, the units expected at that year's cut-off and the year's totals.

`rollup()` returns a `Rollup`, plain typed data that pickles into the cache and turns into
JSON (`as_json` / `Rollup.from_json`) for an issued summary's frozen figures.

How it stays fast (tests/bench/README.md has the figures)
---------------------------------------------------------

Nine queries whatever the number of units: the periods (with the area's open obstacles
and the figure stamps below), the indicators, where the scope stood at each cut-off
(`reports.trees`), the units (per child and kind, on the year's tree: its eras), the
reports' sums (per child, kind and indicator, added up by the database from the values,
with the year's reminders), the content items, the names, the text figures, and the days
the area changed. Every year is counted on the tree of its cut-off (DESIGN.md, "The tree
over time"): the units and reports are joined to the eras valid that day, an indexed date
range and path prefix on `units_unitstate`.

**The trend's other years are kept close at hand.** A past year's figures change only when
one of its reports changes (a reviewer reopens it), when the tree is reorganised, or, for a
computed indicator, when a plan changes; yet they cost most of the work at national scale
(ten years of reports and values instead of one). So the trend's row of every year other
than the one shown is kept in the cache, in two parts:

- the *units part* (units expected at that year's cut-off, what each computed indicator
  counts), under a key made of the scope, the inclusion, the cut-off, the kinds addressed,
  the computed indicators, and the stamps of the tree and of the campaign's plans;
- the *sums part* (reports included, typed totals), under a key made of the scope, the
  inclusion, the typed indicators, and the stamps of that year's reports and of the tree.

A *figure stamp* (table `campaign_figurestamp`, migration campaign 0009) is a number that
database triggers move on, in the writing transaction itself, with every write that can
change those figures: a report's status, unit or year, a whole-number value, a plan's
status, unit or first submission, a unit added, moved, opened, closed or of another kind.
Every way of writing counts (forms, workflow, admin, queryset updates, bulk operations,
treebeard's raw path updates, raw SQL, data migrations; TRUNCATE moves every stamp), and a
stamp is the larger of its old value plus one and the clock in microseconds, so it never
returns to a value used before a restore or in a rolled-back transaction. The periods'
query reads the stamps, so a changed year has a new key and misses the store: it is then
computed by the units' and the sums' queries, which take that year along with the one
shown (still nine queries), and stored again. A key never names other figures than the
ones computed under it, so the store can never serve a stale figure; losing it (eviction,
a Redis restart) only costs the time of computing those years again. The year shown is
always computed from the rows, like everything else in the rollup.
"""

import dataclasses
import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
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
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import FirstValue
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from campaign.counting import (
    ACCEPTED_ONLY,
    ALL_SUBMITTED,
    CATEGORIES,
    INCLUDE,
    SUBMITTED,
    category,
    category_case,
    category_conditions,
    end_of_day,
    is_expected,
)
from campaign.models import (
    Activity,
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Move,
    Obstacle,
    Period,
    Reminder,
    Status,
    Step,
    Theme,
    reopened_since_submitted,
)
from reports.trees import THEN, TODAY, YearTree, tree_changes, tree_mode, year_trees
from units.collation import vietnamese
from units.dataversion import data_version
from units.lineage import carrying_on, forebears
from units.models import Unit, UnitState, is_open_on

__all__ = [
    "ACCEPTED_ONLY",
    "ALL_SUBMITTED",
    "ASSESSMENTS",
    "CATEGORIES",
    "INCLUDE",
    "Rollup",
    "cached_rollup",
    "rollup",
    "unit_rows",
    "with_forebears",
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


@dataclass
class AreaRow(Figures):
    """A unit directly below the scope, with its area's figures; or the scope's own report."""

    unit_id: int | None = None
    path: str = ""  # where it stood on the year's tree: the unit rows below it share it
    unit_path: str = ""  # where it stands today, for the access scope
    name: str = ""
    kind: str = ""
    has_children: bool = False
    is_scope: bool = False
    # The category of the unit's own report (on_time, late, returned, missing), or "" when
    # the unit is not expected to file; and whether that report is included.
    own: str = ""
    # A returned own report that a reviewer reopened: named "Reopened", counted as returned.
    own_reopened: bool = False
    own_report_id: int | None = None
    own_included: bool = False
    # Closed by the cut-off (its reports still count in the year); on today's tree, closed
    # without a successor: a line of its own under its old name.
    closed: bool = False
    dissolved: bool = False
    not_yet: bool = False  # on today's tree, a unit set up after the cut-off
    # On today's tree, a report of a unit merged into it is included: its own there.
    merged_included: bool = False
    # On today's tree, for a unit set up after the cut-off: the names of the units merged
    # into it since, whose reports it holds, else "". Not the rollup's (it is not cached
    # with it): `with_forebears` fills it in a copy.
    merged_from: str = ""

    @property
    def from_below(self) -> bool:
        """Its figures come only from the units below: neither its own report nor, on
        today's tree, one of a unit merged into it (which counts as its own) is included."""
        return self.reports > 0 and not (self.own_included or self.merged_included)

    @property
    def tree_label(self) -> str:
        """What the dashboard's table, the Excel export and the PDF summary say beside the
        unit's name of its place on the tree: closed without a successor (today's tree),
        closed by the cut-off; or "". As the 2025 decisions word it, a grassroots union is
        dissolved ("giải thể") and a union above one, split or not, ends its activity."""
        if self.dissolved:
            if self.kind == Unit.Kind.GRASSROOTS:
                return gettext("dissolved unit")
            return gettext("unit that ended its activity")
        if self.closed and not self.is_scope:
            return gettext("closed by then")
        return ""

    @property
    def merged_note(self) -> str:
        """What the dashboard's table says under the name of a unit set up after the
        cut-off that holds the reports of units merged into it (`merged_from`), and the
        Excel export and the PDF in its own report's cell (`own_label`); else ""."""
        if not self.merged_from:
            return ""
        return gettext(
            "not set up yet; includes the reports of the units merged into it: %(units)s"
        ) % {"units": self.merged_from}

    def own_label(self, category_labels: dict) -> str:
        """What the Excel export and the PDF say of the unit's own report: its category
        (from `category_labels`), "Reopened" for one a reviewer reopened; for a unit not
        expected to file, whether a report it filed all the same is included; for a unit
        set up after the cut-off (today's tree), that it was not set up yet and, as the page
        says, the units merged into it whose reports it holds (`merged_note`). It fills a
        table's cell on its own, so it starts with a capital: the page's words are written
        to go mid-sentence ("không thuộc diện báo cáo")."""
        if self.own_reopened:
            return capfirst(pgettext("state of a plan or report", "Reopened"))
        if self.own:
            return capfirst(str(category_labels[self.own]))
        if self.not_yet:
            return capfirst(self.merged_note or gettext("not set up yet"))
        return capfirst(gettext("included") if self.own_included else gettext("does not file"))

    # The counts `added_up` adds up; `flagged` and `assessed` stay empty in its row.
    ADDED = (
        "expected",
        "on_time",
        "late",
        "returned",
        "included",
        "reports",
        "plans_filed",
        "plans_accepted",
    )

    @classmethod
    def added_up(cls, rows: list["AreaRow"], indicators: list[IndicatorInfo]) -> "AreaRow":
        """The figures of the disjoint areas `rows` as one row (the PDF summary's units
        directly below the scope, together): their counts added up (None while one of them
        has none), each total of the whole-number `indicators` the sum of the rows that
        have one (None while none has), its rates by the rule of `Figures`' properties."""
        group = cls()
        for name in cls.ADDED:
            values = [getattr(row, name) for row in rows]
            setattr(group, name, None if None in values else sum(values))
        for indicator in indicators:
            values = [row.totals.get(indicator.code) for row in rows]
            values = [value for value in values if value is not None]
            group.totals[indicator.code] = sum(values) if values else None
        return group


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
    # Expected units whose own report is included: the year's coverage. None in figures
    # frozen before it was kept (an issued summary's).
    included: int | None = None
    totals: dict[str, int | None] = field(default_factory=dict)
    # The days (with their decision) the area changed since the previous year's cut-off.
    changes: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        """Units included, as a percentage of the units expected; None without expected
        units, or in figures frozen before the year's coverage was kept."""
        if self.included is None or not self.expected:
            return None
        return round(100 * self.included / self.expected, 1)


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
    # The tree the year is counted on (reports.trees: THEN or TODAY), the paths the area
    # is made of there, and, when the scope did not exist then, the units standing for it.
    tree: str = THEN
    roots: list[str] = field(default_factory=list)
    root_depth: int = 0
    # Where the unit carrying the campaign stood on that tree: the expected units are below
    # it (YearTree.campaign_area).
    campaign_area: str | None = None
    campaign_unit: int | None = None
    stands_for: str = ""
    scope_name: str = ""
    # The full name, on the year's tree, of the unit the year shows (the scope, or the one
    # standing for it): page and document titles.
    title_name: str = ""
    cache_key: str = ""

    @property
    def trend_shown(self) -> list[TrendRow]:
        """The trend from its first year with a unit expected or a report summed, and at
        least the year shown. The years before, the area held nothing to count (its unit was
        set up later and nothing merged into it): listed, they read as years of no work."""
        for n, row in enumerate(self.trend):
            if row.expected or row.reports:
                return self.trend[n:]
        return self.trend[-1:]

    def year_tree(self) -> YearTree:
        """The tree these figures are counted on, for a query of other rows that must agree
        with them (its `area` and `place`; not its rows' keys, which need the folds)."""
        return YearTree(
            self.tree,
            self.period.ends_on,
            list(self.roots),
            self.root_depth,
            campaign_area=self.campaign_area,
            campaign_unit=self.campaign_unit,
        )

    @property
    def counted_on(self) -> str:
        """The sentence the dashboard, the Excel export's summary sheet and the opening
        paragraph of a summary's PDF say of a year's figures: which tree they are counted on
        (the year's cut-off, with its date, or today's)."""
        year = f"{self.year:d}"
        if self.tree == TODAY:
            return gettext(
                "The reports of %(year)s regrouped on today's tree: a merged unit's reports "
                "count under its successor, those of a unit closed without a successor have a "
                "line of their own, under its old name."
            ) % {"year": year}
        return gettext(
            "The reports of %(year)s counted on the tree as it stood at that year's cut-off "
            "(%(date)s): a later reorganisation does not change them."
        ) % {"year": year, "date": date_format(self.period.ends_on, "SHORT_DATE_FORMAT")}

    @property
    def tree_note(self) -> str:
        """What the dashboard and the Excel export say above a year's figures when the unit
        asked for did not exist at its cut-off (the units that stood for it then, or none),
        else "": figures named after one unit that are another's must say why."""
        if self.tree == TODAY:
            return ""
        year = f"{self.year:d}"
        if self.stands_for:
            return gettext(
                "%(scope)s did not exist yet at the cut-off of %(year)s: these are the figures "
                "of %(units)s, on its tree of that year."
            ) % {"scope": self.scope_name, "year": year, "units": self.stands_for}
        if not self.roots:
            return gettext(
                "This unit did not exist yet at the cut-off of %(year)s: choose today's tree to "
                "see that year's reports regrouped on it."
            ) % {"year": year}
        return ""

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
def cached_rollup(
    campaign: Campaign,
    year: int,
    unit: Unit,
    include: str = ACCEPTED_ONLY,
    tree: str = THEN,
    version: str | None = None,
) -> Rollup:
    """`rollup` through the cache. The key holds the data version and today's date (an
    obstacle becomes overdue without any write), so a cached figure is never stale.

    `version`: the data version (`data_version`) when the caller reads several rollups in
    one go and has read it once for all of them; read here otherwise (one query)."""
    key = ":".join(
        str(part)
        for part in (
            # 7: a row's `merged_included` follows a chain of mergers of any length (one
            # cached before stopped at two, and marked "units below only" the successor at
            # the end of a longer one); 6: a row's `merged_included` (one cached before
            # would mark a successor's figures "units below only"); 5: the campaign's area
            # and the trend's coverage (a result cached before has neither, and its grid
            # would list nobody); 4: the data version in the database
            "rollup7",
            data_version() if version is None else version,
            timezone.localdate().isoformat(),
            campaign.pk,
            year,
            unit.pk,
            include,
            tree_mode(tree),
        )
    )
    result = cache.get(key)
    if result is None:
        result = rollup(campaign, year, unit, include, tree)
        result.cache_key = key
        cache.set(key, result, CACHE_SECONDS)
    return result


def with_forebears(result: Rollup) -> Rollup:
    """`result` with, on today's tree, each row below the scope set up after the cut-off
    given `merged_from`: the names of the units merged into it since (directly or along a
    chain, `units.lineage.forebears`), whose reports its figures hold. The dashboard, its
    Excel export and the PDF say them from there (`AreaRow.merged_note`). A copy, its rows
    copied where changed: the rollup stays as cached. `result` itself, without a query,
    when no such row is listed; else one query."""
    later = [row.unit_id for row in result.by_child if row.not_yet and row.unit_id]
    if result.tree != TODAY or not later:
        return result
    merged = forebears(
        later, result.period.ends_on + datetime.timedelta(days=1), timezone.localdate()
    ).merged
    rows = [
        dataclasses.replace(
            row, merged_from=", ".join(forebear.label for forebear in merged[row.unit_id])
        )
        if merged.get(row.unit_id)
        else row
        for row in result.by_child
    ]
    return dataclasses.replace(result, by_child=rows)


def rollup(
    campaign: Campaign, year: int, unit: Unit, include: str = ACCEPTED_ONLY, tree: str = THEN
) -> Rollup:
    """Everything about `campaign` in `year` in `unit`'s area. Nine queries (eight without a
    text indicator), whatever the number of units.

    `include` chooses the reports (and, for computed figures, the plans) that count:
    accepted ones (the default) or everything submitted. `tree` chooses the tree each year
    is counted on: its own cut-off's (THEN) or today's (TODAY); see `reports.trees`.
    Raises ValidationError for a year the campaign does not run.
    """
    tree = tree_mode(tree)
    periods = _periods(campaign, year, unit)  # 1, with the area's open obstacles
    period = periods[year]
    included = INCLUDE[include]

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
    # 3: where the scope's area stood at each cut-off (reports.trees), and the campaign's:
    # below the unit carrying it at the cut-off, on either tree. No query of its own
    # unless the issuer has merged (one per successor, once).
    areas = {y: campaign.acting_issuer(cutoff) for y, cutoff in cutoffs.items()}
    trees = year_trees(unit, cutoffs, tree, areas)
    shown = trees[year]
    # The trend's other years, as far as the store has them (no query: the cache).
    store = _TrendStore(campaign, year, unit, include, periods, trees, summed, computed, tree)

    # 4: every unit of the area, per child and kind: at this year's cut-off, the expected
    # ones (of an addressed kind, open), their own report's category and their plans, and
    # the included reports of all of them; and, for each trend year the store lacks, how
    # many were expected at that year's cut-off (on that year's tree) and how many each
    # computed indicator counts: one row per year, in the same query.
    unit_rows = _unit_query(campaign, year, trees, period, included, computed, store)

    # 5: the sums of the typed whole-number figures of the included reports of the area,
    # for this year per child and kind, for a trend year the store lacks per year; one row
    # per indicator, added up by the database from the reports' values. Then, for those
    # trend years, how many reports were included.
    sums = _sums(campaign, included, year, trees, store.sums_missing, summed)

    # 6: the content items, each with how many accepted plans' activities cover it.
    themes = _themes(campaign, shown, period)

    # 7: the scope's ancestors (the breadcrumb) and the units directly below (the rows of
    # the breakdown), each with its own report for the year, named as they were then.
    named = _named(campaign, year, unit, shown, included)

    # 8: the first text figures of the year's included reports, in tree order.
    texts = []
    text_ids = [i.pk for i in indicators if not i.is_integer]
    if text_ids:
        values, place = shown.place(
            IndicatorValue.objects.filter(
                report__campaign=campaign,
                report__year=year,
                report__status__in=included,
                indicator_id__in=text_ids,
            ),
            "report__unit",
        )
        texts = list(
            values.filter(shown.area(place))
            .exclude(text_value="")
            .order_by(f"{place}path", "indicator__order", "indicator__code")
            .values_list(f"{place}short_name", f"{place}name", "indicator__code", "text_value")[
                : TEXTS_SHOWN + 1
            ]
        )

    # 9: the days the area changed, for the trend.
    changes = tree_changes(unit, trees)

    result = _assemble(
        campaign=campaign,
        unit=unit,
        period=period,
        include=include,
        indicators=indicators,
        computed=computed,
        cutoffs=cutoffs,
        unit_rows=unit_rows,
        sums=sums,
        store=store,
        themes=themes,
        named=named,
        texts=texts,
        shown=shown,
        changes=changes,
    )
    store.keep(result.trend)
    return result


# Rows of the sums query that count the year's reminders (all, and sent by hand).
REMINDERS, MANUAL = "~reminders", "~manual"
UNIT_COUNTS = (
    "expected",
    "reports",
    "plans_filed",
    "plans_accepted",
    "on_time",
    "late",
    "returned",
    "included",
    "flagged",
)


def _unit_query(campaign, year, trees, period, included, computed, store):
    """Query 4: rows of (year, child, kind, counts…): the year shown per child and kind;
    each trend year the store lacks in one row of its units expected and counted."""
    shown = trees[year]
    kinds = campaign.addressed_kinds
    zero = Value(0, output_field=IntegerField())
    assessed = [f"assessed_{grade}" for grade in ASSESSMENTS]
    counted = [f"counted_{code}" for code in computed]
    columns = ["row_year", "child", "unit_kind", "members", *UNIT_COUNTS, *assessed, *counted]

    def base(tree, for_year):
        prefix = tree.unit_prefix
        return tree.units().annotate(
            report=FilteredRelation(
                f"{prefix}annualreports",
                condition=Q(
                    **{
                        f"{prefix}annualreports__campaign": campaign,
                        f"{prefix}annualreports__year": for_year,
                    }
                ),
            ),
            # The plan a unit held at the cut-off: its own, unless a merger moved it here
            # after that day (the one moved away from it after that day: _held).
            plan=FilteredRelation(
                f"{prefix}plans",
                condition=Q(**{f"{prefix}plans__campaign": campaign})
                & (
                    Q(**{f"{prefix}plans__moved_on__isnull": True})
                    | Q(**{f"{prefix}plans__moved_on__lte": tree.cutoff})
                ),
            ),
        )

    expected = shown.expected(kinds)
    pk = shown.unit_pk
    plans_end = end_of_day(shown.cutoff)
    rows = (
        base(shown, year)
        .annotate(
            row_year=Value(year, output_field=IntegerField()),
            child=shown.child(),
            unit_kind=F("kind"),
        )
        .values("row_year", "child", "unit_kind")
        .annotate(
            members=Count(pk),
            expected=Count(pk, filter=expected),
            reports=Count(pk, filter=Q(report__status__in=included)),
            # Filed by the end of the cut-off day; accepted then (a plan sent or accepted
            # later, or reopened since, does not move the year's figures).
            plans_filed=Count(
                pk,
                filter=expected & _held(shown, campaign, first_submitted_at__lt=plans_end),
            ),
            plans_accepted=Count(pk, filter=expected & _held(shown, campaign, [Status.ACCEPTED])),
            # The unit's own report's category (campaign.counting.category, in SQL).
            **{
                name: Count(pk, filter=expected & condition)
                for name, condition in category_conditions(period.due_on, "report__").items()
            },
            included=Count(pk, filter=expected & Q(report__status__in=included)),
            flagged=Count(
                pk, filter=expected & Q(report__status__in=SUBMITTED) & ~Q(report__flags=[])
            ),
            **{
                f"assessed_{grade}": Count(
                    pk,
                    filter=expected & Q(report__status__in=included, report__self_assessment=grade),
                )
                for grade in ASSESSMENTS
            },
            **{
                f"counted_{code}": Count(
                    pk, filter=expected & _counted(shown, campaign, kind, included, period.ends_on)
                )
                for code, kind in computed.items()
            },
        )
        .values_list(*columns)
        .order_by()
    )
    others = []  # one flat UNION ALL: chained, SQLite nests each in a subquery
    for trend_year in store.units_missing:
        tree = trees[trend_year]
        then_expected = tree.expected(kinds)
        other = (
            base(tree, trend_year)
            .annotate(
                row_year=Value(trend_year, output_field=IntegerField()),
                child=Value("", output_field=CharField()),
                unit_kind=Value("", output_field=CharField()),
            )
            .values("row_year", "child", "unit_kind")
            .annotate(
                members=zero,
                expected=Count(tree.unit_pk, filter=then_expected),
                included=Count(tree.unit_pk, filter=then_expected & Q(report__status__in=included)),
                **dict.fromkeys((c for c in UNIT_COUNTS[1:] if c != "included"), zero),
                **dict.fromkeys(assessed, zero),
                **{
                    f"counted_{code}": Count(
                        tree.unit_pk,
                        filter=then_expected
                        & _counted(tree, campaign, kind, included, tree.cutoff),
                    )
                    for code, kind in computed.items()
                },
            )
            .values_list(*columns)
            .order_by()
        )
        others.append(other)
    if others:
        rows = rows.union(*others, all=True)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _held(tree, campaign, statuses=None, **lookups):
    """Rows whose unit held, at the tree's cut-off, a plan of `campaign` matching `lookups`
    and, given `statuses`, in one of them at the end of the cut-off day (_status_then): its
    own (`plan`, see _unit_query), or one that the first move after the cut-off took away
    from it (a `Move` whose previous move, if any, came by then: later moves took it on from
    other units)."""
    moved_away = Move.objects.filter(
        Q(previous_on__isnull=True) | Q(previous_on__lte=tree.cutoff),
        from_unit=OuterRef(tree.unit_pk),
        campaign=campaign,
        plan__isnull=False,
        on__gt=tree.cutoff,
        **{f"plan__{name}": value for name, value in lookups.items()},
    )
    own = Q(**{f"plan__{name}": value for name, value in lookups.items()})
    if statuses is not None:
        moved_away = moved_away.filter(_status_then("plan", tree.cutoff, statuses))
        own &= _status_then("plan", tree.cutoff, statuses)
    return own | Q(Exists(moved_away))


def _status_then(plan: str, cutoff, statuses) -> Q:
    """Rows whose plan (reached through `plan`) was in one of `statuses` at the end of the
    `cutoff` day: the status its last workflow step by then left it in (History does not
    move: a plan accepted in 2015 and reopened in 2026 was accepted at 2024's cut-off, and
    one accepted only in 2020 was not yet in 2016); the status its first step left, when it
    came later. Today's status for a year not cut off yet, where it is the same, for a plan
    no workflow step has moved since the cut-off (its last step left it as it is) and for a
    plan with no workflow step at all (kept from before steps were recorded).

    For a past year, subqueries independent of the row, which PostgreSQL runs once per
    query and hashes: the plans moved since the cut-off, and of those each plan's deciding
    step picked by a window (a subquery per row probed the step index for every unit and
    every content item's link: ≈2.5 times the rollup's database time at province scale
    before the change, ≈1.7 with the window over every plan's steps; tests/bench/README.md)."""
    end = end_of_day(cutoff)
    if end > timezone.now():
        return Q(**{f"{plan}__status__in": statuses})
    steps = Step.objects.filter(
        content_type__app_label="campaign",
        content_type__model="plan",
        # The workflow's steps: those a reorganisation records change no status.
        action__in=Step.Action.values,
    )
    by_then = Q(at__lt=end)
    # The status its last step by then left it in, else the one its first step found (the
    # status before it): the first value over its steps, that step ordered first.
    then = Window(
        FirstValue(Case(When(by_then, then=F("to_status")), default=F("from_status"))),
        partition_by=F("object_id"),
        order_by=(
            Case(When(by_then, then=Value(1)), default=Value(0)).desc(),
            Case(When(by_then, then=F("at"))).desc(nulls_last=True),
            Case(When(by_then, then=F("pk"))).desc(nulls_last=True),
            F("at").asc(),
            F("pk").asc(),
        ),
    )
    # A plan no step has moved since the cut-off stands as its steps left it then: today's
    # status. Only the few moved since need the window, which then sorts their steps alone
    # (over every plan's steps it was about half of each past year's part of the counts).
    moved_since = steps.filter(at__gte=end).values("object_id")
    in_statuses = (
        steps.filter(object_id__in=moved_since)
        .annotate(then=then)
        .filter(then__in=list(statuses))
        .values("object_id")
    )
    return Q(**{f"{plan}__id__in": in_statuses}) | (
        ~Q(**{f"{plan}__id__in": moved_since}) & Q(**{f"{plan}__status__in": statuses})
    )


def _counted(tree, campaign, kind, included, cutoff):
    """The units a computed indicator counts at `cutoff`: of its kind then, with their own
    plan included at the end of the cut-off day and first submitted by then."""
    return Q(**{tree.kind_then(): kind}) & _held(
        tree, campaign, included, first_submitted_at__lt=end_of_day(cutoff)
    )


def _sums(campaign, included, year, trees, trend_years, summed):
    """Query 5: per year, child, kind of unit and typed whole-number indicator, the sum of
    the included reports' values, each year on its own tree (the trend years' rows whole,
    child and kind empty); then a row per trend year with its number of reports included
    (indicator None). Rows (year, child, kind, indicator pk, sum)."""
    columns = ("row_year", "child", "unit_kind", "figure", "n")
    text = CharField()
    parts = []
    for for_year in [year, *trend_years]:
        tree = trees[for_year]
        values, place = tree.place(
            IndicatorValue.objects.filter(
                report__campaign=campaign,
                report__status__in=included,
                report__year=for_year,
                indicator_id__in=[i.pk for i in summed],
            ),
            "report__unit",
        )
        whole = for_year != year
        parts.append(
            values.filter(tree.area(place))
            .annotate(
                row_year=Value(for_year, output_field=IntegerField()),
                child=Value("", output_field=text) if whole else tree.child(place),
                unit_kind=Value("", output_field=text) if whole else F(f"{place}kind"),
                figure=F("indicator_id"),
            )
            .values("row_year", "child", "unit_kind", "figure")
            .annotate(n=Sum("int_value"))
            .values_list(*columns)
            .order_by()
        )
        if whole:
            reports, place = tree.place(
                AnnualReport.objects.filter(campaign=campaign, status__in=included, year=for_year),
                "unit",
            )
            parts.append(
                reports.filter(tree.area(place))
                .annotate(
                    row_year=Value(for_year, output_field=IntegerField()),
                    child=Value("", output_field=text),
                    unit_kind=Value("", output_field=text),
                    figure=Value(None, output_field=IntegerField()),
                )
                .values("row_year", "child", "unit_kind", "figure")
                .annotate(n=Count("pk"))
                .values_list(*columns)
                .order_by()
            )
    # The reminders sent about the year to the units of its tree, and how many by hand. One
    # logged with no recipient (before such units were skipped) was never sent.
    tree = trees[year]
    sent, place = tree.place(
        Reminder.objects.filter(campaign=campaign, year=year, recipients__gt=0), "unit"
    )
    for marker, which in ((REMINDERS, Q()), (MANUAL, Q(manual=True))):
        parts.append(
            sent.filter(tree.area(place))
            .filter(which)
            .annotate(
                row_year=Value(year, output_field=IntegerField()),
                child=Value("", output_field=text),
                unit_kind=Value(marker, output_field=text),
                figure=Value(None, output_field=IntegerField()),
            )
            .values("row_year", "child", "unit_kind", "figure")
            .annotate(n=Count("pk"))
            .values_list(*columns)
            .order_by()
        )
    return list(parts[0].union(*parts[1:], all=True))


def _named(campaign, year, unit, shown, included=INCLUDE[ACCEPTED_ONLY]):
    """Query 7: the units the breakdown and the breadcrumb name, as they stood on `shown`'s
    tree, each with its own report for the year: the ancestors of the scope (or of the
    unit standing for it) and the units directly below it (or the units standing for it).
    Dicts with pk, path (the row key), unit_path (today's, for links), name, short_name,
    kind, numchild, depth, is_open and the report's pk, status and first submission; on
    today's tree also `merged_included`: whether a report of a unit merged into it, directly
    or along a chain of mergers of any length, which counts as its own there, is among
    `included`."""
    steplen = Unit.steplen
    if shown.scope_path is not None:
        root = shown.scope_path
        ancestors = [root[:end] for end in range(steplen, len(root) + 1, steplen)]
        which = Q(path__in=ancestors) | Q(path__startswith=root, depth=shown.root_depth + 1)
    else:
        which = Q(path__in=shown.roots)
    if shown.dissolved:  # today's tree: the lines of the units dissolved, with their report
        which |= Q(path__in=list(shown.dissolved))
    if shown.mode == THEN:
        # The ancestors lie outside the area's roots: fetch them from every era of the day.
        rows = (
            UnitState.objects.placed_on(shown.cutoff)
            .filter(which)
            .annotate(
                report=FilteredRelation(
                    "unit__annualreports",
                    condition=Q(
                        unit__annualreports__campaign=campaign, unit__annualreports__year=year
                    ),
                )
            )
            .order_by("path")
        )
        fields = {
            "unit_pk": F("unit_id"),
            "unit_path": F("unit__path"),
            "children": F("unit__numchild"),
            "state_open": F("is_open"),
        }
    else:
        rows = shown.with_era(Unit.objects.filter(which)).annotate(
            report=FilteredRelation(
                "annualreports",
                condition=Q(annualreports__campaign=campaign, annualreports__year=year),
            )
        )
        # Its kind then, and whether it stood in the campaign's area then (its era).
        fields = {
            "kind_then": F(shown.kind_then()),
            # One subquery, run once: the units that the included reports' units merged
            # into, along their chains of mergers (units.lineage, the rule of `heir`).
            "merged_included": Case(
                When(
                    pk__in=carrying_on(
                        AnnualReport.objects.filter(
                            campaign=campaign,
                            year=year,
                            status__in=included,
                            unit__successor__isnull=False,
                        ).values("unit_id")
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            "in_area": Case(
                When(shown.in_area(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        }
    named = []
    for row in rows.order_by("path").values(
        "path",
        "name",
        "short_name",
        "kind",
        "depth",
        "report__pk",
        "report__status",
        "report__first_submitted_at",
        "report__submitted_at",
        "report__reopened_at",
        *(["opened_on", "closed_on", "pk", "numchild"] if shown.mode == TODAY else []),
        **fields,
    ):
        if shown.mode == TODAY:
            row.update(
                unit_pk=row["pk"],
                unit_path=row["path"],
                children=row["numchild"],
                state_open=is_open_on(row["opened_on"], row["closed_on"], shown.cutoff),
                # On today's tree, a unit closed today (not one opened after the cut-off).
                is_closed=row["closed_on"] is not None and row["closed_on"] <= timezone.localdate(),
                opened_later=row["opened_on"] is not None and row["opened_on"] > shown.cutoff,
            )
        else:
            row["is_closed"] = not row["state_open"]
            row["in_area"] = shown.in_campaign_area(row["path"])
        named.append(row)
    return named


# --- the trend's other years, close at hand ------------------------------------------------------
# The table of figure stamps (campaign/migrations/0009_figure_stamps.py) exists on these.
STAMPED_VENDORS = ("postgresql", "sqlite")
STAMP_TABLE = "campaign_figurestamp"
STORE_SECONDS = 30 * 24 * 60 * 60
# 4: the computed counts take each plan as it stood at the cut-off (a store kept before
# counted today's status); 3: the units part holds the units included
STORE_VERSION = 4


def _stamp(campaign_sql, year_sql):
    # The SQL is made of this module's fixed names only, never of input.
    return RawSQL(  # noqa: S611
        f"SELECT s.stamp FROM {STAMP_TABLE} s "  # noqa: S608
        f"WHERE s.campaign_id = {campaign_sql} AND s.year = {year_sql}",
        (),
        output_field=BigIntegerField(),
    )


def _stamps():
    """Annotations of a period row: the stamps of its year's reports, of the campaign's plans
    and of the tree (None where nothing was ever written)."""
    if connection.vendor not in STAMPED_VENDORS:
        return {}
    return {
        "reports_stamp": _stamp('"reports_period"."campaign_id"', '"reports_period"."year"'),
        "plans_stamp": _stamp('"reports_period"."campaign_id"', "0"),
        "units_stamp": _stamp("0", "0"),
    }


class _TrendStore:
    """The trend's rows of the years other than the one shown, kept in the cache for a scope
    and an inclusion, in two parts with keys made of everything they are computed from:

    - the units part (units expected at the year's cut-off, how many of them have their
      own report included, and what each computed indicator counts there): the cut-off, the
      kinds addressed, the computed indicators, and the stamps of the tree, of the
      campaign's plans and of that year's reports;
    - the sums part (reports included, typed totals): the cut-off, the typed indicators and
      the stamps of that year's reports and of the tree.

    The cut-off is in both: staff may move a year's cut-off, which moves no stamp.

    A stamp changes in the transaction of any write its figures read (the triggers of
    campaign/migrations/0009_figure_stamps.py), so a changed year gets a new key and is
    computed again, by the same queries as the year shown; a key never names other figures.
    """

    def __init__(self, campaign, year, unit, include, periods, trees, summed, computed, tree):
        self.units, self.sums, self.keys = {}, {}, {}
        cutoffs = {y: trees[y].cutoff for y in trees}
        self.summed = [i.code for i in summed]
        self.computed = list(computed)
        shown = periods[year]
        stored = [
            y
            for y in cutoffs
            if y != year and y in periods and hasattr(periods[y], "reports_stamp")
        ]
        for trend_year in stored:
            common = (STORE_VERSION, campaign.pk, trend_year, include, tree, unit.pk, unit.path)
            self.keys[trend_year] = (
                _store_key(
                    "units",
                    *common,
                    cutoffs[trend_year],
                    # The issuer may be changed by staff.
                    (trees[trend_year].campaign_area, trees[trend_year].campaign_unit),
                    sorted(campaign.addressed_kinds),
                    sorted(computed.items()),
                    shown.units_stamp,
                    shown.plans_stamp,
                    periods[trend_year].reports_stamp,  # which expected units are included
                ),
                _store_key(
                    "sums",
                    *common,
                    cutoffs[trend_year],  # which units' reports are summed
                    [(i.pk, i.code) for i in summed],
                    periods[trend_year].reports_stamp,
                    shown.units_stamp,
                ),
            )
        if self.keys:
            found = cache.get_many([key for pair in self.keys.values() for key in pair])
            for trend_year, (units_key, sums_key) in self.keys.items():
                if units_key in found:
                    self.units[trend_year] = found[units_key]
                if sums_key in found:
                    self.sums[trend_year] = found[sums_key]
        trend_years = [y for y in cutoffs if y != year]
        self.units_missing = [y for y in trend_years if y not in self.units]
        self.sums_missing = [y for y in trend_years if y not in self.sums]

    def keep(self, trend):
        """Store the parts of `trend`'s rows that were computed."""
        kept = {}
        for row in trend:
            if row.year not in self.keys:
                continue
            units_key, sums_key = self.keys[row.year]
            if row.year not in self.units:
                kept[units_key] = (
                    row.expected,
                    {c: row.totals[c] for c in self.computed},
                    row.included,
                )
            if row.year not in self.sums:
                kept[sums_key] = (row.reports, {c: row.totals[c] for c in self.summed})
        if kept:
            cache.set_many(kept, STORE_SECONDS)


def _store_key(part, *parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"rollup-trend:{part}:{digest}"


# --- the parts --------------------------------------------------------------------------------
def _periods(campaign, year, unit):
    """The campaign's periods by year; the one of `year` annotated with the area's open and
    overdue obstacles (today's follow-up, on today's tree), so that they cost no query of
    their own (a CASE runs the counts for that row only)."""
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
        **_stamps(),
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


def _themes(campaign, shown, period):
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

    # The accepted plans of the units expected at the cut-off, on the year's tree, each with
    # the unit that held it then (a merger may have moved it since: see _unit_query).
    def coverage(unit_relation, held, moved=False):
        links = Activity.themes.through.objects.filter(
            _status_then("activity__plan", cutoff, [Status.ACCEPTED]),
            activity__plan__campaign=campaign,
        )
        if moved:
            # The plan's first move after the cut-off, whose unit held it then; one row at
            # most, whatever the moves after it.
            links = links.annotate(
                first_move=FilteredRelation(
                    "activity__plan__moves",
                    condition=Q(activity__plan__moves__on__gt=cutoff)
                    & (
                        Q(activity__plan__moves__previous_on__isnull=True)
                        | Q(activity__plan__moves__previous_on__lte=cutoff)
                    ),
                )
            )
        links, place = shown.place(links.filter(held), unit_relation)
        links = shown.with_era(links, place)
        return (
            links.filter(shown.area(place), shown.expected(campaign.addressed_kinds, place))
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

    cutoff = shown.cutoff
    own = coverage(
        "activity__plan__unit",
        Q(activity__plan__moved_on__isnull=True) | Q(activity__plan__moved_on__lte=cutoff),
    )
    moved_away = coverage("first_move__from_unit", Q(first_move__isnull=False), moved=True)
    labels_by_pk, counts = {}, {}
    for pk, number, title, parent_id, order, activities, plans in labels.order_by().union(
        own, moved_away, all=True
    ):
        if activities is None:
            labels_by_pk[pk] = (order, ThemeRow(pk, number, title, parent_id))
        else:  # a plan is in one part only: the two parts add up
            before = counts.get(pk, (0, 0))
            counts[pk] = (before[0] + activities, before[1] + plans)
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
    store,
    themes,
    named,
    texts,
    shown,
    changes,
):
    """The rollup's groups from the queries' rows: the headline, the children, the kinds
    and the years each add up the rows that fall in them."""
    year = period.year
    codes = {i.pk: i.code for i in indicators if i.is_integer and not i.computed}
    headline, by_child, by_kind = _Group(), {}, {}
    by_year = {y: _Group() for y in cutoffs if y != year}
    for row in unit_rows:
        if row["row_year"] == year:
            for group in (headline, _get(by_kind, row["unit_kind"]), _get(by_child, row["child"])):
                group.add_units(row, computed)
        else:
            by_year[row["row_year"]].add_year(row, computed)
    reminders = {}
    for row_year, child, kind, indicator, n in sums:
        if kind in (REMINDERS, MANUAL):
            reminders[kind] = n
        elif indicator is None:  # a trend year's reports
            by_year[row_year].figures.reports += n
        elif row_year == year:
            for group in (headline, _get(by_kind, kind), _get(by_child, child)):
                group.add_sum(codes[indicator], n)
        else:
            by_year[row_year].add_sum(codes[indicator], n)

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

    scope_path = shown.scope_path
    named_by_path = {u["path"]: u for u in named}
    if scope_path is not None:
        below = {u["path"] for u in named if u["depth"] == shown.root_depth + 1}
        below |= {u["path"] for u in named if u["path"] == scope_path}
    else:
        below = set(shown.roots)
    children = []
    for path in sorted(set(by_child) | below):
        group = by_child.get(path) or _Group()
        info = named_by_path.get(path, {})
        gone = shown.dissolved.get(path)
        is_scope = path == scope_path
        if not (group.has_units or group.figures.reports):
            continue  # nothing is expected, and nothing was filed, in that unit's area
        own_status = info.get("report__status")
        files_itself = bool(info) and is_expected(
            campaign.addressed_kinds,
            info.get("kind_then", info["kind"]),
            info.get("state_open"),
            info.get("in_area"),
        )
        row = AreaRow(
            **_fields(group.figures),
            unit_id=info.get("unit_pk"),
            path=path,
            unit_path=info.get("unit_path", path),
            name=info.get("short_name") or info.get("name", ""),
            kind=info.get("kind", ""),
            has_children=group.members > 1 and not is_scope and not gone,
            is_scope=is_scope,
            own=category(own_status, info.get("report__first_submitted_at"), period.due_on)
            if files_itself
            else "",
            own_reopened=reopened_since_submitted(
                own_status, info.get("report__submitted_at"), info.get("report__reopened_at")
            ),
            own_report_id=info.get("report__pk"),
            own_included=own_status in INCLUDE[include],
            closed=bool(info) and info.get("is_closed", False),
            dissolved=bool(gone),
            not_yet=bool(info) and info.get("opened_later", False),
            merged_included=bool(info) and info.get("merged_included", False),
        )
        row.totals = totals(group)
        children.append(row)

    trend = []
    for trend_year in cutoffs:
        if trend_year == year:  # the year shown is the headline
            trend.append(
                TrendRow(
                    year=year,
                    reports=headline.figures.reports,
                    expected=headline.figures.expected,
                    included=headline.figures.included,
                    totals=dict(headline.figures.totals),
                    changes=changes.get(year, []),
                )
            )
            continue
        group = by_year[trend_year]
        if trend_year in store.units:
            group.figures.expected, counted, group.figures.included = store.units[trend_year]
            group.counted, group.has_units = dict(counted), group.figures.expected > 0
        computed_now = totals(group)
        if trend_year in store.sums:
            group.figures.reports, stored = store.sums[trend_year]
            computed_now.update(stored)
        trend.append(
            TrendRow(
                year=trend_year,
                reports=group.figures.reports,
                expected=group.figures.expected,
                included=group.figures.included,
                totals={code: computed_now[code] for code in computed_now},
                changes=changes.get(trend_year, []),
            )
        )
    shown_texts = texts[:TEXTS_SHOWN]
    if scope_path is not None:
        ancestors = [
            Crumb(u["unit_pk"], u["unit_path"], u["short_name"] or u["name"])
            for u in named
            if u["depth"] <= shown.root_depth and scope_path.startswith(u["path"])
        ]
    else:
        ancestors = []
    stands_for = ""
    if shown.stands_for != [unit.pk]:
        # The scope did not stand then: it heads the breadcrumb, before what stood for it.
        ancestors.insert(0, Crumb(unit.pk, unit.path, unit.short_name or unit.name))
        stands_for = ", ".join(
            u["short_name"] or u["name"] for u in named if u["unit_pk"] in shown.stands_for
        )
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
        texts=[TextEntry(short or name, code, text) for short, name, code, text in shown_texts],
        texts_more=len(texts) > len(shown_texts),
        ancestors=ancestors,
        obstacles_open=period.open_obstacles or 0,
        obstacles_overdue=period.overdue_obstacles or 0,
        reminders_sent=reminders.get(REMINDERS, 0),
        reminders_manual=reminders.get(MANUAL, 0),
        tree=shown.mode,
        roots=list(shown.roots),
        root_depth=shown.root_depth,
        campaign_area=shown.campaign_area,
        campaign_unit=shown.campaign_unit,
        stands_for=stands_for,
        scope_name=unit.short_name or unit.name,
        title_name=next(
            (u["name"] for u in named if scope_path is not None and u["path"] == scope_path),
            unit.name,
        ),
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
        "reports",
        "plans_filed",
        "plans_accepted",
    )

    def __init__(self):
        self.figures = Figures(assessed=dict.fromkeys(ASSESSMENTS, 0))
        self.sums: dict[str, int] = {}
        self.counted: dict[str, int] = {}
        self.has_units = False
        self.members = 0  # units on the tree in the group (the year shown)

    def add_units(self, row, computed):
        """A row of the units query: the year shown."""
        figures = self.figures
        self.members += row["members"]
        for name in self.UNIT_COUNTS:
            setattr(figures, name, getattr(figures, name) + row[name])
        for grade in ASSESSMENTS:
            figures.assessed[grade] += row[f"assessed_{grade}"]
        for code in computed:
            self.counted[code] = self.counted.get(code, 0) + row[f"counted_{code}"]
        self.has_units = self.has_units or row["expected"] > 0

    def add_year(self, row, computed):
        """A row of the units query: another year of the trend, whole."""
        self.figures.expected += row["expected"]
        self.figures.included += row["included"]
        for code in computed:
            self.counted[code] = self.counted.get(code, 0) + row[f"counted_{code}"]
        self.has_units = self.has_units or row["expected"] > 0

    def add_sum(self, code, total):
        self.sums[code] = self.sums.get(code, 0) + (total or 0)


def _get(groups, key):
    if key not in groups:
        groups[key] = _Group()
    return groups[key]


def _fields(group):
    return {f.name: getattr(group, f.name) for f in dataclasses.fields(Figures)}


def _kind_order(kind):
    order = list(Unit.Kind.values)
    return order.index(kind) if kind in order else len(order)


# --- the units, one row each --------------------------------------------------------------------
FLAGGED = "flagged"  # a grid filter beside the categories: sent reports with flags
GRID_SORTS = {
    "path": ("path",),
    "name": (vietnamese("name"), "path"),  # "Đồng Khởi" after "Dung", not after "Xã Z"
    "status": ("category", "path"),
}


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
    # Back with its unit because a reviewer reopened it (Submission.was_reopened): counted
    # as returned, but named "Reopened" as on its own page, since nothing was wrong with it.
    reopened: bool = False
    # Where the unit stands today (`path` is where it stood on the year's tree): the access
    # scope answers who may open its report from this one.
    unit_path: str = ""
    # Closed by the year's cut-off: why a unit listed for its included report is not
    # expected, as the tables by unit below say it ("closed by then").
    closed: bool = False
    # By indicator code, for an included report only: its figures are counted, a draft's or
    # a returned one's are not data yet.
    values: dict[str, int | str | None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def tree_label(self) -> str:
        """What the tables say beside the name of a unit listed for its included report
        though not expected, when the reason is its place on the tree: closed by the cut-off
        ("closed by then", as AreaRow.tree_label); or "". (A unit opened after the cut-off
        has no row: it stood nowhere on the year's tree, nor in today's area that year.)"""
        if self.closed and not self.category:
            return gettext("closed by then")
        return ""


def unit_rows(
    campaign: Campaign,
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
    included = INCLUDE[result.include]
    # The units as they stood on the rollup's tree (reports.trees).
    shown = YearTree(
        tree_mode(result.tree),
        period.ends_on,
        result.roots or [],
        result.root_depth or unit.depth,
        campaign_area=result.campaign_area,
        campaign_unit=result.campaign_unit,
    )
    if not result.roots and result.tree != THEN:  # a rollup frozen before the trees
        shown.roots = [unit.path]
    prefix = shown.unit_prefix
    expected = shown.expected(campaign.addressed_kinds)
    units = (
        shown.units()
        .annotate(
            report=FilteredRelation(
                f"{prefix}annualreports",
                condition=Q(
                    **{
                        f"{prefix}annualreports__campaign_id": result.campaign_id,
                        f"{prefix}annualreports__year": result.year,
                    }
                ),
            ),
            # Its index in CATEGORIES (campaign.counting.category, in SQL).
            category=category_case(period.due_on, "report__"),
            is_expected=Case(
                When(expected, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            # Not `is_open`: an era (UnitState) has a field of that name.
            open_then=Case(
                When(shown.open_place(""), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
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
        "name",
        "short_name",
        "kind",
        "path",
        "depth",
        "category",
        "is_expected",
        "open_then",
        "report__pk",
        "report__status",
        "report__first_submitted_at",
        "report__submitted_at",
        "report__reopened_at",
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
    names = {
        "unit_pk": F(shown.unit_pk),
        "unit_code": F(f"{prefix}code"),
        "unit_path": F(f"{prefix}path"),
    }
    if with_values:
        units = units.values(*columns, **names).annotate(**figures)
    else:
        units = units.values(*columns, **names)
    units = units.order_by(*GRID_SORTS.get(sort, GRID_SORTS["path"]))
    if window:
        units = units[window[0] : window[1]]
    rows = []
    for row in units:
        status = row["report__status"] or ""
        rows.append(
            UnitRow(
                pk=row["unit_pk"],
                code=row["unit_code"],
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                path=row["path"],
                level=row["depth"] - shown.root_depth,
                category=CATEGORIES[row["category"]] if row["is_expected"] else "",
                status=status,
                report_id=row["report__pk"],
                first_submitted_at=row["report__first_submitted_at"],
                included=status in included,
                reopened=reopened_since_submitted(
                    status, row["report__submitted_at"], row["report__reopened_at"]
                ),
                unit_path=row["unit_path"],
                closed=not row["open_then"],
                values={
                    i.code: row[f"figure_{i.pk}"] if status in included and not i.computed else None
                    for i in result.indicators
                }
                if with_values
                else {},
            )
        )
    return rows
