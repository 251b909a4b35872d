"""Two reviewers reminding the same unit at once remind it once: the check "reminded today"
is made again with the units' rows locked, and the second reviewer is told why."""

import threading
import time

import pytest
from django.db import connection

from campaign import reminder_pages, reminders
from campaign.models import Reminder
from tests.campaign.manual_reminders import again_campaign, remind

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree):
    return again_campaign(tree)


def test_a_unit_reminded_by_a_colleague_after_the_page_checked_is_not_reminded_again(
    client,
    tree,
    cast,
    campaign,
    monkeypatch,
):
    checked = reminder_pages.reminded_on

    def colleague_reminds_first(units, *args):
        # The page found nobody reminded today; the district's reviewer sends theirs now.
        seen = checked(units, *args)
        reminders.send_manual_reminders([tree["A1"]], campaign, "plan", 2015, cast["reviewer_a"])
        return seen

    monkeypatch.setattr(reminder_pages, "reminded_on", colleague_reminds_first)
    client.force_login(cast["cspl"])
    response = remind(client, campaign, [tree["A1"], tree["B1"]])

    assert response.status_code == 302
    sent = Reminder.objects.values_list("unit__code", "sent_by__username").order_by("unit__code")
    assert list(sent) == [("A1", cast["reviewer_a"].username), ("B1", cast["cspl"].username)]
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert "Người khác vừa đôn đốc các đơn vị này, nên không đôn đốc lại lần nữa: CĐCS A1." in (
        messages
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminders_sent_at_the_same_moment_remind_once(
    require_postgres,
    tree,
    cast,
    campaign,
    monkeypatch,
):
    first_inside = threading.Event()
    notify = reminders._notify
    second_waited = []

    def slow_notify(*args, **kwargs):
        # The first reviewer's transaction stays open until the second one's waits for
        # the rows it locked: the two really overlap, however busy the machine.
        notify(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_inside.set()
            second_waited.append(another_waits_for_a_lock())

    monkeypatch.setattr(reminders, "_notify", slow_notify)
    results = {}

    def send(user):
        try:
            sent, _unreachable, meanwhile = reminders.send_manual_reminders(
                [tree["A1"]], campaign, "plan", 2015, user, unless_reminded_today=True
            )
            results[threading.current_thread().name] = (len(sent), len(meanwhile))
        finally:
            connection.close()

    first = threading.Thread(target=send, args=(cast["cspl"],), name="first")
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=send, args=(cast["reviewer_a"],), name="second")
    second.start()
    first.join(10)
    second.join(10)
    assert second_waited == [True], "the second reminder never waited for the first's lock"
    assert results == {"first": (1, 0), "second": (0, 1)}
    assert Reminder.objects.filter(unit=tree["A1"]).count() == 1


def another_waits_for_a_lock(timeout=10):
    """Whether, within `timeout` seconds, another session of this database waits for a lock.
    The statistics are read afresh each time: a transaction otherwise sees one snapshot."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
