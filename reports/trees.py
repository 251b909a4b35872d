"""The tree a year's figures are counted on (README.md, "The tree over time").

- **Then** (the default): a year is counted on the tree as it stood at that year's cut-off,
  read from the units' eras (`units.models.UnitState.objects.placed_on`). A later
  reorganisation never changes it. Every unit that had opened by the cut-off stands
  somewhere that day: an open unit where it was, a closed one where its history went (under
  its successor when it merged), so a report filed before a closing still counts in its
  year. A scope that did not exist at that cut-off (a federation made by a merger) is
  stood for by the units merged into it that stood then: one of them, and the year shows
  its tree under its own name; several, and each is a row.
- **Today**: past years regrouped on today's tree (the treebeard `Unit` rows). A merged
  unit's reports count as its successor's own; a unit that closed without a successor (or
  was split among several) gets a line of its own under its old name, marked as dissolved.

`year_trees` reads, in one query, where the scope stood at each year's cut-off; a
`YearTree` then gives the expressions the rollup's queries filter and group by, so the
number of queries stays fixed whatever the tree. `tree_changes` says, in one more query,
on which days the scope's area changed, for the trend.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    FilteredRelation,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Substr

from campaign.counting import expected_place, is_strictly_below, strictly_below
from units.lineage import heir
from units.models import BEGINNING, Reorganisation, Unit, UnitState, open_on

THEN = "then"
TODAY = "today"
TREES = (THEN, TODAY)


def tree_mode(value: str | None) -> str:
    """The tree asked for (`?tree=`): the year's own unless it names today's."""
    return TODAY if value == TODAY else THEN


def _starts_with(field_name: str, paths: list[str]) -> Q:
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field_name}__startswith": path})
    return condition


@dataclass
class YearTree:
    """Where the units of the scope's area stand in one year.

    `roots`: the paths the area is made of on that tree (the scope's own, or those of the
    units standing for it; none when the scope did not exist and nothing stands for it).
    `folds` (today's tree): (path prefix, row key), longest prefix first: where a closed
    unit's figures go. `dissolved`: the rows of units that closed without a successor.
    `campaign_area`: the path, on that tree, of the unit carrying the campaign then
    (Campaign.acting_issuer): only the units strictly below it are expected to file; None
    when it did not stand on that tree. `campaign_unit`: that unit. On today's tree a unit
    is expected when it stood below that unit at the cut-off (its era then), wherever both
    stand today: regrouping moves rows, not who was asked to file.
    """

    mode: str
    cutoff: datetime.date
    roots: list[str]
    root_depth: int = 0
    stands_for: list[int] = field(default_factory=list)
    folds: list[tuple[str, str]] = field(default_factory=list)
    dissolved: dict[str, dict] = field(default_factory=dict)
    campaign_area: str | None = None
    campaign_unit: int | None = None

    @property
    def scope_path(self) -> str | None:
        """The path of the scope's own row: its single root."""
        return self.roots[0] if len(self.roots) == 1 else None

    # --- the units, one row each ----------------------------------------------------------
    def units(self):
        """A queryset with one row per unit of the area, standing as on this tree: eras
        (UnitState) on the year's tree, units on today's. Relations to a unit's reports
        and plans go through `unit_prefix`."""
        if self.mode == THEN:
            return UnitState.objects.placed_on(self.cutoff).filter(self.area()).order_by()
        return self.with_era(Unit.objects.filter(self.area()).order_by())

    def with_era(self, queryset, prefix: str = ""):
        """On today's tree, `queryset` (rows whose unit's fields are under `prefix`) joined
        to each unit's era at the cut-off, which `in_area` reads; as it is on the year's."""
        if self.mode == THEN:
            return queryset
        states = f"{prefix}states"
        valid = Q(**{f"{states}__valid_from__lte": self.cutoff}) & (
            Q(**{f"{states}__valid_until__isnull": True})
            | Q(**{f"{states}__valid_until__gt": self.cutoff})
        )
        return queryset.annotate(**{_era_alias(prefix): FilteredRelation(states, condition=valid)})

    @property
    def unit_prefix(self) -> str:
        """From a row of `units()` to the unit's own relations (annualreports, plans)."""
        return "unit__" if self.mode == THEN else ""

    @property
    def unit_pk(self) -> str:
        return "unit_id" if self.mode == THEN else "pk"

    def open_place(self, prefix: str) -> Q:
        """Rows whose place (its fields under `prefix`) is open at the cut-off."""
        if self.mode == THEN:
            return Q(**{f"{prefix}is_open": True})
        return open_on(self.cutoff, prefix)

    def in_campaign_area(self, path: str) -> bool:
        """Whether a place of this `path` on the year's tree lies strictly below the unit
        carrying the campaign (today's tree: see `in_area`)."""
        return is_strictly_below(path, self.campaign_area)

    def in_area(self, prefix: str = "") -> Q:
        """Rows whose place (its fields under `prefix`) stood strictly below the unit
        carrying the campaign at the cut-off. On today's tree, through the unit's era then
        (the queryset went through `with_era`) and that unit's, in a subquery run once."""
        if self.mode == THEN:
            if self.campaign_area is None:
                return Q(pk__in=[])
            return strictly_below(self.campaign_area, prefix)
        if self.campaign_unit is None:
            return Q(pk__in=[])
        area = self._campaign_area_then()
        era = _era_alias(prefix)
        return strictly_below(area, f"{era}__")

    def _campaign_area_then(self) -> Subquery:
        """On today's tree, the path the unit carrying the campaign had at the cut-off (its
        era then), in a subquery run once."""
        return Subquery(
            UnitState.objects.filter(unit_id=self.campaign_unit)
            .filter(valid_from__lte=self.cutoff)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=self.cutoff))
            .values("path")[:1]
        )

    def kind_then(self, prefix: str = "") -> str:
        """The field of the kind a place (its fields under `prefix`) had at the cut-off: its
        era's (on today's tree, through `with_era`), not today's."""
        return f"{prefix}kind" if self.mode == THEN else f"{_era_alias(prefix)}__kind"

    def expected(self, kinds: list[str], prefix: str = "") -> Q:
        """Rows whose place (its fields under `prefix`) is expected to file: of a kind the
        campaign addresses at the cut-off, open then, strictly below the unit carrying the
        campaign then (campaign.counting: the same area the campaign asks to file). On the
        year's tree, the counting rule's own condition on the eras; on today's, the same
        condition on each unit's era then (`with_era`), open by the unit's dates."""
        if self.mode == THEN:
            if self.campaign_area is None:
                return Q(pk__in=[])
            return expected_place(kinds, self.campaign_area, prefix)
        if self.campaign_unit is None:
            return Q(pk__in=[])
        return expected_place(
            kinds,
            self._campaign_area_then(),
            f"{_era_alias(prefix)}__",
            open_then=self.open_place(prefix),
        )

    # --- any row that belongs to a unit ---------------------------------------------------
    def place(self, queryset, unit_relation: str):
        """`queryset` (rows reaching a unit through `unit_relation`, e.g. "report__unit")
        with where that unit stands: returns (queryset, prefix of the place's fields)."""
        if self.mode == TODAY:
            return queryset, f"{unit_relation}__"
        states = f"{unit_relation}__states"
        placed = Q(**{f"{states}__valid_from__lte": self.cutoff}) & (
            Q(**{f"{states}__valid_until__isnull": True})
            | Q(**{f"{states}__valid_until__gt": self.cutoff})
        )
        return queryset.annotate(place=FilteredRelation(states, condition=placed)), "place__"

    def area(self, prefix: str = "") -> Q:
        """Rows whose place (its fields under `prefix`) lies in the area. On today's tree,
        only units opened by the cut-off count, as on the year's own (where a unit that
        opened later has no place)."""
        area = _starts_with(f"{prefix}path", self.roots)
        if self.mode == TODAY:
            area &= Q(**{f"{prefix}opened_on__isnull": True}) | Q(
                **{f"{prefix}opened_on__lte": self.cutoff}
            )
        return area

    def child(self, prefix: str = "") -> Case | Substr | Value:
        """The row key of a place: the path of the unit directly below the scope it lies
        under (the scope's own path for the scope; a fold's key for a closed unit)."""
        path = f"{prefix}path"
        if not self.roots:
            return Value("", output_field=CharField())
        if len(self.roots) > 1:  # several units stand for the scope: each one is a row
            return Case(
                *[When(**{f"{path}__startswith": root}, then=Value(root)) for root in self.roots],
                default=Value(""),
                output_field=CharField(),
            )
        below = Substr(path, 1, len(self.roots[0]) + Unit.steplen)
        if not self.folds:
            return below
        return Case(
            *[
                When(**{f"{path}__startswith": prefix_}, then=Value(key))
                for prefix_, key in self.folds
            ],
            default=below,
            output_field=CharField(),
        )


