"""Filtered, paginated lists: the reviewers' queues and every list with a filter form."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django_filters import FilterSet

from campaign.models import Status
from campaign.queues import (
    DEFAULT_SORT,
    QUEUE_SORTS,
    WAITING,
    last_step,
    reviewed,
    with_last_step,
)
from units.access import Scope

PAGE_SIZE = 25

# The query strings of the lists as their reader last left them, by the list's view name, in
# the session: a detail page's own way back (its breadcrumb, "Cancel", the queue link) leads
# to the list filtered, sorted and paged as it was, not to its first page unfiltered.
KEPT_LISTS = "kept_lists"
# A longer query string (a pasted search) is not worth a session write: the way back is the
# list unfiltered, as before.
KEPT_QUERY_CHARS = 1000


def queue_filter(
    request: HttpRequest, queryset: QuerySet, filter_class: type[FilterSet]
) -> tuple[FilterSet, QueryDict, str]:
    """The reviewer queue of `queryset`'s kind of submission as `request` asks for it: the
    FilterSet of what the user reviews (waiting for review unless asked otherwise), in the
    order asked for, each with its last step (campaign.queues.with_last_step); the query it
    reads (its status set); and that order's key. The queue's page and its Excel download
    both list `filter_results` of it. No query.

    Only reviewers have a queue: anyone else is refused (403).
    """
    scope = Scope.for_request(request)
    if not scope.is_reviewer:
        raise PermissionDenied
    queryset = with_last_step(reviewed(queryset, scope))
    data = request.GET.copy()
    data.setdefault("status", WAITING)
    sort = data.get("sort")
    if sort not in QUEUE_SORTS:
        sort = DEFAULT_SORT
    queryset = queryset.order_by(*QUEUE_SORTS[sort][1])
    return filter_class(data, queryset=queryset, scope=scope), data, sort


def render_queue(
    request: HttpRequest, queryset: QuerySet, filter_class: type[FilterSet], template: str
) -> HttpResponse:
    """The reviewer queue of any kind of submission: what the user reviews, filtered by
    `filter_class` (waiting for review unless asked otherwise) and paginated.

    A fixed number of queries whatever the number of submissions.
    """
    queue, data, sort = queue_filter(request, queryset, filter_class)
    page, query = filtered_page(request, queue, data)
    today = Scope.for_request(request).today
    for item in page:
        item.days_waiting = days_waiting(item, today)
        item.last_step = last_step(item)
    unsorted = data.copy()
    unsorted.pop("sort", None)
    unsorted.pop("page", None)
    return render(
        request,
        template,
        {
            "filter": queue,
            # Only submissions waiting for review can be accepted or returned together: a
            # queue filtered to another status lists them, without the ticks.
            "waiting": data.get("status") == WAITING,
            "page": page,
            "query": query,
            "sort": sort,
            "sorts": [(key, label) for key, (label, _order) in QUEUE_SORTS.items()],
            "unsorted_query": unsorted.urlencode(),
        },
    )


def days_waiting(submission, today) -> int | None:
    """Whole days since it was last submitted, while it waits for review; else None."""
    if submission.status != Status.SUBMITTED or submission.submitted_at is None:
        return None
    return (today - timezone.localdate(submission.submitted_at)).days


def filtered_page(
    request: HttpRequest, found: FilterSet, data: QueryDict | None = None
) -> tuple[Page, str]:
    """The requested page of a django-filter FilterSet's results, and the query string that
    keeps the filters on the other pages' links. Shared by every filtered list.

    django-filter skips a field whose value is invalid and filters on the rest, which would
    show more than was asked for: an invalid filter matches nothing instead, and the form
    shows why.
    """
    page = Paginator(filter_results(found), PAGE_SIZE).get_page(request.GET.get("page"))
    keep_list_query(request)
    query = (data if data is not None else request.GET).copy()
    query.pop("page", None)
    return page, query.urlencode()


def filter_results(found: FilterSet) -> QuerySet:
    """What a list filtered by `found` lists, every page of it: what it matches, or nothing
    when a filter is invalid (see `filtered_page`). No query."""
    return found.qs if found.is_valid() else found.queryset.none()


def keep_list_query(request: HttpRequest) -> None:
    """Remember the list `request` shows (its query string, page included) for the way back
    to it; the list opened without one forgets it. The session is written only when that
    changes: opening the same list again costs nothing."""
    if request.resolver_match is None or not hasattr(request, "session"):
        return
    name = request.resolver_match.view_name
    query = request.GET.urlencode()
    if len(query) > KEPT_QUERY_CHARS:
        query = ""
    kept = request.session.get(KEPT_LISTS) or {}
    if kept.get(name, "") == query:
        return
    kept = {key: value for key, value in kept.items() if key != name}
    if query:
        kept[name] = query
    request.session[KEPT_LISTS] = kept


def kept_list_query(request: HttpRequest, view_name: str) -> QueryDict:
    """The query string the list `view_name` was last left with (`keep_list_query`), read
    back as key-value pairs only; empty when it was opened without one."""
    session = getattr(request, "session", None)
    kept = (session.get(KEPT_LISTS) or {}).get(view_name, "") if session is not None else ""
    return QueryDict(kept if isinstance(kept, str) else "")


def kept_list_url(request: HttpRequest, view_name: str) -> str:
    """The list `view_name` as its reader last left it (`keep_list_query`): its path, with
    the query string it had."""
    url = reverse(view_name)
    query = kept_list_query(request, view_name).urlencode()
    return f"{url}?{query}" if query else url
