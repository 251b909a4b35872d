"""Who may open and act on an annual report, and start one: the permission ladder of every
report URL, role by role, and the refusals that leave the report as it was."""

import pytest
from django.urls import reverse

from campaign.models import (
    AnnualReport,
    Campaign,
    Period,
    Status,
)
from tests.campaign.annual import (
    COMPLETE,
    YEAR,
    annual_campaign,
    edit_data,
    filing,
    make_report,
    set_status,
    start_url,
    state,
    stored_figures,
)
from tests.campaign.filings import START_LADDER
from tests.factories import MembershipFactory, UserFactory
from tests.pages import html, login
from units.models import Membership

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


REPORT_URLS = ["detail", "edit_get", "edit_post", "submit", "return", "accept", "reopen"]
# The state each request needs to succeed for someone allowed to make it.
NEEDS = {"return": S.SUBMITTED, "accept": S.SUBMITTED, "reopen": S.ACCEPTED}


def request_report_url(client, report, what):
    if what == "detail":
        return client.get(reverse("campaign:report_detail", args=[report.pk]))
    if what == "edit_get":
        return client.get(reverse("campaign:report_edit", args=[report.pk]))
    if what == "edit_post":
        return client.post(
            reverse("campaign:report_edit", args=[report.pk]),
            edit_data(report, results="Kết quả đã sửa", value_sessions="15"),
        )
    return client.post(
        reverse(f"campaign:report_{what}", args=[report.pk]),
        {"reason": "Bổ sung số liệu", "confirmed": "yes"},
    )


def assert_succeeded(response, report, what):
    report_url = reverse("campaign:report_detail", args=[report.pk])
    stored = AnnualReport.objects.get(pk=report.pk)
    if what == "detail":
        assert response.status_code == 200
        assert response.context["report"] == report
    elif what == "edit_get":
        assert response.status_code == 200
        assert response.context["form"].instance == report
    elif what == "edit_post":
        assert response.status_code == 302 and response.url == report_url
        assert stored.results == "Kết quả đã sửa"
        assert stored_figures(report)["sessions"] == 15
    else:
        expected = {
            "submit": S.SUBMITTED,
            "return": S.RETURNED,
            "accept": S.ACCEPTED,
            "reopen": S.RETURNED,
        }[what]
        assert response.status_code == 302 and response.url == report_url
        assert stored.status == expected


OFFICER = dict.fromkeys(["detail", "edit_get", "edit_post", "submit"], 200) | dict.fromkeys(
    ["return", "accept", "reopen"], 403
)
REVIEWER = dict.fromkeys(["detail", "return", "accept", "reopen"], 200) | dict.fromkeys(
    ["edit_get", "edit_post", "submit"], 403
)
LADDER = {
    "outsider": dict.fromkeys(REPORT_URLS, 404),
    "officer_b1": dict.fromkeys(REPORT_URLS, 404),  # another district's officer: IDOR
    "reviewer_b": dict.fromkeys(REPORT_URLS, 404),  # another district's reviewer
    "standing": {"detail": 200} | dict.fromkeys(REPORT_URLS[1:], 403),
    "officer_a1": OFFICER,
    "second_officer_a1": OFFICER,
    # The district's officer sees A1's report but files only for units below with no officer
    # of their own (A1 has one): tests/campaign/test_on_behalf_rule.py.
    "officer_a": {"detail": 200} | dict.fromkeys(REPORT_URLS[1:], 403),
    "reviewer_a": REVIEWER,
    "cspl": REVIEWER,
}


@pytest.mark.parametrize("what", REPORT_URLS)
def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_report_url(
    client, report_a1, what
):
    set_status(report_a1, NEEDS.get(what, S.DRAFT))
    before = state(report_a1)
    response = request_report_url(client, report_a1, what)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert state(report_a1) == before


@pytest.mark.parametrize("what", REPORT_URLS)
@pytest.mark.parametrize("who", list(LADDER))
def test_every_report_url_answers_each_role_as_the_ladder_says(
    client, people, report_a1, who, what
):
    set_status(report_a1, NEEDS.get(what, S.DRAFT))
    before = state(report_a1)
    response = request_report_url(login(client, people[who]), report_a1, what)
    expected = LADDER[who][what]
    if expected == 200:
        assert_succeeded(response, report_a1, what)
    else:
        assert response.status_code == expected
        assert state(report_a1) == before


@pytest.mark.parametrize("what", ["submit", "return", "accept", "reopen"])
def test_the_report_workflow_urls_do_not_answer_get(client, cast, report_a1, what):
    response = login(client, cast["cspl"]).get(
        reverse(f"campaign:report_{what}", args=[report_a1.pk])
    )
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["campaign:report_detail", "campaign:report_edit"])
def test_a_report_that_does_not_exist_is_not_found(client, cast, report_a1, name):
    response = login(client, cast["officer_a1"]).get(reverse(name, args=[report_a1.pk + 999]))
    assert response.status_code == 404


