"""The reminder tests' shared data: the campaign and its due dates, the units the cast's
officers reach, what one run e-mails, and plans and reminders read back by unit and by user.
Used by the test_reminder_*.py files on the schedule, the daily run, the manual reminders,
the log and concurrent runs (their fixtures `officers` and `everyone` are in conftest.py).

The campaign is issued by the province of the shared tree; every kind of unit below the
province files (the default). Officers with an e-mail address sit at DA (officer_a), A1
(officer_a1 and officer_a1_bis) and B1 (officer_b1); A2 has none, and officer_a, who files for
it from DA, is reminded of it; the other units have nobody to receive a reminder and are
skipped (the `everyone` fixture gives each unit without an officer of its own one, for the
tests about who is reminded)."""

import datetime

from campaign.models import Campaign, Notification, Plan, Reminder, Status
from tests.factories import CampaignFactory
from units.models import Unit

PLAN_DUE = datetime.date(2015, 7, 31)
REPORT_DUE = datetime.date(2015, 12, 20)  # the campaign's default rule: 20/12
DAY = datetime.timedelta(days=1)
ALL_UNITS = {"DA", "DB", "SE", "A1", "A2", "B1", "S1"}  # every unit below the province
OWN_OFFICERS = {"DA", "A1", "B1"}  # the units of the cast's officers
# A2 has no officer of its own: officer_a files for it from DA (units.access), and is
# reminded of it.
REACHABLE = OWN_OFFICERS | {"A2"}
# Whom one run e-mails about which units, once each (`units_mailed`).
MAILED = {
    "officer_a": ["A2", "DA"],
    "officer_a1": ["A1"],
    "officer_a1_bis": ["A1"],
    "officer_b1": ["B1"],
}


def reminder_campaign(tree: dict[str, Unit]) -> Campaign:
    """The province's campaign, plans due on PLAN_DUE."""
    return CampaignFactory(issuer=tree["PV"], slug="reminder-campaign", plan_due_on=PLAN_DUE)


def plan_of(unit, campaign, status=Status.DRAFT):
    return Plan.objects.create(
        unit=unit,
        campaign=campaign,
        doc_number=f"1/KH-{unit.code}",
        doc_date=datetime.date(2015, 7, 1),
        signer="Chủ tịch",
        summary="Triển khai tuyên truyền.",
        status=status,
    )


def steps_by_unit(**filters):
    """{unit code: the steps of its reminders, sorted}."""
    found = {}
    for reminder in Reminder.objects.filter(**filters).select_related("unit"):
        found.setdefault(reminder.unit.code, []).append(reminder.step)
    return {code: sorted(steps) for code, steps in found.items()}


def notifications_by_user():
    """{username: how many e-mails the outbox holds for them}."""
    counts = {}
    for notification in Notification.objects.select_related("recipient"):
        name = notification.recipient.username
        counts[name] = counts.get(name, 0) + 1
    return counts
