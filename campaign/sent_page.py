"""The page "Đã gửi": everything the user's units have sent (`campaign.sent`), newest
first, paginated."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from campaign.sent import PAGE_SIZE, sent_items, shared
from config.http import require_safe
from units.access import FILE, Scope


@require_safe
@login_required
def sent_list(request):
    """The page of everything the user's units have sent, newest first, paginated. A fixed
    number of queries whatever the number of items (see sent_items)."""
    scope = Scope.for_request(request)
    items = sent_items(scope)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/sent_list.html",
        {
            "page": page,
            "is_officer": any(m.role in FILE for m in scope.memberships),
            **shared(items),
        },
    )


urlpatterns = [path("sent/", sent_list, name="sent_list")]
