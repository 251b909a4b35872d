"""The CSPL dashboard and its rollup.

Every figure of the rollup is checked against the same figure counted again, in plain
Python, over a generated federation (on-time, late, returned, missing, closed and newly
opened units, a kind the campaign does not address, three years of reports, plans,
obstacles and reminders). Then: a fixed number of queries at two sizes, a cache that never
serves a stale figure, access by scope, and the page itself.
"""

import datetime
import random
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign import workflow
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
from reports.rollup import rollup
from tests.factories import MembershipFactory, UnitFactory
from units import dataversion
from units.models import Unit

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
# Page queries, cold (the session comes from the cache): the user, their memberships, the
# campaigns, the unit asked for, the rollup's seven and one page of the grid.
PAGE_QUERIES = 12


def cutoff(year):
    return D(year, 12, 14)


def due(year):
    return D(year, 12, 20)


def local(day, hour=0, minute=0, second=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), LOCAL)


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Today is 10/01/2025, 09:00 in Viet Nam: 2024's reports are due, not locked yet."""
    moment = local(TODAY, 9).astimezone(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture(autouse=True)
def fresh_data_version():
    """Start from a data version no other test used: tests reuse primary keys on SQLite, and
    the writes of a test never commit, so no signal moves the version on by itself."""
    cache.set(dataversion.KEY, secrets.randbelow(2**52))


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
        ("other_forms", "text", 2),
        ("participants", "integer", 1),
    ]:
        Indicator.objects.create(
            campaign=campaign,
            code=code,
            name=f"Chỉ tiêu {code}",
            unit_of_measure="lượt" if kind == "integer" else "",
            kind=kind,
            order=order,
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

    def lifespan():
        return rng.choice(LIFESPANS) if rng.random() < 0.3 else (None, None)

    def grassroots(parent, prefix, count=None):
        for n in range(rng.randint(*per_parent) if count is None else count):
            opened, closed = lifespan()
            code = world.add(parent, f"{prefix}{n}", K.GRASSROOTS, opened, closed)
            if rng.random() < 0.15:  # a union section below a grassroots union
                world.add(code, f"{code}X", K.GRASSROOTS, *lifespan())

    uppers = ["DA", "DB", "SE"]
    for n in range(rng.randint(1, 2)):
        uppers.append(world.add("PV", f"D{n}", K.DISTRICT, short_name=f"Huyện {n}"))
    uppers.append(world.add("PV", "CV", K.CIVIL_SERVANTS, short_name="CĐ Viên chức"))
    # Kinds the campaign does not address, with grassroots below: at the province, as in the
    # seed's plan, and one inside a district.
    uppers.append(world.add("PV", "IZ", K.INDUSTRIAL_ZONE))
    uppers.append(world.add("DA", "IZD", K.INDUSTRIAL_ZONE))
    # A sector union closed in 2024: its grassroots unions report on their own that year.
    uppers.append(world.add("PV", "SX", K.SECTOR, closed=D(2024, 3, 31)))
    for upper in uppers:
        grassroots(upper, f"{upper}G", count=None if upper not in ("SX", "IZD") else 2)
    grassroots("PV", "PG")  # grassroots unions directly under the province
    for n, (opened, closed) in enumerate(LIFESPANS):  # each date rule at least once
        world.add(rng.choice(uppers), f"L{n}", K.GRASSROOTS, opened, closed)
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
                for indicator in (*INTEGER_CODES, "other_forms"):
                    draw = 1 if (code, year) in FORCED else rng.random()
                    if draw < 0.1:
                        continue  # no value row at all
                    if indicator == "other_forms":
                        figures[indicator] = "Pa nô, áp phích"
                    else:
                        figures[indicator] = None if draw < 0.2 else rng.randint(0, 400)
                record = Report(code, year, status, submitted, rng.choice(GRADES), figures)
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
            )
        )
        world.reminders.append((code, which.pk, year, manual))
    Reminder.objects.bulk_create(reminders)
    return world


