"""The daily reminder run: each step on its day until the unit submits, whom it reaches (and
whom not), what its e-mails say, its query count, and which units it counts late."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaign import notifications, reminders, tasks
from campaign.models import (
    AnnualReport,
    Campaign,
    Notice,
    Notification,
    Period,
    Plan,
    Reminder,
    Status,
)
from tests.campaign.reminder_data import (
    ALL_UNITS,
    DAY,
    MAILED,
    PLAN_DUE,
    REACHABLE,
    REPORT_DUE,
    notifications_by_user,
    plan_of,
    reminder_campaign,
    steps_by_unit,
)
from tests.campaign.reminder_mail import units_mailed
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Unit


@pytest.fixture
def campaign(tree):
    return reminder_campaign(tree)


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
