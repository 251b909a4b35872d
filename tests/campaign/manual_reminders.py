"""The manual reminder tests' shared pieces: a campaign whose plans are due on PLAN_DUE, and
the reminder page's POST. Used by test_reminder_again.py, test_reminder_confirmed_twice.py
and test_reminders_at_once.py."""

import datetime

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from campaign.models import Campaign
from tests.factories import CampaignFactory
from units.models import Unit

PLAN_DUE = datetime.date(2015, 7, 31)


def again_campaign(tree: dict[str, Unit]) -> Campaign:
    """A campaign of the province whose plans are due on PLAN_DUE."""
    return CampaignFactory(issuer=tree["PV"], slug="again-campaign", plan_due_on=PLAN_DUE)


def remind(client: Client, campaign: Campaign, units: list[Unit], **extra) -> HttpResponse:
    """The reminder page's POST: remind `units` of their 2015 plan."""
    data = {"campaign": campaign.pk, "what": "plan", "year": 2015}
    data["units"] = [unit.pk for unit in units]
    return client.post(reverse("campaign:remind_units"), {**data, **extra})