# --- the independent count -----------------------------------------------------------------------
class Recount:
    """Every figure of the rollup, counted again over the generated records by the rules:
    expected units are those of the subtree, of an addressed kind, open at the cut-off;
    figures come from each area's first expected units down each branch."""

    def __init__(self, world):
        self.world = world
        self.children = {code: [] for code in world.units}
        for code, parent in world.parent.items():
            if parent:
                self.children[parent].append(code)

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

    def reporting(self, top, year):
        """The expected units with no expected unit above them up to `top`, `top` included."""
        expected = set(self.expected(top, year))
        return [c for c in expected if not expected & set(self.ancestors(c))]

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

    def totals(self, codes, year, include):
        sums = dict.fromkeys(INTEGER_CODES, 0)
        for code in codes:
            report = self.included(code, year, include)
            for indicator in INTEGER_CODES if report else ():
                sums[indicator] += report.values.get(indicator) or 0
        return sums

    def counts(self, codes, year, include):
        categories = Counter(self.category(code, year) for code in codes)
        plans = [self.world.plans.get(code) for code in codes]
        included = [self.included(code, year, include) for code in codes]
        grades = Counter(report.assessment for report in included if report)
        submitted = categories["on_time"] + categories["late"]
        group = {
            "expected": len(codes),
            "plans_filed": sum(1 for p in plans if p and p.first_submitted_at is not None),
            "plans_accepted": sum(1 for p in plans if p and p.status == S.ACCEPTED),
            **{name: categories[name] for name in CATEGORIES},
            "included": sum(1 for report in included if report),
            **{f"assessed_{grade}": grades[grade] for grade in GRADES},
            "submitted": submitted,
        }
        group["rate"] = round(100 * submitted / len(codes), 1) if codes else None
        group["on_time_rate"] = (
            round(100 * categories["on_time"] / len(codes), 1) if codes else None
        )
        return group

    def name(self, code):
        unit = self.world.units[code]
        return unit.short_name or unit.name

    def rollup(self, top, year, include):
        world, unit = self.world, self.world.units[top]
        expected = self.expected(top, year)
        headline = {
            **self.counts(expected, year, include),
            "totals": self.totals(self.reporting(top, year), year, include),
        }

        by_child, reporting_below = [], []
        if top in expected:  # the unit's own row
            by_child.append(
                {
                    "unit_id": unit.pk,
                    "path": unit.path,
                    "name": self.name(top),
                    "kind": unit.kind,
                    "is_scope": True,
                    "has_children": bool(self.children[top]),
                    **self.counts([top], year, include),
                    "totals": self.totals([top], year, include),
                }
            )
        for child in self.children[top]:
            below = self.expected(child, year)
            if not below:
                continue
            reporting_below += self.reporting(child, year)
            by_child.append(
                {
                    "unit_id": world.units[child].pk,
                    "path": world.units[child].path,
                    "name": self.name(child),
                    "kind": world.kind[child],
                    "is_scope": False,
                    "has_children": bool(self.children[child]),
                    **self.counts(below, year, include),
                    "totals": self.totals(self.reporting(child, year), year, include),
                }
            )
        by_child.sort(key=lambda row: row["path"])

        by_kind = []
        for kind in Unit.Kind.values:
            of_kind = [c for c in expected if world.kind[c] == kind]
            if of_kind:
                reporting = [c for c in reporting_below if world.kind[c] == kind]
                by_kind.append(
                    {
                        "kind": kind,
                        **self.counts(of_kind, year, include),
                        "totals": self.totals(reporting, year, include),
                    }
                )

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

        counted = {
            y: sum(1 for c in self.expected(top, y) if self.included(c, y, include)) for y in YEARS
        }
        last = max([year, *(y for y, n in counted.items() if n)])
        trend = [
            {
                "year": y,
                "reports": counted[y],
                "totals": self.totals(self.reporting(top, y), y, include),
            }
            for y in range(FIRST_YEAR, last + 1)
        ]

        inside = set(self.subtree(top))
        mine = world.campaign.pk
        open_obstacles = [
            answer_by
            for code, campaign, status, answer_by in world.obstacles
            if code in inside and campaign == mine and status == Obstacle.Status.OPEN
        ]
        reminders = [
            manual
            for code, campaign, reminder_year, manual in world.reminders
            if code in inside and campaign == mine and reminder_year == year
        ]
        indicators = list(
            Indicator.objects.filter(campaign=world.campaign).values(
                "pk", "code", "name", "unit_of_measure", "kind"
            )
        )
        order = ["sessions", "participants", "other_forms"]
        lineage = [*reversed(self.ancestors(top)), top]
        return {
            "cache_key": "",
            "ancestors": [
                {"pk": world.units[c].pk, "path": world.units[c].path, "name": self.name(c)}
                for c in lineage
            ],
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
            "indicators": sorted(indicators, key=lambda i: order.index(i["code"])),
            "headline": headline,
            "by_kind": by_kind,
            "by_child": by_child,
            "themes": themes,
            "assessment": {grade: headline[f"assessed_{grade}"] for grade in GRADES},
            "trend": trend,
            "obstacles": {
                "open": len(open_obstacles),
                "overdue": sum(1 for answer_by in open_obstacles if answer_by < TODAY),
            },
            "reminders": {"sent": len(reminders), "manual": sum(reminders)},
        }


