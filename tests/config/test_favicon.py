"""The pages name their own icon, so that browsers never ask for /favicon.ico: that 404
page renders the base template, which would set a fresh CSRF cookie while a login form
with the previous token is on screen (a refused login, seen in the browser tests)."""

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_page_names_the_portals_own_icon(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("favicon.svg")
