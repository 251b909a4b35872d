"""Campaign pages, plan filing and review. Every object is fetched through the access scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from campaign import workflow
from campaign.filters import QueueFilter
from campaign.forms import ActivityFormSet, PlanForm, ReasonForm
from campaign.models import Activity, Campaign, Plan, Status, Step
from campaign.uploads import AttachmentForm
from units.access import FILE, SEE, Scope

Action = Step.Action
DONE = {
    Action.SUBMIT: gettext_lazy("The plan was submitted for review."),
    Action.RETURN: gettext_lazy("The plan was returned to the unit with your reason."),
    Action.ACCEPT: gettext_lazy("The plan was accepted; it is now locked."),
    Action.REOPEN: gettext_lazy("The plan was reopened; the unit can change it again."),
}
HEADER_FIELDS = ["doc_number", "doc_date", "signer", "summary"]
PAGE_SIZE = 25


def plans():
    return Plan.objects.select_related("unit", "campaign")


@login_required
def campaign_list(request):
    # Campaigns are the federation's published plans: every signed-in user may read them.
    campaigns = Campaign.objects.select_related("issuer").order_by("-issued_on")
    return render(request, "campaign/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_detail(request, pk):
    """The campaign's content and indicators, and the plans of the units the user files for."""
    campaign = get_object_or_404(Campaign.objects.select_related("issuer"), pk=pk)
    scope = Scope.for_request(request)
    own_units = [m.unit for m in scope.memberships if m.role == "officer"]
    filed = {
        plan.unit_id: plan for plan in Plan.objects.filter(campaign=campaign, unit__in=own_units)
    }
    rows = [
        {"unit": unit, "plan": filed.get(unit.pk)} for unit in own_units if campaign.addresses(unit)
    ]
    return render(
        request,
        "campaign/campaign_detail.html",
        {
            "campaign": campaign,
            "themes": campaign.themes.all(),
            "indicators": campaign.indicators.all(),
            "rows": rows,
        },
    )


@login_required
def plan_start(request, campaign_pk, unit_pk):
    """File a new plan for a unit; if it already has one, open that one."""
    scope = Scope.for_request(request)
    unit = scope.get_unit(FILE, pk=unit_pk)
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    if not campaign.addresses(unit):
        # The campaign asks no plan of this kind of unit (the province issues it).
        raise Http404
    existing = Plan.objects.filter(unit=unit, campaign=campaign).first()
    if existing:
        return redirect(existing)
    plan = Plan(unit=unit, campaign=campaign)
    form, formset, upload = _plan_forms(request, plan)
    if request.method == "POST" and _all_valid(form, formset, upload):
        try:
            with transaction.atomic():
                plan = form.save()
                formset.instance = plan
                formset.save()
                if upload.cleaned_data.get("file"):
                    upload.save(plan, request.user)
        except IntegrityError:
            # Another officer of the unit created the plan a moment ago.
            existing = Plan.objects.filter(unit=unit, campaign=campaign).first()
            if existing is None:
                raise
            messages.error(
                request,
                _(
                    "Someone else has just started this unit's plan. Open it and add your "
                    "changes there; what you typed is still below."
                ),
            )
        else:
            messages.success(request, _("The plan was saved as a draft."))
            return redirect(plan)
    return _render_form(request, form, formset, upload, unit, campaign, plan=None)


@login_required
def plan_detail(request, pk):
    return _render_detail(request, Scope.for_request(request), pk)


