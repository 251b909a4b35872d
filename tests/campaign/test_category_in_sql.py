"""The categories of a unit's own report (on time, late, returned, missing) are one rule:
`counting.category` in Python, and `counting.category_conditions` / `category_case` in SQL,
which the rollup counts, filters and sorts with. Both must put every report in the same
category, at the boundaries too: the due day ends at midnight in Vietnam (UTC+7), not in
UTC."""

import datetime

import pytest
from django.db.models import Count, FilteredRelation, Q

from campaign.counting import CATEGORIES, category, category_case, category_conditions
from campaign.models import Period, Status
from tests.campaign.annual import make_report
from tests.factories import CampaignFactory, UnitFactory
from units.models import Unit

YEAR = 2015
DUE = datetime.date(2015, 12, 20)  # the campaign's default rule: 20/12
VN = datetime.timezone(datetime.timedelta(hours=7))


def vn(*args):
    """A moment in Vietnam's time."""
    return datetime.datetime(*args, tzinfo=VN)


# (status, first submitted at, the category written out), by unit code; None: no report.
CASES = {
    "early": (Status.ACCEPTED, vn(2015, 12, 1, 9), "on_time"),
    "last_instant": (Status.SUBMITTED, vn(2015, 12, 20, 23, 59, 59, 999999), "on_time"),
    # 23:59:59 in Vietnam, 16:59:59 in UTC: still the due day.
    "last_second_utc": (
        Status.ACCEPTED,
        datetime.datetime(2015, 12, 20, 16, 59, 59, tzinfo=datetime.UTC),
        "on_time",
    ),
    # Midnight in Vietnam (17:00 UTC on the due day): the day has ended.
    "at_the_end": (Status.SUBMITTED, vn(2015, 12, 21, 0, 0), "late"),
    "at_the_end_utc": (
        Status.ACCEPTED,
        datetime.datetime(2015, 12, 20, 17, 0, tzinfo=datetime.UTC),
        "late",
    ),
    "a_week_late": (Status.ACCEPTED, vn(2015, 12, 28, 10), "late"),
    "returned_on_time": (Status.RETURNED, vn(2015, 12, 10, 8), "returned"),
    "returned_late": (Status.RETURNED, vn(2016, 1, 5, 8), "returned"),
    "never_sent": (Status.DRAFT, None, "missing"),
    # Sent once, back in draft since: no report to count.
    "draft_again": (Status.DRAFT, vn(2015, 12, 1, 9), "missing"),
    # A report sent before first submissions were recorded: not counted as sent.
    "sent_undated": (Status.SUBMITTED, None, "missing"),
    "no_report": (None, None, "missing"),
}


@pytest.fixture
def filed(tree):
    """A unit for each case under the province, with its report as the case says."""
    campaign = CampaignFactory(issuer=tree["PV"])
    period = Period.objects.for_year(campaign, YEAR)
    assert period.due_on == DUE
    for code, (status, first_submitted_at, _expected) in CASES.items():
        unit = UnitFactory.create(parent=tree["PV"], code=code)
        if status is not None:
            make_report(
                unit, campaign, year=YEAR, status=status, first_submitted_at=first_submitted_at
            )
    return campaign


def joined(campaign):
    """The cases' units joined to their report of the year, as the rollup joins them (a
    unit without a report: an empty row)."""
    return Unit.objects.filter(code__in=CASES).annotate(
        report=FilteredRelation(
            "annualreports",
            condition=Q(annualreports__campaign=campaign, annualreports__year=YEAR),
        )
    )


def test_python_and_sql_put_every_report_in_the_category_written_out(filed):
    rows = (
        joined(filed)
        .annotate(sql=category_case(DUE, "report__"))
        .values_list("code", "report__status", "report__first_submitted_at", "sql")
    )
    in_python = {code: category(status, first, DUE) for code, status, first, _sql in rows}
    in_sql = {code: CATEGORIES[index] for code, _status, _first, index in rows}
    written = {code: case[2] for code, case in CASES.items()}
    assert in_python == written
    assert in_sql == written


def test_filtering_and_sorting_on_the_sql_category(filed):
    """The rollup's grid filters and sorts on the index: CATEGORIES' order."""
    rows = joined(filed).annotate(sql=category_case(DUE, "report__"))
    in_order = [CATEGORIES[index] for index in rows.order_by("sql").values_list("sql", flat=True)]
    assert in_order == ["on_time"] * 3 + ["late"] * 3 + ["returned"] * 2 + ["missing"] * 4
    late = rows.filter(sql=CATEGORIES.index("late")).values_list("code", flat=True)
    assert set(late) == {"a_week_late", "at_the_end", "at_the_end_utc"}


def test_the_counts_by_category_are_the_same_rule(filed):
    counts = joined(filed).aggregate(
        **{
            name: Count("pk", filter=condition)
            for name, condition in category_conditions(DUE, "report__").items()
        }
    )
    assert counts == {"on_time": 3, "late": 3, "returned": 2}
    # Each condition holds for exactly the units of its category; the missing ones are in
    # none of them.
    conditions = category_conditions(DUE, "report__")
    matched = {
        name: set(joined(filed).filter(condition).values_list("code", flat=True))
        for name, condition in conditions.items()
    }
    assert matched == {
        "on_time": {"early", "last_instant", "last_second_utc"},
        "late": {"at_the_end", "at_the_end_utc", "a_week_late"},
        "returned": {"returned_on_time", "returned_late"},
    }
    in_none = joined(filed).exclude(
        pk__in=joined(filed).filter(Q(*conditions.values(), _connector=Q.OR)).values("pk")
    )
    assert set(in_none.values_list("code", flat=True)) == {
        "never_sent",
        "draft_again",
        "sent_undated",
        "no_report",
    }
