"""The HTTP methods a view answers, by what it does (the rest get 405), the 404 page and the
page of a form refused by the CSRF check.

A page that only shows answers GET and HEAD (`require_safe`); a page with a form answers
those and POST (`require_form`); an action answers POST alone (`require_POST`). Every view
in the URLconf carries one: tests/security/test_http_methods.py walks them.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.middleware import KeepInputAcrossLogin

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


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the portal's page for a form refused by the CSRF check (its page's
    token is stale: the user logged in again in another tab, or it stayed open too long).

    For a logged-in user whose form came from one of the portal's pages (the Referer), what
    it carried is kept as for a form sent after the session ended
    (config.middleware.KeepInputAcrossLogin, same limits, no hidden fields, no passwords),
    for that user alone, and the page offers a link back to the form's page, which is drawn
    anew with a fresh token and puts it back into the form. Anyone else gets the page alone.
    """
    user = getattr(request, "user", None)
    page = None
    if (
        request.method == "POST"
        and user is not None
        and user.is_authenticated
        # The footer's language switch: a choice, not a form's content to restore.
        and request.path != reverse("set_language")
    ):
        page = KeepInputAcrossLogin.form_page(request)
    fields = KeepInputAcrossLogin.sent_fields(request) if page else []
    response = render(
        request, "403_csrf.html", {"restore_page": page if fields else None}, status=403
    )
    if fields:
        # After the page is drawn: its own context processor takes what the session keeps.
        KeepInputAcrossLogin.keep(request, user.pk, page, fields, KeepInputAcrossLogin.AFTER_CSRF)
    return response


__all__ = [
    "Explained404",
    "IdConverter",
    "csrf_failure",
    "page_not_found",
    "require_POST",
    "require_form",
    "require_safe",
]
