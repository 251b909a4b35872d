"""Logging in through the real login view: the session key changes, and guessing passwords
is locked out after a few failures (django-axes), with a Vietnamese page."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_the_session_key_changes_at_login(client, known_user):
    # An anonymous session first, as a visitor who looked around before logging in has.
    client.get(reverse("set_language"))  # any request that may start a session
    session = client.session
    session["before"] = "anonymous visit"
    session.save()
    before = session.session_key

    response = attempt(client, "cb.thu", PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("units:home")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.session[SESSION_KEY] == str(known_user.pk)
    # The old key no longer opens anything: a fixated session cannot ride along.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(reverse("units:home"))["Location"].startswith(LOGIN)


def test_the_session_key_changes_again_when_another_user_logs_in(client, known_user):
    UserFactory(username="cb.khac")
    attempt(client, "cb.thu", PASSWORD)
    first = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    attempt(client, "cb.khac", PASSWORD)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != first


def test_a_wrong_password_shows_the_form_again_in_vietnamese(client, known_user):
    response = attempt(client, "cb.thu", "wrong")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page
    # Not Django's own Vietnamese, capitalised mid-sentence.
    assert "Vui lòng điền vào Tên đăng nhập" not in page


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client, known_user):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert attempt(client, "cb.thu", "wrong").status_code == 200
    locked = attempt(client, "cb.thu", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page
    assert "5 lần liên tiếp" in page
    assert "15 phút" in page
    # Even the right password is refused now, and nobody is logged in.
    right = attempt(client, "cb.thu", PASSWORD)
    assert right.status_code == 429
    assert SESSION_KEY not in client.session
    attempt_row = AccessAttempt.objects.get(username="cb.thu")
    assert attempt_row.failures_since_start >= limit


def test_the_lock_ends_when_the_page_says_however_often_one_tries_meanwhile(client, known_user):
    import datetime

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "cb.thu", "wrong")
    locked_at = AccessAttempt.objects.get(username="cb.thu").attempt_time

    def minutes_later(minutes):
        # The lock as if taken `minutes` ago: axes reads its own clock.
        AccessAttempt.objects.filter(username="cb.thu").update(
            attempt_time=locked_at - datetime.timedelta(minutes=minutes)
        )

    # Ten minutes on, the right password is still refused, and the page counts down.
    minutes_later(10)
    refused = attempt(client, "cb.thu", PASSWORD)
    assert refused.status_code == 429
    assert re.search(r"Hãy thử lại sau [56] phút", refused.content.decode())
    assert reverse("password_reset") in refused.content.decode()
    # That try did not restart the lock: fifteen minutes after it was taken, it has ended.
    minutes_later(15.1)
    assert attempt(client, "cb.thu", PASSWORD).status_code == 302
    assert SESSION_KEY in client.session


def test_the_lockout_is_per_username_and_address(client, known_user):
    UserFactory(username="cb.khac")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "cb.thu", "wrong")
    # Another user at the same address, and the same user elsewhere, still log in.
    assert attempt(Client(), "cb.khac", PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.0.0.7")
    assert attempt(elsewhere, "cb.thu", PASSWORD).status_code == 302


def test_behind_the_proxy_the_client_is_the_last_forwarded_address(settings, client, known_user):
    settings.BEHIND_TLS_PROXY = True
    # Each attempt claims a new address first; the proxy appends the one it saw.
    for n in range(settings.AXES_FAILURE_LIMIT):
        forwarded = f"203.0.113.{n}, 198.51.100.9"
        attempt(client, "cb.thu", "wrong", HTTP_X_FORWARDED_FOR=forwarded)
    refused = attempt(client, "cb.thu", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.9")
    assert refused.status_code == 429
    assert AccessAttempt.objects.get(username="cb.thu").ip_address == "198.51.100.9"


def test_a_successful_login_clears_the_earlier_failures(client, known_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "cb.thu", "wrong")
    assert attempt(client, "cb.thu", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # A fresh count: four more mistakes do not lock the account.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "cb.thu", "wrong").status_code == 200
    assert attempt(client, "cb.thu", PASSWORD).status_code == 302


def test_the_admin_login_is_counted_too(client, known_user):
    admin_login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(admin_login, {"username": "cb.thu", "password": "wrong"})
    assert response.status_code == 429


def test_logins_from_code_without_a_request_still_work(client, known_user):
    # The test client's login() (and a shell) authenticate without a request; axes only
    # counts web logins, which always carry one.
    assert client.login(username="cb.thu", password=PASSWORD)
    assert client.get(reverse("units:home")).status_code == 200


@pytest.mark.parametrize("login", [LOGIN, reverse("admin:login")])
def test_an_overlong_username_is_refused_by_the_form(client, known_user, login):
    # Django's form let it through to authenticate(), where axes recorded the failure in a
    # column of 255 characters: a 500 on PostgreSQL. Refused before, it is not counted.
    response = client.post(login, {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "Nhập tối đa 150 ký tự; bạn đã nhập 5000." in response.content.decode()
    assert not AccessAttempt.objects.exists()
    # A username of the longest length the accounts can have is still checked and counted.
    attempt(client, "a" * 150, "x")
    assert AccessAttempt.objects.get().username == "a" * 150


def test_each_failed_login_is_kept_in_the_admins_log_of_them(client, known_user):
    # The admin lists "every failed login": it stayed empty while logins failed, which
    # reads as nobody having failed to log in.
    attempt(client, "cb.thu", "wrong-1", REMOTE_ADDR="198.51.100.7")
    attempt(client, "nobody.here", "wrong-2", REMOTE_ADDR="198.51.100.8")
    attempt(client, "cb.thu", PASSWORD, REMOTE_ADDR="198.51.100.7")
    logged = sorted(AccessFailureLog.objects.values_list("username", "ip_address", "locked_out"))
    assert logged == [("cb.thu", "198.51.100.7", False), ("nobody.here", "198.51.100.8", False)]
