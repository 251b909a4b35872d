"""The bare endpoint: one row saved through a ModelForm under a row lock.

The same middleware as the portal (sessions, CSRF, messages, history) and the same
database and cache; no login, no template engine beyond a tiny inline form, one model.
It is the yardstick for what this stack does per locked write on this machine.
"""

from django import forms
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404

from tests.bench.load_site.models import Row


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
