"""Reminders (đôn đốc): the escalating schedule, one e-mail per step, manual reminders.

The campaign below is issued by the province of the shared tree; every kind of unit below
the province files (the default). Officers with an e-mail address sit at DA (officer_a),
A1 (officer_a1 and officer_a1_bis) and B1 (officer_b1); A2 has none, and officer_a, who
files for it from DA, is reminded of it; the other units have nobody to receive a reminder
and are skipped (the `everyone` fixture gives each unit without an officer of its own one,
for the tests about who is reminded).
"""

import datetime
import os
import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from campaign import notifications, reminders, tasks
from campaign.models import (
    AnnualReport,
    Campaign,
    Notice,
    Notification,
    PendingReminderEmail,
    Period,
    Plan,
    Reminder,
    Status,
)
from tests.campaign.reminder_mail import units_mailed
from tests.factories import CampaignFactory, MembershipFactory, UnitFactory, UserFactory
from tests.services import ROOT
from units.models import Membership, Unit

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


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    return CampaignFactory(issuer=tree["PV"], slug="reminder-campaign", plan_due_on=PLAN_DUE)


@pytest.fixture
def officers(tree, cast):
    """The officers who get reminders, by name: a second one at A1."""
    bis = UserFactory(username="officer_a1_bis")
    MembershipFactory(user=bis, unit=tree["A1"], role=Membership.Role.OFFICER)
    return {
        "officer_a": cast["officer_a"],
        "officer_a1": cast["officer_a1"],
        "officer_a1_bis": bis,
        "officer_b1": cast["officer_b1"],
    }


@pytest.fixture
def everyone(tree, cast):
    """An officer with an e-mail address at each unit the cast has none at."""
    for code in ALL_UNITS - OWN_OFFICERS:
        user = UserFactory(username=f"officer_{code.lower()}")
        MembershipFactory(user=user, unit=tree[code], role=Membership.Role.OFFICER)


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


def report_of(unit, campaign, year, status=Status.DRAFT):
    return AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Đã tuyên truyền.",
        self_assessment="good",
        status=status,
    )


def steps_by_unit(**filters):
    found = {}
    for reminder in Reminder.objects.filter(**filters).select_related("unit"):
        found.setdefault(reminder.unit.code, []).append(reminder.step)
    return {code: sorted(steps) for code, steps in found.items()}


def notifications_by_user():
    counts = {}
    for notification in Notification.objects.select_related("recipient"):
        name = notification.recipient.username
        counts[name] = counts.get(name, 0) + 1
    return counts


def walk(freeze, first, last):
    """Run the daily task on every day from `first` to `last`: {day: steps created}."""
    sent = {}
    day = first
    while day <= last:
        freeze.on(day)
        before = set(Reminder.objects.values_list("pk", flat=True))
        tasks.send_reminders.delay()
        new = Reminder.objects.exclude(pk__in=before)
        if new:
            sent[day] = sorted({reminder.step for reminder in new})
        day += DAY
    return sent


# --- the schedule ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("offset", "step"),
    [
        (-8, None),
        (-7, "before-7"),
        (-6, "before-7"),  # the step of -7, if that day's run was missed
        (-4, "before-7"),
        (-3, "before-3"),
        (-1, "before-3"),
        (0, "due"),
        (6, "due"),
        (7, "late-1"),
        (13, "late-1"),
        (14, "late-2"),
        (21, "late-3"),
        (70, "late-10"),
        (71, "late-10"),
    ],
)
def test_the_schedule_escalates_7_and_3_days_before_on_the_day_then_weekly(offset, step):
    # Each day maps to the latest step on or before it; a step is sent once per unit.
    assert reminders.schedule_step(PLAN_DUE, PLAN_DUE + offset * DAY) == step


@pytest.mark.parametrize(
    ("step", "label"),
    [
        ("late-1", "trễ hạn 1 tuần"),
        ("late-8", "trễ hạn 8 tuần"),
        ("late-1250", "trễ hạn 1.250 tuần"),
    ],
)
def test_the_log_names_a_late_step_in_weeks_grouped_by_thousands_as_other_counts(step, label):
    with translation.override("vi"):
        assert reminders.step_label(step) == label


def test_a_missed_days_step_goes_out_at_the_next_run_exactly_once(tree, everyone, campaign):
    # Beat was down on the due date: the next day's run sends "due", once.
    reminders.send_due_reminders(PLAN_DUE - 3 * DAY)
    assert reminders.send_due_reminders(PLAN_DUE + DAY) > 0
    after = steps_by_unit()
    assert all(steps == ["before-3", "due"] for steps in after.values()), after
    assert reminders.send_due_reminders(PLAN_DUE + DAY) == 0
    assert reminders.send_due_reminders(PLAN_DUE + 2 * DAY) == 0
    assert steps_by_unit() == after


