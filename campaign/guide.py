"""The help page: each kind of user's year in the portal, and the counting rule, in plain
words. The same for everyone, signed in or not (it holds no data)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from campaign.pending import CHASE_FROM_DAYS, DUE_SOON_DAYS
from config.http import require_safe


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaign/help.html",
        {"due_soon_days": DUE_SOON_DAYS, "chase_from_days": CHASE_FROM_DAYS},
    )


urlpatterns = [path("help/", help_page, name="help")]
