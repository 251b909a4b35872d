"""A generated federation for the counting tests, and the counting rule recounted over it.

`build_world` makes, under the shared tree's province, district, sector, civil-servants and
industrial-zone unions with grassroots unions below (some closed, some newly opened, some
below a kind the campaign does not address), three years of reports in every state,
plans, obstacles and reminders, drawn from a seeded random generator. `Recount` counts
every figure of the rollup again, in plain Python over the generated records, by the rule
of README.md ("The dashboard"); it shares no code with `reports.rollup`.
"""

import datetime
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from campaign.models import (
    Activity,
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Obstacle,
    Period,
    Plan,
    Reminder,
    Status,
    Theme,
)
from tests.factories import UnitFactory
from units import dataversion
from units.models import DataVersionShard, Unit

S = Status
D = datetime.date
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_YEAR = 2022
YEARS = (2022, 2023, 2024)
YEAR = 2024  # the year the dashboard opens on: today is in January 2025, before 2024's lock
TODAY = D(2025, 1, 10)
ADDRESSED = [k for k in Unit.Kind.values if k not in (Unit.Kind.PROVINCE, "industrial_zone")]
INTEGER_CODES = ("sessions", "participants")
GRADES = [grade for grade, _label in AnnualReport.Assessment.choices]
CATEGORIES = ("on_time", "late", "returned", "missing")
INCLUDED = {"accepted": {S.ACCEPTED}, "submitted": {S.SUBMITTED, S.ACCEPTED}}
# Numbered as in the plan; created in another order so that nothing relies on the pks.
THEMES = [("1", None), ("2", None), ("2.1", "2"), ("2.2", "2"), ("2.10", "2"), ("3", None)]
PARENTS = {"PV": None, "DA": "PV", "DB": "PV", "SE": "PV", "A1": "DA", "A2": "DA"}
PARENTS |= {"B1": "DB", "S1": "SE"}


def cutoff(year):
    return D(year, 12, 14)


def due(year):
    return D(year, 12, 20)


def local(day, hour=0, minute=0, second=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), LOCAL)


# --- fixtures ------------------------------------------------------------------------------------
def fresh_data_version():
    """Start from a data version no other test used: tests reuse primary keys on SQLite, and
    the writes of a test never commit, so no signal moves the version on by itself."""
    dataversion.data_version()  # the rows exist
    DataVersionShard.objects.filter(shard=0).update(version=secrets.randbelow(2**52))


def make_campaign(issuer, slug, issued_on):
    campaign = Campaign.objects.create(
        slug=slug,
        number=f"12/KH-{slug}",
        title="Kế hoạch tuyên truyền cải cách hành chính",
        issuer=issuer,
        issued_on=issued_on,
        directive="Kế hoạch số 1/KH-UBND",
        first_year=FIRST_YEAR,
        plan_due_on=D(FIRST_YEAR, 3, 31),
        addressed_kinds=ADDRESSED,
    )
    # Created out of their order, which the rollup must follow.
    for code, kind, order in [
        ("sessions", "integer", 0),
        ("other_forms", "text", 3),
        ("grassroots_plans", "integer", 2),
        ("participants", "integer", 1),
    ]:
        Indicator.objects.create(
            campaign=campaign,
            code=code,
            name=f"Chỉ tiêu {code}",
            unit_of_measure="lượt" if kind == "integer" else "",
            kind=kind,
            order=order,
            **(
                {"source": Indicator.Source.PLANS, "counted_kind": Unit.Kind.GRASSROOTS}
                if code == "grassroots_plans"
                else {}
            ),
        )
    for number, parent in [THEMES[i] for i in (5, 1, 4, 0, 3, 2)]:
        Theme.objects.create(
            campaign=campaign,
            number=number,
            title=f"Nội dung {number}",
            parent=Theme.objects.get(campaign=campaign, number=parent) if parent else None,
        )
    for year in YEARS:
        Period.objects.for_year(campaign, year)
    return campaign


