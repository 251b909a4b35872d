"""Accepting or returning several plans or annual reports at once, from a review queue.

The reviewer ticks items in the queue and chooses an action; a confirmation page lists the
chosen items (and, for a return, asks for the one reason they share); its POST takes the
step on each item through campaign.workflow, exactly as on the item's own page: the same
rules, the same history and the same notifications.

One transaction per item, not one for all: each step is its own decision about its own
unit, and a unit whose plan changed meanwhile must not hold back the others, nor should
one long transaction lock every row of the batch. Nothing is skipped silently: an item not
done (outside the reviewer's scope, in another state, changed since the confirmation page
was shown) is named in the result with the reason, and the others are done.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaign import workflow
from campaign.forms import ReasonForm
from campaign.models import AnnualReport, Plan, Step
from config.http import require_form
from units.access import SEE, Scope, parse_pk

Action = Step.Action
ACTIONS = {Action.ACCEPT, Action.RETURN}
KINDS = {
    "plans": (Plan, ("unit", "campaign"), "campaign:review_queue"),
    "reports": (AnnualReport, ("unit", "campaign", "period"), "campaign:report_queue"),
}
MAX_ITEMS = 200  # more than a queue page; a request naming more is refused
CHANGED = gettext_lazy(
    "it changed after you confirmed (someone acted on it or the unit saved it): open it and check"
)
NOT_FOUND = gettext_lazy("#%(pk)s was not found among the items you may see")


def named(obj) -> str:
    """An item as the queue lists it: its unit's name, its year (a report) and its
    campaign, which tells apart a unit's reports of one year for two campaigns ("Annual
    report 2025 of CĐCS A1 (99/KH-LĐLĐ)"). No query: the unit and campaign come with it."""
    if isinstance(obj, AnnualReport):
        item = _("Annual report %(year)s of %(unit)s") % {"year": obj.year, "unit": obj.unit.name}
    else:
        item = _("Plan of %(unit)s") % {"unit": obj.unit.name}
    return _("%(item)s (%(campaign)s)") % {"item": item, "campaign": obj.campaign.reference}


@dataclass
class Outcome:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (name, reason)
    # Done already by this very step, from the version confirmed: the confirmation sent
    # twice (a retry after a lost answer, a second tap once the button is free again).
    already: list = field(default_factory=list)


def bulk_step(
    model, related, items: list[tuple[int, int]], action: str, *, scope: Scope, reason=""
) -> Outcome:
    """Take `action` on each (pk, version) of `items` as `scope`'s user, each in its own
    transaction, through campaign.workflow. An item whose version is no longer the one the
    reviewer confirmed is refused rather than acted on. Returns what was done and what was
    refused, with the reason."""
    outcome = Outcome()
    found = {
        obj.pk: obj
        for obj in scope.filter(model.objects.select_related(*related), SEE).filter(
            pk__in=[pk for pk, _version in items]
        )
    }
    for pk, version in items:
        obj = found.get(pk)
        if obj is None:
            outcome.refused.append((NOT_FOUND % {"pk": pk}, ""))
            continue
        try:
            with transaction.atomic():
                locked = model.objects.select_for_update(of=("self",)).get(pk=pk)
                if locked.version != version:
                    if _taken_from(locked, version, action, scope.user, reason):
                        outcome.already.append(named(obj))
                    else:
                        outcome.refused.append((named(obj), str(CHANGED)))
                    continue
                if action == Action.ACCEPT:
                    workflow.submission_accept(obj, user=scope.user, scope=scope)
                else:
                    workflow.submission_return(obj, user=scope.user, reason=reason, scope=scope)
        except PermissionDenied:
            outcome.refused.append((named(obj), _("you do not review this unit")))
        except ValidationError as error:
            outcome.refused.append((named(obj), " ".join(error.messages)))
        else:
            outcome.done.append(named(obj))
    return outcome


def _taken_from(locked, version, action, user, reason) -> bool:
    """Whether `locked` moved on from `version` by exactly this step: `user`'s `action`
    (with the same reason), and nothing since."""
    if locked.version != version + 1 or locked.status != workflow.TRANSITIONS[action][1]:
        return False
    last = locked.steps.order_by("at", "pk").last()
    return (
        last is not None
        and last.action == action
        and last.actor_id == user.pk
        and last.reason == reason.strip()
    )


@require_form
@login_required
def bulk_review(request, kind, action):
    """GET: the confirmation page for the items ticked in the queue (`?item=pk`…). POST
    (from that page): take the step on each, then back to the queue with the outcome, as
    filtered when the reviewer left it (`filters`, its query string, sent along)."""
    if kind not in KINDS or action not in ACTIONS:
        raise Http404
    model, related = KINDS[kind][:2]
    queue_url = _queue_url(request, kind)
    scope = Scope.for_request(request)
    if not scope.is_reviewer:
        raise PermissionDenied
    if request.method == "POST":
        return _take_steps(request, scope, model, related, queue_url, action)
    ids = _ids(request.GET.getlist("item"))
    if not ids:
        messages.error(request, _("Tick at least one item in the list first."))
        return redirect(queue_url)
    reason_form = ReasonForm(several=True)
    return _confirmation(request, scope, model, related, kind, action, ids, reason_form)


