"""The officer's list of reports, and the reviewer's queue of submitted reports with its year
filter."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import (
    Period,
    Status,
)
from tests.campaign.annual import (
    COMPLETE,
    YEAR,
    annual_campaign,
    make_report,
    start_url,
)
from tests.pages import html, login

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def test_the_report_list_offers_only_the_units_the_officer_files_for(client, tree, cast, campaign):
    make_report(tree["B1"], campaign, figures=COMPLETE)
    response = login(client, cast["officer_a1"]).get(reverse("campaign:report_list"))
    assert response.status_code == 200
    assert [row["unit"].code for row in response.context["rows"]] == ["A1"]
    assert response.context["year"] == YEAR
    assert start_url(campaign, tree["A1"]) in html(response)
    assert start_url(campaign, tree["B1"]) not in html(response)


def test_an_anonymous_visitor_is_sent_from_the_report_list_to_the_login_page(client, campaign):
    response = client.get(reverse("campaign:report_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_report_list_shows_nothing_to_a_user_without_a_role(client, cast, campaign):
    response = login(client, cast["outsider"]).get(reverse("campaign:report_list"))
    assert response.status_code == 200
    assert response.context["rows"] == []


@pytest.mark.parametrize(
    ("who", "to_queue", "to_dashboard"),
    [("cspl", True, True), ("standing", False, True), ("outsider", False, False)],
)
def test_the_report_list_points_a_user_who_files_for_nothing_to_their_own_pages(
    client, cast, campaign, who, to_queue, to_dashboard
):
    page = html(login(client, cast[who]).get(reverse("campaign:report_list")))
    query = f"?campaign={campaign.pk}&amp;year={YEAR}"
    assert (reverse("campaign:report_queue") + query in page) is to_queue
    assert (reverse("reports:dashboard") + query in page) is to_dashboard


def test_the_report_list_ignores_a_year_the_campaign_does_not_run(client, cast, campaign):
    login(client, cast["officer_a1"])
    for year in ("1999", "abc", "99999"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": year}
        )
        assert response.status_code == 200
        assert response.context["year"] == YEAR
    assert not Period.objects.filter(year=1999).exists()


QUEUE_LADDER = {
    "outsider": 403,
    "officer_b1": 403,
    "officer_a1": 403,
    "officer_a": 403,
    "standing": 403,
    "reviewer_a": 200,
    "reviewer_b": 200,
    "cspl": 200,
}


def test_an_anonymous_visitor_is_sent_from_the_queue_to_the_login_page(client):
    response = client.get(reverse("campaign:report_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", list(QUEUE_LADDER))
def test_only_reviewers_open_the_report_queue(client, people, campaign, who):
    response = login(client, people[who]).get(reverse("campaign:report_queue"))
    assert response.status_code == QUEUE_LADDER[who]


@pytest.fixture
def queue_reports(tree, campaign):
    """Reports in various states across the tree, by a short name."""
    return {
        "a1": make_report(tree["A1"], campaign, status=S.SUBMITTED, figures=COMPLETE),
        "a2_draft": make_report(tree["A2"], campaign, figures=COMPLETE),
        "a2_2023": make_report(tree["A2"], campaign, 2023, status=S.SUBMITTED),
        "a1_accepted_2022": make_report(tree["A1"], campaign, 2022, status=S.ACCEPTED),
        "da": make_report(tree["DA"], campaign, status=S.SUBMITTED, figures=COMPLETE),
        "b1": make_report(tree["B1"], campaign, status=S.SUBMITTED, figures=COMPLETE),
    }


def queued(response):
    assert response.status_code == 200
    return sorted(f"{r.unit.code}-{r.year}" for r in response.context["page"].object_list)


def test_a_district_reviewer_queues_only_its_grassroots_submitted_reports(
    client, cast, queue_reports
):
    response = login(client, cast["reviewer_a"]).get(reverse("campaign:report_queue"))
    # Not A2's draft, not the accepted one, not B1 (another district), not DA's own report.
    assert queued(response) == ["A1-2024", "A2-2023"]
    page = html(response)
    assert reverse("campaign:report_detail", args=[queue_reports["a1"].pk]) in page
    assert reverse("campaign:report_detail", args=[queue_reports["b1"].pk]) not in page


def test_another_districts_reviewer_queues_none_of_district_as_reports(
    client, people, queue_reports
):
    response = login(client, people["reviewer_b"]).get(reverse("campaign:report_queue"))
    assert queued(response) == ["B1-2024"]


def test_the_province_reviewer_queues_every_submitted_report_below_it(client, cast, queue_reports):
    response = login(client, cast["cspl"]).get(reverse("campaign:report_queue"))
    assert queued(response) == ["A1-2024", "A2-2023", "B1-2024", "DA-2024"]


def test_the_report_queue_filters_by_year(client, cast, queue_reports):
    login(client, cast["reviewer_a"])
    assert queued(client.get(reverse("campaign:report_queue"), {"year": "2023"})) == ["A2-2023"]
    assert queued(client.get(reverse("campaign:report_queue"), {"year": "2024"})) == ["A1-2024"]
    # Another status, asked for explicitly, with the year.
    response = client.get(reverse("campaign:report_queue"), {"year": "2022", "status": S.ACCEPTED})
    assert queued(response) == ["A1-2022"]


def test_an_invalid_year_filter_matches_nothing_and_says_why(client, cast, queue_reports):
    response = login(client, cast["reviewer_a"]).get(
        reverse("campaign:report_queue"), {"year": "abc"}
    )
    assert queued(response) == []
    assert "year" in response.context["filter"].form.errors


def test_the_year_filter_is_a_list_of_the_campaigns_years(client, cast, campaign, queue_reports):
    response = login(client, cast["reviewer_a"]).get(reverse("campaign:report_queue"))
    select = re.search(r'<select name="year"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, "the year is picked from a list"
    offered = re.findall(r'<option value="(\d*)"', select.group(1))
    this_year = timezone.localdate().year
    assert offered == ["", *(str(y) for y in range(this_year, campaign.first_year - 1, -1))]
    # A year not in the list (typed into the address) is refused with a message.
    response = client.get(reverse("campaign:report_queue"), {"year": "2023.5"})
    assert queued(response) == []
    assert response.context["filter"].form.errors["year"] == [
        "Giá trị “2023.5” không hợp lệ: hãy chọn một trong các giá trị cho phép."
    ]