def test_plan_reminders_stop_after_eight_late_weeks(db, campaign):
    assert reminders.plan_step(campaign, PLAN_DUE + 56 * DAY) == "late-8"
    assert reminders.plan_step(campaign, PLAN_DUE + 63 * DAY) is None
    assert reminders.plan_step(campaign, PLAN_DUE + 70 * DAY) is None


# --- the daily task ----------------------------------------------------------------------------
def test_day_by_day_each_step_goes_out_on_its_day_until_the_unit_submits(
    tree, cast, campaign, officers, freeze
):
    # A1 submits its plan the day after the due date; B1 has only a draft.
    plan_of(tree["B1"], campaign, Status.DRAFT)
    a1_plan = plan_of(tree["A1"], campaign, Status.DRAFT)

    sent = walk(freeze, PLAN_DUE - 10 * DAY, PLAN_DUE)
    Plan.objects.filter(pk=a1_plan.pk).update(status=Status.SUBMITTED)
    sent.update(walk(freeze, PLAN_DUE + DAY, PLAN_DUE + 22 * DAY))

    assert sent == {
        PLAN_DUE - 7 * DAY: ["before-7"],
        PLAN_DUE - 3 * DAY: ["before-3"],
        PLAN_DUE: ["due"],
        PLAN_DUE + 7 * DAY: ["late-1"],
        PLAN_DUE + 14 * DAY: ["late-2"],
        PLAN_DUE + 21 * DAY: ["late-3"],
    }
    every_step = ["before-3", "before-7", "due", "late-1", "late-2", "late-3"]
    by_unit = steps_by_unit(what="plan")
    assert by_unit.pop("A1") == ["before-3", "before-7", "due"]  # nothing after submitting
    assert by_unit == dict.fromkeys(REACHABLE - {"A1"}, every_step)
    # One e-mail per officer and run: officer_a's names DA and A2, which it files for.
    assert notifications_by_user() == {
        "officer_a": 6,
        "officer_a1": 3,
        "officer_a1_bis": 3,
        "officer_b1": 6,
    }
    assert set(Reminder.objects.values_list("due_on", flat=True)) == {PLAN_DUE}
    assert not Reminder.objects.filter(manual=True).exists()


def test_running_the_task_twice_on_the_same_day_sends_nothing_more(
    tree, campaign, officers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_reminders.delay(PLAN_DUE.isoformat()).get()
        second = tasks.send_reminders.delay(PLAN_DUE.isoformat()).get()
    assert (first, second) == (len(REACHABLE), 0)
    assert Reminder.objects.count() == len(REACHABLE)
    # One each: officer_a's names DA and A2, which it files for.
    assert notifications_by_user() == dict.fromkeys(officers, 1)
    assert units_mailed() == MAILED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in officers.values())
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_reminder_records_its_recipients_and_a_unit_with_nobody_to_receive_it_is_skipped(
    tree, campaign, officers, caplog
):
    created = reminders.send_due_reminders(PLAN_DUE)
    recipients = dict(Reminder.objects.values_list("unit__code", "recipients"))
    # A2, with no officer of its own, through officer_a, who files for it from DA.
    assert recipients == {"DA": 1, "A1": 2, "B1": 1, "A2": 1}
    assert created == 4  # the units skipped are not counted as reminded
    assert "nobody to receive it at DB, SE, S1" in caplog.text
    # Once someone is there, the next step reaches the unit.
    MembershipFactory(user=UserFactory(username="officer_s1"), unit=tree["S1"], role="officer")
    reminders.send_due_reminders(PLAN_DUE + 7 * DAY)
    assert Reminder.objects.get(unit=tree["S1"]).step == "late-1"


