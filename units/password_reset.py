"""Password-reset links, limited: a few an hour per address and per client.

Django's reset view sends an e-mail for every POST, so anybody could fill a colleague's
mailbox with reset links, or make the portal's mail server look like a spammer's. Each
request that sends is recorded (`PasswordResetRequest`, in the database, so a cache flush
cannot reset the count); once an address, or a client address, has asked for its limit in
the last hour, the form says so and sends nothing. The answer still never says whether an
account uses the address: the count is of requests, known address or not. A refused
request is not counted, so hammering the form does not push the limit further out.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.auth import client_ip
from units.models import PasswordResetRequest

WINDOW = timedelta(hours=1)


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


class LimitedPasswordResetView(PasswordResetView):
    """Django's reset view, which sends only while the address and the client are under
    their limits; over one, the form comes back with the reason (429) and what was typed."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        client = (client_ip(self.request) or "")[:64]
        with transaction.atomic():
            reason = refusal(email, client)
            if reason is None:
                PasswordResetRequest.objects.create(email=email, client_ip=client)
        if reason is not None:
            form.add_error("email", reason)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