def _era_alias(prefix: str) -> str:
    """The name `with_era` gives the join to the era of the unit under `prefix`."""
    return "era_then" + ("_" + prefix.strip("_").replace("__", "_") if prefix else "")


def year_trees(
    unit: Unit, cutoffs: dict[int, datetime.date], mode: str, areas: dict[int, Unit]
) -> dict[int, YearTree]:
    """The tree of every year of `cutoffs` for `unit`'s area, with, from `areas` (the unit
    carrying the campaign at each cut-off), where the campaign's own area stands on it.
    One query."""
    if mode == TODAY:
        folds, dissolved = _folds(unit)
        return {
            year: YearTree(
                TODAY,
                cutoff,
                [unit.path],
                unit.depth,
                [unit.pk],
                folds,
                dissolved,
                campaign_area=areas[year].path,
                campaign_unit=areas[year].pk,
            )
            for year, cutoff in cutoffs.items()
        }
    first, last = min(cutoffs.values()), max(cutoffs.values())
    # The scope's eras, and those of the units merged into it (a closed unit that merged
    # stands under its successor, so they lie in its area on today's tree); and those of
    # the units carrying the campaign.
    # (The units first, as a semi-join: an OR across the two tables would join every era.)
    area_pks = {area.pk for area in areas.values()}
    merged = Unit.objects.filter(
        Q(pk=unit.pk) | Q(path__startswith=unit.path, successor__isnull=False) | Q(pk__in=area_pks)
    ).values("pk")
    eras = list(
        UnitState.objects.filter(unit_id__in=merged)
        .filter(valid_from__lte=last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=first))
        .order_by("valid_from")
        .values(
            "unit_id",
            "unit__successor_id",
            "unit__path",
            "valid_from",
            "valid_until",
            "path",
            "depth",
        )
    )
    area_eras = [era for era in eras if era["unit_id"] in area_pks]
    eras = [
        era
        for era in eras
        if era["unit_id"] == unit.pk
        or (era["unit__path"].startswith(unit.path) and era["unit__successor_id"])
    ]
    heirs = {era["unit_id"]: era["unit__successor_id"] for era in eras if era["unit_id"] != unit.pk}

    def standing_on(cutoff, rows):
        return [
            era
            for era in rows
            if era["valid_from"] <= cutoff
            and (era["valid_until"] is None or era["valid_until"] > cutoff)
        ]

    predecessors = {pk for pk in heirs if heir(heirs, pk) == unit.pk}
    trees = {}
    for year, cutoff in cutoffs.items():
        placed = standing_on(cutoff, eras)
        own = [era for era in placed if era["unit_id"] == unit.pk]
        standing = own or [era for era in placed if era["unit_id"] in predecessors]
        # A predecessor that stood below another one adds nothing: its area is inside.
        standing.sort(key=lambda era: era["path"])
        roots = []
        for era in standing:
            if not any(era["path"].startswith(root["path"]) for root in roots):
                roots.append(era)
        campaign_area = next(
            (
                era["path"]
                for era in standing_on(cutoff, area_eras)
                if era["unit_id"] == areas[year].pk
            ),
            None,
        )
        trees[year] = YearTree(
            THEN,
            cutoff,
            [era["path"] for era in roots],
            roots[0]["depth"] if roots else unit.depth,
            [era["unit_id"] for era in roots],
            campaign_area=campaign_area,
            campaign_unit=areas[year].pk,
        )
    return trees