def assert_same_figures(result, recounted):
    """Section by section, so that a failure names the figure that disagrees."""
    assert set(result) == set(recounted)
    for key, value in recounted.items():
        if key in ("by_child", "by_kind"):
            assert [row.get("unit_id", row.get("kind")) for row in result[key]] == [
                row.get("unit_id", row.get("kind")) for row in value
            ], key
            for got, wanted in zip(result[key], value, strict=True):
                assert got == wanted, (key, wanted.get("name", wanted.get("kind")))
        else:
            assert result[key] == value, key


def missing_by_subtraction(group):
    return group["expected"] - group["on_time"] - group["late"] - group["returned"]


# --- 1. every figure against the independent count ----------------------------------------------
SCOPES = ["PV", "DA", "SE", "IZD", "SX", "A1"]


@pytest.mark.parametrize("seed", [3, 11, 2024])
def test_every_rollup_figure_matches_an_independent_count_over_a_generated_federation(
    tree, cast, seed
):
    world = build_world(tree, cast, seed)
    recount = Recount(world)
    cases = [(scope, YEAR, include) for scope in SCOPES for include in INCLUDED]
    cases += [("PV", 2023, "accepted"), ("DA", 2022, "submitted")]
    for scope, year, include in cases:
        result = rollup(world.campaign, year, world.units[scope], include)
        recounted = recount.rollup(scope, year, include)
        assert_same_figures(result, recounted)
        # Missing is what is left: expected less submitted and returned.
        for group in (result["headline"], *result["by_kind"], *result["by_child"]):
            assert group["missing"] == missing_by_subtraction(group)

    # The data set exercises every rule: each category, closed and newly opened units, a
    # kind not addressed, reports that do not count and the two switches differing.
    province = recount.rollup("PV", YEAR, "accepted")["headline"]
    assert all(province[name] > 0 for name in CATEGORIES)
    assert any(not recount.is_open(c, cutoff(YEAR)) for c in world.units)
    assert any(world.opened[c] and world.opened[c] > cutoff(YEAR) for c in world.units)
    assert any(r.status == S.SUBMITTED and r.values for r in world.reports.values())
    assert recount.rollup("PV", YEAR, "submitted")["headline"]["included"] > province["included"]
    assert any(
        world.kind[world.parent[c]] == "industrial_zone" and c in recount.expected("PV", YEAR)
        for c in world.units
        if world.parent[c]
    )


def test_a_report_first_submitted_at_2359_local_on_the_due_day_is_on_time_and_at_midnight_late(
    tree, cast
):
    campaign = make_campaign(tree["PV"], "edge", D(2022, 1, 1))
    period = Period.objects.get(campaign=campaign, year=YEAR)
    for code, moment in [
        ("A1", local(due(YEAR), 23, 59)),
        ("A2", local(due(YEAR) + datetime.timedelta(days=1))),
        ("B1", local(due(YEAR) + datetime.timedelta(days=1), 6, 59)),  # 23:59 UTC on the day
    ]:
        AnnualReport.objects.create(
            unit=tree[code],
            campaign=campaign,
            year=YEAR,
            period=period,
            status=S.SUBMITTED,
            first_submitted_at=moment,
            results="Đã tuyên truyền.",
            self_assessment="good",
        )
    district_a = rollup(campaign, YEAR, tree["DA"])["headline"]
    assert (district_a["on_time"], district_a["late"], district_a["missing"]) == (1, 1, 1)
    district_b = rollup(campaign, YEAR, tree["DB"])["headline"]
    assert (district_b["on_time"], district_b["late"]) == (0, 1)


# --- 2. a fixed number of queries ---------------------------------------------------------------
SIZES = {"small": (0, 1), "large": (18, 22)}


