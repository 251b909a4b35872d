"""Notifications: written with the step, sent once after commit, kept when the broker is down."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from campaign import notifications, tasks, workflow
from campaign.models import Notification


def test_a_submission_mails_the_nearest_reviewers_after_commit(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    # District A's reviewer, not the CSPL board: the nearest upper unit with reviewers.
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    message = mail.outbox[0]
    assert "CĐCS A1" in message.subject
    assert f"/plans/{plan_a1.pk}/" in message.body


def test_a_unit_name_with_a_line_break_still_makes_a_one_line_subject(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    # Forms refuse it, but the admin or an old import may have stored one.
    type(plan_a1.unit).objects.filter(pk=plan_a1.unit_id).update(name="CĐCS\nA1  mới")
    plan_a1.unit.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "CĐCS A1 mới" in subject
    assert "\n" not in subject


def test_a_units_directly_under_the_province_go_to_the_cspl_board(
    tree, cast, campaign, plan_factory, django_capture_on_commit_callbacks
):
    plan = plan_factory(tree["DA"], campaign, cast["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan, user=cast["officer_a"])
    assert [m.to for m in mail.outbox] == [[cast["cspl"].email]]


@pytest.mark.parametrize("action", ["return", "accept", "reopen"])
def test_review_steps_mail_the_units_officers_with_the_reason(
    plan_a1, cast, action, django_capture_on_commit_callbacks
):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    if action == "reopen":
        workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if action == "return":
            workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu lịch")
        elif action == "accept":
            workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
        else:
            workflow.submission_reopen(plan_a1, user=cast["cspl"], reason="Bổ sung số liệu")
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]
    if action == "return":
        assert "Thiếu lịch" in mail.outbox[0].body


def test_the_e_mail_is_in_vietnamese(plan_a1, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert "kế hoạch" in mail.outbox[0].body.lower()


def test_sending_twice_sends_once(plan_a1, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    notification = Notification.objects.get()
    assert notification.sent_at is not None
    assert tasks.send_notification(notification.pk) == "skipped"
    assert tasks.flush_outbox() == []
    assert len(mail.outbox) == 1


def test_a_claim_held_by_a_live_worker_is_not_taken_twice(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])  # callbacks not run
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now())
    assert notifications.send(notification.pk) == "skipped"
    # A claim older than the lease belongs to a dead worker: the row is sent.
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - notifications.CLAIM_LEASE - timedelta(seconds=1)
    )
    assert notifications.send(notification.pk) == "sent"
    assert len(mail.outbox) == 1


def test_with_the_broker_down_the_submission_succeeds_and_the_outbox_sends_later(
    plan_a1, cast, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    plan_a1.refresh_from_db()
    assert plan_a1.status == "submitted"
    waiting = Notification.objects.get()
    assert waiting.sent_at is None and mail.outbox == []
    # The periodic flush leaves rows alone while their request may still enqueue them...
    assert tasks.flush_outbox() == []
    # ...and sends them once they are older than the grace period, exactly once.
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert tasks.flush_outbox() == ["sent"]
    assert tasks.flush_outbox() == []
    assert len(mail.outbox) == 1


def test_a_mail_server_error_is_recorded_and_retried(plan_a1, cast, monkeypatch, settings):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    notification = Notification.objects.get()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr(notifications.EmailMessage, "send", refuse)
    assert notifications.send(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.claimed_at is None
    assert notification.attempts == 1 and "unreachable" in notification.last_error
    monkeypatch.undo()
    assert notifications.send(notification.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_step_never_writes_the_same_notification_twice(plan_a1, cast):
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    notifications.notify_step(plan_a1, step)  # as if the step were replayed
    assert Notification.objects.count() == 1


def test_reviewers_without_e_mail_pass_the_notice_up_the_tree(plan_a1, cast):
    reviewer = cast["reviewer_a"]
    reviewer.email = ""
    reviewer.save()
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert [n.to_email for n in Notification.objects.all()] == [cast["cspl"].email]


def test_inactive_officers_get_nothing(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    officer = cast["officer_a1"]
    officer.is_active = False
    officer.save()
    workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    assert Notification.objects.filter(recipient=officer).count() == 0


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_notification_of_a_submission(
    require_postgres, require_redis, plan_a1, cast, tmp_path
):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    root = Path(__file__).resolve().parents[2]
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        # The worker must see the test database, where the step's rows were committed.
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            workflow.submission_submit(plan_a1, user=cast["officer_a1"])  # commits, enqueues
            notification = Notification.objects.get()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                notification.refresh_from_db()
                if notification.sent_at:
                    break
                assert worker.poll() is None, log_path.read_text()
                time.sleep(0.2)
            else:
                pytest.fail("the worker never sent the notification:\n" + log_path.read_text())
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert notification.attempts == 1 and notification.last_error == ""