def test_a_unit_filed_for_on_behalf_is_reminded_through_the_nearest_officers_above(
    tree, cast, campaign, officers
):
    # A2 has no officer of its own: the officers who file for it (units.access) are those of
    # the nearest open unit above that has any, DA's, not the province's; before, nobody was
    # reminded of it and the reviewers' list said it had nobody to receive one.
    province_officer = UserFactory(username="officer_pv")
    MembershipFactory(user=province_officer, unit=tree["PV"], role="officer")
    reminders.send_due_reminders(PLAN_DUE)
    a2 = Reminder.objects.get(unit=tree["A2"])
    assert a2.recipients == 1
    told = Notice.objects.filter(recipient__username="officer_a").values_list("url", flat=True)
    assert reverse("campaign:plan_start", args=[campaign.pk, tree["A2"].pk]) in told
    # Once DA has closed, its officer files for nobody: the province's officer does.
    Unit.objects.filter(pk=tree["DA"].pk).update(closed_on=PLAN_DUE)
    found = notifications.filers([Unit.objects.get(pk=tree["A2"].pk)], PLAN_DUE + DAY)
    assert found == {tree["A2"].pk: [province_officer]}


@pytest.mark.parametrize(
    ("status", "reminded"),
    [
        (Status.DRAFT, True),
        (Status.RETURNED, True),
        (Status.SUBMITTED, False),
        (Status.ACCEPTED, False),
    ],
)
def test_only_a_submitted_or_accepted_plan_stops_the_reminders(
    tree, campaign, officers, status, reminded
):
    plan_of(tree["A1"], campaign, status)
    reminders.send_due_reminders(PLAN_DUE)
    assert Reminder.objects.filter(unit=tree["A1"]).exists() is reminded


def test_other_kinds_closed_units_and_the_issuer_are_never_reminded(tree, cast, everyone, campaign):
    MembershipFactory(user=UserFactory(username="officer_pv"), unit=tree["PV"], role="officer")
    campaign.addressed_kinds = [Unit.Kind.GRASSROOTS, Unit.Kind.PROVINCE]
    campaign.save()
    tree["A2"].close(PLAN_DUE - 30 * DAY)
    late = UnitFactory.create(parent=tree["DB"], code="LATE", opened_on=PLAN_DUE + DAY)

    for offset in (-7, -3, 0, 7, 14):
        reminders.send_due_reminders(PLAN_DUE + offset * DAY)

    # Only grassroots unions open on the due date: not the districts or the sector union
    # (other kinds), not the province (the issuer), not A2 (closed), not a unit opened later.
    assert set(steps_by_unit()) == {"A1", "B1", "S1"}
    assert not Reminder.objects.filter(unit=late).exists()
    assert "officer_pv" not in notifications_by_user()


def test_a_campaign_issued_by_a_district_reminds_only_the_units_below_it(
    tree, cast, everyone, campaign
):
    district = Campaign.objects.create(
        slug="district-campaign",
        number="5/KH-LĐLĐ",
        title="Kế hoạch của huyện A",
        issuer=tree["DA"],
        issued_on=datetime.date(2015, 6, 1),
        directive="Kế hoạch 99/KH-LĐLĐ",
        first_year=2015,
        plan_due_on=datetime.date(2015, 9, 30),
    )
    reminders.send_due_reminders(datetime.date(2015, 9, 30))
    assert set(steps_by_unit(campaign=district)) == {"A1", "A2"}


def test_a_unit_that_closes_after_the_due_date_is_no_longer_reminded(tree, everyone, campaign):
    reminders.send_due_reminders(PLAN_DUE)
    tree["B1"].close(PLAN_DUE + 3 * DAY)
    reminders.send_due_reminders(PLAN_DUE + 7 * DAY)
    assert steps_by_unit()["B1"] == ["due"]
    assert steps_by_unit()["A1"] == ["due", "late-1"]


def test_report_reminders_run_from_a_week_before_the_due_date_until_the_lock(
    tree, campaign, officers, freeze
):
    period = Period.objects.for_year(campaign, 2015)
    assert (period.due_on, period.locks_on) == (REPORT_DUE, datetime.date(2016, 1, 19))
    for code in ALL_UNITS - {"B1"}:
        report_of(tree[code], campaign, 2015, Status.SUBMITTED)

    sent = walk(freeze, REPORT_DUE - 10 * DAY, period.locks_on + 20 * DAY)

    assert sent == {
        datetime.date(2015, 12, 13): ["before-7"],
        datetime.date(2015, 12, 17): ["before-3"],
        datetime.date(2015, 12, 20): ["due"],
        datetime.date(2015, 12, 27): ["late-1"],
        datetime.date(2016, 1, 3): ["late-2"],
        datetime.date(2016, 1, 10): ["late-3"],
        datetime.date(2016, 1, 17): ["late-4"],
        # 24/01 would be late-5, but reports locked on 19/01: nothing after the lock.
    }
    assert steps_by_unit() == {
        "B1": ["before-3", "before-7", "due", "late-1", "late-2", "late-3", "late-4"]
    }
    assert set(Reminder.objects.values_list("what", "year")) == {("report", 2015)}


