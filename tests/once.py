"""Sending a form twice, as a second tap or a retry does (units/once.py): the token a page's
form carries, a POST sent twice with it, and what the second answer says. Used by the
sent-twice tests of tests/campaign and tests/units."""

import re

from django.utils import translation

ALREADY = "Biểu mẫu này đã được gửi trước đó"


def token_of(client, url):
    """The token the page's form carries, as a browser would send it back."""
    page = client.get(url).content.decode()
    return re.search(r'name="once" value="([0-9a-f-]{36})"', page)[1]


def sent_twice(client, url, data):
    data = {**data, "once": token_of(client, url)}
    first = client.post(url, data)
    with translation.override("vi"):
        second = client.post(url, data, follow=True)
    return first, second


def messages_in(response):
    return [str(message) for message in response.context["messages"]]
