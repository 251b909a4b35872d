"""The steps' e-mails are written by a task woken once for the steps of a second, not one
task per step (campaign.notifications.wake_step_email_writer)."""

from django.core import mail

from campaign import notifications, tasks, workflow
from campaign.models import Notification, Step


def test_steps_committed_together_wake_one_task_which_writes_them_all(
    tree, cast, campaign, plan_factory, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        tasks.write_woken_step_emails, "apply_async", lambda **kwargs: published.append(kwargs)
    )
    first = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    second = plan_factory(tree["B1"], campaign, cast["officer_b1"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(first, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(second, user=cast["officer_b1"])
    # One task, a second from now; the second step found it already on its way.
    assert published == [{"countdown": notifications.WAKE_DELAY_S}]
    assert Step.objects.filter(emails_pending=True).count() == 2
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.write_woken_step_emails() == 2
    assert not Step.objects.filter(emails_pending=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast["reviewer_a"].email, cast["cspl"].email]
    )


def test_a_step_committed_after_the_task_started_wakes_another(
    tree, cast, campaign, plan_factory, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(
        tasks.write_woken_step_emails, "apply_async", lambda **kwargs: published.append(kwargs)
    )
    first = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    later = plan_factory(tree["B1"], campaign, cast["officer_b1"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(first, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.write_woken_step_emails() == 1
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(later, user=cast["officer_b1"])
    assert len(published) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.write_woken_step_emails() == 1
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_a_woken_task_run_twice_writes_nothing_twice(
    plan_a1, cast, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.write_woken_step_emails, "apply_async", lambda **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.write_woken_step_emails() == 1
        assert tasks.write_woken_step_emails() == 0
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_without_a_broker_the_woken_task_runs_at_once(
    plan_a1, cast, django_capture_on_commit_callbacks
):
    # The no-services default (and these tests) run tasks in the process: the e-mail is
    # written as the step commits, and the next step wakes the writer again.
    with django_capture_on_commit_callbacks(execute=True):
        step = workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert not Step.objects.get(pk=step.pk).emails_pending
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    with django_capture_on_commit_callbacks(execute=True):
        returned = workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu")
    assert not Step.objects.get(pk=returned.pk).emails_pending
    assert len(mail.outbox) == 2