def test_an_earlier_lock_date_set_on_the_period_ends_the_reminders_sooner(tree, everyone, campaign):
    Period.objects.for_year(campaign, 2015)
    Period.objects.filter(campaign=campaign, year=2015).update(locks_on=REPORT_DUE + 10 * DAY)
    reminders.send_due_reminders(REPORT_DUE + 7 * DAY)
    reminders.send_due_reminders(REPORT_DUE + 14 * DAY)
    assert set(Reminder.objects.values_list("step", flat=True)) == {"late-1"}


def test_the_daily_run_creates_no_period_outside_a_reminder_window(tree, campaign):
    reminders.send_due_reminders(datetime.date(2015, 10, 1))
    assert not Period.objects.exists()
    reminders.send_due_reminders(REPORT_DUE - 7 * DAY)
    assert list(Period.objects.values_list("year", flat=True)) == [2015]


def test_a_campaign_that_has_ended_sends_no_report_reminders(tree, campaign):
    campaign.first_year, campaign.last_year = 2014, 2014
    campaign.save()
    reminders.send_due_reminders(REPORT_DUE)
    assert not Reminder.objects.filter(what="report").exists()


def test_the_plan_e_mail_names_the_unit_the_due_date_and_the_page_to_file_it(
    tree, campaign, officers, settings
):
    settings.SITE_URL = "https://congthongtin.example.vn/"
    with translation.override("en"):  # e.g. run from a request of a user who chose English
        reminders.send_due_reminders(PLAN_DUE + 7 * DAY)
    notification = Notification.objects.get(recipient=officers["officer_b1"])
    path = reverse("campaign:plan_start", args=[campaign.pk, tree["B1"].pk])
    assert f"https://congthongtin.example.vn{path}" in notification.body
    assert "CĐCS B1" in notification.subject and "31/07/2015" in notification.subject
    assert "31/07/2015" in notification.body and re.search(r"\b7\b", notification.body)
    assert "Thư này được gửi tự động" in notification.body  # rendered in Vietnamese
    assert notification.to_email == officers["officer_b1"].email
    reminder = Reminder.objects.get(unit=tree["B1"])
    assert notification.key == f"reminder-{reminder.pk}-user-{officers['officer_b1'].pk}"


def test_the_report_e_mail_links_to_that_years_report(tree, campaign, officers):
    reminders.send_due_reminders(REPORT_DUE - 3 * DAY)
    notification = Notification.objects.get(recipient=officers["officer_b1"])
    assert (
        reverse("campaign:report_start", args=[campaign.pk, tree["B1"].pk, 2015])
        in notification.body
    )
    assert "20/12/2015" in notification.body and "2015" in notification.subject


def test_an_inactive_officer_gets_nothing_and_one_without_e_mail_only_the_notice(
    tree, campaign, officers
):
    officers["officer_a1"].is_active = False
    officers["officer_a1"].save()
    officers["officer_b1"].email = ""
    officers["officer_b1"].save()
    reminders.send_due_reminders(PLAN_DUE)
    # officer_a's names DA and A2, which it files for.
    assert notifications_by_user() == {"officer_a": 1, "officer_a1_bis": 1}
    noticed = sorted(Notice.objects.values_list("recipient__username", flat=True))
    assert noticed == ["officer_a", "officer_a", "officer_a1_bis", "officer_b1"]
    # Reached in the portal: the reminder counts as received.
    assert Reminder.objects.get(unit=tree["B1"]).recipients == 1


def test_the_daily_run_looks_units_up_in_a_fixed_number_of_queries(tree, everyone, campaign):
    def lookups(day):
        # Every query except the per-unit claims, their e-mails and notices, the data
        # version each claim's transaction moves (and their savepoints); the e-mails, one
        # per person, are written in a fixed number of queries each
        # (tests/campaign/test_reminder_digest.py).
        with CaptureQueriesContext(connection) as run:
            reminders.send_due_reminders(day)
        return [
            query["sql"]
            for query in run.captured_queries
            if "reports_reminder" not in query["sql"]
            and "campaign_notification" not in query["sql"]
            and "campaign_notice" not in query["sql"]
            and "campaign_pendingreminderemail" not in query["sql"]
            and "units_dataversionshard" not in query["sql"]
            and not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        ]

    few = lookups(PLAN_DUE - 7 * DAY)
    for n in range(10):
        unit = UnitFactory.create(parent=tree["DB"])
        MembershipFactory(user=UserFactory(username=f"officer_new{n}"), unit=unit, role="officer")
    many = lookups(PLAN_DUE - 3 * DAY)
    assert Reminder.objects.filter(step="before-3").count() == len(ALL_UNITS) + 10
    assert len(many) == len(few) <= 4  # campaigns, periods, late units, officers