@pytest.mark.parametrize("size", SIZES)
def test_the_rollup_costs_seven_queries_whatever_the_number_of_units(
    tree, cast, size, django_assert_num_queries
):
    world = build_world(tree, cast, 5, per_parent=SIZES[size])
    assert len(world.units) < 40 if size == "small" else len(world.units) > 200
    for scope in ("PV", "DA"):
        for include in INCLUDED:
            with django_assert_num_queries(7):
                result = rollup(world.campaign, YEAR, world.units[scope], include)
            assert result["headline"]["expected"] == len(Recount(world).expected(scope, YEAR))


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_page_costs_the_same_queries_cold_at_two_sizes_and_fewer_warm(
    client, tree, cast
):
    world = build_world(tree, cast, 5, per_parent=SIZES["small"])
    client.force_login(cast["cspl"])
    url = reverse("reports:dashboard")
    params = {"unit": tree["PV"].pk, "include": "submitted"}
    client.get(url, params)  # the session is in the cache from now on
    cold, warm = [], []
    for grow in (False, True):
        if grow:
            for district in ("DA", "DB", "SE"):
                for n in range(60):
                    world.add(district, f"{district}N{n}", Unit.Kind.GRASSROOTS)
        cache.delete(dataversion.KEY)  # every cached figure is out of reach: a cold page
        cold.append(count_queries(client, url, params))
        warm.append(count_queries(client, url, params))
        assert client.get(url, params).context["data"]["headline"]["expected"] == len(
            Recount(world).expected("PV", YEAR)
        )
    assert cold[0] == cold[1] <= PAGE_QUERIES
    assert warm[0] == warm[1] < cold[0]
    assert len(world.units) > 190


# --- 3. the cache is never stale ----------------------------------------------------------------
def dashboard_data(client, unit, **params):
    response = client.get(reverse("reports:dashboard"), {"unit": unit.pk, **params})
    assert response.status_code == 200
    return response.context["data"]


def row_of(data, unit):
    return next(row for row in data["by_child"] if row["unit_id"] == unit.pk)


def a1_report(world, **fields):
    """A1's report for the year, with every figure filled in, and `fields` set."""
    report, _created = AnnualReport.objects.get_or_create(
        unit=world.units["A1"],
        campaign=world.campaign,
        year=YEAR,
        defaults={
            "period": Period.objects.get(campaign=world.campaign, year=YEAR),
            "results": "Đã tuyên truyền.",
            "self_assessment": "good",
        },
    )
    for indicator in world.campaign.indicators.filter(kind="integer"):
        IndicatorValue.objects.update_or_create(
            report=report, indicator=indicator, defaults={"int_value": 7}
        )
    AnnualReport.objects.filter(pk=report.pk).update(**fields)
    return AnnualReport.objects.get(pk=report.pk)


def a_submission(world, cast):
    report = a1_report(world, status=S.DRAFT, first_submitted_at=None)

    def change(client):
        workflow.submission_submit(report, user=cast["officer_a1"])

    return change, lambda data: (data["headline"]["late"], data["headline"]["missing"])


def a_review_step(world, cast):
    report = a1_report(world, status=S.SUBMITTED, first_submitted_at=local(due(YEAR), 9))

    def change(client):
        workflow.submission_accept(report, user=cast["reviewer_a"])

    return change, lambda data: data["headline"]["included"]


def a_values_save(world, cast):
    report = a1_report(world, status=S.ACCEPTED, first_submitted_at=local(due(YEAR), 9))

    def change(client):
        value = IndicatorValue.objects.get(report=report, indicator__code="sessions")
        value.int_value += 5
        value.save()

    return change, lambda data: row_of(data, world.units["A1"])["totals"]["sessions"]


def an_obstacle_answer(world, cast):
    obstacle = Obstacle.objects.create(
        unit=world.units["A1"],
        campaign=world.campaign,
        subject="Xin hướng dẫn",
        text="Ghi số liệu thế nào?",
        raised_by=cast["officer_a1"],
        answer_by=TODAY - datetime.timedelta(days=1),
    )

    def change(client):
        url = reverse("campaign:obstacle_answer", args=[obstacle.pk])
        assert client.post(url, {"answer": "Ghi theo biểu mẫu."}).status_code == 302

    return change, lambda data: (data["obstacles"]["open"], data["obstacles"]["overdue"])


def a_unit_closed(world, cast):
    def change(client):
        Unit.objects.get(pk=world.units["A1"].pk).close(D(2024, 6, 30))

    return change, lambda data: data["headline"]["expected"]


def a_unit_moved(world, cast):
    def change(client):
        Unit.objects.move(
            Unit.objects.get(pk=world.units["A1"].pk),
            Unit.objects.get(pk=world.units["DB"].pk),
            "last-child",
        )

    return change, lambda data: data["headline"]["expected"]


