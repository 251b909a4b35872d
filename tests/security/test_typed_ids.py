"""Ids typed into an address or a form: a number too large for the database, digits that are
not ASCII or a sign are refused like any unknown id (404), never a server error. SQLite
refuses an out-of-range number in a `pk__in` lookup, where Django does not keep it out."""

import pytest
from django.urls import reverse

from units.access import MAX_PK, parse_pk

TOO_LARGE = str(MAX_PK + 1)
BAD_IDS = [TOO_LARGE, "99999999999999999999", "²", "١٢", "-1", " 7", ""]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        ("007", 7),
        (str(MAX_PK), MAX_PK),
        *[(value, None) for value in BAD_IDS],
        (None, None),
        (7, None),
    ],
)
def test_a_typed_id_is_a_whole_number_the_database_can_hold(value, expected):
    assert parse_pk(value) == expected


@pytest.fixture
def reviewer(client, cast):
    client.force_login(cast["cspl"])
    return client


@pytest.mark.parametrize("value", BAD_IDS[:4])
@pytest.mark.parametrize("kind", ["plans", "reports"])
def test_the_bulk_review_refuses_an_impossible_id(reviewer, kind, value):
    url = reverse("campaign:bulk_review", args=[kind, "accept"])
    assert reviewer.get(url, {"item": value}).status_code == 404
    assert reviewer.post(url, {"item": f"{value}:1"}).status_code == 404
    assert reviewer.post(url, {"item": f"1:{value}"}).status_code == 404


@pytest.mark.parametrize("value", BAD_IDS[:4])
def test_the_reminders_refuse_an_impossible_unit(reviewer, value):
    query = {"units": value, "what": "plan", "campaign": "1"}
    assert reviewer.post(reverse("campaign:remind_units"), query).status_code == 404
    assert reviewer.get(reverse("campaign:reminder_letter"), query).status_code == 404
    assert reviewer.post(reverse("campaign:reminder_letter"), query).status_code == 404


@pytest.mark.parametrize("value", BAD_IDS[:4])
def test_a_new_obstacle_refuses_an_impossible_report(client, cast, value):
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:obstacle_create"), {"report": value})
    assert response.status_code == 404
