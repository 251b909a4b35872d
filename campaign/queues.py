"""The reviewers' queues of plans and annual reports: which submissions wait for whom, and in
which order.

The queue pages (campaign.listing) and the link to the next waiting submission on a plan's
or report's page read the rule from here, so that link leads where the queue's first row
does.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from campaign.models import Status, Submission
from units.access import Scope, open_on
from units.collation import vietnamese

# What a queue lists unless asked for another status.
WAITING = Status.SUBMITTED

# The queue's orders, by the `sort` of the query string (anything else: the default). The
# longest waiting first is how reviewers work through it.
QUEUE_SORTS = {
    "waiting": (_("Longest waiting first"), ("submitted_at", "pk")),
    "recent": (_("Most recent first"), ("-submitted_at", "-pk")),
    "unit": (_("Unit name"), (vietnamese("unit__name"), "pk")),
}
DEFAULT_SORT = "waiting"


def reviewed(queryset: QuerySet, scope: Scope) -> QuerySet:
    """`queryset`'s submissions whose unit `scope`'s user reviews, of units open today: a
    closed unit's submissions leave the queue, being history (units.access). No query."""
    return queryset.filter(
        scope.review_condition(path_field="unit__path"), open_on(scope.today, "unit__")
    )


def next_waiting(submission: Submission, scope: Scope) -> Submission | None:
    """The submission of `submission`'s kind (plan or annual report) that its queue lists
    first for `scope`'s user as it opens (waiting for review, the longest waiting first),
    other than `submission`: what to review next, with its unit (the link names it). None
    when nothing else waits. One query."""
    return (
        reviewed(type(submission).objects.select_related("unit"), scope)
        .filter(status=WAITING)
        .exclude(pk=submission.pk)
        .order_by(*QUEUE_SORTS[DEFAULT_SORT][1])
        .first()
    )
