"""Fuzzing the filters of the lists and the numbers in the URLs: whatever the query string
or the year in the address, the page answers without a server error."""

from urllib.parse import quote

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import strategies as fz
from tests.fuzz.helpers import assert_not_a_server_error

# Each list with the user who sees it and the filters it reads.
LISTS = [
    ("campaign:review_queue", "cspl", ["status", "kind", "parent", "campaign", "page"]),
    ("campaign:report_queue", "cspl", ["status", "kind", "parent", "campaign", "year", "page"]),
    ("campaign:report_list", "officer_a1", ["campaign", "year"]),
    ("campaign:obstacle_list", "officer_a1", ["status", "kind", "overdue", "campaign", "page"]),
    ("campaign:inspection_list", "cspl", ["kind", "follow_up", "campaign", "page"]),
    ("reports:summary_list", "cspl", ["page"]),
    (
        "reports:dashboard",
        "cspl",
        ["campaign", "year", "unit", "include", "status", "kind", "page"],
    ),
    ("reports:dashboard_excel", "cspl", ["campaign", "year", "unit", "include"]),
]


def query_value():
    return st.one_of(fz.hostile_number(), fz.hostile_text(50), fz.hostile_date())


@given(
    which=st.sampled_from(LISTS),
    values=st.lists(query_value(), min_size=7, max_size=7),
)
def test_a_list_answers_any_filter_without_a_server_error(vi_client, cast, campaign, which, values):
    name, user, filters = which
    vi_client.force_login(cast[user])
    query = "&".join(
        f"{key}={quote(value, safe='', errors='surrogatepass')}"
        for key, value in zip(filters, values, strict=False)
    )
    response = vi_client.get(f"{reverse(name)}?{query}")
    if name == "reports:dashboard" and response.status_code == 302:
        # A year the campaign does not offer: the page opens on its default year.
        response = vi_client.get(response["Location"])
    assert_not_a_server_error(response)
    # A unit outside the user's scope (or none) in the address is not found; anything
    # else shows the list, filtered or with the filter's error.
    assert response.status_code in ((200, 404) if name.startswith("reports:dashboard") else (200,))
    if response.status_code == 404:
        assert "unit=" in query


@given(year=st.integers(min_value=0, max_value=10**30))
def test_a_report_for_any_year_in_the_address_answers_without_a_server_error(
    vi_client, tree, cast, campaign, year
):
    vi_client.force_login(cast["officer_a1"])
    response = vi_client.get(f"/campaigns/{campaign.pk}/units/{tree['A1'].pk}/reports/{year}/")
    assert_not_a_server_error(response)
