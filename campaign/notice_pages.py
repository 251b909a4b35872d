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
    """The user's notices, newest first, unread ones marked, a page at a time; one that no
    longer opens says why in a few words (`notices.refusal`).

    A fixed number of queries whatever the number of notices: the count for the paginator
    and the page, with their units.
    """
    scope = Scope.for_request(request)
    page = Paginator(notices.of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {"notice": notice, "why_not": _why_not(notices.refusal(notice, scope))} for notice in page
    ]
    return render(
        request,
        "campaign/notices/list.html",
        {"page": page, "entries": entries, "query": ""},
    )


@require_safe
@login_required
def notice_open(request, pk):
    """Mark the user's notice `pk` read and go to what it is about, if the user may still
    go there; else back to the list, saying what changed. Reading is not a change anyone
    else sees, so a plain link does it, as opening a summary marks its receipt read."""
    notice = get_object_or_404(Notice.objects.select_related("unit"), pk=pk, recipient=request.user)
    notices.mark_read(request.user, notice.pk)
    refusal = notices.refusal(notice, Scope.for_request(request))
    if not refusal and not notices.still_asked(notice):
        # A reminder's link to start a plan or report the campaign no longer asks of the
        # unit: the page would be a 404.
        refusal = notices.NOT_ASKED
    if not refusal:
        return redirect(notice.url)
    messages.info(request, _refusal_message(refusal, notice))
    return redirect("campaign:notice_list")


def _why_not(refusal: str) -> str:
    """What the list says, in a few words, of a notice that no longer opens."""
    if not refusal:
        return ""
    return {
        notices.CLOSED: _("the unit has closed"),
        notices.OWN_OFFICER: _("the unit now has its own officer"),
        notices.NOT_FILING: _("you no longer file for this unit"),
    }.get(refusal) or _("no longer in your units")


def _refusal_message(refusal: str, notice: Notice) -> str:
    """Why opening `notice` led back to the list, and what is left to do. One query for a
    unit closed by a merger (its successor's name), none otherwise."""
    unit = notice.unit
    if refusal == notices.CLOSED:
        if unit.successor_id:
            return _(
                "%(unit)s merged into %(successor)s and closed on %(date)s: nothing is filed "
                "in its name any more, so this reminder asks nothing of you now."
            ) % {
                "unit": unit.name,
                "successor": unit.successor.name,
                "date": unit.closed_on.strftime("%d/%m/%Y"),
            }
        return _(
            "%(unit)s closed on %(date)s: nothing is filed for it any more, so this reminder "
            "asks nothing of you now."
        ) % {"unit": unit.name, "date": unit.closed_on.strftime("%d/%m/%Y")}
    if refusal == notices.OWN_OFFICER:
        return _(
            "%(unit)s now has an officer of its own, who files its plan and reports from now "
            "on: this reminder asks nothing of you any more."
        ) % {"unit": unit.name}
    if refusal == notices.NOT_FILING:
        return _(
            "You no longer file for %(unit)s: what this reminder asked is for the officers "
            "who file for it now. If you should still file for it, ask the federation "
            "administrator to check your roles."
        ) % {"unit": unit.name}
    if refusal == notices.NOT_ASKED and (notice.params or {}).get("what") == "report":
        return _(
            "Since a reorganisation of the units or a change to the campaign, %(unit)s is "
            "no longer asked for its %(year)s report: this reminder asks nothing any more."
        ) % {"unit": unit.name, "year": notice.params.get("year")}
    if refusal == notices.NOT_ASKED:
        return _(
            "Since a reorganisation of the units or a change to the campaign, %(unit)s is "
            "no longer asked for an implementation plan: this reminder asks nothing any more."
        ) % {"unit": unit.name}
    return _(
        "What this notification is about is no longer in the units you may see. If you "
        "should still see it, ask the federation administrator to check your roles."
    )


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