# --- counting ---------------------------------------------------------------------------------
def test_reminders_per_year_counts_the_reminders_that_reached_someone(
    tree, cast, campaign, officers
):
    other = Campaign.objects.create(
        slug="other",
        number="7/KH",
        title="Khác",
        issuer=tree["PV"],
        issued_on=PLAN_DUE,
        directive="-",
        first_year=2015,
        plan_due_on=datetime.date(2016, 3, 31),
    )
    reminders.send_due_reminders(PLAN_DUE)  # 2015 plan: DA, A1, A2, B1 reached; three not
    reminders.send_due_reminders(REPORT_DUE)  # 2015 reports of both campaigns: the same four
    reminders.send_manual_reminders(
        [tree["B1"]], campaign, "report", 2016, cast["cspl"], today=datetime.date(2016, 12, 21)
    )
    assert reminders.reminders_per_year(campaign) == {2015: 8, 2016: 1}
    assert reminders.reminders_per_year(other) == {2015: 4}  # counted per campaign


# --- the reviewer's list and manual reminders --------------------------------------------------
def list_url(campaign, what="plan", year=2015):
    return f"{reverse('campaign:late_units')}?campaign={campaign.pk}&what={what}&year={year}"


def remind(client, campaign, units, what="plan", year=2015):
    return client.post(
        reverse("campaign:remind_units"),
        {"campaign": campaign.pk, "what": what, "year": year, "units": [u.pk for u in units]},
    )


def test_anonymous_users_are_sent_to_the_login_page(client, tree, campaign):
    for response in (client.get(list_url(campaign)), remind(client, campaign, [tree["A1"]])):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("name", ["officer_a1", "standing", "outsider"])
def test_officers_viewers_and_outsiders_may_not_remind(client, tree, cast, campaign, name):
    client.force_login(cast[name])
    assert client.get(list_url(campaign)).status_code == 403
    assert remind(client, campaign, [tree["A1"]]).status_code == 403
    assert not Reminder.objects.exists()


def test_a_reviewer_of_another_subtree_gets_404_for_those_units(client, tree, cast, campaign):
    client.force_login(cast["reviewer_a"])
    assert remind(client, campaign, [tree["B1"]]).status_code == 404
    assert remind(client, campaign, [tree["A1"], tree["B1"]]).status_code == 404
    # Nor their own district, which the province reviews, nor a unit that does not exist.
    assert remind(client, campaign, [tree["DA"]]).status_code == 404
    assert remind(client, campaign, [Unit(pk=999_999)]).status_code == 404
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_the_list_shows_the_reviewed_units_that_have_not_submitted(client, tree, cast, campaign):
    plan_of(tree["A2"], campaign, Status.SUBMITTED)
    plan_of(tree["A1"], campaign, Status.RETURNED)
    client.force_login(cast["reviewer_a"])
    response = client.get(list_url(campaign))
    assert response.status_code == 200
    assert [unit.code for unit in response.context["rows"]] == ["A1"]
    client.force_login(cast["cspl"])
    response = client.get(list_url(campaign))
    assert [unit.code for unit in response.context["rows"]] == [
        "DA",
        "A1",
        "DB",
        "B1",
        "SE",
        "S1",
    ]
    assert "CĐCS B1" in response.content.decode()


def test_the_list_shows_each_units_last_reminder_and_count(client, tree, cast, campaign, freeze):
    freeze.on(PLAN_DUE + 10 * DAY)
    reminders.send_due_reminders(PLAN_DUE)
    reminders.send_due_reminders(PLAN_DUE + 7 * DAY)
    for step, day in (("due", PLAN_DUE), ("late-1", PLAN_DUE + 7 * DAY)):
        Reminder.objects.filter(step=step).update(
            sent_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(7)))
        )
    reminders.send_due_reminders(REPORT_DUE)  # another document: not counted here
    client.force_login(cast["reviewer_a"])
    response = client.get(list_url(campaign))
    rows = {unit.code: unit for unit in response.context["rows"]}
    assert rows["A1"].reminder_count == 2
    assert timezone.localtime(rows["A1"].last_reminded_at).date() == datetime.date(2015, 8, 7)
    assert rows["A1"].officer_count == 1
    # A2 has no officer of its own: officer_a, who files for it from DA, receives them.
    assert rows["A2"].officer_count == 1 and rows["A2"].on_behalf
    assert rows["A2"].reminder_count == 2
    page = response.content.decode()
    assert "07/08/2015" in page
    assert page.count(">nhập hộ</span>") == 1 and ">không có người nhận</span>" not in page


