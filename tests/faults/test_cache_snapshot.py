"""Redis comes back from an old snapshot after a write made while it was down: the figures
shown are the new ones. The data version keying the cached figures lives in PostgreSQL and
moved with the write (units/dataversion.py); the snapshot's cached figures sit under the
old version, out of reach."""

import datetime

import pytest
import redis
from django.utils import timezone

from campaign.models import Status
from reports.rollup import cached_rollup
from tests.campaign.filings import make_plan

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

YEAR = 2015


def plans_filed(campaign, unit):
    return cached_rollup(campaign, YEAR, unit).headline.plans_filed


def submitted(plan):
    # Sent in the year counted: a year's figures count the plans sent by its cut-off.
    plan.status = Status.SUBMITTED
    plan.submitted_at = plan.first_submitted_at = timezone.make_aware(
        datetime.datetime(YEAR, 7, 10)
    )
    plan.save()  # a save, as the workflow's: the signal moves the version on


def test_a_redis_restored_from_a_snapshot_never_serves_figures_older_than_a_write(
    app_on_private_redis, tree, cast, campaign
):
    server = app_on_private_redis
    submitted(make_plan(tree["A1"], campaign, cast["officer_a1"]))
    before = plans_filed(campaign, tree["PV"])
    assert plans_filed(campaign, tree["PV"]) == before  # now served from the cache
    client = redis.Redis(port=server.port)
    assert client.dbsize() > 0
    client.save()  # the snapshot a persistent Redis would reload
    client.close()

    server.stop()
    submitted(make_plan(tree["B1"], campaign, cast["officer_b1"]))  # made while Redis is down
    server.start()  # back with the snapshot's data: the old figures under their old key
    restored = redis.Redis(port=server.port)
    assert restored.dbsize() > 0, "the snapshot was not loaded"
    restored.close()

    # Counted again by hand: two plans filed now, one before the outage.
    assert before == 1
    assert plans_filed(campaign, tree["PV"]) == 2