def _confirmation(
    request, scope, model, related, kind, action, ids, reason_form, status=200, confirmed=None
):
    """The items chosen, each with whether the step can be taken on it now (no query per
    item: the rights and states are answered from memory). `confirmed`: the versions the
    reviewer confirmed, by pk, when the page comes back with an error in the reason: they
    are sent on as they were, so an item changed meanwhile is still refused."""
    found = {
        obj.pk: obj
        for obj in scope.filter(model.objects.select_related(*related), SEE).filter(pk__in=ids)
    }
    rows, missing = [], [pk for pk in ids if pk not in found]
    for pk in ids:
        obj = found.get(pk)
        if obj is None:
            continue
        problem = ""
        try:
            workflow.check_step(obj, action, scope)
        except PermissionDenied:
            problem = _("you do not review this unit")
        except workflow.TransitionError as error:
            problem = error.messages[0]
        version = (confirmed or {}).get(pk, obj.version)
        rows.append({"item": obj, "problem": problem, "version": version})
    return render(
        request,
        "campaign/bulk_review.html",
        {
            "kind": kind,
            "action": action,
            "action_label": Action(action).label,
            "rows": rows,
            "ready": [row for row in rows if not row["problem"]],
            "missing": missing,
            "reason_form": reason_form,
            "queue_url": _queue_url(request, kind),
            "filters": _filters(request),
        },
        status=status,
    )


def _take_steps(request, scope, model, related, queue_url, action):
    items = []
    for value in request.POST.getlist("item"):
        pk, _sep, version = value.partition(":")
        pk, version = parse_pk(pk), parse_pk(version)
        if pk is None or version is None:
            raise Http404
        items.append((pk, version))
    if not items or len(items) > MAX_ITEMS:
        messages.error(request, _("Tick at least one item in the list first."))
        return redirect(queue_url)
    reason = ""
    kind = next(k for k, v in KINDS.items() if v[0] is model)
    ids = [pk for pk, _version in items]
    if action == Action.RETURN:
        form = ReasonForm(request.POST, several=True)
        if not form.is_valid():
            return _confirmation(
                request,
                scope,
                model,
                related,
                kind,
                action,
                ids,
                form,
                status=400,
                confirmed=dict(items),
            )
        reason = form.cleaned_data["reason"]
    outcome = bulk_step(model, related, items, action, scope=scope, reason=reason)
    if outcome.done:
        done = {
            Action.ACCEPT: ngettext(
                "Accepted %(count)d item: %(names)s.",
                "Accepted %(count)d items: %(names)s.",
                len(outcome.done),
            ),
            Action.RETURN: ngettext(
                "Returned %(count)d item with your reason: %(names)s.",
                "Returned %(count)d items with your reason: %(names)s.",
                len(outcome.done),
            ),
        }[action]
        messages.success(
            request, done % {"count": len(outcome.done), "names": "; ".join(outcome.done)}
        )
    if outcome.already:
        messages.info(
            request,
            _("Already done by your earlier sending of this page: %(names)s.")
            % {"names": "; ".join(outcome.already)},
        )
    for name, why in outcome.refused:
        if why:
            messages.error(
                request, _("Not done for %(name)s: %(reason)s.") % {"name": name, "reason": why}
            )
        else:
            messages.error(request, _("Not done: %(name)s.") % {"name": name})
    if action == Action.RETURN and not (outcome.done or outcome.already):
        # The reason went to no unit: back in the queue it would be lost. The confirmation
        # again, as the items are now (each with the version it has now, so that sending
        # again is a decision taken on this page), with the reason typed in its box, or
        # shown to copy when none can be returned any more.
        messages.warning(request, _("Nothing was returned: your reason is kept below."))
        return _confirmation(request, scope, model, related, kind, action, ids, form, status=409)
    return redirect(queue_url)


def _filters(request) -> str:
    """The query string of the queue the items were ticked in, carried through the
    confirmation page, read back as its key-value pairs only."""
    data = request.POST if request.method == "POST" else request.GET
    return QueryDict(data.get("filters", "")).urlencode()


def _queue_url(request, kind) -> str:
    """The queue of `kind` with its filters as the reviewer left them: rebuilt on the
    queue's own path from `_filters`, so whatever is sent the way back leads there and
    nowhere else."""
    url, filters = reverse(KINDS[kind][2]), _filters(request)
    return f"{url}?{filters}" if filters else url


def _ids(values):
    ids = list(dict.fromkeys(parse_pk(value) for value in values))
    if None in ids or len(ids) > MAX_ITEMS:
        raise Http404
    return ids


urlpatterns = [
    path("review/<str:kind>/<str:action>/", bulk_review, name="bulk_review"),
]
