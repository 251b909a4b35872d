"""Migrations campaign.0018 (a step owing its e-mails) and 0019 (a campaign's measures
version) run on a database holding steps and campaigns, and undo."""

import pytest
from django.db import connection

from campaign import measures, workflow
from campaign.models import Campaign, Step
from tests.campaign.filings import make_plan

pytestmark = pytest.mark.postgres

BEFORE = [("campaign", "0017_search_indexes")]
# The migrations checked, no further: later ones change neither steps, campaigns nor
# indicators, which the assertions read with today's models.
AFTER = [("campaign", "0019_campaign_measures_version")]


def columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
        )
        return {row[0] for row in cursor.fetchall()}


def test_steps_written_before_owe_no_e_mail_and_campaigns_get_a_version(
    migrate, tree, cast, campaign
):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"])
    workflow.submission_submit(plan, user=cast["officer_a1"])
    steps = list(Step.objects.order_by("pk").values_list("pk", "action"))

    migrate(BEFORE)
    assert "emails_pending" not in columns("campaign_step")
    assert "measures_version" not in columns("campaign_campaign")
    with connection.cursor() as cursor:  # a step written the old way, e-mails and all
        cursor.execute("SELECT id, action FROM campaign_step ORDER BY id")
        assert cursor.fetchall() == steps

    migrate(AFTER)
    # Their e-mails were written when they were taken: nothing is owed, nothing resent.
    assert list(Step.objects.order_by("pk").values_list("pk", "action", "emails_pending")) == [
        (pk, action, False) for pk, action in steps
    ]
    version = Campaign.objects.get().measures_version
    assert len(version) == 32 and int(version, 16) >= 0
    assert [i.code for i in measures.indicators(Campaign.objects.get())] == ["sessions"]
