"""Who may open, raise, answer and close an obstacle (vướng mắc): the permission ladder."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from campaign.models import Obstacle
from tests.campaign.obstacle_data import answered, raise_obstacle
from tests.factories import CampaignFactory

S = Obstacle.Status
CREATE = reverse("campaign:obstacle_create")


@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("campaign:obstacle_list", "get"),
        ("campaign:obstacle_create", "get"),
        ("campaign:obstacle_detail", "get"),
        ("campaign:obstacle_answer", "post"),
        ("campaign:obstacle_close", "post"),
    ],
)
def test_every_obstacle_page_sends_an_anonymous_visitor_to_the_login_page(
    client, obstacle_a1, name, method
):
    url = reverse(name) if name in ("campaign:obstacle_list", "campaign:obstacle_create") else None
    url = url or reverse(name, args=[obstacle_a1.pk])
    response = getattr(client, method)(url, {"answer": "x"} if method == "post" else None)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.OPEN


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),
        ("officer_b1", 404),
        ("reviewer_b", 404),
        ("standing", 200),
        ("officer_a1", 200),
        ("officer_a", 200),
        ("reviewer_a", 200),
        ("cspl", 200),
    ],
)
def test_an_obstacle_of_a1_opens_only_inside_a1s_scope(client, people, obstacle_a1, who, expected):
    client.force_login(people[who])
    response = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert obstacle_a1.subject in response.content.decode()


def test_an_obstacle_that_does_not_exist_is_a_404(client, people):
    client.force_login(people["cspl"])
    assert client.get(reverse("campaign:obstacle_detail", args=[999_999])).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),
        ("officer_b1", 404),
        ("reviewer_b", 404),
        ("standing", 403),
        ("officer_a1", 403),
        ("officer_a", 403),
        ("reviewer_a", 302),
        ("cspl", 302),
    ],
)
def test_only_a_reviewer_above_the_unit_answers_its_obstacle(
    client, people, obstacle_a1, who, expected
):
    client.force_login(people[who])
    url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    response = client.post(url, {"answer": "Tính theo lượt người."})
    assert response.status_code == expected
    obstacle_a1.refresh_from_db()
    if expected == 302:
        assert obstacle_a1.status == S.ANSWERED
        assert obstacle_a1.answer == "Tính theo lượt người."
        assert obstacle_a1.answered_by == people[who]
        assert obstacle_a1.answered_at is not None
    else:
        assert obstacle_a1.status == S.OPEN
        assert obstacle_a1.answer == ""


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),
        ("officer_b1", 404),
        ("reviewer_b", 404),
        ("standing", 403),
        ("officer_a1", 302),
        ("second_officer_a1", 302),
        # The district's officer files only for units below with no officer of their own.
        ("officer_a", 403),
        ("reviewer_a", 302),
        ("cspl", 302),
    ],
)
def test_the_units_officers_and_its_reviewers_close_an_answered_obstacle(
    client, people, obstacle_a1, who, expected
):
    answered(obstacle_a1, people["cspl"])
    client.force_login(people[who])
    response = client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]))
    assert response.status_code == expected
    obstacle_a1.refresh_from_db()
    if expected == 302:
        assert obstacle_a1.status == S.CLOSED
        assert obstacle_a1.closed_at is not None
        assert obstacle_a1.closed_by == people[who]
        # The page says who closed it, as it says who answered it.
        with translation.override("vi"):
            page = client.get(response["Location"]).content.decode()
        assert f"{escape(people[who])} đóng lúc" in page
    else:
        assert obstacle_a1.status == S.ANSWERED
        assert obstacle_a1.closed_at is None
        assert obstacle_a1.closed_by is None


@pytest.mark.parametrize(
    ("who", "expected"),
    [("outsider", 403), ("standing", 403), ("cspl", 403), ("reviewer_a", 403), ("officer_a1", 200)],
)
def test_only_an_officer_may_open_the_form_to_raise_an_obstacle(
    client, people, campaign, who, expected
):
    client.force_login(people[who])
    assert client.get(CREATE).status_code == expected


@pytest.mark.parametrize("name", ["campaign:obstacle_answer", "campaign:obstacle_close"])
def test_answering_and_closing_refuse_a_get(client, people, obstacle_a1, name):
    client.force_login(people["cspl"])
    assert client.get(reverse(name, args=[obstacle_a1.pk])).status_code == 405


def test_a_district_reviewer_may_not_answer_an_obstacle_of_its_own_district(
    client, tree, people, campaign
):
    own = raise_obstacle(tree["DA"], campaign, people["officer_a"])
    client.force_login(people["reviewer_a"])
    assert client.get(reverse("campaign:obstacle_detail", args=[own.pk])).status_code == 200
    response = client.post(
        reverse("campaign:obstacle_answer", args=[own.pk]), {"answer": "Trả lời"}
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == S.OPEN
