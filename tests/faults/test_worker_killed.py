"""A worker killed while it sends an e-mail: the task runs again, and the e-mail goes out
once.

The mailbox backend holds the send before anything is delivered, so the test knows the
worker has claimed the notification and is inside the send when it kills it. Two ways to
die: the whole worker at once (a crash, the OOM killer, a power cut), whose unacknowledged
message the broker gives to the next worker after the visibility timeout; or only the pool
process running the task, which the worker notices and puts back at once
(CELERY_TASK_REJECT_ON_WORKER_LOST). Either way the task comes back with its own id, takes
its claim back and sends.
"""

import os
import re
import signal
import time

import pytest

from campaign import workflow
from campaign.models import Notification
from tests.campaign.filings import make_plan
from tests.faults.mailbox import delivered, message_ids
from tests.faults.waiting import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Short enough for the test, and checked against nothing here: these workers run only the
# short e-mail task. Production keeps the default (config/settings.py).
VISIBILITY = 3


def task_ids(worker, state):
    return re.findall(rf"send_notification\[([^\]]+)\] {state}", worker.log())


def hold_a_send(mailbox, plan, officer):
    """Submit `plan` with the mailbox held; return its notification once a worker holds it,
    and the pid of the process holding it."""
    (mailbox / "HOLD").touch()
    # Commits, then hands the step to a worker, which writes its e-mail and sends it.
    workflow.submission_submit(plan, user=officer)
    holding = wait_for(lambda: list(mailbox.glob("holding-*")), "a worker holding the send")
    notification = Notification.objects.get()
    assert notification.claimed_at and notification.claimed_by and not notification.sent_at
    return notification, int(holding[0].name.split("-")[1])


def test_a_killed_worker_s_task_is_run_again_by_the_next_worker_and_mails_once(
    app_on_private_redis, fault_worker, mailbox, tree, cast, campaign
):
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
    first = fault_worker(env=env, pool="prefork")
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"])
    notification, _pid = hold_a_send(mailbox, plan, cast["officer_a1"])
    held_at = time.monotonic()

    first.kill()
    (mailbox / "HOLD").unlink()
    assert delivered(mailbox) == []
    # The message is unacknowledged; the next worker takes it back once the visibility
    # timeout has passed (it looks when it starts, then periodically).
    time.sleep(max(0.0, VISIBILITY + 0.5 - (time.monotonic() - held_at)))
    second = fault_worker(env=env, pool="prefork")
    second.wait_until(lambda: task_ids(second, "succeeded"), "the task running again", 60)

    assert task_ids(second, "succeeded") == task_ids(first, "received")  # the same task
    notification.refresh_from_db()
    assert notification.sent_at and notification.attempts == 2
    time.sleep(0.5)  # a second delivery would have landed by now
    messages = delivered(mailbox)
    assert len(messages) == 1
    assert message_ids(messages) == [f"<{notification.key}@ldldbentre.local>"]
    assert f"To: {cast['reviewer_a'].email}" in messages[0]


def test_a_killed_pool_process_s_task_is_put_back_at_once_and_mails_once(
    app_on_private_redis, fault_worker, mailbox, tree, cast, campaign
):
    worker = fault_worker(pool="prefork")
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"])
    notification, pid = hold_a_send(mailbox, plan, cast["officer_a1"])
    assert pid != worker.pid  # a pool process, not the worker itself

    os.kill(pid, signal.SIGKILL)
    (mailbox / "HOLD").unlink()
    worker.wait_until(lambda: task_ids(worker, "succeeded"), "the task running again", 30)

    assert "WorkerLostError" in worker.log()
    # The same message came back and ran to the end.
    received = task_ids(worker, "received")
    assert len(received) == 2 and len(set(received)) == 1
    assert task_ids(worker, "succeeded") == received[:1]
    notification.refresh_from_db()
    assert notification.sent_at and notification.attempts == 2
    time.sleep(0.5)
    assert len(delivered(mailbox)) == 1


def test_the_visibility_timeout_must_outlast_every_task_s_time_limit():
    # Shorter, the broker would hand a task still running to a second worker.
    from config.celery import app, check_visibility_timeout

    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.broker_transport_options
    options = conf.broker_transport_options
    try:
        conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:6379/0", False
        assert options["visibility_timeout"] == 900  # the default, from config/settings.py
        assert check_visibility_timeout() == []
        conf.broker_transport_options = {**options, "visibility_timeout": 600}
        errors = check_visibility_timeout()
    finally:
        conf.broker_url, conf.task_always_eager, conf.broker_transport_options = saved
    assert [error.id for error in errors] == ["config.E001"]
    assert "reports.tasks.send_reminders: 600 s" in errors[0].msg