@pytest.mark.parametrize(
    "change",
    [
        a_submission,
        a_review_step,
        a_values_save,
        an_obstacle_answer,
        a_unit_closed,
        a_unit_moved,
    ],
)
def test_the_page_never_shows_a_stale_figure_after(
    client, tree, cast, change, django_capture_on_commit_callbacks
):
    world = build_world(tree, cast, 8)
    make_change, figure = change(world, cast)
    client.force_login(cast["cspl"])
    before = dashboard_data(client, world.units["DA"])
    assert cache.get(before["cache_key"]) is not None  # the figures are cached
    with django_capture_on_commit_callbacks(execute=True):
        make_change(client)
    after = dashboard_data(client, world.units["DA"])
    assert figure(after) != figure(before)
    assert figure(after) == figure(rollup(world.campaign, YEAR, world.units["DA"]))


# --- 4. access ----------------------------------------------------------------------------------
@pytest.fixture
def world(tree, cast):
    return build_world(tree, cast, 21)


def get(client, user, **params):
    if user:
        client.force_login(user)
    return client.get(reverse("reports:dashboard"), params)


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = get(client, None, unit=world.units["PV"].pk)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_any_role_is_refused_and_sees_nothing_of_the_federation(client, cast, world):
    for params in ({}, {"unit": world.units["PV"].pk}, {"unit": world.units["B1"].pk}):
        response = get(client, cast["outsider"], **params)
        assert response.status_code == 403
        page = response.content.decode()
        assert world.campaign.number not in page
        assert not any(unit.name in page for unit in world.units.values())


@pytest.mark.parametrize(
    ("user", "target", "status"),
    [
        ("reviewer_a", "B1", 404),
        ("reviewer_a", "DB", 404),
        ("reviewer_a", "PV", 404),
        ("officer_a1", "DA", 404),
        ("officer_a1", "A2", 404),
        ("officer_b1", "A1", 404),
        ("officer_a", "PV", 404),
        ("officer_a", "A1", 403),  # in the subtree, but officers see only their own unit
        ("reviewer_a", "A1", 200),
        ("officer_a", "DA", 200),
        ("officer_a1", "A1", 200),
        ("cspl", "B1", 200),
    ],
)
def test_a_unit_outside_the_scope_is_not_found_and_one_not_the_officers_own_is_forbidden(
    client, cast, world, user, target, status
):
    response = get(client, cast[user], unit=world.units[target].pk)
    assert response.status_code == status
    if status == 200:
        assert response.context["data"]["unit_id"] == world.units[target].pk
    else:
        assert world.units[target].name not in response.content.decode()


def test_a_viewer_of_the_province_may_open_every_unit(client, cast, world):
    client.force_login(cast["standing"])
    for code, unit in world.units.items():
        response = client.get(reverse("reports:dashboard"), {"unit": unit.pk})
        assert response.status_code == 200, code
        assert response.context["data"]["unit_id"] == unit.pk


TAMPERED = [
    {"campaign": "99999"},
    {"campaign": "abc"},
    {"year": "abc"},
    {"year": "1990"},
    {"year": "2100"},
    {"year": "10000"},
    {"year": "99999999999999999999"},
    {"include": "evil"},
    {"status": "evil"},
    {"kind": "province"},
    {"sort": "evil"},
    {"sort": "report__pk"},
    {"page": "-5"},
    {"page": "99999"},
    {"unit": "abc"},
    {"unit": "-1"},
    {"unit": "B1", "campaign": "99999"},
    {"unit": "PV", "year": "abc", "include": "submitted"},
]


