"""Reminder runs side by side send one e-mail per officer and step: two racing runs on
PostgreSQL, and two real Celery workers on Redis."""

import os
import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.core import mail
from django.db import connection

from campaign import reminders, tasks
from campaign.models import (
    Notification,
    PendingReminderEmail,
    Reminder,
)
from tests.campaign.reminder_data import (
    MAILED,
    PLAN_DUE,
    REACHABLE,
    notifications_by_user,
    reminder_campaign,
)
from tests.campaign.reminder_mail import units_mailed
from tests.services import ROOT


@pytest.fixture
def campaign(tree):
    return reminder_campaign(tree)


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
