"""A campaign whose number is still the placeholder staff are to fill in ("…/KH-LĐLĐ", as
the seed plan's) is named by its date on pages and in printed copies: a placeholder is never
shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import Campaign

PLACEHOLDER = "…/KH-LĐLĐ"


def test_a_known_number_names_the_campaign(campaign):
    assert campaign.number_known and campaign.reference == campaign.number
    assert str(campaign).startswith(campaign.number)


def test_an_unknown_number_is_replaced_by_the_plans_date(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(number=PLACEHOLDER)
    campaign.refresh_from_db()
    with translation.override("vi"):
        assert not campaign.number_known
        assert campaign.reference == "Kế hoạch ngày 10/06/2015"
        assert PLACEHOLDER not in str(campaign)


def test_pages_and_the_printed_plan_show_no_placeholder(client, cast, campaign, plan_a1):
    Campaign.objects.filter(pk=campaign.pk).update(number=PLACEHOLDER)
    client.force_login(cast["officer_a1"])
    for url in (
        reverse("campaign:campaign_list"),
        reverse("campaign:campaign_detail", args=[campaign.pk]),
        plan_a1.get_absolute_url(),
        reverse("campaign:plan_print", args=[plan_a1.pk]),
    ):
        page = client.get(url).content.decode()
        assert PLACEHOLDER not in page, url
    printed = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    assert f"Kế hoạch ngày {datetime.date(2015, 6, 10):%d/%m/%Y}" in printed


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("officer_a1", "campaign:report_list"),
        ("cspl", "campaign:late_units"),
        ("cspl", "reports:dashboard"),
    ],
)
def test_pickers_name_the_plan_by_its_date_while_its_number_is_unknown(
    client, cast, campaign, who, page
):
    Campaign.objects.filter(pk=campaign.pk).update(number=PLACEHOLDER)
    client.force_login(cast[who])
    html = client.get(reverse(page), {"campaign": campaign.pk}).content.decode()
    assert PLACEHOLDER not in html
    assert "10/06/2015" in html  # "Kế hoạch ngày 10/06/2015"
