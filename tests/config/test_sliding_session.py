"""A signed-in session lasts a working day from the last hour's work, not from the login
(config.middleware.SlidingSession), renewed at most once an hour."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from config.middleware import SlidingSession

pytestmark = pytest.mark.django_db


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_in_use_is_renewed_once_an_hour(client, cast):
    client.force_login(cast["officer_a1"])
    session = client.session
    # Logged in at 7:30, it is 9:35 now: the last renewal was two hours ago.
    session[SlidingSession.MARK] = int(time.time()) - 2 * 60 * 60
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(hours=6)
    )
    response = client.get(reverse("units:home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies  # the cookie's expiry moves too
    full_day = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expiry(client) - full_day).total_seconds()) < 60
    # Within the hour, nothing is written again.
    again = client.get(reverse("units:home"))
    assert settings.SESSION_COOKIE_NAME not in again.cookies


def test_an_anonymous_visit_starts_no_session(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not Session.objects.exists()
