"""An obstacle's answer-by date (ten working days, counted in Viet Nam), when it becomes
overdue, and the home page's count of obstacles waiting for an answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Obstacle
from tests.campaign.annual import local
from tests.campaign.obstacle_data import form_data, listed, raise_obstacle, subjects
from tests.factories import CampaignFactory

LIST = reverse("campaign:obstacle_list")
CREATE = reverse("campaign:obstacle_create")


@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


def test_an_obstacle_raised_on_a_friday_is_due_ten_working_days_later(tree, people, campaign):
    obstacle = raise_obstacle(
        tree["A1"], campaign, people["officer_a1"], raised_at=local(2026, 11, 20, 10)
    )
    assert obstacle.answer_by == datetime.date(2026, 12, 4)


def test_the_answer_by_date_counts_from_the_day_in_viet_nam_not_in_utc(
    client, tree, people, campaign, freeze
):
    # 17:30 UTC on Thursday 19/11 is already 00:30 on Friday 20/11 in Viet Nam.
    freeze(datetime.datetime(2026, 11, 19, 17, 30, tzinfo=datetime.UTC))
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("campaign:obstacle_detail", args=[obstacle.pk])
    assert obstacle.answer_by == datetime.date(2026, 12, 4)


def test_an_open_obstacle_is_not_overdue_on_its_answer_by_day(
    client, people, due_on_4_december, freeze
):
    freeze(local(2026, 12, 4, 23, 59))
    client.force_login(people["cspl"])
    response = client.get(LIST, {"overdue": "true"})
    assert subjects(response) == []
    assert "obstacle-overdue" not in response.content.decode()


def test_an_open_obstacle_becomes_overdue_at_midnight_in_viet_nam(
    client, people, due_on_4_december, freeze
):
    # 17:01 UTC on 04/12 is 00:01 on 05/12 in Viet Nam: the UTC date would say "not yet".
    freeze(datetime.datetime(2026, 12, 4, 17, 1, tzinfo=datetime.UTC))
    client.force_login(people["cspl"])
    overdue = client.get(LIST, {"overdue": "true"})
    assert subjects(overdue) == ["Còn mở"]
    assert "obstacle-overdue" in overdue.content.decode()
    assert subjects(client.get(LIST, {"overdue": "false"})) == ["Còn hạn", "Đã trả lời"]
    assert subjects(client.get(LIST)) == ["Còn hạn", "Còn mở", "Đã trả lời"]


def test_an_answered_obstacle_is_never_overdue(client, people, due_on_4_december, freeze):
    freeze(local(2027, 1, 15))
    client.force_login(people["cspl"])
    assert subjects(client.get(LIST, {"overdue": "true"})) == ["Còn hạn", "Còn mở"]


def test_the_home_pages_count_leads_to_the_obstacles_the_reviewer_answers(
    client, people, tree, campaign, obstacle_a1
):
    from campaign.pending import report_items
    from units.access import Scope

    # District A raised one of its own: the province answers it, not district A's reviewer,
    # who still sees it in the list.
    raise_obstacle(tree["DA"], campaign, people["officer_a"], subject="Của huyện A")
    reviewer = people["reviewer_a"]
    [item] = [
        i for i in report_items(Scope(reviewer), timezone.localdate()) if "vướng" in i["title"]
    ]
    assert item["title"].startswith("Có 1 vướng mắc chờ trả lời")
    client.force_login(reviewer)
    assert listed(client.get(item["url"])) == ["A1"]
    assert listed(client.get(reverse("campaign:obstacle_list"), {"status": "open"})) == ["A1", "DA"]


def test_the_home_pages_count_names_the_overdue_only_when_there_are_some(
    people, tree, campaign, obstacle_a1
):
    from campaign.pending import report_items
    from units.access import Scope

    def title():
        items = report_items(Scope(people["reviewer_a"]), timezone.localdate())
        return next(i["title"] for i in items if "vướng" in i["title"])

    # It read "Có 1 vướng mắc chờ trả lời, 0 quá hạn".
    assert title() == "Có 1 vướng mắc chờ trả lời"
    late = raise_obstacle(tree["A2"], campaign, people["officer_a"], subject="Quá hạn")
    Obstacle.objects.filter(pk=late.pk).update(
        answer_by=timezone.localdate() - datetime.timedelta(1)
    )
    assert title() == "Có 2 vướng mắc chờ trả lời, 1 quá hạn"