@login_required
def plan_edit(request, pk):
    """Edit a draft or returned plan; a save based on an outdated version is refused.

    A plan that cannot be changed is not offered for editing; a save that reaches it anyway
    (it was submitted while the user typed) is refused with the input kept on screen.
    """
    scope = Scope.for_request(request)
    plan = scope.get(plans(), FILE, pk=pk)
    if not plan.is_editable and request.method != "POST":
        messages.error(
            request,
            _("This plan is %(status)s and cannot be changed.")
            % {"status": plan.get_status_display().lower()},
        )
        return redirect(plan)
    form, formset, upload = _plan_forms(request, plan)
    if request.method == "POST":
        valid = _all_valid(form, formset, upload)
        if not plan.is_editable:
            _refuse_stale_save(form, plan)
        elif valid:
            expected = form.cleaned_data.get("version") or 0
            try:
                with transaction.atomic():
                    workflow.save_if_unchanged(
                        form.save(commit=False), expected_version=expected, fields=HEADER_FIELDS
                    )
                    formset.save()
                    if upload.cleaned_data.get("file"):
                        upload.save(plan, request.user)
            except workflow.ConflictError:
                _refuse_stale_save(form, plan)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect(plan)
    return _render_form(request, form, formset, upload, plan.unit, plan.campaign, plan=plan)


@login_required
@require_POST
def plan_action(request, pk, action):
    """Submit, return, accept or reopen a plan through the workflow."""
    scope = Scope.for_request(request)
    plan = scope.get(plans(), SEE, pk=pk)
    return act_on(
        request,
        plan,
        action,
        DONE,
        lambda reason_form: _render_detail(request, scope, pk, reason_form, action, status=400),
    )


def act_on(request, submission, action, done, render_with_reason_errors):
    """Take a workflow step from a POST; shared by plans and annual reports.

    `done` maps actions to success messages; `render_with_reason_errors(form)` shows the
    submission's page again when the reason is missing, keeping what the reviewer typed.
    """
    scope = Scope.for_request(request)
    # The role comes first: someone who may not take the step learns nothing more (403),
    # whatever else is wrong with the request.
    try:
        workflow.check_step(submission, action, scope)
    except workflow.TransitionError as error:
        messages.error(request, error.messages[0])
        return redirect(submission)
    reason_form = ReasonForm(request.POST) if action in workflow.NEEDS_REASON else None
    if reason_form is not None and not reason_form.is_valid():
        return render_with_reason_errors(reason_form)
    reason = reason_form.cleaned_data["reason"] if reason_form else ""
    user = request.user
    steps = {
        Action.SUBMIT: lambda: workflow.submission_submit(submission, user=user, scope=scope),
        Action.RETURN: lambda: workflow.submission_return(
            submission, user=user, reason=reason, scope=scope
        ),
        Action.ACCEPT: lambda: workflow.submission_accept(submission, user=user, scope=scope),
        Action.REOPEN: lambda: workflow.submission_reopen(
            submission, user=user, reason=reason, scope=scope
        ),
    }
    try:
        step = steps[action]()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done[step.action])
    return redirect(submission)


@login_required
def review_queue(request):
    """Plans in the reviewer's subtree that wait for action, filtered and paginated."""
    queryset = plans().annotate(activity_count=Count("activities")).order_by("submitted_at", "pk")
    return render_queue(request, queryset, QueueFilter, "campaign/review_queue.html")


def render_queue(request, queryset, filter_class, template):
    """The reviewer queue of any kind of submission: what the user reviews, filtered by
    `filter_class` (waiting for review unless asked otherwise) and paginated.

    A fixed number of queries whatever the number of submissions.
    """
    scope = Scope.for_request(request)
    if not scope.is_reviewer:
        raise PermissionDenied
    queryset = queryset.filter(scope.review_condition(path_field="unit__path"))
    data = request.GET.copy()
    data.setdefault("status", Status.SUBMITTED)
    queue = filter_class(data, queryset=queryset, scope=scope)
    page, query = filtered_page(request, queue, data)
    return render(request, template, {"filter": queue, "page": page, "query": query})


def filtered_page(request, found, data=None):
    """The requested page of a django-filter FilterSet's results, and the query string that
    keeps the filters on the other pages' links. Shared by every filtered list.

    django-filter skips a field whose value is invalid and filters on the rest, which would
    show more than was asked for: an invalid filter matches nothing instead, and the form
    shows why.
    """
    results = found.qs if found.is_valid() else found.queryset.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = (data if data is not None else request.GET).copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- helpers ----------------------------------------------------------------------------------
