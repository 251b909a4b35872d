"""The log of reminders sent: the user's scope, newest first, paginated, and its query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign import reminders
from campaign.models import (
    Reminder,
)
from tests.campaign.reminder_data import DAY, PLAN_DUE, reminder_campaign
from tests.factories import UnitFactory


@pytest.fixture
def campaign(tree):
    return reminder_campaign(tree)


def test_the_log_shows_reminders_in_the_users_scope_newest_first(client, tree, cast, campaign):
    reminders.send_due_reminders(PLAN_DUE - 7 * DAY)
    reminders.send_due_reminders(PLAN_DUE)
    client.force_login(cast["officer_b1"])
    response = client.get(reverse("campaign:reminder_log"))
    assert response.status_code == 200
    page = list(response.context["page"])
    assert [(r.unit.code, r.step) for r in page] == [("B1", "due"), ("B1", "before-7")]
    assert "CĐCS A1" not in response.content.decode()
    client.force_login(cast["outsider"])
    assert list(client.get(reverse("campaign:reminder_log")).context["page"]) == []


def test_the_log_is_paginated(client, tree, cast, campaign):
    Reminder.objects.bulk_create(
        Reminder(
            unit=tree["A1"],
            campaign=campaign,
            what="plan",
            year=2015,
            step="manual",
            due_on=PLAN_DUE,
            manual=True,
            recipients=1,
        )
        for _ in range(reminders.LOG_PAGE_SIZE + 5)
    )
    client.force_login(cast["cspl"])
    assert (
        len(client.get(reverse("campaign:reminder_log")).context["page"]) == reminders.LOG_PAGE_SIZE
    )
    assert len(client.get(reverse("campaign:reminder_log") + "?page=2").context["page"]) == 5


def test_the_log_costs_the_same_queries_for_3_or_30_reminders(client, tree, cast, campaign):
    # Sent by hand by different reviewers, or by the daily task, to different units.
    senders = [cast["cspl"], cast["reviewer_a"], None]

    def send(count):
        for n in range(count):
            unit = UnitFactory.create(parent=tree["DA"] if n % 2 else tree["DB"])
            Reminder.objects.create(
                unit=unit,
                campaign=campaign,
                what="plan" if n % 2 else "report",
                year=2015,
                step="manual" if senders[n % 3] else "due",
                due_on=PLAN_DUE,
                manual=senders[n % 3] is not None,
                sent_by=senders[n % 3],
                recipients=1,
            )

    def cost():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("campaign:reminder_log"))
        assert response.status_code == 200
        return len(queries), len(response.context["page"])

    client.force_login(cast["cspl"])
    send(3)
    cost()  # the session in the cache
    few, listed = cost()
    assert listed == 3
    send(27)
    many, listed = cost()
    assert listed == min(30, reminders.LOG_PAGE_SIZE)
    assert many == few
