"""The counting rule, counted again in plain Python from what a test created, knowing
nothing of reports.rollup but the names of its two inclusion rules: `recount` over the
records of units and their reports, `recounted` over summaries.FILED, and
`recount_accepted`, the sums of the accepted reports of a demo area. The figures the
dashboard, the Excel export and the PDF show are checked against these. Used by
test_excel.py, test_pdf_figures.py, test_demo_figures.py and the other summary, chart and committee
desk tests."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from campaign.models import AnnualReport, Indicator, IndicatorValue, Status
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED
from tests.factories import UnitFactory
from tests.reports.summaries import FILED, YEAR, sent_at
from units.models import Unit

S = Status
D = datetime.date
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CUTOFF = D(2024, 12, 14)
DUE = D(2024, 12, 20)
INTEGER_CODES = ("sessions", "participants")


@dataclass
class Record:
    """A unit as the test made it, and its report (if any): plain data, no query."""

    code: str
    parent: str | None
    kind: str
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    status: str | None = None  # of its report for YEAR; None without one
    submitted: datetime.datetime | None = None
    figures: dict = field(default_factory=dict)


def records_of(units, reports=None):
    """The records of the units `units` (code: Unit) and `reports` (code: (status,
    first submission, figures)), from what the test created."""
    reports = reports or {}
    by_path = {unit.path: code for code, unit in units.items()}
    records = {}
    for code, unit in units.items():
        status, submitted, figures = reports.get(code, (None, None, {}))
        records[code] = Record(
            code,
            by_path.get(unit.path[: -Unit.steplen]),
            unit.kind,
            unit.opened_on,
            unit.closed_on,
            status,
            submitted,
            figures,
        )
    return records


def recount(records, top, include, addressed, cutoff=CUTOFF, due=DUE, codes=INTEGER_CODES):
    """The figures of `top`'s area by the README's counting rule, counted again: the expected
    units (of the area, an addressed kind, open at the cut-off) with their own report's category
    and whether it is included; the totals, the sum of the included reports of EVERY unit of
    the area (None when none is included). Returns {"headline", "by_kind", "by_child"}, each
    group a dict of the rollup's names."""
    included_statuses = {ACCEPTED_ONLY: {S.ACCEPTED}, ALL_SUBMITTED: {S.SUBMITTED, S.ACCEPTED}}
    included_statuses = included_statuses[include]

    def subtree(code):
        found = [code]
        for other in records.values():
            if other.parent == code:
                found += subtree(other.code)
        return found

    def expected(record):
        return (
            record.kind in addressed
            and (record.opened_on is None or record.opened_on <= cutoff)
            and (record.closed_on is None or record.closed_on > cutoff)
        )

    def category(record):
        if record.status == S.RETURNED:
            return "returned"
        if record.status in (S.SUBMITTED, S.ACCEPTED) and record.submitted:
            on = record.submitted.astimezone(LOCAL).date()
            return "on_time" if on <= due else "late"
        return "missing"

    def area(codes_in):
        group = [records[c] for c in codes_in]
        counted = [r for r in group if expected(r)]
        summed = [r for r in group if r.status in included_statuses]
        figures = dict.fromkeys(("on_time", "late", "returned", "missing"), 0)
        for record in counted:
            figures[category(record)] += 1
        figures["expected"] = len(counted)
        figures["submitted"] = figures["on_time"] + figures["late"]
        figures["included"] = sum(1 for r in counted if r.status in included_statuses)
        figures["reports"] = len(summed)
        for name, part in (
            ("rate", figures["submitted"]),
            ("on_time_rate", figures["on_time"]),
            ("coverage", figures["included"]),
        ):
            figures[name] = round(100 * part / len(counted), 1) if counted else None
        figures["totals"] = {
            code: sum(r.figures.get(code) or 0 for r in summed) if summed else None
            for code in codes
        }
        return figures

    inside = subtree(top)
    kinds = list(Unit.Kind.values)
    by_kind = []
    for kind in kinds:
        group = area([c for c in inside if records[c].kind == kind])
        if group["expected"] or group["reports"]:
            by_kind.append({**group, "kind": kind})
    by_child = []
    scope = records[top]
    if expected(scope) or scope.status in included_statuses:
        by_child.append({**area([top]), "code": top, "is_scope": True, "own": category(scope)})
    for record in records.values():
        if record.parent != top:
            continue
        group = area(subtree(record.code))
        if not (group["expected"] or group["reports"]):
            continue
        by_child.append(
            {
                **group,
                "code": record.code,
                "is_scope": False,
                "own": category(record) if expected(record) else "",
                "own_included": record.status in included_statuses,
                "from_below": group["reports"] > 0 and record.status not in included_statuses,
            }
        )
    return {"headline": area(inside), "by_kind": by_kind, "by_child": by_child}


def child(parent, code, **fields):
    unit = UnitFactory.create(parent=Unit.objects.get(pk=parent.pk), code=code, **fields)
    return Unit.objects.get(pk=unit.pk)


def recounted(tree, campaign, top="PV", include=ACCEPTED_ONLY, filed=FILED):
    """The counting rule over FILED (or `filed`), recounted in plain Python."""
    reports = {
        code: (status, sent_at(late) if status != Status.DRAFT else None, figures)
        for code, (status, late, figures) in filed.items()
    }
    units = {code: Unit.objects.get(pk=unit.pk) for code, unit in tree.items()}
    return recount(
        records_of(units, reports),
        top,
        include,
        campaign.addressed_kinds,
        cutoff=datetime.date(YEAR, 12, 14),
        due=datetime.date(YEAR, 12, 20),
    )


def recount_accepted(campaign, year, unit):
    """The typed whole-number figures of the accepted reports in `unit`'s area, summed in
    Python from the stored values."""
    typed = [
        i
        for i in Indicator.objects.filter(campaign=campaign, kind="integer")
        if not i.is_computed(campaign.addressed_kinds)
    ]
    totals = dict.fromkeys((i.code for i in typed), 0)
    reports = AnnualReport.objects.filter(
        campaign=campaign, year=year, status=Status.ACCEPTED, unit__path__startswith=unit.path
    )
    for value in IndicatorValue.objects.filter(report__in=reports, indicator__in=typed):
        totals[value.indicator.code] += value.int_value or 0
    return reports.count(), totals
