"""A reviewer's home page counts the units they review that have not submitted the annual
report being written now, from a month before its deadline until its lock date, and, in
a campaign's first year, its plan from a month before the plan's due date."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from campaign.models import Campaign, Period, Plan, Status
from campaign.pending import plan_items, report_items
from tests.campaign.filings import make_plan, make_report
from units.access import Scope
from units.models import Unit

BELOW = {"PV": {"DA", "DB", "SE", "A1", "A2", "B1", "S1"}, "DA": {"A1", "A2"}}


def chase_items(user, today, provider=report_items):
    return [item for item in provider(Scope(user), today) if "chưa gửi" in item["title"]]


@pytest.mark.parametrize(("who", "unit"), [("cspl", "PV"), ("reviewer_a", "DA")])
def test_a_reviewer_is_told_how_many_units_have_not_submitted(tree, cast, campaign, who, unit):
    make_report(tree["A1"], campaign, 2026, Status.SUBMITTED)
    make_report(tree["A2"], campaign, 2026, Status.DRAFT)  # a draft is not submitted
    make_report(tree["B1"], campaign, 2025, Status.ACCEPTED)  # last year's does not count
    (item,) = chase_items(cast[who], datetime.date(2026, 12, 5))
    missing = len(BELOW[unit] - {"A1"})
    assert item["title"] == f"{missing} đơn vị bạn phụ trách chưa gửi báo cáo năm 2026"
    query = urlencode({"campaign": campaign.pk, "what": "report", "year": 2026})
    assert item["url"] == f"{reverse('campaign:late_units')}?{query}"
    assert item["deadline"]["on"] == datetime.date(2026, 12, 20)
    assert item["deadline"]["state"] == "upcoming"  # 15 days left


@pytest.mark.parametrize(
    ("today", "year", "state"),
    [
        (datetime.date(2026, 11, 1), None, None),  # more than a month before the deadline
        (datetime.date(2026, 11, 20), 2026, "upcoming"),
        (datetime.date(2027, 1, 10), 2026, "overdue"),  # late reports, until the lock
        (datetime.date(2027, 1, 25), None, None),  # locked; 2027's deadline is far off
    ],
)
def test_the_count_shows_from_a_month_before_the_deadline_to_the_lock(
    tree, cast, campaign, today, year, state
):
    items = chase_items(cast["reviewer_a"], today)
    if year is None:
        assert items == []
    else:
        (item,) = items
        assert f"năm {year}" in item["title"] and item["deadline"]["state"] == state


def test_nothing_is_counted_once_every_unit_has_submitted(tree, cast, campaign):
    for code in BELOW["DA"]:
        make_report(tree[code], campaign, 2026, Status.SUBMITTED)
    assert chase_items(cast["reviewer_a"], datetime.date(2026, 12, 5)) == []
    # An officer is asked for their own report instead, never given the count.
    assert chase_items(cast["officer_a"], datetime.date(2026, 12, 5)) == []


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (datetime.date(2015, 6, 1), None),  # two months before the plan is due
        (datetime.date(2015, 7, 20), "due_soon"),
        (datetime.date(2015, 9, 1), "overdue"),
        (datetime.date(2016, 2, 1), None),  # plans are chased in the campaign's first year
    ],
)
def test_a_reviewer_is_told_how_many_units_have_not_submitted_their_plan(
    tree, cast, campaign, today, state
):
    make_plan(tree["A1"], campaign, cast["officer_a1"], status=Status.SUBMITTED)
    make_plan(tree["A2"], campaign, cast["officer_a"])  # a draft
    items = chase_items(cast["reviewer_a"], today, plan_items)
    if state is None:
        assert items == []
        return
    (item,) = items
    missing = len(BELOW["DA"] - {"A1"})
    assert item["title"] == f"{missing} đơn vị bạn phụ trách chưa gửi kế hoạch triển khai"
    query = urlencode({"campaign": campaign.pk, "what": "plan", "year": 2015})
    assert item["url"] == f"{reverse('campaign:late_units')}?{query}"
    assert item["deadline"]["on"] == datetime.date(2015, 7, 31)
    assert item["deadline"]["state"] == state


def test_the_count_costs_the_same_queries_for_any_number_of_units(
    tree, cast, campaign, django_assert_num_queries
):
    from tests.factories import UnitFactory

    def cost():
        # the user's memberships (the scope), the campaigns and their periods, the units not
        # submitted, the reports waiting for review, the open obstacles
        with django_assert_num_queries(6) as captured:
            (item,) = chase_items(cast["cspl"], datetime.date(2026, 12, 5))
        return int(item["title"].split()[0]), len(captured)

    missing, queries = cost()
    for _ in range(10):
        UnitFactory.create(parent=tree["DA"])
    assert cost() == (missing + 10, queries)


def test_units_with_an_opening_day_count_before_the_years_period_is_written(tree, cast, campaign):
    # A union founded in 2020: until the year's period was written (by the first page that
    # needs it) the count left out every unit with an opening day.
    Unit.objects.add_child_after_history(
        tree["DA"],
        code="A3",
        name="CĐCS A3",
        kind="grassroots",
        opened_on=datetime.date(2020, 1, 1),
    )
    Period.objects.filter(campaign=campaign, year=2026).delete()
    (item,) = chase_items(cast["reviewer_a"], datetime.date(2026, 12, 5))
    assert item["title"] == "3 đơn vị bạn phụ trách chưa gửi báo cáo năm 2026"  # A1, A2, A3
    assert not Period.objects.filter(campaign=campaign, year=2026).exists()


def units_without_a_submitted_plan(campaign, under):
    """Recounted from the models: the open grassroots and district units strictly below
    `under` with no plan submitted or accepted."""
    sent = Plan.objects.filter(
        campaign=campaign, status__in=[Status.SUBMITTED, Status.ACCEPTED]
    ).values("unit_id")
    return (
        Unit.objects.filter(path__startswith=under.path, kind__in=campaign.addressed_kinds)
        .exclude(pk=under.pk)
        .exclude(pk__in=sent)
        .filter(closed_on__isnull=True)
        .count()
    )


def test_a_plan_due_in_december_is_still_chased_in_january(tree, cast, campaign):
    # The reminders go on weekly for eight weeks after the due date; the reviewer's count
    # and the officer's overdue badge vanished on 1 January, the units still late.
    Campaign.objects.filter(pk=campaign.pk).update(
        first_year=2026, plan_due_on=datetime.date(2026, 12, 20)
    )
    campaign.refresh_from_db()
    make_plan(tree["A1"], campaign, cast["officer_a1"], status=Status.SUBMITTED)
    january = datetime.date(2027, 1, 5)
    (item,) = chase_items(cast["reviewer_a"], january, plan_items)
    missing = units_without_a_submitted_plan(campaign, tree["DA"])
    assert missing == 1  # A2
    assert item["title"] == f"{missing} đơn vị bạn phụ trách chưa gửi kế hoạch triển khai"
    assert item["deadline"]["state"] == "overdue"
    (todo,) = [i for i in plan_items(Scope(cast["officer_a"]), january) if "CĐCS A2" in i["title"]]
    assert todo["deadline"]["state"] == "overdue"
    # Once the reminders have stopped, last year's plan is history, as before.
    assert chase_items(cast["reviewer_a"], datetime.date(2027, 3, 1), plan_items) == []


def test_a_plan_due_before_its_campaigns_first_year_is_asked_for(client, tree, cast, campaign):
    # A campaign for 2027 onwards whose plans are due by 31/12/2026: neither the officers nor
    # the reviewers were told of it in 2026 (it did not run yet), nor in 2027 (due last year).
    Campaign.objects.filter(pk=campaign.pk).update(
        first_year=2027, plan_due_on=datetime.date(2026, 12, 31)
    )
    campaign.refresh_from_db()
    december = datetime.date(2026, 12, 15)
    (item,) = chase_items(cast["reviewer_a"], december, plan_items)
    missing = units_without_a_submitted_plan(campaign, tree["DA"])
    assert missing == 2  # A1, A2
    assert item["title"] == f"{missing} đơn vị bạn phụ trách chưa gửi kế hoạch triển khai"
    assert item["deadline"]["state"] == "upcoming"
    client.force_login(cast["reviewer_a"])
    assert len(client.get(item["url"]).context["rows"]) == missing  # the list it opens
    titles = {i["title"]: i for i in plan_items(Scope(cast["officer_a1"]), december)}
    assert titles["Xây dựng kế hoạch triển khai của CĐCS A1"]["deadline"]["state"] == "upcoming"
    # More than a month before, nothing yet.
    assert chase_items(cast["reviewer_a"], datetime.date(2026, 11, 15), plan_items) == []
