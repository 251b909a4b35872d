"""The counting rule's invariants over random federations (Hypothesis).

Each example draws a tree (up to four levels, any kinds), the kinds a campaign addresses,
and for every unit a report in a random state with random figures, and a plan. Whatever
is drawn: an area's total is the sum of the included reports of its units, counted once;
the rows of a breakdown split the area; coverage never exceeds what is expected; the plans
counted never exceed the units counted; accepting more only ever adds.
"""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Plan, Status
from reports.rollup import rollup
from tests.factories import UnitFactory
from tests.fuzz.helpers import rolled_back
from units.models import Unit

YEAR = 2024
KINDS = [k for k in Unit.Kind.values if k != Unit.Kind.PROVINCE]
STATES = [None, Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED]
INCLUDED = {"accepted": {Status.ACCEPTED}, "submitted": {Status.SUBMITTED, Status.ACCEPTED}}
MOMENT = datetime.datetime(2024, 12, 1, 3, tzinfo=datetime.UTC)

# A node: (kind, report state, sessions, plan state, closed before the cut-off, children).
node = st.deferred(
    lambda: st.tuples(
        st.sampled_from(KINDS),
        st.sampled_from(STATES),
        st.integers(0, 500),
        st.sampled_from(STATES),
        st.booleans(),
        st.lists(node, max_size=3),
    )
)
federations = st.tuples(
    st.lists(node, min_size=1, max_size=4),
    st.lists(st.sampled_from(KINDS), min_size=1, unique=True),
)


def build(children, addressed):
    """The federation in the database, and its units as plain records for the recount."""
    root = UnitFactory.create(kind=Unit.Kind.PROVINCE, name="LĐLĐ tỉnh ngẫu nhiên")
    campaign = Campaign.objects.create(
        slug="random",
        number="1/KH",
        title="Kế hoạch",
        issuer=root,
        issued_on=datetime.date(2024, 1, 1),
        directive="Kế hoạch số 1",
        first_year=YEAR,
        last_year=YEAR,
        plan_due_on=datetime.date(2024, 3, 31),
        addressed_kinds=addressed,
    )
    sessions = Indicator.objects.create(campaign=campaign, code="sessions", name="Số buổi")
    Indicator.objects.create(
        campaign=campaign,
        code="plans",
        name="Số CĐCS có kế hoạch",
        source=Indicator.Source.PLANS,
        counted_kind=Unit.Kind.GRASSROOTS,
        order=1,
    )
    period = Period.objects.for_year(campaign, YEAR)
    records = {}  # pk: (path, kind, state, sessions, plan state, closed)

    def add(parent, drawn):
        kind, state, figure, plan_state, closed, below = drawn
        unit = UnitFactory.create(
            parent=Unit.objects.get(pk=parent.pk),
            kind=kind,
            closed_on=datetime.date(2024, 6, 30) if closed else None,
        )
        records[unit.pk] = (unit.path, kind, state, figure, plan_state, closed)
        if state is not None:
            report = AnnualReport.objects.create(
                unit=unit,
                campaign=campaign,
                year=YEAR,
                period=period,
                status=state,
                first_submitted_at=None if state == Status.DRAFT else MOMENT,
                results="Kết quả",
                self_assessment="good",
            )
            IndicatorValue.objects.create(report=report, indicator=sessions, int_value=figure)
        if plan_state is not None:
            Plan.objects.create(
                unit=unit,
                campaign=campaign,
                status=plan_state,
                first_submitted_at=None if plan_state == Status.DRAFT else MOMENT,
                doc_number="1/KH",
                doc_date=datetime.date(2024, 2, 1),
                signer="Chủ tịch",
                summary="Kế hoạch",
            )
        for child in below:
            add(unit, child)

    for drawn in children:
        add(root, drawn)
    return root, campaign, records


def recount(records, addressed, path, include):
    """The area of `path`: its expected units, its included reports and their sum, and the
    grassroots units with an included plan."""
    area = [r for r in records.values() if r[0].startswith(path)]
    expected = [r for r in area if r[1] in addressed and not r[5]]
    reports = [r for r in area if r[2] in INCLUDED[include]]
    plans = [r for r in expected if r[1] == "grassroots" and r[4] in INCLUDED[include]]
    return {
        "expected": len(expected),
        "included": sum(1 for r in expected if r[2] in INCLUDED[include]),
        "reports": len(reports),
        "sessions": sum(r[3] for r in reports) if reports else None,
        # Counted where grassroots unions file; elsewhere typed (here: never), so summed.
        "plans": (len(plans) if expected else None)
        if "grassroots" in addressed
        else (0 if reports else None),
        "grassroots": sum(1 for r in expected if r[1] == "grassroots"),
    }


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(federation=federations)
def test_every_area_adds_up_its_included_reports_once_whatever_the_tree(db, federation):
    children, addressed = federation
    with rolled_back():
        root, campaign, records = build(children, addressed)
        for include in INCLUDED:
            result = rollup(campaign, YEAR, root, include)
            wanted = recount(records, addressed, root.path, include)
            headline = result.headline
            assert headline.expected == wanted["expected"]
            assert headline.included == wanted["included"] <= headline.expected
            assert headline.reports == wanted["reports"]
            assert headline.totals["sessions"] == wanted["sessions"]
            assert headline.totals["plans"] == wanted["plans"]
            if wanted["plans"] is not None and "grassroots" in addressed:
                assert wanted["plans"] <= wanted["grassroots"]
            # The rows split the area: every report in exactly one row.
            assert sum(row.reports for row in result.by_child) == headline.reports
            assert sum(row.totals["sessions"] or 0 for row in result.by_child) == (
                headline.totals["sessions"] or 0
            )
            for row in result.by_child:
                if row.is_scope:
                    continue
                below = recount(records, addressed, row.path, include)
                assert (row.expected, row.included, row.reports) == (
                    below["expected"],
                    below["included"],
                    below["reports"],
                )
                assert row.totals["sessions"] == below["sessions"]
                assert row.from_below == (below["reports"] > 0 and not row.own_included)
        accepted = rollup(campaign, YEAR, root, "accepted").headline
        submitted = rollup(campaign, YEAR, root, "submitted").headline
        assert accepted.reports <= submitted.reports
        assert (accepted.totals["sessions"] or 0) <= (submitted.totals["sessions"] or 0)
