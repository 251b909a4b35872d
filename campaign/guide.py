"""The help page: each kind of user's tasks, the deadlines, what to do when something goes
wrong, and the counting rule, in plain words. The same for everyone, signed in or not (it
holds no data). The numbers it quotes are read from the code that applies them, so the page
cannot drift from what the portal does."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from campaign.models import ANSWER_WITHIN_WORKING_DAYS, LOCK_AFTER_DUE, MAX_FIGURE
from campaign.pending import CHASE_FROM_DAYS, DUE_SOON_DAYS
from campaign.reminders import BEFORE
from campaign.uploads import MAX_UPLOAD_BYTES
from config.http import require_safe
from config.middleware import KeepInputAcrossLogin


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaign/help.html",
        {
            "due_soon_days": DUE_SOON_DAYS,
            "chase_from_days": CHASE_FROM_DAYS,
            "upload_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_figure": MAX_FIGURE,
            "answer_within_days": ANSWER_WITHIN_WORKING_DAYS,
            # The automatic reminders before the due date, earliest first (7, then 3 days).
            "reminder_days": sorted(BEFORE, reverse=True),
            "lock_after_days": LOCK_AFTER_DUE.days,
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "kept_minutes": KeepInputAcrossLogin.KEEP_SECONDS // 60,
        },
    )


urlpatterns = [path("help/", help_page, name="help")]
