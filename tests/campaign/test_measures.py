"""A campaign's indicators and rules as each process keeps them (campaign.measures): read once,
and read again as soon as they change, whichever process made the change."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign import measures
from campaign.models import AnnualReport, Campaign, Indicator, PlausibilityRule
from campaign.seed import DEFAULT_CAMPAIGN, load_campaign
from tests.factories import CampaignFactory

YEAR = 2024


# Today is 01/12/2024, 09:00 in Viet Nam (tests/campaign/conftest.py): before the year's
# reports lock, so that its form opens.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(
        issuer=tree["PV"],
        slug="measures",
        number="8/KH-LĐLĐ",
        title="Kế hoạch tuyên truyền",
        issued_on=datetime.date(2020, 1, 10),
        first_year=2020,
        plan_due_on=datetime.date(2020, 3, 31),
    )
    Indicator.objects.create(campaign=campaign, code="sessions", name="Số buổi", order=1)
    Indicator.objects.create(campaign=campaign, code="participants", name="Số lượt", order=2)
    return campaign


def start_url(campaign, unit):
    return reverse("campaign:report_start", args=[campaign.pk, unit.pk, YEAR])


def indicator_reads(queries):
    return [q for q in queries if 'FROM "campaign_indicator"' in q["sql"]]


def filing(**figures):
    return {
        "results": "Đã tuyên truyền.",
        "self_assessment": "good",
        **{f"value_{code}": str(value) for code, value in figures.items()},
    }


def test_the_form_reads_the_indicators_once_while_they_stay_the_same(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    with CaptureQueriesContext(connection) as first:
        assert client.get(start_url(campaign, tree["A1"])).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get(start_url(campaign, tree["A1"]))
    assert len(indicator_reads(first.captured_queries)) == 1
    assert indicator_reads(second.captured_queries) == []
    assert [i.code for i in response.context["values"].indicators] == ["sessions", "participants"]


def test_an_indicator_renamed_elsewhere_shows_on_the_next_page(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    assert "Số buổi" in client.get(start_url(campaign, tree["A1"])).content.decode()
    # Another process (the admin) saves its own copy: this one's campaign is not touched.
    renamed = Indicator.objects.get(code="sessions")
    renamed.name = "Số buổi tuyên truyền trực tiếp"
    renamed.save()
    page = client.get(start_url(campaign, tree["A1"])).content.decode()
    assert "Số buổi tuyên truyền trực tiếp" in page


def test_an_indicator_added_or_removed_elsewhere_changes_the_form(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    client.get(start_url(campaign, tree["A1"]))
    Indicator.objects.create(campaign_id=campaign.pk, code="initiatives", name="Sáng kiến", order=3)
    Indicator.objects.filter(code="participants").delete()
    response = client.get(start_url(campaign, tree["A1"]))
    assert [i.code for i in response.context["values"].indicators] == ["sessions", "initiatives"]


def test_a_rule_added_elsewhere_flags_the_next_save(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    client.get(start_url(campaign, tree["A1"]))
    PlausibilityRule.objects.create(
        campaign_id=campaign.pk,
        kind=PlausibilityRule.Kind.MAXIMUM,
        indicator=Indicator.objects.get(code="sessions"),
        limit=5,
    )
    response = client.post(start_url(campaign, tree["A1"]), filing(sessions=12, participants=90))
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert [(f["rule"], f["indicator"], f["value"]) for f in report.flags] == [
        ("maximum", "sessions", 12)
    ]


def test_the_seed_loaded_again_with_other_rules_is_read_again(tree):
    data = json.loads(DEFAULT_CAMPAIGN.read_text(encoding="utf-8"))
    data["issuer_code"] = tree["PV"].code
    campaign, _created = load_campaign(data)
    assert len(measures.rules(Campaign.objects.get(pk=campaign.pk))) == len(data["rules"])
    data["rules"] = [rule for rule in data["rules"] if rule["kind"] != "maximum"]
    load_campaign(data)  # rules are replaced in bulk: no signal, the seed moves the version
    kept = measures.rules(Campaign.objects.get(pk=campaign.pk))
    assert sorted(rule.kind for rule in kept) == sorted(rule["kind"] for rule in data["rules"])
    # Each rule's indicators are the campaign's own listed ones, as flags_for reads them.
    listed = {i.pk: i for i in measures.indicators(Campaign.objects.get(pk=campaign.pk))}
    for rule in kept:
        assert rule.indicator is None or rule.indicator is listed[rule.indicator_id]
