"""A second manual reminder to a unit on the same day asks first; a unit with nobody to
receive a reminder is shown as such, and reminders that reached nobody are neither listed
nor counted."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import reminders
from campaign.models import Notification, Reminder
from reports import rollup
from tests.campaign.manual_reminders import PLAN_DUE, again_campaign, remind


@pytest.fixture
def campaign(tree):
    return again_campaign(tree)


def test_a_second_reminder_the_same_day_asks_first_then_sends_when_confirmed(
    client, tree, cast, campaign
):
    client.force_login(cast["cspl"])
    assert remind(client, campaign, [tree["A1"]]).status_code == 302
    assert Reminder.objects.count() == 1

    asked = remind(client, campaign, [tree["A1"], tree["B1"]])
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Đôn đốc lần nữa trong hôm nay?" in page
    assert [unit.code for unit in asked.context["again"]] == ["A1"]
    assert 'name="again" value="yes"' in page
    assert Reminder.objects.count() == 1  # nothing sent yet, not even to B1

    confirmed = remind(client, campaign, [tree["A1"], tree["B1"]], again="yes")
    assert confirmed.status_code == 302
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["A1", "A1", "B1"]


def test_the_page_offers_to_send_only_to_the_units_not_reminded_today(client, tree, cast, campaign):
    client.force_login(cast["cspl"])
    remind(client, campaign, [tree["A1"]])
    asked = remind(client, campaign, [tree["A1"], tree["B1"], tree["A2"]])
    page = asked.content.decode()
    assert "Chỉ gửi đến 2 đơn vị chưa được đôn đốc hôm nay" in page
    assert [unit.code for unit in asked.context["fresh"]] == ["A2", "B1"]

    # That button's form: the two units, without the confirmation of a second reminder.
    form = page[: page.index("Chỉ gửi đến")]
    form = form[form.rindex("<form") :]
    assert 'name="again"' not in form
    units = sorted(int(pk) for pk in re.findall(r'name="units" value="(\d+)"', form))
    assert units == sorted([tree["A2"].pk, tree["B1"].pk])
    sent = remind(client, campaign, [tree["A2"], tree["B1"]])
    assert sent.status_code == 302
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["A1", "A2", "B1"]


def test_the_page_offers_no_such_choice_when_every_unit_was_reminded_today(
    client, tree, cast, campaign
):
    client.force_login(cast["cspl"])
    remind(client, campaign, [tree["A1"]])
    asked = remind(client, campaign, [tree["A1"]])
    assert asked.context["fresh"] == []
    assert "chưa được đôn đốc hôm nay" not in asked.content.decode()


def test_an_automatic_reminder_this_morning_counts_as_already_reminded(
    client, tree, cast, campaign
):
    Reminder.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        what="plan",
        year=2015,
        step="due",
        due_on=PLAN_DUE,
        recipients=1,
    )
    client.force_login(cast["cspl"])
    assert remind(client, campaign, [tree["A1"]]).status_code == 200
    assert Reminder.objects.count() == 1


def test_a_reminder_of_yesterday_does_not_ask(client, tree, cast, campaign):
    Reminder.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        what="plan",
        year=2015,
        step="manual",
        manual=True,
        due_on=PLAN_DUE,
        recipients=1,
        sent_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(cast["cspl"])
    assert remind(client, campaign, [tree["A1"]]).status_code == 302
    assert Reminder.objects.count() == 2


def test_units_with_nobody_to_receive_it_are_named_and_not_logged(client, tree, cast, campaign):
    client.force_login(cast["cspl"])
    page = client.get(
        reverse("campaign:late_units") + f"?campaign={campaign.pk}&what=plan&year=2015"
    ).content.decode()
    # A2 has no officer of its own, but officer_a files for it from DA: someone to receive it.
    assert page.count(">không có người nhận</span>") == 3  # DB, SE, S1

    response = remind(client, campaign, [tree["SE"], tree["S1"]])
    assert response.status_code == 302
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    shown = client.get(response.url).content.decode()
    assert "Không có người nhận đôn đốc" in shown
    assert "CĐ ngành S, CĐCS S1" in shown
    assert "Đã gửi thư đôn đốc" not in shown


def test_old_reminders_that_reached_nobody_are_not_listed_or_counted(client, tree, cast, campaign):
    for recipients in (0, 1):
        Reminder.objects.create(
            unit=tree["A1"],
            campaign=campaign,
            what="report",
            year=2015,
            step=f"late-{recipients + 1}",
            due_on=PLAN_DUE,
            recipients=recipients,
        )
    client.force_login(cast["cspl"])
    log = client.get(reverse("campaign:reminder_log"))
    assert [r.recipients for r in log.context["page"]] == [1]
    assert reminders.reminders_per_year(campaign) == {2015: 1}
    result = rollup.rollup(campaign, 2015, tree["PV"])
    assert result.reminders_sent == 1


def test_a_unit_reminded_by_hand_today_gets_the_day_s_automatic_reminder_tomorrow(
    tree, cast, campaign
):
    # The reviewer's page asks before a second reminder the same day; the morning run
    # (or a run after the reviewer's) must not send one without asking either.
    reminded = timezone.make_aware(datetime.datetime.combine(PLAN_DUE, datetime.time(9)))
    Reminder.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        what="plan",
        year=2015,
        step=reminders.MANUAL,
        manual=True,
        due_on=PLAN_DUE,
        recipients=1,
        sent_at=reminded,
    )
    assert reminders.send_due_reminders(PLAN_DUE) > 0
    automatic = Reminder.objects.filter(manual=False)
    assert "A1" not in automatic.values_list("unit__code", flat=True)
    assert Notification.objects.filter(to_email=cast["officer_a1"].email).count() == 0

    assert reminders.send_due_reminders(PLAN_DUE + datetime.timedelta(days=1)) == 1
    assert automatic.get(unit=tree["A1"]).step == reminders.DUE


def test_the_confirmation_counts_only_units_someone_can_receive_it_at(client, tree, cast, campaign):
    # A1 was reminded this morning; B1 has an officer; SE and S1 have nobody to receive it.
    client.force_login(cast["cspl"])
    remind(client, campaign, [tree["A1"]])
    asked = remind(client, campaign, [tree["A1"], tree["B1"], tree["SE"], tree["S1"]])
    page = asked.content.decode()
    assert "Gửi đến 2 đơn vị" in page
    assert "Chỉ gửi đến 1 đơn vị chưa được đôn đốc hôm nay" in page
    assert "2 đơn vị không có người nhận đôn đốc" in page
    assert "CĐ ngành S, CĐCS S1." in page

    # The confirming form sends to the two units it counted, and both are reminded.
    form = page[page.index('name="again"') :]
    units = sorted(int(pk) for pk in re.findall(r'name="units" value="(\d+)"', form))
    assert units == sorted([tree["A1"].pk, tree["B1"].pk])
    assert remind(client, campaign, [tree["A1"], tree["B1"]], again="yes").status_code == 302
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["A1", "A1", "B1"]


def test_nothing_is_asked_when_the_unit_reminded_today_has_nobody_left(
    client, tree, cast, campaign
):
    # S1 was reminded this morning, and has nobody to receive a reminder now.
    Reminder.objects.create(
        unit=tree["S1"],
        campaign=campaign,
        what="plan",
        year=2015,
        step="manual",
        manual=True,
        due_on=PLAN_DUE,
        recipients=1,
    )
    client.force_login(cast["cspl"])
    response = remind(client, campaign, [tree["S1"], tree["B1"]])
    assert response.status_code == 302  # sent, not asked about an empty list
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["B1", "S1"]
    shown = client.get(response.url).content.decode()
    assert "Không có người nhận đôn đốc" in shown and "CĐCS S1" in shown
