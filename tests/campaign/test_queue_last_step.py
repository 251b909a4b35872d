"""Each queue row says who acted on it last: the last step a reviewer took (returned,
accepted, reopened), by whom (and for which unit, named as on that day, when not the
row's own) and on which day, or for a first submission who sent it. A
reviewer could not tell an item sent for the first time from one returned before. The
Excel download lists the same, and the pages cost no query more for it."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from campaign import workflow
from campaign.models import Plan, Status, Step
from tests.campaign.annual import COMPLETE, annual_campaign
from tests.campaign.annual import make_report as report_with_figures
from tests.campaign.filings import file_plan
from tests.campaign.list_export_files import exported
from tests.campaign.test_queue import QUEUE_QUERIES
from units.models import UnitState
from units.reorganisations import reorganisation_apply

PLANS = reverse("campaign:review_queue")
REPORTS = reverse("campaign:report_queue")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# Early in the morning in Viet Nam is the day before in UTC: the day shown is Viet Nam's.
RETURNED_AT = datetime.datetime(2024, 12, 2, 6, 30, tzinfo=LOCAL)
REOPENED_AT = datetime.datetime(2024, 12, 3, 9, 0, tzinfo=LOCAL)
# Today is 01/12/2024 (tests/campaign/conftest.py), when 2024's reports may be sent.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def named(cast):
    """The CSPL reviewer and A1's officer with their full names; B1's officer has none (the
    user name stands for them, as everywhere)."""
    cast["cspl"].full_name = "Nguyễn Thị Mai"
    cast["cspl"].save(update_fields=["full_name"])
    cast["officer_a1"].full_name = "Trần Văn Bình"
    cast["officer_a1"].save(update_fields=["full_name"])
    return cast


@pytest.fixture
def plans(tree, named, campaign, plan_factory, clock):
    """A1's plan sent for the first time; B1's returned by the CSPL board and sent again;
    A2's (filed by district A's officer) accepted, then reopened, and sent again."""
    cspl = named["cspl"]
    a1 = plan_factory(tree["A1"], campaign, named["officer_a1"])
    workflow.submission_submit(a1, user=named["officer_a1"])
    b1 = plan_factory(tree["B1"], campaign, named["officer_b1"])
    workflow.submission_submit(b1, user=named["officer_b1"])
    clock.moment = RETURNED_AT
    workflow.submission_return(b1, user=cspl, reason="Thiếu bản scan.")
    workflow.submission_submit(b1, user=named["officer_b1"])
    a2 = plan_factory(tree["A2"], campaign, named["officer_a"])
    workflow.submission_submit(a2, user=named["officer_a"])
    workflow.submission_accept(a2, user=cspl)
    clock.moment = REOPENED_AT
    workflow.submission_reopen(a2, user=cspl, reason="Bổ sung quý 4.")
    workflow.submission_submit(a2, user=named["officer_a"])
    return {"A1": a1, "A2": a2, "B1": b1}


def cells(page: str, label: str) -> list[str]:
    """The text of each row's cell labelled `label` (its name on a phone's card), in order."""
    found = re.findall(rf'<td[^>]*data-label="{label}"[^>]*>(.*?)</td>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in found]


def test_the_plan_queue_says_who_acted_last_on_each_plan(client, tree, named, plans):
    client.force_login(named["cspl"])
    page = client.get(PLANS, {"sort": "unit"}).content.decode()
    assert '<th scope="col">Xử lý gần nhất</th>' in page
    assert cells(page, "Đơn vị") == ["CĐCS A1", "CĐCS A2", "CĐCS B1"]
    assert cells(page, "Xử lý gần nhất") == [
        "Gửi lần đầu Trần Văn Bình",
        "Mở lại Nguyễn Thị Mai (LĐLĐ tỉnh Thử nghiệm) · 03/12/2024",
        "Trả lại Nguyễn Thị Mai (LĐLĐ tỉnh Thử nghiệm) · 02/12/2024",
    ]


def test_a_queue_of_another_status_names_the_step_that_led_there(
    client, tree, named, campaign, plan_factory, clock
):
    cspl = named["cspl"]
    plan = plan_factory(tree["A1"], campaign, named["officer_a1"])
    workflow.submission_submit(plan, user=named["officer_a1"])
    clock.moment = RETURNED_AT
    workflow.submission_accept(plan, user=cspl)
    # A plan sent before steps were recorded has none to tell.
    file_plan(plan_factory, tree["B1"], campaign, named["officer_b1"], Status.ACCEPTED)
    client.force_login(cspl)
    page = client.get(PLANS, {"status": Status.ACCEPTED, "sort": "unit"}).content.decode()
    assert cells(page, "Xử lý gần nhất") == [
        "Chấp nhận Nguyễn Thị Mai (LĐLĐ tỉnh Thử nghiệm) · 02/12/2024",
        "—",
    ]


def test_the_report_queue_says_who_returned_a_report_before(client, tree, named, clock):
    campaign = annual_campaign(tree)
    first = report_with_figures(tree["A1"], campaign, figures=COMPLETE)
    workflow.submission_submit(first, user=named["officer_a1"])
    again = report_with_figures(tree["B1"], campaign, figures=COMPLETE)
    workflow.submission_submit(again, user=named["officer_b1"])
    clock.moment = RETURNED_AT
    workflow.submission_return(again, user=named["cspl"], reason="Bổ sung")
    workflow.submission_submit(again, user=named["officer_b1"])
    client.force_login(named["cspl"])
    page = client.get(REPORTS, {"sort": "unit"}).content.decode()
    assert cells(page, "Xử lý gần nhất") == [
        "Gửi lần đầu Trần Văn Bình",
        "Trả lại Nguyễn Thị Mai (LĐLĐ tỉnh Thử nghiệm) · 02/12/2024",
    ]


def test_the_excel_download_lists_the_last_step_as_the_page_does(client, named, plans):
    rows = exported(client, named["cspl"], "campaign:review_queue_excel", sort="unit")
    last = [(row["Đơn vị"], row["Xử lý gần nhất"], row["Người xử lý gần nhất"]) for row in rows]
    assert last == [
        ("CĐCS A1", "Gửi lần đầu", "Trần Văn Bình"),
        ("CĐCS A2", "Mở lại", "Nguyễn Thị Mai (LĐLĐ tỉnh Thử nghiệm)"),
        ("CĐCS B1", "Trả lại", "Nguyễn Thị Mai (LĐLĐ tỉnh Thử nghiệm)"),
    ]
    # A real date, in Viet Nam's day; none for a first submission (its time is "Submitted").
    days = [row["Ngày xử lý gần nhất"] for row in rows]
    assert days == [None, datetime.datetime(2024, 12, 3), datetime.datetime(2024, 12, 2)]


def test_the_excel_download_of_reports_has_the_same_columns(client, tree, named):
    campaign = annual_campaign(tree)
    report = report_with_figures(tree["A1"], campaign, figures=COMPLETE)
    workflow.submission_submit(report, user=named["officer_a1"])
    [row] = exported(client, named["cspl"], "campaign:report_queue_excel")
    assert (row["Xử lý gần nhất"], row["Người xử lý gần nhất"]) == ("Gửi lần đầu", "Trần Văn Bình")


# (The session comes from the cache.) User, the reviewer's memberships (scope), the count for
# the paginator, the page of reports with unit, campaign, period, who entered them and each
# one's last step (subqueries of that query), the choices of the parent and campaign filters,
# the earliest campaign year (the year filter's choices); the bell's unread notices.
REPORT_QUEUE_QUERIES = 8


@pytest.mark.parametrize("count", [3, 30])
def test_the_report_queue_costs_the_same_queries_whatever_the_number_of_reports(
    client, tree, named, unit_factory, django_assert_num_queries, count
):
    campaign = annual_campaign(tree)
    for n in range(count):
        unit = unit_factory.create(parent=tree["DA"], kind="grassroots", code=f"Q{n}")
        report = report_with_figures(unit, campaign, figures=COMPLETE)
        workflow.submission_submit(report, user=named["officer_a"])
        if n % 2:
            workflow.submission_return(report, user=named["cspl"], reason="Bổ sung")
            workflow.submission_submit(report, user=named["officer_a"])
    client.force_login(named["cspl"])
    client.get(REPORTS)  # the session in the cache
    with django_assert_num_queries(REPORT_QUEUE_QUERIES):
        response = client.get(REPORTS)
    listed = list(response.context["page"])
    assert len(listed) == min(count, 25)
    returned = {step.object_id for step in Step.objects.filter(action=Step.Action.RETURN)}
    assert [item.last_step.label for item in listed] == [
        "Trả lại" if item.pk in returned else "Gửi lần đầu" for item in listed
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_the_plan_queue_reads_the_last_steps_in_its_own_query(
    client, tree, named, campaign, plan_factory, unit_factory, django_assert_num_queries, count
):
    for n in range(count):
        unit = unit_factory.create(parent=tree["DA"], kind="grassroots", code=f"Q{n}")
        plan = plan_factory(unit, campaign, named["officer_a"])
        workflow.submission_submit(plan, user=named["officer_a"])
        if n % 2:
            workflow.submission_return(plan, user=named["cspl"], reason="Bổ sung")
            workflow.submission_submit(plan, user=named["officer_a"])
    client.force_login(named["cspl"])
    client.get(PLANS)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(PLANS)
    returned = set(
        Step.objects.filter(action=Step.Action.RETURN).values_list("object_id", flat=True)
    )
    assert [plan.last_step.label for plan in response.context["page"]] == [
        "Trả lại" if plan.pk in returned else "Gửi lần đầu" for plan in response.context["page"]
    ]
    assert Plan.objects.count() == count


def test_the_last_step_names_the_unit_the_actor_acted_for_as_it_was_named_that_day(
    client, tree, named, campaign, plan_factory, clock, reorganise, admin_user
):
    # District A's officer filed A2's plan on its behalf in 2015; district A was renamed in
    # 2020. History does not move: the step names the unit the officer acted for as it was
    # named on the step's day, as the "filed on behalf" badge does, not as it is today.
    clock.moment = datetime.datetime(2015, 7, 20, 9, tzinfo=LOCAL)
    plan = plan_factory(tree["A2"], campaign, named["officer_a"])
    step = workflow.submission_submit(plan, user=named["officer_a"])
    assert step.actor_unit == tree["DA"]
    clock.moment = datetime.datetime(2024, 12, 1, 9, tzinfo=LOCAL)
    act = reorganise(
        datetime.date(2020, 1, 1),
        {"action": "rename", "unit_code": "DA", "name": "LĐLĐ huyện A mới", "short_name": ""},
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    tree["DA"].refresh_from_db()
    assert tree["DA"].name == "LĐLĐ huyện A mới"
    # The name then, recounted from the unit's eras.
    then = UnitState.objects.placed_on(datetime.date(2015, 7, 20)).get(unit=tree["DA"])
    client.force_login(named["cspl"])
    page = client.get(PLANS, {"sort": "unit"}).content.decode()
    assert cells(page, "Xử lý gần nhất") == [f"Gửi lần đầu {named['officer_a']} ({then.name})"]
    assert then.name == "LĐLĐ huyện A"
    # The Excel download names it the same.
    [row] = exported(client, named["cspl"], "campaign:review_queue_excel")
    assert row["Người xử lý gần nhất"] == f"{named['officer_a']} ({then.name})"


def test_the_last_step_leaves_out_the_unit_when_the_unit_acted_for_itself(
    client, tree, named, campaign, plan_factory
):
    plan = plan_factory(tree["A1"], campaign, named["officer_a1"])
    step = workflow.submission_submit(plan, user=named["officer_a1"])
    assert step.actor_unit == tree["A1"]
    client.force_login(named["cspl"])
    page = client.get(PLANS).content.decode()
    assert cells(page, "Xử lý gần nhất") == ["Gửi lần đầu Trần Văn Bình"]
