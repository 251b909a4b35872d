"""Whether a unit owes a campaign its report for a year is decided by the counting rule, on
the tree of that year's cut-off (campaign.counting.expected_among): the officer's list,
starting a report, opening one late, the Excel templates, the home page and the reminders'
links agree with the totals of that year (DESIGN.md, "The tree over time").

The `moved` fixture (tests/campaign/conftest.py): PV issued the campaign; its grassroots
union S1 moved to another province (KG) on 01/03/2025; PV merged into VL on 01/07/2025, and
VL already had a grassroots union of its own, V1. At the 2024 cut-off V1 was not under PV:
no total of 2024 counts it, and it owes nothing for 2024. S1 stood under PV then: 2024's
totals count it missing until it files, wherever it stands today."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign import counting, notices, pending
from campaign.models import AnnualReport, Campaign, Notice, Period
from tests.campaign.filings import recount
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.access import Scope
from units.models import Membership

Role = Membership.Role
NOT_UNDER_2024 = (
    "Tại thời điểm chốt số liệu năm 2024, CĐCS V1 không trực thuộc LĐLĐ tỉnh Thử nghiệm"
)
NOT_UNDER_ON_THE_LIST = "Không trực thuộc LĐLĐ tỉnh Thử nghiệm tại thời điểm chốt số liệu năm 2024"


def member(moved, code, role=Role.OFFICER):
    user = UserFactory(username=f"{role}_{code.lower()}")
    MembershipFactory(user=user, unit=moved[code], role=role)
    return user


@pytest.fixture
def open_2024(moved, campaign):
    """The board kept 2024 open for late reports until the end of 2026."""
    Period.objects.for_year(campaign, 2024)
    Period.objects.filter(campaign=campaign, year=2024).update(locks_on=datetime.date(2026, 12, 31))


def rows(client, campaign, year):
    page = client.get(reverse("campaign:report_list"), {"campaign": campaign.pk, "year": year})
    return {row["unit"].code: row for row in page.context["rows"]}, page.content.decode()


def start(campaign, unit, year):
    return reverse("campaign:report_start", args=[campaign.pk, unit.pk, year])


def test_the_rule_per_unit_is_the_rule_of_the_totals(moved, campaign):
    campaign = Campaign.objects.select_related("issuer").get(pk=campaign.pk)
    units = list(moved.values())
    for year, carrier in [(2024, "PV"), (2025, "VL"), (2026, "VL")]:
        period = Period.objects.for_year(campaign, year)
        owed = counting.expected_among(campaign, period.ends_on, units)
        assert {moved_unit.code for moved_unit in units if moved_unit.pk in owed} == recount(
            campaign, year, carrier
        ), year
        assert counting.expects(campaign, period, moved["V1"]) == (year != 2024)
        assert counting.expects(campaign, period, moved["S1"]) == (year == 2024)


@pytest.mark.usefixtures("open_2024")
def test_a_unit_that_came_in_since_is_not_offered_the_year_before(client, moved, campaign):
    client.force_login(member(moved, "V1"))
    listed, page = rows(client, campaign, 2024)
    assert "V1" not in recount(campaign, 2024, "PV")
    assert listed["V1"]["due"] is False and listed["V1"]["elsewhere_then"] is True
    assert NOT_UNDER_ON_THE_LIST in page
    assert start(campaign, moved["V1"], 2024) not in page
    # 2025's tree has it under VL, which carries PV's campaign on: it owes that year's.
    listed, _page = rows(client, campaign, 2025)
    assert listed["V1"]["due"] is True and "V1" in recount(campaign, 2025, "VL")


@pytest.mark.usefixtures("open_2024")
def test_starting_the_year_before_it_came_in_is_refused(client, moved, campaign):
    client.force_login(member(moved, "V1"))
    response = client.get(start(campaign, moved["V1"], 2024))
    assert response.status_code == 404
    assert NOT_UNDER_2024 in response.content.decode()
    response = client.post(start(campaign, moved["V1"], 2024), {"sessions": "3"})
    assert response.status_code == 404
    assert not AnnualReport.objects.filter(unit=moved["V1"]).exists()


@pytest.mark.usefixtures("open_2024")
def test_a_unit_moved_out_since_is_offered_the_report_it_owes(client, moved, campaign):
    client.force_login(member(moved, "S1"))
    listed, page = rows(client, campaign, 2024)
    assert "S1" in recount(campaign, 2024, "PV")
    assert listed["S1"]["due"] is True
    assert start(campaign, moved["S1"], 2024) in page
    assert client.get(start(campaign, moved["S1"], 2024)).status_code == 200
    # Not 2025's: it stood under KG at that cut-off.
    listed, _page = rows(client, campaign, 2025)
    assert "S1" not in listed and "S1" not in recount(campaign, 2025, "VL")


def test_opening_late_follows_the_years_tree(client, moved, campaign):
    # 2024 is locked (its default lock date passed): only a reviewer opens a report now.
    client.force_login(member(moved, "KG", Role.REVIEWER))
    url = reverse("campaign:report_open_late", args=[campaign.pk, moved["S1"].pk, 2024])
    client.post(url)
    assert AnnualReport.objects.filter(unit=moved["S1"], campaign=campaign, year=2024).exists()

    client.force_login(member(moved, "VL", Role.REVIEWER))
    url = reverse("campaign:report_open_late", args=[campaign.pk, moved["V1"].pk, 2024])
    page = client.post(url, follow=True).content.decode()
    assert NOT_UNDER_2024 in page
    assert not AnnualReport.objects.filter(unit=moved["V1"]).exists()


@pytest.mark.usefixtures("open_2024")
def test_the_excel_template_of_a_year_lists_the_units_that_owe_it(client, moved, campaign):
    download = "campaign:workbook_reports_download"
    client.force_login(member(moved, "V1"))
    response = client.get(reverse(download, args=[campaign.pk, moved["V1"].pk, 2024]))
    assert response.status_code == 404
    assert NOT_UNDER_2024 in response.content.decode()
    client.force_login(member(moved, "S1"))
    response = client.get(reverse(download, args=[campaign.pk, moved["S1"].pk, 2024]))
    assert response.status_code == 200


def test_the_home_page_asks_for_the_reports_owed(moved, campaign):
    # 20/07/2025, 2024 kept open: the report written now is 2024's (campaign.periods).
    day = datetime.date(2025, 7, 20)
    Period.objects.for_year(campaign, 2024)
    Period.objects.filter(campaign=campaign, year=2024).update(locks_on=datetime.date(2025, 12, 31))

    def asked(code):
        return [
            item["url"]
            for item in pending.report_items(Scope(member(moved, code)), today=day)
            if "2024" in item["title"]
        ]

    assert asked("V1") == []
    assert asked("S1") == [start(campaign, moved["S1"], 2024)]


def test_a_reminders_link_is_still_asked_for_on_the_years_tree(moved, campaign):
    def still_asked(code):
        notice = Notice(unit=moved[code], url=start(campaign, moved[code], 2024))
        return notices.still_asked(notice)

    Period.objects.for_year(campaign, 2024)
    assert still_asked("S1") is True
    assert still_asked("V1") is False


def test_the_home_page_asks_once_which_units_owe_every_campaigns_report(
    tree, cast, campaign, other_campaign
):
    # Which of the officer's units owe each campaign its report: one query for every unit and
    # campaign (campaign.counting.expected_pairs), not one per unit or per campaign.
    day = datetime.date(2026, 12, 5)

    def cost():
        scope = Scope(cast["officer_a"])
        assert scope.filing_units  # loaded once by the home page for every provider
        with CaptureQueriesContext(connection) as captured:
            items = pending.report_items(scope, today=day)
        return len(captured), len(items)

    few, items = cost()
    for number in range(5):
        UnitFactory.create(parent=tree["DA"], code=f"AX{number}", kind="grassroots")
    # Two campaigns ask each new union for 2026's report (recounted: both run in 2026).
    assert cost() == (few, items + 5 * 2)
