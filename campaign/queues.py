"""The reviewers' queues of plans and annual reports: which submissions wait for whom, and in
which order.

The queue pages (campaign.listing) and the link to the next waiting submission on a plan's
or report's page read the rule from here, so that link leads where the queue's first row
does, as the reviewer last filtered and sorted it, in the page's campaign.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models import Status, Step, Submission
from units.access import Scope, open_on
from units.collation import vietnamese
from units.models import Unit

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

Action = Step.Action
# A queue row's last step, in its own words: the step taken rather than the state it led to
# ("Trả lại · Nguyễn Văn A · 02/12/2026"). A submission no reviewer acted on yet is named by
# who sent it; a reorganisation's and a late opening's steps are the portal's, not a look at
# the item, and are left out.
LAST_STEP_LABELS = {
    Action.RETURN: pgettext_lazy("last step in a queue", "Returned"),
    Action.ACCEPT: pgettext_lazy("last step in a queue", "Accepted"),
    Action.REOPEN: pgettext_lazy("last step in a queue", "Reopened"),
    Action.SUBMIT: pgettext_lazy("last step in a queue", "First sent"),
}


@dataclass(frozen=True)
class LastStep:
    label: str
    actor: str | None  # None for a step nobody's account took (an older import)
    # None for a first submission: the queue's own "Submitted" column has its time.
    at: datetime.datetime | None
    # The unit the actor acted from, by its name on the step's day (history does not
    # move); None when the step recorded none, or it is the submission's own unit.
    actor_unit: str | None = None


def with_last_step(queryset: QuerySet) -> QuerySet:
    """`queryset`'s plans or reports annotated with the last step a reviewer took on each
    (returned, accepted, reopened), else, for one no reviewer acted on yet, its submission:
    `last_action`, `last_at`, `last_actor` (the person's name), `last_actor_unit` (the
    unit they acted from, named as on the step's day), read by `last_step`. A
    reviewer then sees whether an item waiting was looked at or returned before. Subqueries
    of the list's own query: no query more, whatever the number of rows."""
    model = queryset.model
    steps = Step.objects.filter(
        # By the content type's natural key, joined: no look-up of its id first.
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        object_id=OuterRef("pk"),
        action__in=list(LAST_STEP_LABELS),
    ).order_by(
        # A reviewer's step before any submission, however recent the submission.
        Case(When(action=Action.SUBMIT, then=Value(1)), default=Value(0)),
        "-at",
        "-pk",
    )
    name = Coalesce(NullIf("actor__full_name", Value("")), "actor__username")
    # The unit the actor acted from (Step.actor_unit) as it stood on the step's day in Viet
    # Nam, named as the filed-on-behalf badge names a unit: a district federation ended
    # since keeps the name it filed under, whatever the actor's roles are today.
    acting = Case(
        # The submission's own unit goes without saying (the row names it).
        When(actor_unit_id=OuterRef("unit_id"), then=Value(None)),
        default=F("actor_unit_then"),
    )
    return queryset.annotate(
        last_action=Subquery(steps.values("action")[:1]),
        last_at=Subquery(steps.values("at")[:1]),
        last_actor=Subquery(steps.annotate(name=name).values("name")[:1]),
        last_actor_unit=Subquery(steps.with_unit_then().annotate(unit=acting).values("unit")[:1]),
    )


def last_step(submission: Submission) -> LastStep | None:
    """The last step of a submission read through `with_last_step`, or None when none was
    recorded (a draft never sent; one sent before steps were recorded). No query."""
    action = getattr(submission, "last_action", None)
    if action not in LAST_STEP_LABELS:
        return None
    at = None if action == Action.SUBMIT else submission.last_at
    return LastStep(
        str(LAST_STEP_LABELS[action]),
        submission.last_actor,
        at,
        getattr(submission, "last_actor_unit", None),
    )


def reviewed(queryset: QuerySet, scope: Scope) -> QuerySet:
    """`queryset`'s submissions whose unit `scope`'s user reviews, of units open today: a
    closed unit's submissions leave the queue, being history (units.access). No query."""
    return queryset.filter(
        scope.review_condition(path_field="unit__path"), open_on(scope.today, "unit__")
    )


# The queue filters that narrow what a reviewer works through, besides its status and its
# campaign (campaign.filters.QueueFilter and its subclasses).
NARROWING = ("kind", "parent", "year")


def narrowed(kept: QueryDict | None) -> bool:
    """Whether the queue as its reader left it (`kept`: campaign.listing.kept_list_query)
    lists only some units' or years' submissions. No query."""
    return bool(kept) and any(kept.get(name) for name in NARROWING)


def _number(value: str) -> int | None:
    """A kept filter's id or year, or None for anything else (a database refuses an integer
    past its columns' size: a page would fail on a tampered query string)."""
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return None


def _narrowing(model: type[Submission], kept: QueryDict) -> Q:
    """The kept queue's unit kind, area (under a unit) and year (annual reports), as a
    condition on `model`'s submissions. A value the queue refuses (it then lists nothing)
    matches nothing here either. No query (the area's unit is a subquery)."""
    condition = Q()
    kind = kept.get("kind")
    if kind:
        condition &= Q(unit__kind=kind) if kind in Unit.Kind.values else Q(pk__in=[])
    parent = kept.get("parent")
    if parent:
        if (pk := _number(parent)) is None:
            return Q(pk__in=[])
        path = Subquery(Unit.objects.filter(pk=pk).values("path")[:1])
        condition &= Q(unit__path__startswith=path) & ~Q(unit_id=pk)
    year = kept.get("year")
    if year and any(field.name == "year" for field in model._meta.fields):
        if (number := _number(year)) is None:
            return Q(pk__in=[])
        condition &= Q(year=number)
    return condition


def next_waiting(
    submission: Submission, scope: Scope, kept: QueryDict | None = None
) -> Submission | None:
    """The submission of `submission`'s kind (plan or annual report) to review next, other
    than `submission`, with its unit (the link names it): the first waiting for review in
    the queue as `scope`'s user was working it. That is `submission`'s campaign (another
    campaign's report has another form and other figures: going on to it would leave the
    queue the reviewer was in), with the filters and order of the queue as they left it
    (`kept`: campaign.listing.kept_list_query), else the longest waiting first. None when
    nothing else waits there. One query."""
    kept = kept if kept is not None else QueryDict()
    sort = kept.get("sort")
    if sort not in QUEUE_SORTS:
        sort = DEFAULT_SORT
    model = type(submission)
    return (
        reviewed(model.objects.select_related("unit"), scope)
        .filter(status=WAITING, campaign_id=submission.campaign_id)
        .filter(_narrowing(model, kept))
        .exclude(pk=submission.pk)
        .order_by(*QUEUE_SORTS[sort][1])
        .first()
    )
