"""The Standing Committee's desk speaks only of campaigns that have begun: a campaign issued
for a year still to come asks nothing of anyone yet. It once headed the desk with "0 of 7
units have sent their annual report… 7 units have not sent their report" for a year not
begun, linked to a dashboard that answers it has not begun, and wrote that year's period
from a page view (every trend then showed an empty year)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, Period
from reports import committee
from tests.reports.summaries import YEAR, campaign_with_reports

HOME = reverse("units:home")


# 10/01/2025: the 2024 reports are the ones being collected (summaries.py's YEAR).
pytestmark = pytest.mark.usefixtures("world_day")


def test_a_campaign_of_next_year_takes_no_line_and_writes_no_period(client, cast, tree):
    running = campaign_with_reports(tree)
    first_year = timezone.localdate().year + 1
    to_come = Campaign.objects.create(
        slug="to-come",
        number="5/KH-LĐLĐ",
        title="Kế hoạch giai đoạn sau",
        issuer=tree["PV"],
        issued_on=timezone.localdate(),  # the newest campaign
        directive="Kế hoạch số 9/KH-UBND",
        first_year=first_year,
        plan_due_on=datetime.date(first_year, 3, 31),
    )

    states = committee.campaign_states(committee.Scope(cast["standing"]))
    assert [(state.campaign, state.year) for state in states] == [(running, YEAR)]
    client.force_login(cast["standing"])
    page = client.get(HOME).content.decode()
    assert "Kế hoạch giai đoạn sau" not in page
    assert f"Năm {YEAR} tại" in page
    assert not Period.objects.filter(campaign=to_come).exists()
