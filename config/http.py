"""The HTTP methods a view answers, by what it does (the rest get 405), and the 404 page.

A page that only shows answers GET and HEAD (`require_safe`); a page with a form answers
those and POST (`require_form`); an action answers POST alone (`require_POST`). Every view
in the URLconf carries one: tests/security/test_http_methods.py walks them.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

require_form = require_http_methods(["GET", "HEAD", "POST"])


class IdConverter:
    """`<id:pk>`: a whole number the database can hold (up to 18 digits, below 2**63). A
    longer one matches no address (a 404) instead of overflowing in the query (a 500):
    Django keeps out-of-range numbers out of a lookup on a primary key, not on a foreign
    key (`Attachment.objects.filter(plan_id=…)`)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(int(value))


class Explained404(Http404):
    """A 404 whose message is written for the user, translated: the 404 page shows it.

    Django's own (get_object_or_404's "No Report matches the given query.") are in English
    and name models; they stay off the page.
    """


def page_not_found(request, exception):
    """handler404: the portal's 404 page, with the reason when the view gave one."""
    reason = ""
    if isinstance(exception, Explained404) and exception.args:
        reason = str(exception.args[0])
    return render(request, "404.html", {"reason": reason}, status=404)


__all__ = [
    "Explained404",
    "IdConverter",
    "page_not_found",
    "require_POST",
    "require_form",
    "require_safe",
]
