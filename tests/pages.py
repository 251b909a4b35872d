"""The two smallest helpers of the page tests: a client logged in as a user, and the HTML a
response carries."""

from django.http import HttpResponse
from django.test import Client

from units.models import User


def login(client: Client, user: User) -> Client:
    """`client`, logged in as `user` (no password, no login page)."""
    client.force_login(user)
    return client


def html(response: HttpResponse) -> str:
    return response.content.decode()
