"""A plan's or report's history names the unit each actor acted for as it was named on the
step's day, not as it is today: history does not move. The page reads those names in the
query of its steps, whatever their number."""

import datetime
import re
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from campaign import workflow
from campaign.models import AnnualReport, Plan, Step
from tests.campaign.annual import COMPLETE, annual_campaign, make_report
from tests.campaign.test_annual_report_queries import REVIEWER_DETAIL_QUERIES
from tests.campaign.test_plan_views import REVIEWER_PLAN_PAGE_QUERIES
from tests.pages import login
from units.models import UnitState
from units.reorganisations import reorganisation_apply

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FILED_ON = datetime.date(2015, 7, 20)


def acting_units(page: str) -> list[str]:
    """The units named beside the actors in the timeline, in order."""
    timeline = page[page.index('class="timeline') :]
    return re.findall(r"<span data-actor-unit>\((.*?)\)</span>", timeline)


def rename_district_a(reorganise, admin_user, tree):
    """District A renamed in 2020, after the steps; its name on FILED_ON, recounted from its
    eras."""
    act = reorganise(
        datetime.date(2020, 1, 1),
        {"action": "rename", "unit_code": "DA", "name": "LĐLĐ huyện A mới", "short_name": ""},
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    tree["DA"].refresh_from_db()
    assert str(tree["DA"]) == "LĐLĐ huyện A mới"
    then = UnitState.objects.placed_on(FILED_ON).get(unit=tree["DA"]).name
    assert then == "LĐLĐ huyện A"
    return then


def test_the_plan_history_names_the_acting_unit_as_it_was_named_that_day(
    client,
    tree,
    cast,
    campaign,
    plan_factory,
    clock,
    reorganise,
    admin_user,
    django_assert_num_queries,
):
    # District A's officer filed A2's plan on its behalf in 2015, district A's reviewer
    # returned it and the officer sent it again: three steps acted for district A.
    clock.moment = datetime.datetime(2015, 7, 20, 9, tzinfo=LOCAL)
    plan = plan_factory(tree["A2"], campaign, cast["officer_a"])
    workflow.submission_submit(plan, user=cast["officer_a"])
    workflow.submission_return(plan, user=cast["reviewer_a"], reason="Bổ sung")
    workflow.submission_submit(plan, user=cast["officer_a"])
    assert {step.actor_unit_id for step in Step.objects.all()} == {tree["DA"].pk}
    clock.moment = datetime.datetime(2024, 12, 1, 9, tzinfo=LOCAL)
    then = rename_district_a(reorganise, admin_user, tree)
    login(client, cast["cspl"])
    ContentType.objects.get_for_model(Plan)  # cached for the process once looked up
    with django_assert_num_queries(REVIEWER_PLAN_PAGE_QUERIES):
        response = client.get(reverse("campaign:plan_detail", args=[plan.pk]))
    assert acting_units(response.content.decode()) == [then, then, then]


def test_the_report_history_names_the_acting_unit_as_it_was_named_that_day(
    client, tree, cast, clock, reorganise, admin_user, django_assert_num_queries
):
    report = make_report(tree["A1"], annual_campaign(tree), figures=COMPLETE)
    workflow.submission_submit(report, user=cast["officer_a1"])
    workflow.submission_return(report, user=cast["reviewer_a"], reason="Bổ sung")
    workflow.submission_submit(report, user=cast["officer_a1"])
    workflow.submission_return(report, user=cast["reviewer_a"], reason="Bổ sung nữa")
    # Recorded in 2015, before district A was renamed.
    Step.objects.update(at=datetime.datetime(2015, 7, 20, 9, tzinfo=LOCAL))
    then = rename_district_a(reorganise, admin_user, tree)
    login(client, cast["cspl"])
    ContentType.objects.get_for_model(AnnualReport)
    with django_assert_num_queries(REVIEWER_DETAIL_QUERIES):
        response = client.get(reverse("campaign:report_detail", args=[report.pk]))
    # A1's own steps go without their unit; district A's reviewer's name the district.
    assert acting_units(response.content.decode()) == [then, then]