# --- the generated federation --------------------------------------------------------------------
@dataclass
class Report:
    unit: str
    year: int
    status: str
    first_submitted_at: datetime.datetime | None
    assessment: str
    values: dict  # indicator code: int or None; a code absent has no value row at all
    flags: list = field(default_factory=list)  # as campaign.plausibility stores them


@dataclass
class PlanRecord:
    unit: str
    status: str
    first_submitted_at: datetime.datetime | None
    activities: list  # one set of theme numbers per activity


@dataclass
class World:
    """What was generated, kept as plain records for the independent count."""

    campaign: Campaign
    other: Campaign
    units: dict = field(default_factory=dict)  # code: Unit
    parent: dict = field(default_factory=dict)
    kind: dict = field(default_factory=dict)
    opened: dict = field(default_factory=dict)
    closed: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)  # (code, year): Report, this campaign only
    plans: dict = field(default_factory=dict)  # code: PlanRecord, this campaign only
    obstacles: list = field(default_factory=list)  # (code, campaign pk, status, answer_by)
    reminders: list = field(default_factory=list)  # (code, campaign pk, year, manual)
    themes: dict = field(default_factory=dict)  # number: Theme

    def add(self, parent, code, kind, opened=None, closed=None, short_name=""):
        unit = UnitFactory.create(
            parent=Unit.objects.get(pk=self.units[parent].pk),
            kind=kind,
            code=code,
            name=f"Công đoàn {code}",
            short_name=short_name,
            opened_on=opened,
            closed_on=closed,
        )
        self.units[code] = unit
        self.parent[code], self.kind[code] = parent, kind
        self.opened[code], self.closed[code] = opened, closed
        return code


# Opening and closing dates, each against a rule of the cut-off (14/12).
LIFESPANS = [
    (None, D(2024, 6, 30)),  # closed before 2024's cut-off
    (None, D(2024, 12, 14)),  # closed on the cut-off: gone at it
    (None, D(2024, 12, 15)),  # closed the day after: still expected in 2024
    (None, D(2023, 5, 1)),  # closed in 2023: expected in 2022 only
    (D(2024, 12, 15), None),  # opened after 2024's cut-off
    (D(2024, 12, 14), None),  # opened on the cut-off day: expected in 2024
    (D(2023, 12, 20), None),  # opened after 2023's cut-off: expected from 2024
]


FORCED = {("DA", YEAR): S.ACCEPTED, ("DB", YEAR): S.SUBMITTED}


def first_submissions(year):
    """Moments around the due date, in Viet Nam's time."""
    day = due(year)
    after = day + datetime.timedelta(days=1)
    return [
        local(day - datetime.timedelta(days=15), 10),
        local(day, 0, 30),  # early on the due day: still the day before in UTC
        local(day, 23, 59),  # the due day's last minute: on time
        local(day, 23, 59, 59),
        local(after),  # midnight after: late
        local(after, 6, 59),  # still the due day in UTC: late all the same
        local(day + datetime.timedelta(days=20), 8),
    ]


