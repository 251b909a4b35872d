"""The list of units that have not submitted opens on the document a reviewer chases now:
the one due next, or the one due last once both are past, for the report being written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign
from tests.factories import CampaignFactory


@pytest.fixture
def campaign(tree):
    """Plans due 31/07/2015; reports are due on 20/12 each year."""
    return CampaignFactory(issuer=tree["PV"], slug="default-campaign", number="98/KH-LĐLĐ")


@pytest.mark.parametrize(
    ("today", "what", "year"),
    [
        (datetime.date(2015, 7, 1), "plan", 2015),  # the plan is due first
        (datetime.date(2015, 9, 1), "report", 2015),  # the plan is past, the report next
        (datetime.date(2026, 12, 5), "report", 2026),  # not the plan of 2015
        (datetime.date(2027, 1, 10), "report", 2026),  # late reports until the lock
        (datetime.date(2027, 3, 1), "report", 2027),
    ],
)
def test_the_list_opens_on_the_document_due_next(client, cast, campaign, freeze, today, what, year):
    freeze.on(today)
    client.force_login(cast["cspl"])
    response = client.get(reverse("campaign:late_units"))
    selection = response.context["selection"]
    assert (selection.what, selection.year) == (what, year)


def test_a_chosen_document_is_kept(client, cast, campaign):
    client.force_login(cast["cspl"])
    response = client.get(reverse("campaign:late_units"), {"campaign": campaign.pk, "what": "plan"})
    assert response.context["selection"].what == "plan"
    assert "31/07/2015" in response.content.decode()


@pytest.fixture
def future_campaign(tree):
    """The newest campaign, whose reports start the year after next: only its plan is due."""
    this_year = timezone.localdate().year
    return Campaign.objects.create(
        slug="future-campaign",
        number="12/KH-LĐLĐ",
        title="Kế hoạch giai đoạn sau",
        issuer=tree["PV"],
        issued_on=timezone.localdate(),
        directive="Kế hoạch số 2/KH-UBND",
        first_year=this_year + 2,
        plan_due_on=datetime.date(this_year + 1, 3, 31),
    )


def test_a_campaign_whose_reports_have_not_begun_lists_its_plan_only(
    client, cast, campaign, future_campaign
):
    client.force_login(cast["cspl"])
    response = client.get(reverse("campaign:late_units"))  # the newest campaign: the future one
    assert response.status_code == 200
    selection = response.context["selection"]
    assert (selection.campaign, selection.what, selection.years) == (future_campaign, "plan", [])
    assert 'value="report"' not in response.content.decode()
    # Its report asked for in the address falls back to its plan.
    response = client.get(
        reverse("campaign:late_units"), {"campaign": future_campaign.pk, "what": "report"}
    )
    assert response.status_code == 200 and response.context["selection"].what == "plan"
    # And a reminder or a letter for it posted by hand is not found, never a server error.
    year = str(future_campaign.first_year)
    for name in ("campaign:remind_units", "campaign:reminder_letter"):
        response = client.post(
            reverse(name),
            {"campaign": future_campaign.pk, "what": "report", "year": year, "units": ["1"]},
        )
        assert response.status_code == 404, name
