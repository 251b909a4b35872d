"""The home page lists what waits for the user: plans to write, fix or review."""

import datetime
import re

from django.urls import reverse

from campaign import workflow
from campaign.models import Campaign
from campaign.pending import plan_items
from units.access import Scope


def pending_titles(client, user):
    """This provider's items, and the home page that lists them with the other apps' ones."""
    client.force_login(user)
    response = client.get(reverse("units:home"))
    titles = [item["title"] for item in plan_items(Scope(user))]
    listed = [item["title"] for item in response.context["pending"]]
    assert all(title in listed for title in titles)
    return titles, response


def running_now(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(first_year=datetime.date.today().year - 1)


def test_an_officer_is_asked_to_write_a_missing_plan(client, cast, campaign):
    running_now(campaign)
    titles, response = pending_titles(client, cast["officer_a1"])
    assert titles == ["Xây dựng kế hoạch triển khai của CĐCS A1"]
    assert reverse(
        "campaign:plan_start", args=[campaign.pk, cast["officer_a1"].memberships.get().unit_id]
    ) in (response.content.decode())


def test_an_officer_is_reminded_of_a_draft_and_of_a_returned_plan(client, cast, plan_a1):
    running_now(plan_a1.campaign)
    assert pending_titles(client, cast["officer_a1"])[0] == [
        "Gửi bản nháp kế hoạch triển khai của CĐCS A1"
    ]
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert pending_titles(client, cast["officer_a1"])[0] == []
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Bổ sung")
    assert pending_titles(client, cast["officer_a1"])[0] == [
        "Chỉnh sửa và gửi lại kế hoạch triển khai bị trả lại của CĐCS A1"
    ]


def test_a_reviewer_sees_how_many_plans_wait(client, cast, plan_a1, plan_b1):
    for plan, officer in ((plan_a1, "officer_a1"), (plan_b1, "officer_b1")):
        workflow.submission_submit(plan, user=cast[officer])
    assert pending_titles(client, cast["reviewer_a"])[0] == ["Có 1 kế hoạch chờ bạn xem xét"]
    assert pending_titles(client, cast["cspl"])[0] == ["Có 2 kế hoạch chờ bạn xem xét"]


def test_a_campaign_that_ended_asks_for_nothing(client, cast, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(first_year=2015, last_year=2016)
    assert pending_titles(client, cast["officer_a1"])[0] == []


def test_a_reopened_plan_is_not_called_returned(client, cast, plan_a1):
    running_now(plan_a1.campaign)
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    workflow.submission_reopen(plan_a1, user=cast["reviewer_a"], reason="Bổ sung lịch")
    assert pending_titles(client, cast["officer_a1"])[0] == [
        "Bổ sung và gửi lại kế hoạch triển khai được mở lại của CĐCS A1"
    ]


def test_the_campaign_page_asks_for_the_implementation_plan_as_the_home_page_does(
    client, cast, campaign
):
    # "Xây dựng kế hoạch" beside the campaign's own title read as writing the campaign; the
    # home page, the reminders and the e-mails say "kế hoạch triển khai".
    running_now(campaign)
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:campaign_detail", args=[campaign.pk])).content.decode()
    start = reverse(
        "campaign:plan_start", args=[campaign.pk, cast["officer_a1"].memberships.get().unit_id]
    )
    assert re.search(rf'href="{start}">\s*Xây dựng kế hoạch triển khai\s*</a>', page)