def build_world(tree, cast, seed, per_parent=(2, 4)):
    """A federation under the tree's province, with three years of reports, plans,
    obstacles and reminders, drawn from `random.Random(seed)`."""
    rng = random.Random(seed)
    campaign = make_campaign(tree["PV"], "main", D(2022, 1, 10))
    other = make_campaign(tree["PV"], "other", D(2021, 1, 10))
    world = World(campaign=campaign, other=other)
    for code, unit in tree.items():
        world.units[code] = unit
        world.parent[code], world.kind[code] = PARENTS[code], unit.kind
        world.opened[code] = world.closed[code] = None
    world.themes = {theme.number: theme for theme in campaign.themes.all()}
    K = Unit.Kind

    def fits(parent, opened, closed):
        """Whether a unit opened and closed so can stand under `parent`, as the portal has
        it (tests/reports/test_world.py): it opens once its parent is open, and closes by
        the day its parent closes (a reorganisation closes or moves the units below a unit
        before it closes the unit)."""
        parent_opened, parent_closed = world.opened[parent], world.closed[parent]
        opens_in_time = parent_opened is None or (opened is not None and opened >= parent_opened)
        if parent_closed is None:
            return opens_in_time
        return (
            opens_in_time
            and (opened is None or opened < parent_closed)
            and closed is not None
            and closed <= parent_closed
        )

    def lifespan(parent):
        """Opening and closing days drawn for a unit under `parent`; under a parent that
        closes, a unit that would outlive it closes with it."""
        opened, closed = rng.choice(LIFESPANS) if rng.random() < 0.3 else (None, None)
        if fits(parent, opened, closed):
            return opened, closed
        return world.opened[parent], world.closed[parent]

    def grassroots(parent, prefix, count=None):
        for n in range(rng.randint(*per_parent) if count is None else count):
            world.add(parent, f"{prefix}{n}", K.GRASSROOTS, *lifespan(parent))

    uppers = ["DA", "DB", "SE"]
    for n in range(rng.randint(1, 2)):
        uppers.append(world.add("PV", f"D{n}", K.DISTRICT, short_name=f"Huyện {n}"))
    uppers.append(world.add("PV", "CV", K.CIVIL_SERVANTS, short_name="CĐ Viên chức"))
    # Kinds the campaign does not address, with grassroots below: at the province, as in the
    # seed's plan, and one inside a district.
    uppers.append(world.add("PV", "IZ", K.INDUSTRIAL_ZONE))
    uppers.append(world.add("DA", "IZD", K.INDUSTRIAL_ZONE))
    # A sector union closed in 2024, its grassroots unions closed with it or before: none of
    # them is expected that year, and the reports they filed for it still count.
    uppers.append(world.add("PV", "SX", K.SECTOR, closed=D(2024, 3, 31)))
    for upper in uppers:
        grassroots(upper, f"{upper}G", count=None if upper not in ("SX", "IZD") else 2)
    grassroots("PV", "PG")  # grassroots unions directly under the province
    for n, (opened, closed) in enumerate(LIFESPANS):  # each date rule at least once
        parents = [upper for upper in uppers if fits(upper, opened, closed)]
        world.add(rng.choice(parents), f"L{n}", K.GRASSROOTS, opened, closed)
    fresh = Unit.objects.in_bulk([unit.pk for unit in world.units.values()])
    world.units = {code: fresh[unit.pk] for code, unit in world.units.items()}

    periods = {
        (c.pk, p.year): p for c in (campaign, other) for p in Period.objects.filter(campaign=c)
    }
    indicators = {(i.campaign_id, i.code): i for i in Indicator.objects.all()}
    reports, figures_of_reports = [], []
    for code, unit in world.units.items():
        for year in YEARS:
            for which in (campaign, other) if rng.random() < 0.1 else (campaign,):
                status = rng.choices(
                    [None, S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.RETURNED], [2, 1, 2, 4, 1]
                )[0]
                # District A's own report counts in 2024 and B's is only submitted, so that
                # a district's report and its grassroots unions' are both in the data.
                status = FORCED.get((code, year), status) if which == campaign else status
                if status is None:
                    continue
                submitted = None if status == S.DRAFT else rng.choice(first_submissions(year))
                figures = {}
                # A computed figure typed all the same (as before the portal counted it)
                # must never count.
                for indicator in (*INTEGER_CODES, "grassroots_plans", "other_forms"):
                    draw = 1 if (code, year) in FORCED else rng.random()
                    if draw < 0.1:
                        continue  # no value row at all
                    if indicator == "other_forms":
                        figures[indicator] = f"Pa nô, áp phích ({code})"
                    else:
                        figures[indicator] = None if draw < 0.2 else rng.randint(0, 400)
                flags = (
                    [{"rule": "maximum", "indicator": "sessions", "value": 999, "limit": 200}]
                    if rng.random() < 0.15
                    else []
                )
                record = Report(code, year, status, submitted, rng.choice(GRADES), figures, flags)
                if which == campaign:
                    world.reports[(code, year)] = record
                reports.append(
                    AnnualReport(
                        unit=unit,
                        campaign=which,
                        year=year,
                        period=periods[(which.pk, year)],
                        status=status,
                        first_submitted_at=submitted,
                        submitted_at=submitted,
                        results="Đã tổ chức tuyên truyền.",
                        self_assessment=record.assessment,
                        flags=record.flags,
                    )
                )
                figures_of_reports.append(figures)
    AnnualReport.objects.bulk_create(reports)
    value_rows = []
    for stored, figures in zip(reports, figures_of_reports, strict=True):
        for code, value in figures.items():
            indicator = indicators[(stored.campaign_id, code)]
            if code == "other_forms":
                value_rows.append(
                    IndicatorValue(report=stored, indicator=indicator, text_value=value)
                )
            else:
                value_rows.append(
                    IndicatorValue(report=stored, indicator=indicator, int_value=value)
                )
    IndicatorValue.objects.bulk_create(value_rows)

    plans, activities, covered = [], [], []
    other_theme = Theme.objects.filter(campaign=other).first()
    for code, unit in world.units.items():
        for which in (campaign, other) if rng.random() < 0.1 else (campaign,):
            status = rng.choices(
                [None, S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED], [2, 1, 1, 1, 4]
            )[0]
            if status is None:
                continue
            submitted = None if status == S.DRAFT else local(D(2022, 3, rng.randint(1, 31)), 9)
            themes = [
                set(rng.sample(sorted(world.themes), rng.randint(0, 3)))
                for _activity in range(rng.randint(0, 3))
            ]
            plan = Plan(
                unit=unit,
                campaign=which,
                status=status,
                first_submitted_at=submitted,
                doc_number=f"1/KH-{code}",
                doc_date=D(2022, 3, 1),
                signer="Chủ tịch",
                summary="Triển khai tuyên truyền.",
            )
            plans.append(plan)
            if which == campaign:
                world.plans[code] = PlanRecord(code, status, submitted, themes)
            else:
                themes = [{"other"}]
            for numbers in themes:
                activity = Activity(
                    plan=plan, method="conference", audience="Đoàn viên", planned_quarter=2
                )
                activities.append(activity)
                covered.append(
                    [other_theme] if numbers == {"other"} else [world.themes[n] for n in numbers]
                )
    Plan.objects.bulk_create(plans)
    for activity in activities:
        activity.plan_id = activity.plan.pk
    Activity.objects.bulk_create(activities)
    Activity.themes.through.objects.bulk_create(
        [
            Activity.themes.through(activity_id=activity.pk, theme_id=theme.pk)
            for activity, themes in zip(activities, covered, strict=True)
            for theme in themes
        ]
    )

    obstacles = []
    for n in range(rng.randint(8, 14)):
        code = rng.choice(sorted(world.units))
        which = campaign if n % 5 else other
        status = rng.choice(list(Obstacle.Status.values))
        answer_by = TODAY + datetime.timedelta(days=rng.choice([-9, -1, 0, 1, 8]))
        obstacles.append(
            Obstacle(
                unit=world.units[code],
                campaign=which,
                subject=f"Vướng mắc {n}",
                text="Xin hướng dẫn.",
                status=status,
                raised_by=cast["officer_a"],
                answer_by=answer_by,
                answer="" if status == Obstacle.Status.OPEN else "Đã trả lời.",
            )
        )
        world.obstacles.append((code, which.pk, status, answer_by))
    Obstacle.objects.bulk_create(obstacles)

    reminders = []
    for n in range(rng.randint(8, 16)):
        code = rng.choice(sorted(world.units))
        which = campaign if n % 6 else other
        year, manual = rng.choice(YEARS), rng.random() < 0.4
        reminders.append(
            Reminder(
                unit=world.units[code],
                campaign=which,
                what=rng.choice(["plan", "report"]),
                year=year,
                step=f"step-{n}",
                due_on=due(year),
                manual=manual,
                sent_by=cast["cspl"] if manual else None,
                recipients=1 + n % 3,  # one that reached nobody is not sent, nor counted
            )
        )
        world.reminders.append((code, which.pk, year, manual))
    Reminder.objects.bulk_create(reminders)
    return world


