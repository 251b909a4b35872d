"""Notifications: a step's e-mails written by a worker after its commit, each sent once, kept
when the broker is down."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from campaign import notifications, tasks, workflow
from campaign.models import Notice, Notification, Step
from tests.services import ROOT
from units.access import Scope


def test_a_submission_mails_the_nearest_reviewers_after_commit(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert mail.outbox == []  # nothing leaves before the transaction commits
    # The request wrote no e-mail: the step records that they are owed.
    assert not Notification.objects.exists()
    assert Step.objects.get(pk=step.pk).emails_pending
    # After the commit, one task writes the step's e-mails and hands each to be sent.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    # District A's reviewer, not the CSPL board: the nearest upper unit with reviewers.
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    message = mail.outbox[0]
    assert "CĐCS A1" in message.subject
    assert f"/plans/{plan_a1.pk}/" in message.body
    assert not Step.objects.get(pk=step.pk).emails_pending


def test_the_e_mail_written_by_the_worker_reads_as_the_request_wrote_it(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        step = workflow.submission_return(
            plan_a1, user=cast["reviewer_a"], reason="Thiếu lịch\nvà số liệu"
        )
    # The text the request used to render, word for word: the worker has the same context.
    when = timezone.localtime(step.at).strftime("%H:%M %d/%m/%Y")
    submitted, returned = mail.outbox
    assert returned.subject == "[CĐCS A1] Kế hoạch triển khai: Bị trả lại"
    assert returned.body == (
        "Kế hoạch triển khai của CĐCS A1, theo kế hoạch “Kế hoạch tuyên truyền thử nghiệm”.\n"
        f"Bị trả lại: Người dùng reviewer_a, lúc {when}.\n\n"
        "Lý do:\nThiếu lịch\nvà số liệu\n\n"
        f"Xem tại: http://127.0.0.1:8000/plans/{plan_a1.pk}/\n\n"
        "Thư này được gửi tự động từ Cổng theo dõi tuyên truyền CCHC của Liên đoàn Lao động "
        "tỉnh Vĩnh Long.\n\n"
    )
    assert returned.extra_headers["Message-ID"] == (
        f"<step-{step.pk}-user-{cast['officer_a1'].pk}@ldldbentre.local>"
    )
    assert submitted.subject == "[CĐCS A1] Kế hoạch triển khai: Đã gửi"
    assert "Đã gửi: Người dùng officer_a1, lúc" in submitted.body
    assert "Lý do" not in submitted.body


def local_time(step):
    return timezone.localtime(step.at).strftime("%H:%M %d/%m/%Y")


def test_a_submission_sent_again_after_a_return_says_so_to_the_reviewers(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    # It read "Đã gửi" like the first submission: the reviewer could not tell from the
    # e-mail that this was the answer to their return.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        returned = workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    [sent] = mail.outbox
    assert sent.to == [cast["reviewer_a"].email]
    assert sent.subject == "[CĐCS A1] Kế hoạch triển khai: Đã gửi lại"
    assert sent.body.startswith(
        "Kế hoạch triển khai của CĐCS A1, theo kế hoạch “Kế hoạch tuyên truyền thử nghiệm”.\n"
        f"Đã gửi lại: Người dùng officer_a1, lúc {local_time(again)}.\n"
        f"Gửi lại sau khi bị trả lại lúc {local_time(returned)}.\n\n"
        "Xem tại: "
    )


def test_a_submission_sent_again_after_a_reopening_says_when_it_was_reopened(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
        workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu")
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
        workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
        reopened = workflow.submission_reopen(plan_a1, user=cast["cspl"], reason="Bổ sung")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    [sent] = mail.outbox
    assert sent.subject == "[CĐCS A1] Kế hoạch triển khai: Đã gửi lại"
    # The latest of its returns and reopenings, not the first return.
    assert f"\nGửi lại sau khi được mở lại để sửa lúc {local_time(reopened)}.\n" in sent.body
    assert "bị trả lại lúc" not in sent.body


def test_a_first_submission_reads_as_one(plan_a1, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    [sent] = mail.outbox
    assert sent.subject == "[CĐCS A1] Kế hoạch triển khai: Đã gửi"
    assert "Gửi lại" not in sent.body and "gửi lại" not in sent.body


def test_a_submit_in_the_request_resolves_no_recipient_and_writes_no_e_mail(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    scope = Scope(cast["officer_a1"])
    scope.can_file_for(plan_a1.unit)  # the actor's memberships, loaded as a view has them
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        step = workflow.submission_submit(plan_a1, user=cast["officer_a1"], scope=scope)
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "units_membership" in sql]
    assert not [sql for sql in statements if "campaign_notification" in sql]
    assert not Notification.objects.exists() and not Notice.objects.exists()
    assert Step.objects.get(pk=step.pk).emails_pending
    assert len(callbacks) == 1  # one task for the step, whatever its recipients


def test_telling_about_a_submit_costs_no_query(
    plan_a1, cast, django_assert_num_queries, django_capture_on_commit_callbacks
):
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_assert_num_queries(0), django_capture_on_commit_callbacks() as callbacks:
        notifications.notify_step(plan_a1, step)
    assert len(callbacks) == 1


def test_a_review_step_leaves_its_notices_in_the_request_and_its_e_mails_to_the_worker(
    plan_a1, cast, officer_without_e_mail, django_capture_on_commit_callbacks
):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step = workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu")
    # The officers see the notice at once, also the one without an address...
    assert set(Notice.objects.values_list("recipient__username", flat=True)) == {
        "officer_a1",
        "officer_a1_no_mail",
    }
    # ...while the e-mail is written after the commit.
    assert not Notification.objects.filter(key__startswith=f"step-{step.pk}-").exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert list(
        Notification.objects.filter(key__startswith=f"step-{step.pk}-").values_list(
            "to_email", flat=True
        )
    ) == [cast["officer_a1"].email]


def test_writing_a_step_s_e_mails_twice_writes_them_once(plan_a1, cast):
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])  # callbacks not run
    keys = notifications.write_step_emails(step.pk)
    assert keys == [f"step-{step.pk}-user-{cast['reviewer_a'].pk}"]
    # A redelivered task, or the flush catching up, finds the step claimed.
    assert notifications.write_step_emails(step.pk) == []
    assert tasks.write_step_emails(step.pk) == 0
    assert tasks.flush_outbox() == []
    assert list(Notification.objects.values_list("key", flat=True)) == keys


def test_steps_recorded_by_a_reorganisation_owe_no_e_mail(
    plan_a1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        step = workflow.record_unit_change(plan_a1, Step.UnitChange.CLOSE, "Quyết định 56")
    assert not Step.objects.get(pk=step.pk).emails_pending
    assert callbacks == []
    assert notifications.write_step_emails(step.pk) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_runs_writing_a_step_s_e_mails_at_once_one_writes(
    require_postgres, plan_a1, cast, monkeypatch
):
    # The step commits, pending, and its task is left for the two runs below.
    monkeypatch.setattr(tasks.write_woken_step_emails, "apply_async", lambda **kwargs: None)
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert Step.objects.get(pk=step.pk).emails_pending
    first_inside = threading.Event()
    results = {}

    def write(name, hold):
        try:
            with transaction.atomic():
                results[name] = notifications.write_step_emails(step.pk)
                if hold:
                    # Keep the step's row claimed, uncommitted, while the second run arrives.
                    first_inside.set()
                    threading.Event().wait(0.5)
        finally:
            connection.close()

    first = threading.Thread(target=write, args=("first", True))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=write, args=("second", False))
    second.start()
    first.join(10)
    second.join(10)
    assert results == {"first": [f"step-{step.pk}-user-{cast['reviewer_a'].pk}"], "second": []}
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1  # sent once, after the first run's commit


def test_the_flush_writes_the_e_mails_of_a_step_whose_publish_was_lost(
    tree, cast, campaign, plan_factory, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.write_woken_step_emails, "apply_async", broker_down)
    lost = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    fresh = plan_factory(tree["B1"], campaign, cast["officer_b1"])
    with django_capture_on_commit_callbacks(execute=True):
        lost_step = workflow.submission_submit(lost, user=cast["officer_a1"])
        fresh_step = workflow.submission_submit(fresh, user=cast["officer_b1"])
    assert "the steps' e-mails wait in the outbox" in caplog.text
    assert Step.objects.filter(emails_pending=True).count() == 2
    # The flush leaves a step alone while its request may still be handing it over...
    assert tasks.flush_outbox() == []
    assert Step.objects.filter(emails_pending=True).count() == 2
    # ...and writes the e-mails of one older than the grace period, then sends them.
    Step.objects.filter(pk=lost_step.pk).update(
        at=timezone.now() - notifications.FLUSH_GRACE - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.flush_outbox() == []  # its rows are handed to the broker, not waiting
    assert list(Step.objects.filter(emails_pending=True)) == [fresh_step]
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.flush_outbox() == []
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


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
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    if action == "reopen":
        with django_capture_on_commit_callbacks(execute=True):
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


def written(step):
    """Write `step`'s e-mails as the worker does, without sending them (the callbacks that
    hand them to the broker are not run), and return them."""
    keys = notifications.write_step_emails(step.pk)
    return list(Notification.objects.filter(key__in=keys).order_by("pk"))


def test_a_claim_held_by_a_live_worker_is_not_taken_twice(plan_a1, cast):
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])  # callbacks not run
    [notification] = written(step)
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

    monkeypatch.setattr(tasks.write_woken_step_emails, "apply_async", broker_down)
    monkeypatch.setattr(tasks.send_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    plan_a1.refresh_from_db()
    assert plan_a1.status == "submitted"
    assert Step.objects.get(pk=step.pk).emails_pending and mail.outbox == []
    # The periodic flush leaves the step alone while its request may still hand it over...
    assert tasks.flush_outbox() == []
    assert not Notification.objects.exists()
    # ...and writes its e-mail once it is older than the grace period; with the broker still
    # down the row waits in turn...
    long_ago = timezone.now() - timedelta(minutes=5)
    Step.objects.update(at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.flush_outbox() == []
    waiting = Notification.objects.get()
    assert waiting.sent_at is None and mail.outbox == []
    assert not Step.objects.get(pk=step.pk).emails_pending
    # ...and is sent by a later flush once past the grace period too, exactly once.
    Notification.objects.update(created_at=long_ago)
    assert tasks.flush_outbox() == ["sent"]
    assert tasks.flush_outbox() == []
    assert len(mail.outbox) == 1


def test_a_mail_server_error_is_recorded_and_retried(plan_a1, cast, monkeypatch, settings):
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    [notification] = written(step)

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


def test_a_step_never_writes_the_same_notification_twice(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_step(plan_a1, step)  # as if the step were replayed
        notifications.notify_step(plan_a1, step)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    # Even a step flagged again (by hand, say) writes rows it already has once only.
    Step.objects.filter(pk=step.pk).update(emails_pending=True)
    assert len(written(step)) == 1
    assert Notification.objects.count() == 1


def test_reviewers_without_e_mail_pass_the_notice_up_the_tree(plan_a1, cast):
    reviewer = cast["reviewer_a"]
    reviewer.email = ""
    reviewer.save()
    step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert [n.to_email for n in written(step)] == [cast["cspl"].email]


def test_inactive_officers_get_nothing(plan_a1, cast, second_officer_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    officer = cast["officer_a1"]
    officer.is_active = False
    officer.save()
    step = workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    # The unit's other officer, still active, is told; the inactive one is not.
    assert [n.recipient for n in written(step)] == [second_officer_a1]


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

    from django.db import connection

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
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # Commits, then hands the step to the worker, which writes its e-mail and sends it.
            step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                notification = Notification.objects.filter(sent_at__isnull=False).first()
                if notification:
                    break
                assert worker.poll() is None, log_path.read_text()
                time.sleep(0.2)
            else:
                pytest.fail("the worker never sent the notification:\n" + log_path.read_text())
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert notification.attempts == 1 and notification.last_error == ""
    assert notification.key == f"step-{step.pk}-user-{cast['reviewer_a'].pk}"
    assert Notification.objects.count() == 1
    assert not Step.objects.get(pk=step.pk).emails_pending
