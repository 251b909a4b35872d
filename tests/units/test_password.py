"""Forgotten and changed passwords: Django's own views with the portal's Vietnamese pages.

A reset goes by e-mail (Django's mail, so `mail.outbox` here), says the same whether or not
the address is known, and never lifts a django-axes lockout.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mua-xuan-2026-cchc"
LOGIN = reverse("login")
RESET = reverse("password_reset")
CHANGE = reverse("password_change")


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def reset_link(message):
    match = re.search(r"https?://\S+/password/reset/\S+/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def ask_for_reset(client, email):
    return client.post(RESET, {"email": email}, follow=True)


# --- reset ----------------------------------------------------------------------------------
def test_the_login_page_links_to_the_reset_page(client):
    page = client.get(LOGIN).content.decode()
    assert f'href="{RESET}"' in page and "Quên mật khẩu?" in page


def test_the_reset_page_asks_for_the_address_in_vietnamese(client):
    page = client.get(RESET).content.decode()
    assert "Địa chỉ thư điện tử" in page
    assert ">Email" not in page


def test_an_address_typed_in_part_is_refused_in_plain_vietnamese(client):
    response = client.post(RESET, {"email": "cb.thu@"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "chưa phải là một địa chỉ thư điện tử đầy đủ" in page
    assert "cb.thu@" in page  # what was typed stays in the box
    assert not mail.outbox


def test_a_reset_goes_from_the_e_mail_link_to_a_new_password_that_logs_in(client, known_user):
    def until():
        ends = timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        return ends.strftime("%H:%M %d/%m/%Y")

    before = until()
    response = ask_for_reset(client, "CB.THU@example.org")  # the address, in any case
    after = until()
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cb.thu@example.org"]
    assert "Đặt lại mật khẩu" in message.subject
    # Greeted by name, and told until when the link works (Django's token expires).
    assert message.body.startswith("Chào Cán bộ thử,")
    assert any(
        f"Liên kết chỉ dùng được một lần, đến {day}." in message.body for day in (before, after)
    ), message.body
    link = reset_link(message)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/password/reset/")

    path = link.removeprefix(settings.SITE_URL.rstrip("/"))
    form_page = client.get(path, follow=True)  # Django moves the token into the session
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Đã đổi mật khẩu" in done.content.decode()
    # The reset does not log anybody in; the new password does, the old one no longer.
    assert SESSION_KEY not in client.session
    assert login(client, "cb.thu", PASSWORD).status_code == 200
    assert login(client, "cb.thu", NEW_PASSWORD).status_code == 302
    # The link worked once.
    client.post(reverse("logout"))
    again = client.get(path, follow=True).content.decode()
    assert "Liên kết này không còn dùng được" in again


def test_a_known_and_an_unknown_address_get_the_same_answer(client, known_user):
    known = ask_for_reset(client, "cb.thu@example.org")
    unknown = ask_for_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _main(known) == _main(unknown)
    assert "Nếu có tài khoản dùng địa chỉ thư này" in _main(unknown)
    assert len(mail.outbox) == 1  # only the known address got mail


def test_an_inactive_account_gets_no_reset_e_mail(client, known_user):
    known_user.is_active = False
    known_user.save()
    ask_for_reset(client, "cb.thu@example.org")
    assert mail.outbox == []


def test_the_new_password_must_pass_the_validators_in_vietnamese(client, known_user):
    ask_for_reset(client, "cb.thu@example.org")
    path = reset_link(mail.outbox[0]).removeprefix(settings.SITE_URL.rstrip("/"))
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    for weak, message in [
        ("12345678", "hoàn toàn là số"),
        ("abc", "quá ngắn"),
        ("password", "quá phổ biến"),
        ("cb.thu-x", "quá giống"),  # the username
    ]:
        page = client.post(form_url, {"new_password1": weak, "new_password2": weak})
        assert page.status_code == 200
        assert message in page.content.decode(), weak
    known_user.refresh_from_db()
    assert known_user.check_password(PASSWORD)


def test_a_reset_does_not_lift_a_lockout(client, known_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "cb.thu", "wrong")
    assert login(client, "cb.thu", PASSWORD).status_code == 429

    ask_for_reset(client, "cb.thu@example.org")
    path = reset_link(mail.outbox[0]).removeprefix(settings.SITE_URL.rstrip("/"))
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    known_user.refresh_from_db()
    assert known_user.check_password(NEW_PASSWORD)

    # Still locked out from this address, with the new password too.
    refused = login(client, "cb.thu", NEW_PASSWORD)
    assert refused.status_code == 429
    assert "Tạm khóa đăng nhập" in refused.content.decode()
    assert SESSION_KEY not in client.session


# --- change ---------------------------------------------------------------------------------
def test_the_menu_offers_the_password_change(client, known_user):
    client.force_login(known_user)
    page = client.get(reverse("units:home")).content.decode()
    assert f'href="{CHANGE}"' in page and "Đổi mật khẩu" in page


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_user_changes_the_password_and_stays_logged_in(client, known_user):
    client.force_login(known_user)
    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Đã đổi mật khẩu" in response.content.decode()
    known_user.refresh_from_db()
    assert known_user.check_password(NEW_PASSWORD)
    # The session was kept across the change (Django updates its hash).
    assert client.get(reverse("units:home")).status_code == 200


def test_a_wrong_old_password_is_refused_in_vietnamese(client, known_user):
    client.force_login(known_user)
    response = client.post(
        CHANGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng" in response.content.decode()
    known_user.refresh_from_db()
    assert known_user.check_password(PASSWORD)


def test_the_two_new_passwords_must_match(client, known_user):
    client.force_login(known_user)
    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other-2026-x"},
    )
    assert "Hai trường mật khẩu không giống nhau" in response.content.decode()


def _main(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_weak_new_password_is_refused_under_the_new_password_not_its_confirmation(
    client, known_user
):
    client.force_login(known_user)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    form = response.context["form"]
    assert "Mật khẩu này hoàn toàn là số." in form.errors["new_password1"]
    assert "new_password2" not in form.errors

    client.logout()
    ask_for_reset(client, "cb.thu@example.org")
    path = reset_link(mail.outbox[0]).removeprefix(settings.SITE_URL.rstrip("/"))
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    form = response.context["form"]
    assert "Mật khẩu này quá phổ biến." in form.errors["new_password1"]
    assert "new_password2" not in form.errors