# --- the independent count -----------------------------------------------------------------------
TEXTS_SHOWN = 30


def end_of(day):
    """The first instant after `day` in Viet Nam."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), LOCAL)


class Recount:
    """Every figure of the rollup counted again over the generated records, by the rule:
    expected units are those of the area (the unit and its subtree), of an addressed kind,
    open at the cut-off; an area's figures are the sum of the included reports of every
    unit in it; the plans counted are the area's expected grassroots units' included plans,
    first submitted by the end of the cut-off day."""

    def __init__(self, world):
        self.world = world
        self.children = {code: [] for code in world.units}
        for code, parent in world.parent.items():
            if parent:
                self.children[parent].append(code)
        # Only the identities of the stored reports (the rollup links to them).
        self.report_pk = {
            (unit_id, year): pk
            for pk, unit_id, year in AnnualReport.objects.filter(
                campaign=world.campaign
            ).values_list("pk", "unit_id", "year")
        }

    def ancestors(self, code):
        found = []
        while self.world.parent[code]:
            code = self.world.parent[code]
            found.append(code)
        return found

    def subtree(self, top):
        return [c for c in self.world.units if c == top or top in self.ancestors(c)]

    def is_open(self, code, day):
        opened, closed = self.world.opened[code], self.world.closed[code]
        return (opened is None or opened <= day) and (closed is None or closed > day)

    def expected(self, top, year):
        return [
            c
            for c in self.subtree(top)
            if self.world.kind[c] in ADDRESSED and self.is_open(c, cutoff(year))
        ]

    def report(self, code, year):
        return self.world.reports.get((code, year))

    def category(self, code, year):
        report = self.report(code, year)
        if report is None:
            return "missing"
        if report.status == S.RETURNED:
            return "returned"
        if report.status in (S.SUBMITTED, S.ACCEPTED) and report.first_submitted_at:
            submitted_on = report.first_submitted_at.astimezone(LOCAL).date()
            return "on_time" if submitted_on <= due(year) else "late"
        return "missing"

    def included(self, code, year, include):
        report = self.report(code, year)
        return report if report and report.status in INCLUDED[include] else None

    def filed(self, codes, year, include):
        """The included reports of `codes`, whatever the units' kind or state, of the units
        on the year's tree: opened by its cut-off (a unit that opened later is not on it)."""
        return [
            self.included(c, year, include)
            for c in codes
            if self.included(c, year, include)
            and not (self.world.opened[c] and self.world.opened[c] > cutoff(year))
        ]

    def plans_counted(self, codes, year, include):
        """How many of `codes` are grassroots units with an included plan first submitted by
        the end of the year's cut-off day."""
        return sum(
            1
            for c in codes
            if self.world.kind[c] == Unit.Kind.GRASSROOTS
            and c in self.world.plans
            and self.world.plans[c].status in INCLUDED[include]
            and self.world.plans[c].first_submitted_at < end_of(cutoff(year))
        )

    def totals(self, reports, expected, year, include, counts_plans=True):
        """Typed figures summed (None with nothing included); the plans counted over the
        expected units (None without any)."""
        totals = {}
        for code in ("sessions", "participants", "grassroots_plans"):
            if code == "grassroots_plans":
                totals[code] = (
                    self.plans_counted(expected, year, include)
                    if expected and counts_plans
                    else None
                )
            else:
                totals[code] = sum(r.values.get(code) or 0 for r in reports) if reports else None
        return totals

    def counts(self, codes, year, include):
        categories = Counter(self.category(code, year) for code in codes)
        plans = [self.world.plans.get(code) for code in codes]
        included = [self.included(code, year, include) for code in codes]
        grades = Counter(report.assessment for report in included if report)
        return {
            "expected": len(codes),
            **{name: categories[name] for name in CATEGORIES if name != "missing"},
            "included": sum(1 for report in included if report),
            "flagged": sum(
                1
                for code in codes
                if (report := self.report(code, year))
                and report.status in (S.SUBMITTED, S.ACCEPTED)
                and report.flags
            ),
            "plans_filed": sum(1 for p in plans if p and p.first_submitted_at is not None),
            "plans_accepted": sum(1 for p in plans if p and p.status == S.ACCEPTED),
            "assessed": {grade: grades[grade] for grade in GRADES},
        }

    def area(self, codes, year, include, counts_plans=True):
        """The figures of a group of units: the expected ones counted, every one's included
        report summed."""
        expected = [c for c in codes if c in set(self.expected(self.world_top, year))]
        reports = self.filed(codes, year, include)
        return {
            **self.counts(expected, year, include),
            "reports": len(reports),
            "totals": self.totals(reports, expected, year, include, counts_plans),
        }

    def name(self, code):
        unit = self.world.units[code]
        return unit.short_name or unit.name

    def rollup(self, top, year, include):
        """The rollup's `as_json()`, recounted."""
        world, unit = self.world, self.world.units[top]
        self.world_top = top
        inside = self.subtree(top)
        expected = self.expected(top, year)
        headline = self.area(inside, year, include)

        def own(code):
            report = self.report(code, year)
            stored = world.units[code]
            return {
                "unit_id": stored.pk,
                "path": stored.path,
                "unit_path": stored.path,
                "name": self.name(code),
                "kind": world.kind[code],
                "own": self.category(code, year) if code in expected else "",
                "own_report_id": self.report_pk.get((stored.pk, year)) if report else None,
                "own_included": bool(self.included(code, year, include)),
                # The generated world reopens no report (test_dashboard_grid.py reopens one).
                "own_reopened": False,
                # Closed by the year's cut-off: its reports of the year still count.
                "closed": bool(world.closed[code] and world.closed[code] <= cutoff(year)),
                "dissolved": False,
                "not_yet": False,
                # Today's tree only: on the year's, a merged unit's reports are its own.
                "merged_included": False,
                # Filled by reports.rollup.with_forebears, never by the rollup.
                "merged_from": "",
            }

        by_child = []
        if top in expected or self.included(top, year, include):
            by_child.append(
                {
                    **self.area([top], year, include),
                    **own(top),
                    "has_children": False,
                    "is_scope": True,
                }
            )
        for child in self.children[top]:
            below = self.subtree(child)
            figures = self.area(below, year, include)
            if not (figures["expected"] or figures["reports"]):
                continue
            by_child.append(
                {
                    **figures,
                    **own(child),
                    "has_children": bool(self.children[child]),
                    "is_scope": False,
                }
            )
        by_child.sort(key=lambda row: row["path"])

        by_kind = []
        for kind in Unit.Kind.values:
            of_kind = [c for c in inside if world.kind[c] == kind]
            figures = self.area(of_kind, year, include, counts_plans=kind == "grassroots")
            if figures["expected"] or figures["reports"]:
                by_kind.append({**figures, "kind": kind})

        themes = []
        accepted = [
            world.plans[c]
            for c in expected
            if c in world.plans and world.plans[c].status == S.ACCEPTED
        ]
        for number, parent in THEMES:
            theme = world.themes[number]
            themes.append(
                {
                    "pk": theme.pk,
                    "number": number,
                    "title": theme.title,
                    "parent_id": world.themes[parent].pk if parent else None,
                    "activities": sum(number in a for p in accepted for a in p.activities),
                    "plans": sum(any(number in a for a in p.activities) for p in accepted),
                }
            )

        # The days a unit of the area opened or closed, by the year whose cut-off follows.
        years = list(range(FIRST_YEAR, max(year, *YEARS) + 1))
        changed = {}
        for day in sorted(
            {world.opened[c] for c in inside if world.opened[c]}
            | {world.closed[c] for c in inside if world.closed[c]}
        ):
            if cutoff(years[0]) < day <= cutoff(years[-1]):
                y = next(y for y in years if cutoff(y) >= day)
                changed.setdefault(y, []).append(f"{day:%d/%m/%Y}")
        trend = []
        for y in years:
            then_expected = self.expected(top, y)
            reports = self.filed(inside, y, include)
            trend.append(
                {
                    "year": y,
                    "reports": len(reports),
                    "expected": len(then_expected),
                    "included": sum(1 for c in then_expected if self.included(c, y, include)),
                    "totals": self.totals(reports, then_expected, y, include),
                    "changes": changed.get(y, []),
                }
            )

        texts = [
            {"unit_name": self.name(c), "indicator": "other_forms", "text": r.values["other_forms"]}
            for c in sorted(inside, key=lambda c: world.units[c].path)
            for r in self.filed([c], year, include)
            if r.values.get("other_forms")
        ]

        mine = world.campaign.pk
        inside_set = set(inside)
        open_obstacles = [
            answer_by
            for code, campaign, status, answer_by in world.obstacles
            if code in inside_set and campaign == mine and status == Obstacle.Status.OPEN
        ]
        reminders = [  # sent to the units on the year's tree
            manual
            for code, campaign, reminder_year, manual in world.reminders
            if code in inside_set
            and campaign == mine
            and reminder_year == year
            and not (world.opened[code] and world.opened[code] > cutoff(year))
        ]
        order = ["sessions", "participants", "grassroots_plans", "other_forms"]
        indicators = sorted(
            Indicator.objects.filter(campaign=world.campaign).values(
                "pk", "code", "name", "unit_of_measure", "kind", "help_text"
            ),
            key=lambda i: order.index(i["code"]),
        )
        lineage = [*reversed(self.ancestors(top)), top]
        return {
            "campaign_id": world.campaign.pk,
            "year": year,
            "unit_id": unit.pk,
            "include": include,
            "period": {
                "starts_on": D(year - 1, 12, 15),
                "ends_on": cutoff(year),
                "due_on": due(year),
                "locks_on": due(year) + datetime.timedelta(days=30),
            },
            "indicators": [{**i, "computed": i["code"] == "grassroots_plans"} for i in indicators],
            "headline": {**headline},
            "by_child": by_child,
            "by_kind": by_kind,
            "themes": themes,
            "trend": trend,
            "texts": texts[:TEXTS_SHOWN],
            "texts_more": len(texts) > TEXTS_SHOWN,
            "ancestors": [
                {"pk": world.units[c].pk, "path": world.units[c].path, "name": self.name(c)}
                for c in lineage
            ],
            "obstacles_open": len(open_obstacles),
            "obstacles_overdue": sum(1 for answer_by in open_obstacles if answer_by < TODAY),
            "reminders_sent": len(reminders),
            "reminders_manual": sum(reminders),
            "tree": "then",
            "roots": [unit.path],
            "root_depth": unit.depth,
            # The province issued the campaign and never moved: every unit asked is below it.
            "campaign_area": world.units["PV"].path,
            "campaign_unit": world.units["PV"].pk,
            "stands_for": "",
            "scope_name": self.name(top),
            "title_name": unit.name,
        }


def assert_same_figures(result, recounted):
    """Section by section, so that a failure names the figure that disagrees."""
    got = result.as_json()
    assert set(got) == set(recounted)
    for key, value in recounted.items():
        if key in ("by_child", "by_kind"):
            assert [row.get("unit_id", row.get("kind")) for row in got[key]] == [
                row.get("unit_id", row.get("kind")) for row in value
            ], key
            for row, wanted in zip(got[key], value, strict=True):
                assert row == wanted, (key, wanted.get("name", wanted.get("kind")))
        else:
            assert got[key] == value, key