@pytest.mark.parametrize(
    "params", TAMPERED, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_tampered_parameters_never_fail_and_never_widen_the_scope(client, cast, world, params):
    params = {
        k: world.units[v].pk if k == "unit" and v in world.units else v for k, v in params.items()
    }
    response = get(client, cast["reviewer_a"], **params)
    assert response.status_code in (200, 404)
    page = response.content.decode()
    outside = [u for c, u in world.units.items() if c in ("PV", "DB", "B1", "SE", "S1")]
    assert not any(f">{unit.name}<" in page for unit in outside)
    if response.status_code == 200:
        data, grid = response.context["data"], response.context["grid"]
        district = world.units["DA"]
        assert data["unit_id"] == district.pk
        assert data["include"] in INCLUDED
        assert grid["rows"] and all(r["path"].startswith(district.path) for r in grid["rows"])
        assert 1 <= grid["page"] <= grid["pages"]
        assert grid["status"] in ("", *CATEGORIES) and grid["sort"] in ("path", "name", "status")
    # No period is created for a year the campaign does not run or has not reached.
    assert not Period.objects.exclude(year__in=YEARS).exists()


# --- 5. the page --------------------------------------------------------------------------------
def html(response):
    return response.content.decode()


def test_the_page_shows_the_headline_figures_and_tables_of_the_rollup(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk)
    assert response.status_code == 200
    recounted = Recount(world).rollup("PV", YEAR, "accepted")
    headline = recounted["headline"]
    assert response.context["data"]["headline"] == headline
    page = html(response)
    for figure in (
        headline["expected"],
        f"{headline['plans_filed']} / {headline['plans_accepted']}",
        f"{headline['on_time']} / {headline['late']}",
        f"{headline['returned']} / {headline['missing']}",
    ):
        assert f'<div class="fs-4 fw-semibold">{figure}</div>' in page
    for row in recounted["by_kind"]:
        cells = [row[name] for name in ("expected", *CATEGORIES)]
        cells += [row["totals"][code] for code in INTEGER_CODES]
        assert "".join(f'<td class="text-end">{n}</td>' for n in cells[:5]) in page
    for theme in recounted["themes"]:
        assert (
            f'<td class="text-end">{theme["plans"]}</td>'
            f'<td class="text-end">{theme["activities"]}</td></tr>'
        ) in page
    # The forms and the pagination stay off paper.
    assert page.count('<form method="get"') == page.count('<form method="get" class="row g-2')
    assert all("d-print-none" in form for form in page.split('<form method="get"')[1:])


def test_each_unit_below_links_to_its_own_dashboard_with_a_breadcrumb_back_up(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk, include="submitted")
    page = html(response)
    rows = [row for row in response.context["data"]["by_child"] if not row["is_scope"]]
    assert len(rows) >= 8
    assert drill_links(page) == {row["unit_id"] for row in rows}
    for row in rows:
        assert f'<a href="?include=submitted&amp;unit={row["unit_id"]}">' in page
    district = world.units["DA"]
    below = client.get(reverse("reports:dashboard"), {"include": "submitted", "unit": district.pk})
    assert below.status_code == 200
    assert below.context["data"]["unit_id"] == district.pk
    assert below.context["include"] == "submitted"
    assert [a["pk"] for a in below.context["breadcrumb"]] == [world.units["PV"].pk, district.pk]
    assert f'<a href="?include=submitted&amp;unit={world.units["PV"].pk}">' in html(below)


def drill_links(page):
    """The units the page links to its own dashboard for (links that start with "?")."""
    return {int(pk) for pk in re.findall(r'<a href="\?(?:[^"]*&amp;)?unit=(\d+)"', page)}


def breadcrumb(page):
    return page.split('<nav aria-label="breadcrumb">', 1)[1].split("</nav>", 1)[0]


def test_the_breadcrumb_shows_only_the_ancestors_within_the_users_scope(client, cast, world):
    response = get(client, cast["reviewer_a"], unit=world.units["A1"].pk)
    assert [a["pk"] for a in response.context["breadcrumb"]] == [
        world.units["DA"].pk,
        world.units["A1"].pk,
    ]
    trail = breadcrumb(html(response))
    assert world.units["PV"].name not in trail
    assert f'unit={world.units["DA"].pk}"' in trail and world.units["DA"].name in trail


def test_an_officer_sees_their_own_units_figures_without_links_into_the_units_below(
    client, cast, world
):
    response = get(client, cast["officer_a"])
    assert response.context["data"]["unit_id"] == world.units["DA"].pk
    page = html(response)
    assert [a["pk"] for a in response.context["breadcrumb"]] == [world.units["DA"].pk]
    assert response.context["data"]["by_child"]
    assert drill_links(page) == set()
    assert (
        response.context["data"]["headline"]
        == Recount(world).rollup("DA", YEAR, "accepted")["headline"]
    )


def test_the_year_and_campaign_switches_choose_the_figures(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk, year="2023")
    assert response.context["data"]["year"] == 2023
    assert (
        response.context["data"]["headline"]
        == Recount(world).rollup("PV", 2023, "accepted")["headline"]
    )
    assert '<option value="2023" selected>' in html(response)
    other = get(client, None, campaign=str(world.other.pk))
    assert other.context["data"]["campaign_id"] == world.other.pk
    assert other.context["campaign"] == world.other


def test_the_switch_to_every_submitted_report_changes_the_totals(client, cast, world):
    recount = Recount(world)
    accepted = get(client, cast["cspl"], unit=world.units["PV"].pk)
    submitted = get(client, None, unit=world.units["PV"].pk, include="submitted")
    assert (
        accepted.context["data"]["headline"] == recount.rollup("PV", YEAR, "accepted")["headline"]
    )
    assert (
        submitted.context["data"]["headline"] == recount.rollup("PV", YEAR, "submitted")["headline"]
    )
    assert (
        accepted.context["data"]["headline"]["totals"]
        != submitted.context["data"]["headline"]["totals"]
    )
    assert '<option value="submitted" selected>' in html(submitted)


def test_the_charts_are_inline_svg_with_no_script_and_nothing_fetched(client, cast, world):
    response = get(client, cast["cspl"], unit=world.units["PV"].pk)
    page = html(response)
    charts = response.context["charts"]
    assert set(charts) == {"status", "children", "kinds", "trend", "assessment"}
    for name, svg in charts.items():
        assert svg.startswith("<svg"), name
        assert "<script" not in svg and "javascript:" not in svg, name
        references = re.findall(r'(?:href|src)\s*=\s*["\']([^"\']*)', svg)
        references += re.findall(r"url\(\s*['\"]?([^)'\"]+)", svg)
        references += re.findall(r"@import", svg)
        assert all(ref.startswith("#") for ref in references), (name, references)
        # Inline, its style element carrying the response's CSP nonce.
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert svg.replace("<style", f'<style nonce="{nonce}"') in page
    # The page's only script is the project's own Bootstrap bundle.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/bootstrap/js/bootstrap.bundle.min.js">'
    ]


