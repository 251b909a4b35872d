"""Every POST needs the CSRF token: every URL of the URLconf, asked by every kind of user
with a client that enforces the check, refuses a POST without it."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.matrix import ROLES, Asker, walk
from tests.security.route_urls import url_for

pytestmark = pytest.mark.django_db

CSRF_PAGE = "Biểu mẫu đã hết hạn"  # the page of templates/403_csrf.html


def test_every_post_without_the_csrf_token_is_refused(world):
    asker = Asker(world.users, enforce_csrf_checks=True)
    problems = []
    for route in walk():
        url = url_for(route, world.own, world)
        for role in ROLES:
            response = asker.ask(role, "post", url)
            refused = response.status_code == 403 and CSRF_PAGE in response.content.decode()
            if not refused:
                problems.append(f"{route.key} POST {url} as {role}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_refusal_explains_in_vietnamese_what_to_do(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["officer"])
    response = client.post(reverse("campaign:obstacle_create"), {"subject": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page
    assert "tải lại trang" in page


def test_a_post_with_the_token_passes_the_check(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["officer"])
    form = client.get(reverse("units:home"))
    token = form.cookies["csrftoken"].value
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