def _folds(unit):
    """Today's tree: where the figures of the closed units of `unit`'s area go. One query.

    A closed unit merged into the scope counts as the scope's own (and the closed units
    below it are looked at in turn); one merged into a unit of the area counts in that
    unit's row; one closed without a successor in the area is a dissolved row of its own.
    """
    closed = {
        row["path"]: row
        for row in Unit.objects.filter(path__startswith=unit.path, closed_on__isnull=False)
        .order_by()
        .values("pk", "path", "depth", "name", "short_name", "kind", "successor__path")
    }
    child_length = len(unit.path) + Unit.steplen
    below = {}
    for path in closed:
        below.setdefault(path[: -Unit.steplen], []).append(path)
    folds, dissolved = [], {}

    def key_of(path):
        """The row a path's figures go to, the closed units above it being resolved."""
        for prefix_, key in sorted(folds, key=lambda fold: -len(fold[0])):
            if path.startswith(prefix_):
                return key
        return path[:child_length] if len(path) > len(unit.path) else unit.path

    def visit(path):
        row = closed[path]
        successor = row["successor__path"]
        if successor and successor == unit.path:
            folds.append((path, unit.path))
            for child in sorted(below.get(path, [])):
                visit(child)
        elif successor and successor.startswith(unit.path) and not successor.startswith(path):
            folds.append((path, key_of(successor)))
        else:
            dissolved[path] = row
            folds.append((path, path))

    for path in sorted(closed):
        if len(path) == child_length:
            visit(path)
    folds.sort(key=lambda fold: -len(fold[0]))
    return folds, dissolved


