"""The user's own notices: the list behind the bell, opening one, marking all read.

A notice belongs to its recipient alone: another user's is a 404, whoever asks.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign import notices
from campaign.models import Notice
from config.http import require_POST, require_safe
from units.access import Scope

PAGE_SIZE = 25


@require_safe
@login_required
def notice_list(request):
    """The user's notices, newest first, unread ones marked, a page at a time.

    A fixed number of queries whatever the number of notices: the count for the paginator
    and the page, with their units.
    """
    scope = Scope.for_request(request)
    page = Paginator(notices.of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [{"notice": notice, "may_open": notices.may_open(notice, scope)} for notice in page]
    return render(
        request,
        "campaign/notices/list.html",
        {"page": page, "entries": entries, "query": ""},
    )


@require_safe
@login_required
def notice_open(request, pk):
    """Mark the user's notice `pk` read and go to what it is about, if the user may still
    see it; else back to the list, saying so. Reading is not a change anyone else sees, so
    a plain link does it, as opening a summary marks its receipt read."""
    notice = get_object_or_404(Notice.objects.select_related("unit"), pk=pk, recipient=request.user)
    notices.mark_read(request.user, notice.pk)
    if notices.may_open(notice, Scope.for_request(request)):
        return redirect(notice.url)
    messages.info(
        request,
        _(
            "What this notification is about is no longer in the units you may see. If you "
            "should still see it, ask the federation administrator to check your roles."
        ),
    )
    return redirect("campaign:notice_list")


@login_required
@require_POST
def notice_read_all(request):
    marked = notices.mark_all_read(request.user)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
    return redirect("campaign:notice_list")


urlpatterns = [
    path("notices/", notice_list, name="notice_list"),
    path("notices/<id:pk>/", notice_open, name="notice_open"),
    path("notices/read-all/", notice_read_all, name="notice_read_all"),
]
