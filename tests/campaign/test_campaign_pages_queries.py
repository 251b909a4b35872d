"""The campaigns' pages cost the same queries however many units an officer files for and
however many campaigns there are: nothing is read row by row."""

import datetime

import pytest
from django.urls import reverse

from campaign.models import Plan
from tests.factories import CampaignFactory
from tests.pages import count_queries

pytestmark = pytest.mark.django_db


def test_a_campaigns_page_costs_the_same_for_3_and_for_30_units_filed_for(
    client, tree, cast, campaign, unit_factory, plan_factory
):
    # District A's officer files for the grassroots unions below it that have no officer of
    # their own (filing on behalf); every other one has its plan.
    client.force_login(cast["officer_a"])
    url = reverse("campaign:campaign_detail", args=[campaign.pk])
    added, queries = [], {}
    for count in (3, 30):
        while len(added) < count:
            added.append(unit_factory.create(parent=tree["DA"]))
            if len(added) % 2:
                plan_factory(added[-1], campaign, cast["officer_a"])
        queries[count], response = count_queries(client, url)
        rows = {row["unit"].pk: row["plan"] for row in response.context["rows"]}
        assert {unit.pk for unit in added} <= set(rows), "a unit filed for on behalf is missing"
        with_plan = {pk for pk, plan in rows.items() if plan}
        assert with_plan == set(Plan.objects.filter(unit__in=rows).values_list("unit", flat=True))
    assert queries[30] == queries[3]


def test_the_campaign_list_costs_the_same_for_3_and_for_30_campaigns(client, tree, cast):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:campaign_list")
    made, queries = 0, {}
    for count in (3, 30):
        while made < count:
            CampaignFactory(
                issuer=tree["PV"],
                slug=f"campaign-{made}",
                number=f"{made + 1}/KH-LĐLĐ",
                issued_on=datetime.date(2015, 6, 10) + datetime.timedelta(days=made),
            )
            made += 1
        queries[count], response = count_queries(client, url)
        assert len(response.context["campaigns"]) == count
    assert queries[30] == queries[3]
