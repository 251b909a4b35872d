"""The list of obstacles: who sees which, its order, pages and filters, what an empty list
says, and the way back to a filtered list from an obstacle."""

import html
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaign.models import Obstacle
from tests.campaign.annual import local
from tests.campaign.obstacle_data import listed, raise_obstacle, subjects
from tests.factories import CampaignFactory

S = Obstacle.Status
LIST = reverse("campaign:obstacle_list")


@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


@pytest.fixture
def everywhere(tree, people, campaign):
    return {
        code: raise_obstacle(tree[code], campaign, people["officer_a1"])
        for code in ("DA", "A1", "A2", "B1", "S1")
    }


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("outsider", []),
        ("officer_a1", ["A1"]),
        ("officer_b1", ["B1"]),
        ("officer_a", ["A1", "A2", "DA"]),
        ("reviewer_a", ["A1", "A2", "DA"]),
        ("reviewer_b", ["B1"]),
        ("cspl", ["A1", "A2", "B1", "DA", "S1"]),
        ("standing", ["A1", "A2", "B1", "DA", "S1"]),
    ],
)
def test_the_list_shows_the_obstacles_in_the_users_scope(client, people, everywhere, who, codes):
    client.force_login(people[who])
    assert listed(client.get(LIST)) == codes


def test_the_list_shows_the_newest_obstacle_first_with_its_dates_and_status(
    client, tree, people, campaign
):
    old = raise_obstacle(tree["A1"], campaign, people["officer_a1"], raised_at=local(2026, 3, 2))
    new = raise_obstacle(tree["A1"], campaign, people["officer_a1"], raised_at=local(2026, 3, 9))
    client.force_login(people["officer_a1"])
    response = client.get(LIST)
    assert list(response.context["page"].object_list) == [new, old]
    page = response.content.decode()
    assert "09/03/2026" in page and "02/03/2026" in page
    assert new.answer_by.strftime("%d/%m/%Y") in page
    assert 'class="badge obstacle-status-open' in page


def test_the_list_is_paginated_by_25(client, tree, people, campaign):
    for _n in range(27):
        raise_obstacle(tree["A1"], campaign, people["officer_a1"])
    client.force_login(people["cspl"])
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2


def test_the_list_filters_by_status(client, people, due_on_4_december):
    client.force_login(people["cspl"])
    assert subjects(client.get(LIST, {"status": S.ANSWERED})) == ["Đã trả lời"]
    assert subjects(client.get(LIST, {"status": S.OPEN})) == ["Còn hạn", "Còn mở"]
    assert subjects(client.get(LIST, {"status": S.CLOSED})) == []


def test_the_list_filters_by_the_kind_of_unit(client, tree, people, everywhere):
    client.force_login(people["cspl"])
    assert listed(client.get(LIST, {"kind": "district"})) == ["DA"]
    assert listed(client.get(LIST, {"kind": "grassroots"})) == ["A1", "A2", "B1", "S1"]


def test_the_list_filters_by_campaign(client, tree, people, campaign, other_campaign):
    raise_obstacle(tree["A1"], campaign, people["officer_a1"], subject="Chiến dịch một")
    raise_obstacle(tree["A1"], other_campaign, people["officer_a1"], subject="Chiến dịch hai")
    client.force_login(people["officer_a1"])
    assert subjects(client.get(LIST, {"campaign": other_campaign.pk})) == ["Chiến dịch hai"]
    assert subjects(client.get(LIST, {"campaign": campaign.pk})) == ["Chiến dịch một"]


@pytest.mark.parametrize(
    "params", [{"status": "bogus"}, {"kind": "planet"}, {"campaign": "999999"}]
)
def test_an_invalid_filter_lists_nothing_and_says_why(client, people, everywhere, params):
    client.force_login(people["cspl"])
    response = client.get(LIST, params)
    assert listed(response) == []
    assert set(response.context["filter"].form.errors) == set(params)
    assert "invalid-feedback" in response.content.decode()


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_obstacles(
    client, tree, people, campaign
):
    client.force_login(people["cspl"])
    units = [tree[code] for code in ("A1", "A2", "B1")]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for unit in units:
        raise_obstacle(unit, campaign, people["officer_a1"])
    few = count()
    for n in range(27):
        raise_obstacle(units[n % 3], campaign, people["officer_b1"])
    assert count() == few


def test_an_empty_list_says_whether_a_filter_hides_them(client, people):
    client.force_login(people["officer_a1"])
    page = client.get(LIST).content.decode()
    assert "Chưa có vướng mắc nào được nêu." in page
    assert "Không có vướng mắc nào khớp với bộ lọc." not in page
    page = client.get(LIST, {"status": "open"}).content.decode()
    assert "Không có vướng mắc nào khớp với bộ lọc." in page
    # An emptied filter form is no filter.
    page = client.get(LIST, {"status": "", "kind": ""}).content.decode()
    assert "Chưa có vướng mắc nào được nêu." in page


def breadcrumb_to_list(page):
    """Where the page's breadcrumb leads back to the list of obstacles."""
    [crumb] = re.findall(r'<li class="breadcrumb-item"><a href="([^"]*)">Vướng mắc</a>', page)
    return html.unescape(crumb)


def test_an_obstacle_opened_from_a_filtered_list_leads_back_to_it(client, tree, people, everywhere):
    # The breadcrumb led to the list unfiltered: a reviewer answering the open obstacles of
    # the grassroots unions one by one had to set the filters again after each.
    client.force_login(people["cspl"])
    with translation.override("vi"):
        client.get(LIST, {"kind": "grassroots", "status": S.OPEN})
        detail = everywhere["A1"].get_absolute_url()
        url = breadcrumb_to_list(client.get(detail).content.decode())
        assert url.startswith(LIST + "?")
        assert QueryDict(url.split("?", 1)[1]) == QueryDict("kind=grassroots&status=open")
        # After answering it, the page it lands on still leads back there.
        answer = reverse("campaign:obstacle_answer", args=[everywhere["A1"].pk])
        landed = client.post(answer, {"answer": "Tính theo lượt người."}, follow=True)
        assert breadcrumb_to_list(landed.content.decode()) == url
        # The list opened afresh is the way back from then on.
        client.get(LIST)
        assert breadcrumb_to_list(client.get(detail).content.decode()) == LIST


def test_a_list_filtered_to_nothing_offers_to_clear_its_filters(client, people, everywhere):
    client.force_login(people["cspl"])
    with translation.override("vi"):
        page = client.get(LIST, {"status": S.CLOSED}).content.decode()
    assert f'<a href="{LIST}">Bỏ các bộ lọc</a>' in page
