"""A past year's plan figures count each plan as it stood at the end of that year's cut-off
day (History does not move, DESIGN.md): the plans filed by then, the plans accepted then, the
computed "grassroots unions that issued their own plan" and the accepted plans covering each
content item. They read today's status: a plan reopened in 2026 left 2024 and 2025, and one
accepted only in 2025 counted as accepted in 2024. The expected figures are recounted here
from the plans' workflow steps."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from campaign import workflow
from campaign.models import Indicator, Period, Plan, Status, Step, Theme
from reports.rollup import rollup
from tests.campaign.filings import make_plan
from tests.factories import CampaignFactory
from units.models import Unit

pytestmark = pytest.mark.usefixtures("fresh_version", "fresh_cache")

D = datetime.date
Action = Step.Action
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day):
    return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(
        issuer=tree["PV"],
        slug="plans-then",
        number="1/KH-LĐLĐ",
        title="Kế hoạch tuyên truyền CCHC",
        issued_on=D(2024, 1, 10),
        first_year=2024,
        plan_due_on=D(2024, 3, 31),
        addressed_kinds=["district", "sector", "grassroots"],
    )
    Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    Indicator.objects.create(
        campaign=campaign,
        code="grassroots_plans",
        name="Số CĐCS đã ban hành kế hoạch",
        kind=Indicator.Kind.INTEGER,
        order=1,
        source=Indicator.Source.PLANS,
        counted_kind=Unit.Kind.GRASSROOTS,
    )
    return campaign


def story(plan, cast, officer, steps):
    """Take `steps` ((action, day), ...) on `plan` through the workflow, then date each
    step, and the plan's first submission, on its day of the story."""
    for action, _day in steps:
        plan.refresh_from_db()
        if action == Action.SUBMIT:
            workflow.submission_submit(plan, user=cast[officer])
        elif action == Action.ACCEPT:
            workflow.submission_accept(plan, user=cast["cspl"])
        else:
            getattr(workflow, f"submission_{action}")(plan, user=cast["cspl"], reason="Bổ sung")
    recorded = list(plan.steps.order_by("at", "pk"))
    assert [s.action for s in recorded] == [action for action, _day in steps]
    for step, (_action, day) in zip(recorded, steps, strict=True):
        Step.objects.filter(pk=step.pk).update(at=at(day))
    Plan.objects.filter(pk=plan.pk).update(first_submitted_at=at(steps[0][1]))


@pytest.fixture
def plans(tree, cast, campaign):
    # A1: accepted in April 2024, reopened in March 2026 to be brought up to date.
    a1 = make_plan(tree["A1"], campaign, cast["officer_a1"], doc_date=D(2024, 4, 1))
    story(
        a1,
        cast,
        "officer_a1",
        [
            (Action.SUBMIT, D(2024, 4, 1)),
            (Action.ACCEPT, D(2024, 4, 10)),
            (Action.REOPEN, D(2026, 3, 5)),
        ],
    )
    # A2: sent in April 2024, returned, sent again and accepted only in 2025.
    a2 = make_plan(tree["A2"], campaign, cast["officer_a1"], doc_date=D(2024, 4, 1))
    story(
        a2,
        cast,
        "officer_a",  # A2 has no officer of its own: district A files for it
        [
            (Action.SUBMIT, D(2024, 4, 2)),
            (Action.RETURN, D(2024, 4, 5)),
            (Action.SUBMIT, D(2025, 1, 20)),
            (Action.ACCEPT, D(2025, 2, 1)),
        ],
    )
    # B1: first sent and accepted in January 2026, after 2025's cut-off.
    b1 = make_plan(tree["B1"], campaign, cast["officer_a1"], doc_date=D(2026, 1, 5))
    story(
        b1, cast, "officer_b1", [(Action.SUBMIT, D(2026, 1, 10)), (Action.ACCEPT, D(2026, 1, 15))]
    )
    return [a1, a2, b1]


def recount(campaign, year, statuses):
    """(filed, in `statuses`) at the end of `year`'s cut-off day, from the steps: a plan is
    filed once a step sent it by then, and stands in the status its last step then left."""
    # The end of the cut-off day: midnight at the start of the next day, in Viet Nam's time.
    cut_off = Period.objects.for_year(campaign, year).ends_on
    end = datetime.datetime.combine(cut_off + datetime.timedelta(days=1), datetime.time(), LOCAL)
    filed = held = 0
    for plan in Plan.objects.filter(campaign=campaign):
        then = [s for s in plan.steps.order_by("at", "pk") if s.at < end]
        filed += any(s.action == Action.SUBMIT for s in then)
        held += bool(then) and then[-1].to_status in statuses
    return filed, held


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_past_years_plan_figures_are_those_of_its_cut_off(tree, campaign, plans, year):
    figures = rollup(campaign, year, tree["PV"])
    filed, accepted = recount(campaign, year, {Status.ACCEPTED})
    assert (figures.headline.plans_filed, figures.headline.plans_accepted) == (filed, accepted)
    # The three plans are grassroots unions': the computed indicator counts the same ones.
    assert figures.headline.totals["grassroots_plans"] == accepted
    (theme,) = figures.themes
    assert theme.plans == accepted
    # By hand: 2024 had A1 and A2 filed, A1 accepted; 2025 both accepted (A1 not reopened
    # yet); B1 came in 2026.
    assert (filed, accepted) == {2024: (2, 1), 2025: (2, 2)}[year]


def test_with_every_submitted_report_the_plans_sent_then_count(tree, campaign, plans):
    figures = rollup(campaign, 2024, tree["PV"], include="submitted")
    _filed, included = recount(campaign, 2024, {Status.SUBMITTED, Status.ACCEPTED})
    assert figures.headline.totals["grassroots_plans"] == included == 1  # A2 was returned


def test_the_trend_keeps_each_years_count_of_its_cut_off(tree, campaign, plans):
    # The years before the one shown come from the units part of the trend.
    this_year = rollup(campaign, 2026, tree["PV"])
    counted = {row.year: row.totals.get("grassroots_plans") for row in this_year.trend}
    assert counted[2024] == recount(campaign, 2024, {Status.ACCEPTED})[1] == 1
    assert counted[2025] == recount(campaign, 2025, {Status.ACCEPTED})[1] == 2


def test_a_plan_with_no_step_by_the_cut_off_keeps_todays_status(tree, cast, campaign):
    # Kept from before steps were recorded: only today's status is known.
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], doc_date=D(2024, 4, 1))
    Plan.objects.filter(pk=plan.pk).update(
        status=Status.ACCEPTED, first_submitted_at=at(D(2024, 4, 1))
    )
    figures = rollup(campaign, 2024, tree["PV"])
    assert (figures.headline.plans_filed, figures.headline.plans_accepted) == (1, 1)
