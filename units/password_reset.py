"""Password-reset links: sent by a worker, and limited to a few an hour per address and
per client.

The request only checks the limits and hands the address to a Celery task, which finds the
accounts using it and queues, for each, the task that makes the link and sends it
(`send_reset_link`), retrying while the mail server is unreachable: the page never waits
on the mail server, does the same work for an unknown address as for a known one, and no
token travels through the broker.

Django's reset view would send an e-mail for every POST, so anybody could fill a
colleague's mailbox with reset links, or make the portal's mail server look like a
spammer's. The portal's (units.views.LimitedPasswordResetView) records each request that
sends (`PasswordResetRequest`, in the database, so a cache flush cannot reset the count);
once an address, or a client address, has asked for its limit in the last hour, the form
says so and sends nothing. The answer still never says whether an account uses the address:
the count is of requests, known address or not. A refused request is not counted, so
hammering the form does not push the limit further out.
"""

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from units.models import PasswordResetRequest, User

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
BODY_TEMPLATE = "registration/password_reset_email.html"


def admit(email: str, client: str) -> str | None:
    """Record a reset link for `email` asked for from `client` and return None, or, over a
    limit, record nothing and return why (in the active language)."""
    with transaction.atomic():
        reason = refusal(email, client)
        if reason is None:
            PasswordResetRequest.objects.create(email=email, client_ip=client)
    return reason


def refusal(email: str, client: str, now=None) -> str | None:
    """Why a reset link for `email`, asked for from `client`, may not be sent now; None when
    it may. Forgets the requests older than the window on the way."""
    now = now or timezone.now()
    since = now - WINDOW
    PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    per_address = settings.PASSWORD_RESET_PER_ADDRESS
    if recent.filter(email=email).count() >= per_address:
        return ngettext(
            "A reset link was already sent for this address in the last hour. Look for it in "
            "your mailbox (also among spam), or ask again in an hour.",
            "%(count)d reset links were already asked for this address in the last hour. Look "
            "for them in your mailbox (also among spam), or ask again in an hour.",
            per_address,
        ) % {"count": per_address}
    if client and recent.filter(client_ip=client).count() >= settings.PASSWORD_RESET_PER_CLIENT:
        return _(
            "Too many reset links were asked for from your connection in the last hour. "
            "Ask again in an hour, or ask the federation administrator."
        )
    return None


def send_reset_link(user_pk: int) -> bool:
    """Make the reset link of account `user_pk` and e-mail it, in the portal's language (the
    worker's part). False, and nothing sent, when the account can no longer reset its
    password: gone, inactive, without a usable password or an address."""
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        # Links use the configured address, never a request's Host header.
        "site_url": settings.SITE_URL.rstrip("/"),
        # Django's token expires this long after it is made: the e-mail says until when,
        # so that a link opened days later is not a surprise.
        "valid_until": timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
        body = render_to_string(BODY_TEMPLATE, context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return True


def accounts_of(email: str) -> list[int]:
    """The active accounts with a usable password that use `email` (Django's rule)."""
    return [user.pk for user in PasswordResetForm().get_users(email)]


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, whose e-mails a worker makes and sends (`send_reset_link`). The
    request queues one task whatever the address: which accounts use it is the worker's
    question (`units.tasks.queue_password_resets`)."""

    # Django labels the field "Email", which its Vietnamese catalogue leaves in English; the
    # page around it says "địa chỉ thư điện tử", as the rest of the portal does.
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        # Django's Vietnamese reads "Nhập địa chỉ email." to someone who just typed one.
        error_messages={
            "invalid": gettext_lazy(
                "This is not a whole e-mail address; type it in full, for example "
                "ten.donvi@gmail.com."
            )
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, **kwargs):
        from units.tasks import queue_password_resets

        try:
            queue_password_resets.delay(self.cleaned_data["email"])
        except Exception:  # a broker that is down: the user asks again later
            log.exception("A password reset could not be sent or queued")
