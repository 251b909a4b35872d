"""Redis stopped while units submit: the submissions succeed, and every notification goes
out exactly once after Redis returns.

Redis is the broker and the cache. While it is down a submission still commits its step,
which records that its e-mails are owed; the hand-over to the broker fails fast and leaves
the step pending, and the cache misses. Once Redis is back, beat's next `flush_outbox`
(sent here as beat would, twice, as if two beats raced) writes the steps' e-mails to the
outbox, once, and hands them to the worker, which has reconnected by itself.
"""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notification, Step
from campaign.tasks import flush_outbox
from tests.campaign.filings import make_plan
from tests.faults.mailbox import delivered, message_ids
from tests.faults.waiting import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def submit(client, user, plan):
    """Submit `plan` as `user` through the web view; returns the response and its time."""
    client.force_login(user)
    started = time.monotonic()
    response = client.post(reverse("campaign:plan_submit", args=[plan.pk]))
    return response, time.monotonic() - started


def succeeded(task, worker):
    return len(re.findall(rf"{task}\[[^\]]+\] succeeded", worker.log()))


def test_submissions_succeed_while_redis_is_down_and_mail_goes_out_once_it_returns(
    app_on_private_redis, fault_worker, mailbox, tree, cast, campaign, client
):
    redis_server = app_on_private_redis
    worker = fault_worker()
    first = make_plan(tree["A1"], campaign, cast["officer_a1"])
    during = [
        (cast["officer_b1"], make_plan(tree["B1"], campaign, cast["officer_b1"])),
        (cast["officer_a"], make_plan(tree["A2"], campaign, cast["officer_a"])),
    ]

    # With Redis up, a submission's e-mail goes through the broker to the worker.
    response, _ = submit(client, cast["officer_a1"], first)
    assert response.status_code == 302
    wait_for(lambda: len(delivered(mailbox)) == 1, "the first notification being delivered")
    worker.wait_until(
        lambda: succeeded("send_notification", worker) == 1, "the first task finishing"
    )

    redis_server.stop()
    for officer, plan in during:
        response, seconds = submit(client, officer, plan)
        # The step is taken and the user sent on, without waiting on the dead broker.
        assert response.status_code == 302, response.content.decode()[:500]
        assert seconds < 15, f"a submission took {seconds:.1f} s with Redis down"
        plan.refresh_from_db()
        assert plan.status == "submitted"
        # Pages still open: the session comes from the database when the cache misses.
        assert client.get(plan.get_absolute_url()).status_code == 200
    # Both steps wait, owing their e-mails; nothing of theirs is written or sent yet.
    waiting = Step.objects.filter(emails_pending=True)
    assert sorted(step.object_id for step in waiting) == sorted(plan.pk for _, plan in during)
    assert Notification.objects.count() == 1
    assert len(delivered(mailbox)) == 1

    redis_server.start()
    # Beat runs the flush every two minutes and leaves steps younger than its grace period
    # alone; age the steps instead of waiting, then deliver two flushes, as two racing beats.
    waiting.update(at=timezone.now() - timedelta(minutes=1))
    for _ in range(2):
        flush_outbox.delay()
    worker.wait_until(
        lambda: succeeded("flush_outbox", worker) == 2,
        "the worker reconnecting and running both flushes",
        timeout=60,
    )
    # The flush hands the rows it wrote to the worker, which sends them.
    worker.wait_until(
        lambda: succeeded("send_notification", worker) == 3, "the two e-mails being sent"
    )
    time.sleep(0.5)  # anything sent twice would have landed by now

    assert not Step.objects.filter(emails_pending=True).exists()

    rows = Notification.objects.order_by("pk")
    assert all(row.sent_at for row in rows)
    messages = delivered(mailbox)
    assert len(messages) == 3
    ids = message_ids(messages)
    assert sorted(ids) == sorted({f"<{row.key}@ldldbentre.local>" for row in rows})
    expected = sorted([cast["reviewer_a"].email, cast["cspl"].email, cast["reviewer_a"].email])
    assert sorted(row.to_email for row in rows) == expected