# --- the status grid -----------------------------------------------------------------------------
GRID_UNITS = 50


@pytest.fixture
def grid_district(tree, cast):
    """District G with 50 grassroots unions in every state (51 expected units with itself)."""
    campaign = make_campaign(tree["PV"], "grid", D(2023, 1, 1))
    period = Period.objects.get(campaign=campaign, year=YEAR)
    district = UnitFactory.create(parent=tree["PV"], kind=Unit.Kind.DISTRICT, code="DG")
    units = [district]
    for n in range(GRID_UNITS):
        parent = Unit.objects.get(pk=district.pk)
        units.append(UnitFactory.create(parent=parent, code=f"G{n:02d}", name=f"CĐCS {99 - n:02d}"))
    states = [
        None,
        (S.DRAFT, None),
        (S.SUBMITTED, local(due(YEAR), 23, 59)),
        (S.ACCEPTED, local(due(YEAR) + datetime.timedelta(days=1))),
        (S.RETURNED, local(due(YEAR), 8)),
    ]
    for n, unit in enumerate(units):
        state = states[n % len(states)]
        if state:
            AnnualReport.objects.create(
                unit=unit,
                campaign=campaign,
                year=YEAR,
                period=period,
                status=state[0],
                first_submitted_at=state[1],
                results="Đã tuyên truyền.",
                self_assessment="fair",
            )
    MembershipFactory(user=cast["cspl"], unit=Unit.objects.get(pk=district.pk), role="viewer")
    return Unit.objects.get(pk=district.pk)


def grid(client, district, **params):
    response = client.get(reverse("reports:dashboard"), {"unit": district.pk, **params})
    assert response.status_code == 200
    return response


def test_the_grid_lists_every_expected_unit_over_two_pages_with_a_link_to_each_report(
    client, cast, grid_district
):
    client.force_login(cast["cspl"])
    first = grid(client, grid_district)
    data, rows = first.context["data"], first.context["grid"]["rows"]
    assert data["headline"]["expected"] == first.context["grid"]["total"] == GRID_UNITS + 1
    assert (len(rows), first.context["grid"]["pages"]) == (50, 2)
    second = grid(client, grid_district, page="2")
    rows += second.context["grid"]["rows"]
    assert len(rows) == GRID_UNITS + 1
    assert [r["path"] for r in rows] == sorted(r["path"] for r in rows)
    assert len({r["pk"] for r in rows}) == GRID_UNITS + 1
    page = html(first) + html(second)
    for row in rows:
        link = (
            reverse("campaign:report_detail", args=[row["report__pk"]])
            if row["report__pk"]
            else None
        )
        if link:
            assert f'href="{link}"' in page
    linked = re.findall(r'href="/reports/(\d+)/"', page)
    assert sorted(int(pk) for pk in linked) == sorted(
        r["report__pk"] for r in rows if r["report__pk"]
    )
    assert len(linked) == 40  # every unit but the eleven with no report at all
    assert '&amp;page=2">' in html(first) and '&amp;page=1">' in html(second)


