"""The home page's lists ("Việc cần làm", "Đã gửi") say a campaign's long title once, above
the list, when every item belongs to that campaign (and, for what was sent, the unit when
every item is of one unit), and "Đã gửi" not again when "Việc cần làm" just above named the
same one; with two campaigns, each item names its own."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from campaign.models import Status
from tests.campaign.filings import file_plan, make_plan

HOME = reverse("units:home")


def _section(page: str, heading_id: str) -> str:
    """The HTML of the home page's section labelled by `heading_id`."""
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert match, heading_id
    return match.group(0)


@pytest.fixture
def sent_plan(tree, cast, campaign):
    return file_plan(make_plan, tree["A1"], campaign, cast["officer_a1"], Status.SUBMITTED)


def test_one_campaign_is_named_once_above_each_list(client, cast, campaign, sent_plan):
    client.force_login(cast["officer_a1"])
    page = client.get(HOME).content.decode()

    todo = _section(page, "pending")
    assert todo.count(campaign.title) == 1
    assert todo.index(campaign.title) < todo.index('<div class="list-group">')
    assert len(re.findall(r'class="list-group-item', todo)) >= 1

    # "Đã gửi" follows right below: the same long title again (four lines on a phone) would
    # say nothing new. Its unit is still said once.
    sent = _section(page, "sent")
    assert campaign.title not in sent and sent.count(sent_plan.unit.name) == 1
    assert f"{sent_plan.unit.name}</p>" in sent
    assert page.count(campaign.title) == 1


def test_what_was_sent_names_its_campaign_when_the_to_do_list_does_not(
    rf, cast, campaign, sent_plan
):
    request = rf.get(HOME)
    request.user = cast["officer_a1"]
    sent = Template("{% load officer_desk %}{% sent_box %}").render(
        Context({"request": request, "one_campaign": ""})
    )
    assert f"{sent_plan.unit.name} · {campaign.title}</p>" in sent


def test_two_campaigns_are_named_under_each_item(client, cast, campaign, other_campaign):
    client.force_login(cast["officer_a1"])
    todo = _section(client.get(HOME).content.decode(), "pending")
    items = re.findall(r'<a class="list-group-item.*?</a>', todo, re.S)
    named = [item for item in items if campaign.title in item or other_campaign.title in item]
    assert named == items and len(items) >= 2
    assert any(other_campaign.title in item for item in items)
    # Nothing above the list names one of them for all.
    assert campaign.title not in todo[: todo.index('<div class="list-group">')]


def test_a_count_across_campaigns_keeps_the_title_on_its_own_item(client, cast, campaign, tree):
    # A district reviewer with a plan waiting: "1 plan waits for your review" counts across
    # campaigns, so no title heads the list.
    file_plan(make_plan, tree["A1"], campaign, cast["officer_a1"], Status.SUBMITTED)
    client.force_login(cast["reviewer_a"])
    todo = _section(client.get(HOME).content.decode(), "pending")
    assert "chờ bạn xem xét" in todo
    assert campaign.title not in todo[: todo.index('<div class="list-group">')]
