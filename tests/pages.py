"""The smallest helpers of the page tests: a client logged in as a user, the HTML a response
carries and the messages it shows."""

from django.http import HttpResponse
from django.test import Client

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