@pytest.mark.parametrize("status", CATEGORIES)
def test_the_grid_filtered_by_status_lists_as_many_units_as_the_rollup_counts(
    client, cast, grid_district, status
):
    client.force_login(cast["cspl"])
    response = grid(client, grid_district, status=status)
    counted = response.context["data"]["headline"][status]
    assert response.context["grid"]["total"] == counted
    rows = response.context["grid"]["rows"]
    assert len(rows) == counted > 0
    assert {row["category_name"] for row in rows} == {status}
    expected = {"on_time": 10, "late": 10, "returned": 10, "missing": 21}
    assert counted == expected[status]


def test_the_grid_filters_by_kind_and_sorts_by_name_or_status(client, cast, grid_district):
    client.force_login(cast["cspl"])
    grassroots = grid(client, grid_district, kind="grassroots").context["grid"]
    assert grassroots["total"] == GRID_UNITS == len(grassroots["rows"])
    assert {row["kind"] for row in grassroots["rows"]} == {"grassroots"}
    by_name = grid(client, grid_district, sort="name", kind="grassroots").context["grid"]["rows"]
    assert [row["name"] for row in by_name] == sorted(row["name"] for row in by_name)
    assert by_name[0]["name"] == "CĐCS 50"
    by_status = grid(client, grid_district, sort="status").context["grid"]["rows"]
    order = [CATEGORIES.index(row["category_name"]) for row in by_status]
    assert order == sorted(order) and order[0] == 0
    assert grid(client, grid_district, page="-5").context["grid"]["page"] == 1
    assert grid(client, grid_district, page="7").context["grid"]["page"] == 2


def test_the_figures_are_rendered_once_per_rollup_language_and_links(
    client, cast, world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from reports import dashboard as dashboard_module
    from units.dataversion import bump_data_version

    rendered = []
    real = dashboard_module.render_to_string

    def counting(*args, **kwargs):
        rendered.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_module, "render_to_string", counting)
    district = world.units["DA"]
    first = get(client, cast["reviewer_a"], unit=district.pk)
    again = get(client, cast["reviewer_a"], unit=district.pk)
    assert len(rendered) == 1  # the second page came from the cache

    def without_nonce(response):  # the only part that changes with every response
        return re.sub(r' nonce="[^"]+"', "", response.context["figures"])

    assert without_nonce(again) == without_nonce(first)
    assert drill_links(html(first))  # a reviewer may open the units below

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = get(client, cast["reviewer_a"], unit=district.pk)
    assert len(rendered) == 2
    assert "By unit directly below" in html(english)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    # The same figures, but an officer may open no unit below: no cached links leak to him.
    officer = get(client, cast["officer_a"], unit=district.pk)
    assert len(rendered) == 3
    assert drill_links(html(officer)) == set()

    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version()  # any write: new rollup, new figures
    get(client, cast["reviewer_a"], unit=district.pk)
    assert len(rendered) == 4


def test_the_wide_tables_head_each_indicator_by_its_number_in_the_list_of_figures(
    client, cast, world
):
    """Indicator names are sentences: cut to three words they read wrong, and whole they
    wrap a column header over five lines. Each column is headed "(n)", the indicator's
    number in the list of figures, with the whole name on hover and for screen readers."""
    page = html(get(client, cast["cspl"], unit=world.units["PV"].pk))
    for number, code in enumerate(INTEGER_CODES, start=1):
        name = f"Chỉ tiêu {code}"
        assert f'<td class="text-body-secondary text-nowrap">({number})</td><td>{name}</td>' in page
        header = (
            f'<th class="text-end text-nowrap" scope="col"><abbr title="{name}">({number})</abbr>'
            f'<span class="visually-hidden"> {name}</span></th>'
        )
        assert page.count(header) == 3, code  # by unit below, by kind, over the years
    assert "…</th>" not in page
    # The status headers never wrap, nor the names of the kinds of unit.
    assert page.count('<th class="text-end text-nowrap" scope="col">Đúng hạn</th>') == 2
    assert '<td class="text-nowrap">LĐLĐ huyện, thành phố</td>' in page