def test_the_list_groups_the_days_past_the_due_date(client, tree, cast, campaign, freeze):
    freeze.on(PLAN_DUE + 1402 * DAY)
    client.force_login(cast["reviewer_a"])
    page = client.get(list_url(campaign)).content.decode()
    assert "Đã quá hạn 1.402 ngày." in page and "1402" not in page


@pytest.mark.parametrize(
    ("days", "said"),
    [(-1402, "Hạn gửi là ngày 31/07/2015, còn 1.402 ngày."), (1402, "đã trễ 1.402 ngày.")],
)
def test_the_e_mail_groups_its_count_of_days(tree, campaign, officers, days, said):
    # A reviewer may remind a unit of a document long overdue (`send_manual_reminders`).
    reminders.send_manual_reminders(
        [tree["B1"]], campaign, "plan", 2015, officers["officer_a"], today=PLAN_DUE + days * DAY
    )
    notification = Notification.objects.get(recipient=officers["officer_b1"])
    assert said in notification.body and "1402" not in notification.body


def test_the_list_leaves_out_old_reminders_that_reached_nobody(client, tree, cast, campaign):
    # Rows logged before a unit with nobody to receive it was skipped: the log leaves them
    # out, and the list counted them as sent.
    Reminder.objects.create(
        unit=tree["A2"],
        campaign=campaign,
        what="plan",
        year=PLAN_DUE.year,
        step="late-1",
        due_on=PLAN_DUE,
        recipients=0,
    )
    client.force_login(cast["reviewer_a"])
    rows = {unit.code: unit for unit in client.get(list_url(campaign)).context["rows"]}
    assert (rows["A2"].reminder_count, rows["A2"].last_reminded_at) == (0, None)


def test_an_officer_without_e_mail_is_someone_to_receive_the_reminder(
    client, tree, cast, campaign, officer_without_e_mail, freeze
):
    # A2's only officer has no e-mail address: the reminder reaches them in the portal, so
    # the list does not say there is nobody to receive it.
    Membership.objects.filter(user=officer_without_e_mail).update(unit=tree["A2"])
    freeze.on(PLAN_DUE + 4 * DAY)
    client.force_login(cast["reviewer_a"])
    response = client.get(list_url(campaign))
    rows = {unit.code: unit for unit in response.context["rows"]}
    assert (rows["A2"].officer_count, rows["A2"].without_email) == (1, 1)
    assert (rows["A1"].officer_count, rows["A1"].without_email) == (1, 0)
    page = response.content.decode()
    assert "1 người không có e-mail: chỉ nhận trên cổng" in page
    assert ">không có người nhận</span>" not in page


