"""A form sent after the session ended: nothing is saved, and what was typed is shown once,
to copy back, on the form's page after its user logs in again on that browser; to nobody
else, and never for a browser where nobody logged in."""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import translation

from campaign.models import Obstacle
from config import middleware

TEXT = "Đề nghị cấp trên hướng dẫn cách tính số lượt tham gia khi một người dự hai buổi."
PASSWORD = "mật-khẩu-thử-nghiệm"
PAGE = reverse("campaign:obstacle_create")


def worked_then_timed_out(client, user):
    """The user worked on this browser (the portal noted who), then the session ended."""
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    client.get(PAGE)
    # The session ends: gone from the server and the browser, which keeps its other cookies
    # (the test client's logout() would clear them all).
    client.session.flush()
    client.cookies.pop(settings.SESSION_COOKIE_NAME)


def send_form(client, tree, campaign):
    form = {
        "unit": tree["A1"].pk,
        "campaign": campaign.pk,
        "subject": "Cách tính số lượt",
        "text": TEXT,
        "csrfmiddlewaretoken": "x" * 32,
    }
    with translation.override("vi"):
        return client.post(PAGE, form, HTTP_REFERER=f"http://testserver{PAGE}")


def log_in(client, user):
    with translation.override("vi"):
        return client.post(
            reverse("login"),
            {"username": user.username, "password": PASSWORD, "next": PAGE},
            follow=True,
        )


def test_the_texts_sent_after_the_session_ended_come_back_after_the_login(
    client, tree, cast, campaign
):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    response = send_form(client, tree, campaign)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={PAGE.replace('/', '%2F')}" in response["Location"]
    assert not Obstacle.objects.exists()
    with translation.override("vi"):
        login_page = client.get(response["Location"]).content.decode()
    assert "phiên làm việc đã hết hạn" in login_page.lower()

    landed = log_in(client, officer)
    html = landed.content.decode()
    assert landed.redirect_chain[-1][0] == PAGE
    assert TEXT in html and "Cách tính số lượt" in html
    assert "x" * 32 not in html  # the hidden fields are not texts anyone typed
    assert TEXT not in client.get(PAGE).content.decode()  # shown once


def test_someone_else_logging_in_on_that_browser_sees_nothing(client, tree, cast, campaign):
    # A shared office computer: A's form is kept for A alone.
    worked_then_timed_out(client, cast["officer_a1"])
    send_form(client, tree, campaign)
    other = cast["officer_b1"]
    other.set_password(PASSWORD)
    other.save()
    landed = log_in(client, other)
    assert TEXT not in landed.content.decode()
    assert "_kept_input" not in client.session


def test_a_browser_where_nobody_logged_in_keeps_nothing(client, tree, campaign):
    # Anyone could otherwise make the server store a session of their text per request.
    response = send_form(client, tree, campaign)
    assert response.status_code == 302
    assert not Session.objects.exists()


def test_a_login_long_after_shows_nothing(client, tree, cast, campaign, monkeypatch):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    send_form(client, tree, campaign)
    assert "_kept_input" in client.session
    later = time.time() + middleware.KeepInputAcrossLogin.KEEP_SECONDS + 60
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    assert TEXT not in log_in(client, officer).content.decode()
    assert "_kept_input" not in client.session


def kept_fields(html):
    """The [name, value] pairs the page hands kept_input.js, or None."""
    import json
    import re

    found = re.search(r'<script id="kept-fields" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


def test_choices_and_figures_come_back_too_for_the_page_to_put_back(client, tree, cast, campaign):
    # Only the texts were kept: the figures of a report, its dates and choices were lost
    # without a word, and a form of figures alone kept nothing and said nothing.
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    with translation.override("vi"):
        client.post(
            PAGE,
            {"unit": tree["A1"].pk, "campaign": campaign.pk, "once": "x" * 36},
            HTTP_REFERER=f"http://testserver{PAGE}",
        )
    landed = log_in(client, officer)
    html = landed.content.decode()
    assert kept_fields(html) == [["unit", str(tree["A1"].pk)], ["campaign", str(campaign.pk)]]
    assert "đã được điền lại vào biểu mẫu" in html
    assert kept_fields(client.get(PAGE).content.decode()) is None  # put back once


def test_the_page_own_hidden_fields_are_not_put_back(client, tree, cast, campaign):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    send_form(client, tree, campaign)
    fields = kept_fields(log_in(client, officer).content.decode())
    assert ["text", TEXT] in fields
    assert "csrfmiddlewaretoken" not in {name for name, _value in fields}


def test_the_values_are_put_back_only_on_the_page_the_form_was_on(client, tree, cast, campaign):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    send_form(client, tree, campaign)
    with translation.override("vi"):
        landed = client.post(
            reverse("login"),
            {"username": officer.username, "password": PASSWORD, "next": "/"},
            follow=True,
        )
    html = landed.content.decode()
    assert kept_fields(html) is None
    assert TEXT in html  # the texts, to copy back


def test_a_button_sent_after_the_session_ended_says_it_was_not_done(client, cast):
    worked_then_timed_out(client, cast["officer_a1"])
    with translation.override("vi"):
        response = client.post(PAGE, {}, HTTP_REFERER=f"http://testserver{PAGE}", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "thao tác vừa gửi chưa được thực hiện" in response.content.decode()