def _refuse_stale_save(form, plan):
    """Explain a refused save; the form keeps what the user typed.

    While the plan is still editable, the form now carries the current version, so saving
    again here (after a look at the other person's changes) is a deliberate overwrite.
    """
    current = Plan.objects.only("version", "status").get(pk=plan.pk)
    if current.is_editable:
        form.add_error(
            None,
            _(
                "Someone else saved this plan after you opened it, so your changes were "
                "not saved. What you typed is still below: open the plan in a new tab to "
                "see the other changes, then save again here or copy your text over."
            ),
        )
        form.data = form.data.copy()
        form.data["version"] = str(current.version)
    else:
        form.add_error(
            None,
            _("This plan is %(status)s and cannot be changed.")
            % {"status": current.get_status_display().lower()},
        )


def _posted(request):
    """The data and files to bind the forms to: a POST binds them even when it is empty."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _plan_forms(request, plan):
    """The header form, the activities formset and the upload form, bound on any POST."""
    data, files = _posted(request)
    queryset = plan.activities.prefetch_related("themes") if plan.pk else Activity.objects.none()
    return (
        PlanForm(data, instance=plan),
        ActivityFormSet(
            data,
            instance=plan,
            prefix="activities",
            form_kwargs={"campaign": plan.campaign},
            queryset=queryset,
        ),
        AttachmentForm(data, files),
    )


def _render_form(request, form, formset, upload, unit, campaign, plan):
    context = {
        "form": form,
        "formset": formset,
        "upload": upload,
        "unit": unit,
        "campaign": campaign,
        "plan": plan,
    }
    return render(request, "campaign/plan_form.html", context)


def _all_valid(*forms):
    # Validate every form (no short cut), so every error shows at once.
    results = [form.is_valid() for form in forms]
    return all(results)


def _render_detail(request, scope, pk, reason_form=None, reason_action=None, status=200):
    """The plan, its activities and scan, its timeline and what changed since a return.

    A fixed number of queries whatever the number of activities, steps or attachments.
    """
    plan = scope.get(
        plans().prefetch_related(
            Prefetch("activities", queryset=Activity.objects.prefetch_related("themes")),
            "attachments",
        ),
        SEE,
        pk=pk,
    )
    steps = list(plan.steps.select_related("actor").order_by("at", "pk"))
    return render(
        request,
        "campaign/plan_detail.html",
        {
            "plan": plan,
            "steps": steps,
            "changes": _labelled(workflow.changes_since_return(plan, steps), plan),
            "actions": workflow.allowed_actions(plan, scope),
            "can_edit": plan.is_editable and scope.can_file_for(plan.unit),
            "reason_form": reason_form or ReasonForm(),
            "reason_action": reason_action,
        },
        status=status,
    )


def _labelled(changes, plan):
    """The diff with each field name replaced by its label, ready to render.

    A changed activity is named by its current row (from the prefetched activities, so no
    query); one removed since then keeps its key.
    """
    if changes is None:
        return None
    labels = _field_labels()
    activities = {str(activity.pk): str(activity) for activity in plan.activities.all()}

    def label(rows):
        return [(labels.get(name, name), old, new) for name, old, new in rows]

    return {
        "fields": label(changes["fields"]),
        "changed": [(activities.get(key, key), label(rows)) for key, rows in changes["changed"]],
        "added": changes["added"],
        "removed": changes["removed"],
    }


def _field_labels():
    labels = {name: Plan._meta.get_field(name).verbose_name for name in Plan.SNAPSHOT_FIELDS}
    labels["attachments"] = _("Attachments")
    labels.update(
        {
            "method": Activity._meta.get_field("method").verbose_name,
            "themes": Activity._meta.get_field("themes").verbose_name,
            "audience": Activity._meta.get_field("audience").verbose_name,
            "when": _("Planned time"),
            "expected_participants": Activity._meta.get_field("expected_participants").verbose_name,
        }
    )
    return labels
