"""Forms that make something are made once per page, whatever the network does.

The page's form carries a token (`OnceMixin`, a hidden field made when the page is
drawn). The view saves through `save_once`: the first POST with the token saves and
records where its result is (`SentForm`, in the same transaction); a POST with a token
already recorded saves nothing and leads to that result. submit_once.js holds the button
for a few seconds, which does not cover a retry after a lost answer or a reload that
sends the POST again. A page without a token (drawn before this existed) saves as before.
"""

import datetime
import uuid
from collections.abc import Callable

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import SentForm

FIELD = "once"
ALREADY_SENT = _("This form had already been sent: nothing was made twice. Here is what it made.")
# Long enough for a form left open over a weekend, then sent twice.
KEEP = datetime.timedelta(days=7)


class OnceMixin:
    """Adds the hidden token to a form: put it before the form class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Text, read by save_once: a token the page sent back damaged is no token (the
        # form saves as one drawn before tokens), not an error in English about a UUID.
        self.fields[FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=lambda: str(uuid.uuid4())
        )


def _token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _earlier(request: HttpRequest, token: uuid.UUID) -> str | None:
    return (
        SentForm.objects.filter(user=request.user, token=token)
        .values_list("url", flat=True)
        .first()
    )


def sent_before(request: HttpRequest) -> str | None:
    """The URL of what this POST's form made when it was sent before, or None. For a view
    that refuses a second object before it would save (a unit's one plan), so that the
    same form sent twice leads to what it made, not to "someone else made it"."""
    token = _token(request)
    return _earlier(request, token) if token is not None else None


def save_once(request: HttpRequest, save: Callable[[], str]) -> tuple[str, bool]:
    """Run `save`, which writes what the form makes and returns its page's URL, once per
    token. Returns (the URL, True) when it ran now, (the URL of what the same form made
    before, False) when it had already run."""
    token = _token(request)
    if token is None:
        return save(), True
    earlier = _earlier(request, token)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            url = save()
            SentForm.objects.create(user=request.user, token=token, url=url)
    except IntegrityError:
        # Sent twice at once: the other request recorded the token first, and this one's
        # writes are undone with it. Any other constraint is the caller's to report.
        earlier = _earlier(request, token)
        if earlier is None:
            raise
        return earlier, False
    SentForm.objects.filter(user=request.user, sent_at__lt=timezone.now() - KEEP).delete()
    return url, True
