"""The reset link is made and sent by a worker, retried while the mail server is down
(units/password_reset.py, units.tasks.send_password_reset)."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from units import tasks

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")


class FlakyBackend(EmailBackend):
    """The test outbox behind a mail server that drops the first two connections."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures < 2:
            FlakyBackend.failures += 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_the_request_hands_the_worker_the_address_known_or_not(client, known_user, monkeypatch):
    # Only a known address queued a task, and its publishing (retried while the broker was
    # slow) told by its time which addresses have an account.
    queued = []
    monkeypatch.setattr(tasks.queue_password_resets, "delay", queued.append)
    response = client.post(RESET, {"email": "cb.thu@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert client.post(RESET, {"email": "nobody@example.org"}).url == response.url
    assert queued == ["cb.thu@example.org", "nobody@example.org"]
    assert mail.outbox == []


def test_the_worker_queues_a_link_for_each_account_of_the_address(known_user, monkeypatch):
    links = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", links.append)
    assert tasks.queue_password_resets("cb.thu@example.org") == 1
    assert tasks.queue_password_resets("nobody@example.org") == 0
    assert links == [known_user.pk]  # the link and its token are made by the worker


def test_a_send_the_mail_server_drops_is_tried_again(known_user, settings):
    from config.celery import app

    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures = 0
    # As a worker runs it, its retries run at once here (a worker waits 30 s, 1 min...),
    # each one applied anew, so no attempt's error may propagate.
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        tasks.send_password_reset.apply(args=[known_user.pk])
    finally:
        app.conf.task_eager_propagates = propagates
    assert FlakyBackend.failures == 2
    assert [m.to for m in mail.outbox] == [["cb.thu@example.org"]]
    assert "/password/reset/" in mail.outbox[0].body


def test_a_link_is_tried_again_for_about_an_hour_while_the_mail_server_is_down():
    # The waits the task's retries take, as Celery computes them (README: "about an hour").
    from celery.utils.time import get_exponential_backoff_interval

    task = tasks.send_password_reset
    waits = [
        get_exponential_backoff_interval(
            factor=task.retry_backoff,
            retries=attempt,
            maximum=task.retry_backoff_max,
            full_jitter=task.retry_jitter,
        )
        for attempt in range(task.max_retries)
    ]
    assert waits[:3] == [30, 60, 120]
    assert 55 * 60 <= sum(waits) <= 70 * 60, sum(waits)


def test_with_the_broker_down_the_page_still_answers(client, known_user, monkeypatch, caplog):
    def broker_down(*args):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.queue_password_resets, "delay", broker_down)
    response = client.post(RESET, {"email": "cb.thu@example.org"})
    assert response.status_code == 302
    assert "could not be sent or queued" in caplog.text


def test_an_account_deactivated_before_the_worker_runs_gets_nothing(known_user):
    known_user.is_active = False
    known_user.save()
    assert tasks.send_password_reset(known_user.pk) is False
    assert mail.outbox == []