def test_a_district_officer_cannot_reach_another_districts_report_by_its_number(
    client, tree, cast, campaign
):
    theirs = make_report(tree["B1"], campaign, figures=COMPLETE)
    before = state(theirs)
    login(client, cast["officer_a"])
    assert client.get(reverse("campaign:report_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("campaign:report_edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("campaign:report_edit", args=[theirs.pk]), edit_data(theirs, results="Sửa trộm")
    )
    assert response.status_code == 404
    assert client.post(reverse("campaign:report_submit", args=[theirs.pk])).status_code == 404
    assert state(theirs) == before


def test_a_grassroots_officer_cannot_reach_its_districts_own_report(client, tree, cast, campaign):
    # A role reaches down the tree, never up it.
    district = make_report(tree["DA"], campaign, figures=COMPLETE)
    login(client, cast["officer_a1"])
    assert client.get(reverse("campaign:report_detail", args=[district.pk])).status_code == 404
    assert client.post(reverse("campaign:report_submit", args=[district.pk])).status_code == 404
    assert AnnualReport.objects.get(pk=district.pk).status == S.DRAFT


def test_a_district_reviewer_does_not_review_its_own_districts_report(client, tree, cast, campaign):
    district = make_report(tree["DA"], campaign, status=S.SUBMITTED, figures=COMPLETE)
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:report_accept", args=[district.pk])
    )
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=district.pk).status == S.SUBMITTED


def test_an_officer_without_the_reviewer_role_cannot_return_even_without_a_reason(
    client, cast, report_a1
):
    set_status(report_a1, S.SUBMITTED)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_return", args=[report_a1.pk])
    )
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=report_a1.pk).status == S.SUBMITTED


def test_an_anonymous_visitor_cannot_start_a_report(client, tree, campaign):
    for response in (
        client.get(start_url(campaign, tree["A1"])),
        client.post(start_url(campaign, tree["A1"]), filing()),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("who", list(START_LADDER))
def test_starting_a_report_answers_each_role_as_the_ladder_says(
    client, people, tree, campaign, who
):
    login(client, people[who])
    response = client.get(start_url(campaign, tree["A1"]))
    assert response.status_code == START_LADDER[who]
    response = client.post(start_url(campaign, tree["A1"]), filing())
    if START_LADDER[who] == 200:
        report = AnnualReport.objects.get()
        assert response.status_code == 302 and response.url == report.get_absolute_url()
        assert (report.unit, report.year, report.status) == (tree["A1"], YEAR, S.DRAFT)
    else:
        assert response.status_code == START_LADDER[who]
        assert not AnnualReport.objects.exists()


def test_starting_a_report_a_unit_already_has_opens_that_report(client, cast, report_a1):
    response = login(client, cast["officer_a1"]).get(start_url(report_a1.campaign, report_a1.unit))
    assert response.status_code == 302 and response.url == report_a1.get_absolute_url()


def test_the_province_that_issues_the_campaign_files_no_report_for_it(client, tree, campaign):
    officer = UserFactory(username="officer_pv")
    MembershipFactory(user=officer, unit=tree["PV"], role=Membership.Role.OFFICER)
    login(client, officer)
    assert client.get(start_url(campaign, tree["PV"])).status_code == 404
    assert client.post(start_url(campaign, tree["PV"]), filing()).status_code == 404
    assert not AnnualReport.objects.exists()


def test_starting_a_report_for_a_campaign_that_does_not_exist_is_not_found(client, tree, cast):
    response = login(client, cast["officer_a1"]).get(
        reverse("campaign:report_start", args=[999_999, tree["A1"].pk, YEAR])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("last_year", "year"), [(None, 2014), (2030, 2031)], ids=["before the first", "after the last"]
)
def test_starting_a_report_for_a_year_the_campaign_does_not_run_is_refused(
    client, tree, cast, campaign, last_year, year
):
    Campaign.objects.filter(pk=campaign.pk).update(last_year=last_year)
    login(client, cast["officer_a1"])
    response = client.get(start_url(campaign, tree["A1"], year))
    assert response.status_code == 404
    assert f"{year}" in html(response)
    assert client.post(start_url(campaign, tree["A1"], year), filing()).status_code == 404
    assert not AnnualReport.objects.exists()
    assert not Period.objects.filter(year=year).exists()


@pytest.mark.parametrize("code", ["B1", "DA", "DB", "PV"])
def test_an_officer_cannot_start_a_report_for_a_unit_outside_its_subtree(
    client, tree, cast, campaign, code
):
    login(client, cast["officer_a1"])
    assert client.get(start_url(campaign, tree[code])).status_code == 404
    assert client.post(start_url(campaign, tree[code]), filing()).status_code == 404
    assert not AnnualReport.objects.exists()
