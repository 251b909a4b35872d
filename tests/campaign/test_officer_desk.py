"""The officer's to-do list ("Việc cần làm") gives each task the deadline of the current
campaign year and says in words whether it is upcoming, due soon or overdue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import workflow
from campaign.models import AnnualReport, Campaign, Period
from campaign.pending import DUE_SOON_DAYS, deadline, plan_items, report_items
from units.access import Scope

HOME = reverse("units:home")
# Today is 01/12/2024, 09:00 in Viet Nam (the `clock` of tests/campaign/conftest.py), read as
# the portal reads it (timezone.localdate()): a run that crossed midnight in Viet Nam between
# a test's setting of a deadline and the page's reading of it saw another day's state.
pytestmark = pytest.mark.usefixtures("clock")


def running_now(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(first_year=timezone.localdate().year - 1)
    campaign.refresh_from_db()


def this_years_report_due(campaign, due):
    """Last year's reports locked yesterday, this year's are due on `due`: the year being
    written is this year, whatever the day the test runs."""
    today = timezone.localdate()
    defaults = Period.defaults(campaign, today.year - 1)
    yesterday = today - datetime.timedelta(days=1)
    Period.objects.update_or_create(
        campaign=campaign,
        year=today.year - 1,
        defaults={**defaults, "due_on": yesterday, "locks_on": yesterday},
    )
    Period.objects.update_or_create(
        campaign=campaign,
        year=today.year,
        defaults={
            **Period.defaults(campaign, today.year),
            "due_on": due,
            "locks_on": max(due, today) + datetime.timedelta(days=30),
        },
    )


def report_item(user):
    items = [i for i in report_items(Scope(user)) if "báo cáo năm" in i["title"]]
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize(
    ("days", "state"),
    [
        (-1, "overdue"),
        (0, "due_soon"),
        (DUE_SOON_DAYS, "due_soon"),
        (DUE_SOON_DAYS + 1, "upcoming"),
    ],
)
def test_a_deadline_is_overdue_due_soon_or_upcoming(days, state):
    today = datetime.date(2026, 12, 4)
    found = deadline(today + datetime.timedelta(days=days), today)
    assert found["state"] == state
    assert found["days"] == days


def test_no_deadline_has_no_state():
    assert deadline(None, datetime.date(2026, 12, 4)) is None


@pytest.mark.parametrize(
    ("days", "words", "css"),
    [
        (5, "Sắp đến hạn", "text-bg-warning"),
        (-3, "Quá hạn", "text-bg-danger"),
        (40, "Còn thời gian", "text-bg-light"),
    ],
)
def test_this_years_report_deadline_is_on_the_home_page_with_its_state_in_words(
    client, cast, campaign, days, words, css
):
    running_now(campaign)
    due = timezone.localdate() + datetime.timedelta(days=days)
    this_years_report_due(campaign, due)
    client.force_login(cast["officer_a1"])
    html = client.get(HOME).content.decode()
    badge = f"{words} · hạn {due:%d/%m/%Y}"
    assert badge in html
    # The state is in the badge's text, not only in its colour.
    assert f'class="badge text-wrap {css}' in html
    item = report_item(cast["officer_a1"])
    assert item["deadline"]["on"] == due
    assert f"{timezone.localdate().year} của CĐCS A1" in item["title"]


def test_a_plan_due_in_a_past_campaign_year_shows_no_stale_deadline(client, cast, campaign):
    running_now(campaign)  # the plan was due on 31/07/2015
    [item] = plan_items(Scope(cast["officer_a1"]))
    assert item["title"] == "Xây dựng kế hoạch triển khai của CĐCS A1"
    assert item["deadline"] is None
    client.force_login(cast["officer_a1"])
    html = client.get(HOME).content.decode()
    assert "Xây dựng kế hoạch triển khai của CĐCS A1" in html
    assert "31/07/2015" not in html


def test_a_plan_due_this_year_shows_its_deadline(client, cast, campaign):
    running_now(campaign)
    due = timezone.localdate() + datetime.timedelta(days=3)
    Campaign.objects.filter(pk=campaign.pk).update(plan_due_on=due)
    [item] = plan_items(Scope(cast["officer_a1"]))
    assert item["deadline"]["state"] == "due_soon"
    client.force_login(cast["officer_a1"])
    assert f"Sắp đến hạn · hạn {due:%d/%m/%Y}" in client.get(HOME).content.decode()


def test_a_returned_report_asks_for_a_fix_before_the_reports_lock(
    client, cast, campaign, report_factory
):
    # Its lateness was settled by its first submission; what is left is to resubmit it
    # before the year's reports lock, and that is the date it shows.
    running_now(campaign)
    today = timezone.localdate()
    due = today + datetime.timedelta(days=5)
    this_years_report_due(campaign, due)
    report = report_factory(cast["officer_a1"].memberships.get().unit, campaign, today.year)
    draft = report_item(cast["officer_a1"])
    assert (draft["deadline"]["state"], draft["deadline"]["on"]) == ("due_soon", due)
    report.status = "returned"
    report.save()
    returned = report_item(cast["officer_a1"])
    locks_on = due + datetime.timedelta(days=30)  # as this_years_report_due sets it
    assert (returned["deadline"]["state"], returned["deadline"]["on"]) == ("upcoming", locks_on)
    assert returned["url"] == report.get_absolute_url()
    client.force_login(cast["officer_a1"])
    assert f"Còn thời gian · hạn {locks_on:%d/%m/%Y}" in client.get(HOME).content.decode()


def test_a_year_whose_reports_are_locked_asks_for_nothing(cast, campaign):
    running_now(campaign)
    today = timezone.localdate()
    this_years_report_due(campaign, today - datetime.timedelta(days=60))
    Period.objects.filter(campaign=campaign, year=today.year).update(
        locks_on=today - datetime.timedelta(days=1)
    )
    titles = [i["title"] for i in report_items(Scope(cast["officer_a1"]))]
    assert not [title for title in titles if "báo cáo năm" in title]


def test_submitting_takes_the_task_off_the_list(cast, campaign, plan_a1):
    running_now(campaign)
    assert plan_items(Scope(cast["officer_a1"]))
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert plan_items(Scope(cast["officer_a1"])) == []


def test_the_reports_to_do_list_costs_a_fixed_number_of_queries(
    cast, campaign, django_assert_max_num_queries, tree
):
    running_now(campaign)
    this_years_report_due(campaign, timezone.localdate() + datetime.timedelta(days=5))
    scope = Scope(cast["officer_a"])
    scope.filing_units  # noqa: B018 -- the memberships are read once, before counting
    # The campaigns, their periods, the unit's reports; the issuer's area once per campaign.
    with django_assert_max_num_queries(5):
        report_items(scope)


def test_a_report_of_a_locked_year_a_reviewer_opened_again_is_on_the_list(cast, campaign):
    # Opened late, or reopened, after its lock date: the unit can file it now.
    running_now(campaign)
    today = timezone.localdate()
    this_years_report_due(campaign, today - datetime.timedelta(days=60))
    period = Period.objects.get(campaign=campaign, year=today.year)
    Period.objects.filter(pk=period.pk).update(locks_on=today - datetime.timedelta(days=1))
    report = AnnualReport.objects.create(
        unit=cast["officer_a1"].memberships.get().unit,
        campaign=campaign,
        year=today.year,
        period=period,
        results="Mở muộn.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )
    titles = [i["title"] for i in report_items(Scope(cast["officer_a1"]))]
    assert not [title for title in titles if "báo cáo năm" in title]  # locked: not yet
    AnnualReport.objects.filter(pk=report.pk).update(reopened_at=timezone.now())
    [item] = [i for i in report_items(Scope(cast["officer_a1"])) if "báo cáo năm" in i["title"]]
    assert item["title"] == f"Hoàn thành và gửi báo cáo năm {today.year} của CĐCS A1"
    assert item["url"] == report.get_absolute_url()


def test_a_unit_opened_after_the_plans_were_due_is_shown_no_deadline(cast, campaign, tree):
    running_now(campaign)
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(plan_due_on=today - datetime.timedelta(days=5))
    type(tree["A1"]).objects.filter(pk=tree["A1"].pk).update(opened_on=today)
    [item] = plan_items(Scope(cast["officer_a1"]))
    assert item["deadline"] is None


@pytest.mark.parametrize("who", ["officer_a", "reviewer_a"])
def test_the_home_page_costs_the_same_queries_for_more_units_and_documents(
    client, cast, campaign, tree, who
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaign.models import Obstacle, Plan, Status
    from tests.campaign.filings import make_plan, make_report
    from tests.factories import UnitFactory

    running_now(campaign)
    this_years_report_due(campaign, timezone.localdate() + datetime.timedelta(days=5))
    client.force_login(cast[who])

    def cost():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(HOME)
        assert response.status_code == 200
        return len(captured), response

    cost()  # what a process reads once (content types) is read
    before, _response = cost()
    # Units below district A with no officer of their own (officer_a files for them), with a
    # plan and a report in every state, and an obstacle each.
    states = [Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.ACCEPTED]
    for n, state in enumerate(states * 2):
        unit = UnitFactory.create(parent=tree["DA"], kind="grassroots", code=f"X{n}")
        make_plan(unit, campaign, cast["officer_a"], status=state)
        make_report(unit, campaign, timezone.localdate().year, state)
        Obstacle.objects.create(
            unit=unit, campaign=campaign, subject="Hỏi", text="Hỏi gì", raised_by=cast["officer_a"]
        )
    after, response = cost()
    assert after == before
    if who == "reviewer_a":
        # Recounted from the models: the plans of open units below district A sent for review.
        waiting = Plan.objects.filter(
            unit__path__startswith=tree["DA"].path, status=Status.SUBMITTED
        ).count()
        assert waiting == 2
        assert f"Có {waiting} kế hoạch chờ bạn xem xét" in response.content.decode()