def test_a_reviewer_reminds_selected_units_and_the_officers_get_an_e_mail(
    client, tree, cast, campaign, officers, freeze, django_capture_on_commit_callbacks
):
    freeze.on(PLAN_DUE + 4 * DAY)
    client.force_login(cast["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(client, campaign, [tree["A1"], tree["A2"]])
    assert response.status_code == 302
    assert response.url == list_url(campaign)
    sent = Reminder.objects.order_by("unit__path")
    # A2 has no officer of its own: officer_a, who files for it from DA, receives it.
    assert [(r.unit.code, r.step, r.manual, r.sent_by) for r in sent] == [
        ("A1", "manual", True, cast["reviewer_a"]),
        ("A2", "manual", True, cast["reviewer_a"]),
    ]
    assert [r.recipients for r in sent] == [2, 1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [officers["officer_a1"].email, officers["officer_a1_bis"].email, cast["officer_a"].email]
    )
    assert re.search(r"\b4\b", mail.outbox[0].body) and "31/07/2015" in mail.outbox[0].body
    assert str(cast["reviewer_a"]) in mail.outbox[0].body
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(flashed) == 1 and "Không có người nhận" not in flashed[0]
    # A manual reminder does not use up an automatic step.
    reminders.send_due_reminders(PLAN_DUE + 7 * DAY)
    assert steps_by_unit()["A1"] == ["late-1", "manual"]


def test_one_tap_reminds_every_unit_the_list_shows(
    client, tree, cast, everyone, campaign, freeze, django_capture_on_commit_callbacks
):
    # The province's list: every unit below it but those that submitted (DB's plan).
    freeze.on(PLAN_DUE + 4 * DAY)
    plan_of(tree["DB"], campaign, Status.SUBMITTED)
    client.force_login(cast["cspl"])
    page = client.get(list_url(campaign)).content.decode()
    # Below the province: DA, A1, A2, DB, B1, SE, S1; DB has submitted.
    expected = ["A1", "A2", "B1", "DA", "S1", "SE"]
    assert f"Đôn đốc cả {len(expected)} đơn vị" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaign:remind_units"),
            {"campaign": campaign.pk, "what": "plan", "year": 2015, "every": "yes"},
        )
    assert response.status_code == 302
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == expected


def test_every_unit_means_every_unit_the_reviewer_reviews_and_no_other(
    client, tree, cast, everyone, campaign, freeze
):
    freeze.on(PLAN_DUE + 4 * DAY)
    client.force_login(cast["reviewer_a"])
    data = {"campaign": campaign.pk, "what": "plan", "year": 2015, "every": "yes"}
    data["units"] = [tree["B1"].pk]  # a unit typed in as well is not taken
    assert client.post(reverse("campaign:remind_units"), data).status_code == 302
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["A1", "A2"]


def test_a_unit_that_has_already_submitted_is_refused_and_nothing_is_sent(
    client, tree, cast, campaign, officers
):
    plan_of(tree["A2"], campaign, Status.SUBMITTED)
    client.force_login(cast["reviewer_a"])
    response = remind(client, campaign, [tree["A1"], tree["A2"]])
    assert response.status_code == 400
    assert "CĐCS A2" in response.context["selection"].errors[0]
    assert response.context["selected"] == {tree["A1"].pk, tree["A2"].pk}
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_the_list_explains_when_there_is_no_campaign_yet(client, tree, cast):
    client.force_login(cast["cspl"])
    response = client.get(reverse("campaign:late_units"))
    assert response.status_code == 200 and "rows" not in response.context


def test_remind_refuses_an_empty_selection_and_a_get(client, tree, cast, campaign):
    client.force_login(cast["reviewer_a"])
    assert remind(client, campaign, []).status_code == 400
    assert client.get(reverse("campaign:remind_units")).status_code == 405
    assert not Reminder.objects.exists()


def test_remind_needs_a_real_campaign_and_year(client, tree, cast, campaign):
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:remind_units"),
        {"campaign": 999_999, "what": "plan", "year": 2015, "units": [tree["A1"].pk]},
    )
    assert response.status_code == 404
    assert remind(client, campaign, [tree["A1"]], what="report", year=2014).status_code == 404
    assert not Reminder.objects.exists()


def test_a_manual_report_reminder_is_logged_for_that_year(
    client, tree, cast, everyone, campaign, freeze
):
    freeze.on(datetime.date(2016, 12, 28))
    client.force_login(cast["cspl"])
    response = remind(client, campaign, [tree["DB"]], what="report", year=2016)
    assert response.status_code == 302
    reminder = Reminder.objects.get()
    assert (reminder.what, reminder.year, reminder.due_on) == (
        "report",
        2016,
        datetime.date(2016, 12, 20),
    )


def test_the_list_costs_the_same_queries_for_3_or_30_units(client, tree, cast, campaign):
    def extra_units(count):
        # Every other one has no officer of its own: officer_a files for it and is counted
        # as receiving its reminders (as for A2, in both lists).
        for n in range(count):
            unit = UnitFactory.create(parent=tree["DA"])
            if n % 2 == 0:
                MembershipFactory(user=UserFactory(), unit=unit, role="officer")
            Reminder.objects.create(
                unit=unit, campaign=campaign, what="plan", year=2015, step="due", due_on=PLAN_DUE
            )

    client.force_login(cast["reviewer_a"])
    client.get(list_url(campaign))  # warm up the session and the period
    extra_units(1)
    with CaptureQueriesContext(connection) as few:
        response = client.get(list_url(campaign))
    assert len(response.context["rows"]) == 3
    extra_units(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(list_url(campaign))
    assert len(response.context["rows"]) == 30
    assert len(many) == len(few)


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


# --- PostgreSQL: racing runs -------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_exactly_one_e_mail_per_officer_and_step(
    require_postgres, tree, campaign, officers, slow_outbox_writes
):
    # Each run holds its claim uncommitted for a moment while it writes the e-mails, so the
    # other run reaches the same claim and must wait for it, then give way.
    start = threading.Barrier(2)
    created, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            created.append(reminders.send_due_reminders(PLAN_DUE))
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(created) == len(REACHABLE)
    assert Reminder.objects.count() == len(REACHABLE)
    # Each officer e-mailed once about each of their units: officer_a about DA and A2,
    # which it files for, in one e-mail, or in one of each run's when the runs split them.
    assert units_mailed() == MAILED
    assert 1 <= notifications_by_user().pop("officer_a") <= 2
    assert len(mail.outbox) == Notification.objects.count()
    assert not PendingReminderEmail.objects.exists()
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