def tree_changes(unit: Unit, trees: dict[int, YearTree]) -> dict[int, list[str]]:
    """For each year, the days since the previous year's cut-off on which a unit came into
    the area, left it, or changed kind, name or openness in it (on the trees the years are
    counted on), with the decision of the reorganisation applied that day when there is
    one. One query."""
    years = sorted(trees)
    condition = Q(pk__in=[])
    for previous, year in itertools.pairwise(years):
        start, end = trees[previous].cutoff, trees[year].cutoff
        if trees[year].mode == TODAY:
            condition |= Q(
                unit__path__startswith=unit.path, valid_from__gt=start, valid_from__lte=end
            )
            continue
        both = trees[year].roots + trees[previous].roots
        condition |= Q(valid_from__gt=start, valid_from__lte=end) & _starts_with("path", both)
        condition |= Q(valid_until__gt=start, valid_until__lte=end) & _starts_with(
            "path", trees[previous].roots
        )
    if len(years) < 2:
        return {}

    # The distinct days first, then the decisions applied on any day of the range: one
    # query, a union, with no subquery run for each era.
    first, last = trees[years[0]].cutoff, trees[years[-1]].cutoff
    no_number = Value(None, output_field=CharField())
    changed = UnitState.objects.filter(condition).exclude(
        valid_from=BEGINNING, valid_until__isnull=True
    )
    rows = (
        changed.order_by()
        .values_list("valid_from", no_number)
        .union(
            changed.order_by()
            .filter(valid_until__isnull=False)
            .values_list("valid_until", no_number),
            Reorganisation.objects.filter(
                status=Reorganisation.Status.APPLIED,
                effective_on__gt=first,
                effective_on__lte=last,
            )
            .order_by()
            .values_list("effective_on", "number"),
        )
    )
    days, decisions = set(), {}
    for day, number in rows:
        if number is None:
            if first < day <= last:
                days.add(day)
        else:  # a decision only names a day the area changed on
            decisions[day] = min(number, decisions.get(day, number))
    days = {day: decisions.get(day) for day in days}
    changes = {}
    for day in sorted(days):
        year = next(y for y in years if trees[y].cutoff >= day)
        label = f"{day:%d/%m/%Y}" + (f" ({days[day]})" if days[day] else "")
        changes.setdefault(year, []).append(label)
    return changes


__all__ = ["THEN", "TODAY", "TREES", "YearTree", "tree_changes", "tree_mode", "year_trees"]
