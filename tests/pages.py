"""The smallest helpers of the page tests: a client logged in as a user, the HTML a response
carries and the messages it shows."""

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from units.models import User


def login(client: Client, user: User) -> Client:
    """`client`, logged in as `user` (no password, no login page)."""
    client.force_login(user)
    return client


def html(response: HttpResponse) -> str:
    return response.content.decode()


def messages_of(response: HttpResponse, level: str | None = None) -> list[str]:
    """The messages the page shows, those of `level` ("error", "info", …) if given."""
    return [str(m) for m in response.context["messages"] if level in (None, m.level_tag)]


def count_queries(client: Client, url: str) -> tuple[int, HttpResponse]:
    """The queries a GET of `url` costs, and its answer (which must be a 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response
