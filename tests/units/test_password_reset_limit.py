"""Reset links are limited per address and per client (units/password_reset.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from units.models import PasswordResetRequest

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")


def ask(client, email, address="127.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_an_address_gets_three_links_an_hour_then_the_form_says_why(client, known_user, settings):
    settings.PASSWORD_RESET_PER_ADDRESS = 3
    for _ in range(3):
        assert ask(client, "cb.thu@example.org").status_code == 302
    assert len(mail.outbox) == 3
    refused = ask(client, "CB.Thu@example.org")  # the same address, in another case
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "3 liên kết đặt lại mật khẩu đã được yêu cầu cho địa chỉ này" in page
    assert 'value="CB.Thu@example.org"' in page  # what was typed is kept
    assert len(mail.outbox) == 3
    # Refusals are not counted: once the oldest request is an hour old, one more goes.
    PasswordResetRequest.objects.filter(
        pk=PasswordResetRequest.objects.order_by("requested_at").first().pk
    ).update(requested_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert ask(client, "cb.thu@example.org").status_code == 302
    assert len(mail.outbox) == 4


def test_an_unknown_address_is_counted_the_same_so_the_limit_reveals_nothing(
    client, known_user, settings
):
    settings.PASSWORD_RESET_PER_ADDRESS = 1
    assert ask(client, "nobody@example.org").status_code == 302
    assert ask(client, "nobody@example.org").status_code == 429
    assert mail.outbox == []


def test_one_client_gets_ten_links_an_hour_whatever_the_addresses(client, settings):
    settings.PASSWORD_RESET_PER_CLIENT = 10
    for n in range(10):
        assert ask(client, f"person{n}@example.org", "203.0.113.7").status_code == 302
    refused = ask(client, "person10@example.org", "203.0.113.7")
    assert refused.status_code == 429
    assert "Có quá nhiều yêu cầu đặt lại mật khẩu từ kết nối của bạn" in refused.content.decode()
    # Another client is not held back by this one.
    assert ask(client, "person10@example.org", "198.51.100.2").status_code == 302


def test_requests_older_than_the_hour_are_forgotten(client, known_user):
    PasswordResetRequest.objects.create(
        email="old@example.org", requested_at=timezone.now() - timedelta(hours=2)
    )
    assert ask(client, "cb.thu@example.org").status_code == 302
    assert list(PasswordResetRequest.objects.values_list("email", flat=True)) == [
        "cb.thu@example.org"
    ]


def test_an_address_that_lower_case_lengthens_past_the_column_is_counted_not_a_500(client):
    # 205 characters, 405 once in lower case ("İ" becomes "i" and a combining dot): the
    # column holds 254 (PostgreSQL refused the longer value with a 500).
    address = "İ" * 200 + "@x.vn"
    assert len(address.lower()) > 254
    response = ask(client, address)
    assert response.status_code in (200, 302)
    [kept] = PasswordResetRequest.objects.values_list("email", flat=True)
    assert len(kept) <= 254
