"""One reminder e-mail per person and run: an officer who files for several late units
(their own and those below without an officer of their own) gets one e-mail listing them,
not one per unit, from the daily run and from a reviewer's reminders by hand alike; each
unit is still claimed, logged and noticed on its own, and mailed once, also when a run
dies midway and runs again.

The campaign (tests/campaign/conftest.py) is issued by the province; its plan is due on
31/07/2015. Five grassroots unions are added below district A without an officer of their
own: officer_a files for them, as for A2 and for DA itself.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from campaign import reminders, tasks
from campaign.models import Notice, Notification, PendingReminderEmail, Reminder
from tests.campaign.reminder_mail import units_mailed
from tests.factories import UnitFactory
from units.models import Membership, Unit

PLAN_DUE = datetime.date(2015, 7, 31)
DAY = datetime.timedelta(days=1)
LATE_2 = PLAN_DUE + 14 * DAY  # the step "late-2"


@pytest.fixture
def below_a(tree, cast):
    """Five grassroots unions below district A with nobody of their own."""
    return [
        UnitFactory.create(parent=tree["DA"], name=f"Công đoàn cơ sở Trường số {n}")
        for n in range(1, 6)
    ]


def filed_by_officer_a(tree):
    """The codes of the units officer_a files for, counted afresh from the tree and the
    memberships: district A itself, and every unit below it with no officer of its own."""
    district = tree["DA"]
    own = set(
        Membership.objects.filter(role=Membership.Role.OFFICER).values_list("unit_id", flat=True)
    )
    below = Unit.objects.filter(path__startswith=district.path).exclude(pk=district.pk)
    return sorted([district.code] + [unit.code for unit in below if unit.pk not in own])


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_an_officer_filing_for_many_late_units_gets_one_e_mail_naming_them_all(
    client, tree, cast, campaign, below_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due_reminders(LATE_2)
    expected = filed_by_officer_a(tree)
    assert len(expected) == 7  # DA, A2 and the five added

    [sent] = mails_to(cast["officer_a"])
    assert sent.subject == "Đôn đốc: 7 đơn vị chưa gửi kế hoạch triển khai"
    assert sent.body.startswith(f"Kính gửi đồng chí {cast['officer_a']},\n")
    assert "7 đơn vị sau đây, do đồng chí phụ trách nhập liệu trên cổng, chưa gửi" in sent.body
    assert units_mailed()["officer_a"] == expected
    for unit in Unit.objects.filter(code__in=expected):
        line = f"{unit.name}: kế hoạch triển khai (99/KH-LĐLĐ), hạn 31/07/2015"
        assert f"{line}, trễ hạn 2 tuần.\n" in sent.body
        assert reverse("campaign:plan_start", args=[campaign.pk, unit.pk]) + "\n" in sent.body
    # Each unit is still reminded, logged and noticed on its own.
    assert sorted(Reminder.objects.filter(step="late-2").values_list("unit__code", flat=True)) == (
        sorted([*expected, "A1", "B1"])
    )
    assert Notice.objects.filter(recipient=cast["officer_a"]).count() == len(expected)
    assert not PendingReminderEmail.objects.exists()
    # The reminder log reads one entry per unit: officer_a sees district A's area.
    client.force_login(cast["officer_a"])
    log = client.get(reverse("campaign:reminder_log")).context["page"]
    assert sorted(reminder.unit.code for reminder in log) == sorted([*expected, "A1"])


def test_a_unit_s_own_officer_gets_the_e_mail_of_their_unit_as_before(
    tree, cast, campaign, below_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due_reminders(LATE_2)
    for name, code in (("officer_a1", "A1"), ("officer_b1", "B1")):
        [sent] = mails_to(cast[name])
        assert sent.subject == f"[CĐCS {code}] Đôn đốc: kế hoạch triển khai, hạn 31/07/2015"
        assert sent.body.startswith(f"Kính gửi cán bộ CĐCS {code},\n")
        assert "Hạn gửi là ngày 31/07/2015, đã trễ 14 ngày." in sent.body
        reminder = Reminder.objects.get(unit=tree[code])
        assert Notification.objects.get(recipient=cast[name]).key == (
            f"reminder-{reminder.pk}-user-{cast[name].pk}"
        )


def test_a_second_run_the_same_day_sends_nothing_more(
    tree, cast, campaign, below_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.delay(LATE_2.isoformat()).get() == 9
    first = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.delay(LATE_2.isoformat()).get() == 0
    assert first == len(mail.outbox) == 3  # officer_a, officer_a1, officer_b1
    assert units_mailed()["officer_a"] == filed_by_officer_a(tree)


def test_a_run_that_dies_midway_then_runs_again_mails_each_unit_once(
    tree, cast, campaign, below_a, monkeypatch, django_capture_on_commit_callbacks
):
    notify = reminders._notify
    claimed = []

    def dies_at_the_fifth_unit(reminder, unit, users):
        if len(claimed) == 4:
            raise RuntimeError("the worker died")
        claimed.append(unit.code)
        notify(reminder, unit, users)

    monkeypatch.setattr(reminders, "_notify", dies_at_the_fifth_unit)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        reminders.send_due_reminders(LATE_2)
    # The four units claimed before it died are kept, with what their e-mails owe.
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == sorted(claimed)
    assert PendingReminderEmail.objects.exists() and mail.outbox == []

    monkeypatch.setattr(reminders, "_notify", notify)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due_reminders(LATE_2) == 9 - len(claimed)
        assert reminders.send_due_reminders(LATE_2) == 0
    assert units_mailed() == {
        "officer_a": filed_by_officer_a(tree),
        "officer_a1": ["A1"],
        "officer_b1": ["B1"],
    }
    assert len(mails_to(cast["officer_a"])) == 1
    assert Reminder.objects.count() == 9 and not PendingReminderEmail.objects.exists()


def test_what_a_dead_run_left_owed_is_mailed_by_the_flush_once_no_run_can_still_be_going(
    tree, cast, campaign, below_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reminders, "write_reminder_emails", lambda before=None: 0)
    reminders.send_due_reminders(LATE_2)  # dies before writing its e-mails
    monkeypatch.undo()
    owed = PendingReminderEmail.objects.count()
    assert owed == 9  # each unit's officers: seven of officer_a's, A1's, B1's

    with django_capture_on_commit_callbacks(execute=True):
        tasks.flush_outbox.delay()  # too soon: the run could still be writing them
    assert PendingReminderEmail.objects.count() == owed and mail.outbox == []

    old = timezone.now() - reminders.PENDING_GRACE - datetime.timedelta(seconds=1)
    PendingReminderEmail.objects.update(created_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.flush_outbox.delay()
        tasks.flush_outbox.delay()
        reminders.send_due_reminders(LATE_2)  # a late rerun: nothing left to send
    assert len(mail.outbox) == 3
    assert units_mailed()["officer_a"] == filed_by_officer_a(tree)


def test_a_reviewer_reminding_several_units_by_hand_e_mails_each_person_once(
    tree, cast, campaign, below_a, django_capture_on_commit_callbacks
):
    late = [tree["DA"], tree["A1"], tree["A2"], *below_a]
    with django_capture_on_commit_callbacks(execute=True):
        sent, unreachable, _meanwhile = reminders.send_manual_reminders(
            late, campaign, "plan", 2015, cast["cspl"], today=PLAN_DUE + 3 * DAY
        )
    assert (len(sent), unreachable) == (8, [])
    [grouped] = mails_to(cast["officer_a"])
    assert grouped.subject == "Đôn đốc: 7 đơn vị chưa gửi kế hoạch triển khai"
    assert "trễ hạn 3 ngày.\n" in grouped.body
    assert f"Thư đôn đốc này do {cast['cspl']} gửi." in grouped.body
    [own] = mails_to(cast["officer_a1"])
    assert own.subject == "[CĐCS A1] Đôn đốc: kế hoạch triển khai, hạn 31/07/2015"
    assert units_mailed() == {"officer_a": filed_by_officer_a(tree), "officer_a1": ["A1"]}
    # The log keeps one entry per unit.
    log = Reminder.objects.filter(manual=True, sent_by=cast["cspl"])
    assert sorted(log.values_list("unit__code", flat=True)) == sorted(u.code for u in late)
    assert not PendingReminderEmail.objects.exists()


@pytest.mark.parametrize("how", ["by hand", "daily run"])
def test_an_officer_above_reminded_of_one_unit_without_officers_is_not_told_it_is_theirs(
    tree, cast, campaign, django_capture_on_commit_callbacks, how
):
    # A2 has no officer of its own: officer_a, of district A above, files for it.
    with django_capture_on_commit_callbacks(execute=True):
        if how == "by hand":
            reminders.send_manual_reminders(
                [tree["A2"]], campaign, "plan", 2015, cast["cspl"], today=PLAN_DUE + 3 * DAY
            )
        else:  # what the daily run owes officer_a for A2 alone
            reminder = Reminder.objects.create(
                unit=tree["A2"],
                campaign=campaign,
                what="plan",
                year=2015,
                step="due",
                due_on=PLAN_DUE,
            )
            PendingReminderEmail.objects.create(
                reminder=reminder, recipient=cast["officer_a"], day=PLAN_DUE + 3 * DAY
            )
            assert reminders.write_reminder_emails() == 1
    [sent] = mails_to(cast["officer_a"])
    assert sent.body.startswith(f"Kính gửi đồng chí {cast['officer_a']},\n")
    assert "1 đơn vị sau đây, do đồng chí phụ trách nhập liệu trên cổng, chưa gửi" in sent.body
    assert "CĐCS A2: kế hoạch triển khai (99/KH-LĐLĐ), hạn 31/07/2015" in sent.body
    assert "Kính gửi cán bộ" not in sent.body and "Đơn vị chưa gửi" not in sent.body


@pytest.mark.parametrize(
    ("days", "said"),
    [(-1402, "còn 1.402 ngày."), (1402 * 7, "trễ hạn 1.402 tuần."), (0, "hôm nay là hạn gửi.")],
)
def test_the_list_groups_its_counts_by_thousands(tree, cast, campaign, days, said):
    reminders.send_manual_reminders(
        [tree["DA"], tree["A2"]], campaign, "plan", 2015, cast["cspl"], PLAN_DUE + days * DAY
    )
    [notification] = Notification.objects.all()
    assert f"hạn 31/07/2015, {said}\n" in notification.body and "1402" not in notification.body


def test_the_count_of_units_is_grouped_by_thousands(tree, cast):
    context = {"user": cast["officer_a"], "items": [], "count": 1402, "what": "plan"}
    with translation.override("vi"):
        subject = render_to_string("campaign/email/reminders_subject.txt", context)
        body = render_to_string("campaign/email/reminders_body.txt", context)
    assert subject.strip() == "Đôn đốc: 1.402 đơn vị chưa gửi kế hoạch triển khai"
    assert "\n1.402 đơn vị sau đây, do đồng chí phụ trách nhập liệu trên cổng" in body


def test_the_e_mail_names_the_document_of_each_unit_when_they_differ(tree, cast, campaign):
    # What a run that died left owed (A2's report) is mailed with the next run's (DA's
    # plan): the subject names neither document, each line its own.
    owed = [
        ("A2", "report", datetime.date(2015, 12, 20), datetime.date(2015, 12, 20)),
        ("DA", "plan", PLAN_DUE, PLAN_DUE + 56 * DAY),
    ]
    for code, what, due_on, day in owed:
        reminder = Reminder.objects.create(
            unit=tree[code], campaign=campaign, what=what, year=2015, step="due", due_on=due_on
        )
        PendingReminderEmail.objects.create(reminder=reminder, recipient=cast["officer_a"], day=day)
    assert reminders.write_reminder_emails() == 1
    notification = Notification.objects.get()
    assert notification.subject == "Đôn đốc: 2 đơn vị chưa gửi kế hoạch hoặc báo cáo năm"
    body = notification.body
    # By campaign, the plan first, then by unit.
    plan = body.index("LĐLĐ huyện A: kế hoạch triển khai (99/KH-LĐLĐ), hạn 31/07/2015")
    report = body.index("CĐCS A2: báo cáo năm 2015 (99/KH-LĐLĐ), hạn 20/12/2015")
    assert plan < report
    first = Reminder.objects.get(unit=tree["A2"])  # the e-mail's key is its first reminder's
    assert notification.key == f"reminder-{first.pk}-user-{cast['officer_a'].pk}"


def test_a_person_s_e_mail_costs_the_same_queries_for_2_or_12_units(
    tree, cast, campaign, monkeypatch
):
    real = reminders.write_reminder_emails

    def write(units, day):
        for _ in range(units):
            UnitFactory.create(parent=tree["DA"])
        with monkeypatch.context() as patched:
            patched.setattr(reminders, "write_reminder_emails", lambda before=None: 0)
            reminders.send_due_reminders(day)  # leaves the e-mails owed
        with CaptureQueriesContext(connection) as queries:
            assert real() == 3  # officer_a, officer_a1, officer_b1
        return len(queries)

    few = write(0, PLAN_DUE - 7 * DAY)  # officer_a: DA and A2
    many = write(10, PLAN_DUE - 3 * DAY)  # officer_a: DA, A2 and ten more
    assert Notification.objects.filter(recipient=cast["officer_a"]).count() == 2
    # The people owed one; for each: its rows locked, deleted, its e-mail (and savepoints).
    assert few == many == 1 + 3 * 5


# --- PostgreSQL: racing writers -----------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_write_each_person_s_e_mail_once(
    require_postgres, tree, cast, campaign, below_a, monkeypatch, slow_outbox_writes
):
    real = reminders.write_reminder_emails
    with monkeypatch.context() as patched:
        patched.setattr(reminders, "write_reminder_emails", lambda before=None: 0)
        reminders.send_due_reminders(LATE_2)  # leaves the e-mails owed, committed
    # Each writer holds a person's rows locked a moment while it writes their e-mail, so
    # the other reaches the same rows and must wait for them, then find them gone.
    start = threading.Barrier(2)
    written, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            written.append(real())
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
    assert sum(written) == Notification.objects.count() == 3
    assert units_mailed() == {
        "officer_a": filed_by_officer_a(tree),
        "officer_a1": ["A1"],
        "officer_b1": ["B1"],
    }
    assert not PendingReminderEmail.objects.exists()


def test_a_campaign_without_its_number_is_not_named_plan_twice(
    tree, cast, campaign, below_a, django_capture_on_commit_callbacks
):
    # The seed's campaign has no number yet: the portal calls it "Kế hoạch ngày …", which
    # "theo kế hoạch …" stuttered into "theo kế hoạch Kế hoạch ngày 15/06/2015".
    campaign.number = "…/KH-LĐLĐ"
    campaign.save(update_fields=["number"])
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due_reminders(LATE_2)
    [sent] = mails_to(cast["officer_a"])
    assert "kế hoạch Kế hoạch" not in sent.body
    reference = campaign.reference
    assert reference.startswith("Kế hoạch ngày ")
    line = f"LĐLĐ huyện A: kế hoạch triển khai ({reference}), hạn 31/07/2015, trễ hạn 2 tuần.\n"
    assert line in sent.body
