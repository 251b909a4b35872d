"""The bare endpoint: one row saved through a ModelForm under a row lock.

The same middleware as the portal (sessions, CSRF, messages, history) and the same
database and cache; no login, no template engine beyond a tiny inline form, one model.
It is the yardstick for what this stack does per locked write on this machine.

The rungs below it are what a submission costs before its own work, layer by layer
(tests/bench/submission_cost.py).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404

from campaign.models import Period
from tests.bench.load_site.models import Row
from units.access import FILE, Scope


class RowForm(forms.ModelForm):
    class Meta:
        model = Row
        fields = ["text", "count"]


def save_row(request, client):
    if request.method != "POST":
        # The CSRF token the client posts back, as the portal's forms carry it.
        token = get_token(request)
        return HttpResponse(
            f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{token}"><input name="text"><input name="count"></form>'
        )
    with transaction.atomic():
        row = get_object_or_404(Row.objects.select_for_update(), client=client)
        form = RowForm(request.POST, instance=row)
        if not form.is_valid():
            return HttpResponseBadRequest(form.errors.as_text())
        form.save()
    return HttpResponse("saved")


# --- the rungs between the bare save and a submission (tests/bench/submission_cost.py) --------
RUNGS = ("request", "scope", "period")


@login_required
def rung(request, rung, campaign_pk, unit_pk, year):
    """What a submission costs before its own work, one layer at a time, answered as a
    submission is (a redirect): `request` is an officer's authenticated POST with the report
    form's multipart body parsed; `scope` adds the access scope (the user's memberships) and
    the unit fetched through it; `period` adds the campaign's period with its campaign and
    issuer, as the report's view reads them."""
    if request.method != "POST" or rung not in RUNGS:
        return HttpResponseBadRequest("POST to one of " + ", ".join(RUNGS))
    request.POST  # noqa: B018 - the body is parsed, as the report's view parses it
    if rung in ("scope", "period"):
        Scope.for_request(request).get_unit(FILE, pk=unit_pk)
    if rung == "period":
        Period.objects.select_related("campaign__issuer").get(campaign_id=campaign_pk, year=year)
    return HttpResponseRedirect("/")
