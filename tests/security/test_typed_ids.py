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


def test_every_address_with_an_id_refuses_one_the_database_cannot_hold(client, cast, tree):
    # Django keeps an out-of-range number out of a lookup on a primary key, not on a foreign
    # key: /campaigns/<25 digits>/units/…/reports/2024/ and an attachment of such a plan
    # were 500s. Every id and year in the URLconf is an `<id:…>` of at most 18 digits.
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) != "admin/":
                    yield from routes(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    every = list(routes(get_resolver()))
    assert not [route for route in every if "<int:" in route]
    with_ids = [route for route in every if "<id:" in route]
    assert len(with_ids) > 40
    client.force_login(cast["cspl"])
    client.raise_request_exception = False
    huge = "9" * 25
    for route in with_ids:
        url = "/" + route
        for name in ("<id:", "<str:", "<slug:"):
            while name in url:
                start = url.index(name)
                url = (
                    url[:start]
                    + (huge if name == "<id:" else "x")
                    + url[url.index(">", start) + 1 :]
                )
        for method in (client.get, client.post):
            assert method(url).status_code in (404, 405), url
