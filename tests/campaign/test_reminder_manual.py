"""The reviewer's list of units that have not submitted and the reminders sent from it by hand:
who may, what the list shows, what is sent, what is refused, and its query count."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign import reminders
from campaign.models import (
    Notification,
    Reminder,
    Status,
)
from tests.campaign.reminder_data import (
    DAY,
    PLAN_DUE,
    REPORT_DUE,
    plan_of,
    reminder_campaign,
    steps_by_unit,
)
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Membership, Unit


@pytest.fixture
def campaign(tree):
    return reminder_campaign(tree)


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
