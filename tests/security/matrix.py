"""Walking the URLconf and asking every URL as every kind of user (see test_access_matrix)."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ADMIN_LOGIN = "/admin/login/"

# Who asks, in the order of the matrix's columns (the people of tests/security/conftest.py).
ROLES = ("anonymous", "stranger", "outsider", "officer", "reviewer", "viewer")

# Django's English stand-ins for a blank choice ("---------") and a missing value ("None"),
# in the text of a page (not in its scripts or comments).
STAND_IN = re.compile(r"-{5,}|\bNone\b(?=[^<>]*<)")
_NOT_TEXT = re.compile(r"<script.*?</script>|<!--.*?-->", re.S)


def stand_ins(response) -> list[str]:
    """Where a page a user reads (a 200 HTML answer) shows one of Django's stand-ins."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    body = _NOT_TEXT.sub("", response.content.decode())
    return [body[max(0, m.start() - 80) : m.end()] for m in STAND_IN.finditer(body)]


@dataclass(frozen=True)
class Route:
    key: str  # "name", or "namespace:name"; the route itself when it has no name
    route: str
    pattern: object


def walk(patterns=None, prefix="", namespace=None):
    """Every URL pattern of the URLconf, however deeply included."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Route(key=name or route, route=route, pattern=entry)


def outcome(response):
    """A response as the matrix writes it: the status code, or where a redirect goes."""
    if response.status_code in (301, 302):
        path = urlsplit(response["Location"]).path
        if path == reverse(settings.LOGIN_URL):
            return "L"  # to the login page
        if path == ADMIN_LOGIN:
            return "A"  # to the admin's login page
        return "R"  # anywhere else: the view's own redirect
    return str(response.status_code)


class Asker:
    """One signed-in test client per role; every request's changes are rolled back, so
    the order of the requests never matters and one world serves them all."""

    def __init__(self, users, enforce_csrf_checks=False):
        self.users = users
        self.csrf = enforce_csrf_checks
        self.clients = {role: self.client(role) for role in ROLES}

    def client(self, role):
        client = Client(enforce_csrf_checks=self.csrf, raise_request_exception=False)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client

    def ask(self, role, method, url, fresh=False):
        # Logging in or out, or switching the language, changes the client: use a new one.
        client = self.client(role) if fresh else self.clients[role]
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        return response