# --- PostgreSQL and Redis: two real workers -----------------------------------------------------
# Each worker consumes, and publishes its e-mail tasks to, a queue of its own test run, so a
# concurrent run of the suite on the same Redis cannot take this test's tasks or give it theirs.
WORKER = """
import sys
from config.celery import app
queue, name = sys.argv[1], sys.argv[2]
app.conf.task_default_queue = queue
app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--without-gossip",
                 "--without-mingle", "--loglevel=INFO", "-Q", queue, "-n", name])
"""


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_running_the_task_send_one_e_mail_per_officer_and_step(
    require_postgres, require_redis, tree, campaign, officers, tmp_path
):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        # The workers must see the test database, where the fixtures were committed.
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    }
    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    workers = []

    def read_logs():
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs)

    try:
        for number, log in enumerate(logs, start=1):
            with log.open("w") as output:
                workers.append(
                    subprocess.Popen(
                        [sys.executable, "-c", WORKER, queue, f"reminders{number}@%h"],
                        cwd=ROOT,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )
        # Both workers consume before the tasks arrive, so each can take one.
        deadline = time.monotonic() + 60
        while not all(" ready." in log.read_text() for log in logs):
            assert all(worker.poll() is None for worker in workers), read_logs()
            assert time.monotonic() < deadline, "the workers never started:\n" + read_logs()
            time.sleep(0.2)

        for _ in range(2):
            tasks.send_reminders.apply_async(args=[PLAN_DUE.isoformat()], queue=queue)

        done = re.compile(r"Task reports\.tasks\.send_reminders\[[^\]]+\] succeeded")
        deadline = time.monotonic() + 90
        stable_since, last_seen = None, None
        while True:
            assert all(worker.poll() is None for worker in workers), read_logs()
            assert time.monotonic() < deadline, "the runs never settled:\n" + read_logs()
            finished = len(done.findall(read_logs()))
            seen = (
                finished,
                Reminder.objects.count(),
                Notification.objects.count(),
                Notification.objects.filter(sent_at__isnull=False).count(),
            )
            if seen != last_seen:
                stable_since, last_seen = time.monotonic(), seen
            elif finished == 2 and seen[2] == seen[3] and time.monotonic() - stable_since > 2:
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    # The two runs really ran side by side, one on each worker...
    assert [len(done.findall(log.read_text())) for log in logs] == [1, 1], read_logs()
    # ...and between them claimed each unit's step once and mailed each officer once a unit.
    assert Reminder.objects.count() == len(REACHABLE)
    assert set(Reminder.objects.values_list("step", flat=True)) == {"due"}
    # officer_a about DA and A2, which it files for: in one e-mail, or one of each run's.
    assert units_mailed() == MAILED
    assert not PendingReminderEmail.objects.exists()
    sent = Notification.objects.all()
    assert all(n.sent_at and n.attempts == 1 and n.last_error == "" for n in sent)


def test_who_is_late_for_a_report_follows_the_counting_rule_at_the_cut_off(tree, campaign):
    """Expected are the units open at the year's cut-off (14/12), as the dashboard counts
    them: one closed after it (but before the due date) is still late, one closed before it
    is not expected; a unit that closes is never reminded once closed."""
    Period.objects.for_year(campaign, 2015)
    # Closed as the portal closes a unit, its eras with it: the rule reads the year's tree.
    tree["A1"].close(datetime.date(2015, 12, 16))
    tree["A2"].close(datetime.date(2015, 12, 14))
    late = {unit.code for unit in reminders.outstanding_units(campaign, "report", 2015, today=None)}
    codes = {code: tree[code].code for code in ALL_UNITS}
    assert late == {codes[c] for c in ALL_UNITS - {"A2"}}
    today = {
        unit.code
        for unit in reminders.outstanding_units(
            campaign, "report", 2015, today=datetime.date(2015, 12, 20)
        )
    }
    assert today == {codes[c] for c in ALL_UNITS - {"A1", "A2"}}
