"""Campaign pages, plan filing and review. Every object is fetched through the access scope."""

from operator import attrgetter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import queues, workflow
from campaign.filters import QueueFilter
from campaign.forms import ActivityFormSet, PlanForm, ReasonForm
from campaign.list_exports import queue_download
from campaign.listing import kept_list_query, render_queue
from campaign.models import Activity, Campaign, Plan, Step
from campaign.returns import return_step
from campaign.steps import act_on, kept_reason
from campaign.uploads import AttachmentForm
from config.http import require_form, require_POST, require_safe
from units import once
from units.access import FILE, SEE, Scope
from units.forms import grouped

Action = Step.Action
DONE = {
    Action.SUBMIT: gettext_lazy("The plan was submitted for review."),
    Action.RETURN: gettext_lazy("The plan was returned to the unit with your reason."),
    Action.ACCEPT: gettext_lazy("The plan was accepted; it is now locked."),
    Action.REOPEN: gettext_lazy("The plan was reopened; the unit can change it again."),
}
# The plan's own fields, as its form lists them: what a save writes and a form sent again
# is compared on.
HEADER_FIELDS = list(PlanForm._meta.fields)
NUMBERS = {"expected_participants"}  # kept as digits in the snapshots


def plans():
    return Plan.objects.select_related("unit", "campaign", "entered_by", "entered_from")


@require_safe
@login_required
def campaign_list(request):
    # Campaigns are the federation's published plans: every signed-in user may read them.
    campaigns = Campaign.objects.select_related("issuer").order_by("-issued_on")
    return render(request, "campaign/campaign_list.html", {"campaigns": campaigns})


@require_safe
@login_required
def campaign_detail(request, pk):
    """The campaign's content and indicators, and the plans of the units the user files for."""
    campaign = get_object_or_404(Campaign.objects.select_related("issuer"), pk=pk)
    scope = Scope.for_request(request)
    # Its own units, and those below with no officer of their own (filing on behalf).
    own_units = scope.officer_units()
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
            "acting_issuer": campaign.acting_issuer(),
            "themes": campaign.themes.all(),
            "indicators": campaign.indicators.all(),
            "rows": rows,
        },
    )


@require_form
@login_required
def plan_start(request, campaign_pk, unit_pk):
    """File a new plan for a unit; if it already has one, open that one."""
    scope = Scope.for_request(request)
    unit = scope.get_unit(FILE, pk=unit_pk)
    # With its issuer: addresses() reads the area the campaign covers today.
    campaign = get_object_or_404(Campaign.objects.select_related("issuer"), pk=campaign_pk)
    if not campaign.addresses(unit):
        # The campaign asks no plan of this kind of unit (the province issues it).
        raise Http404
    existing = Plan.objects.filter(unit=unit, campaign=campaign).first()
    if existing and request.method != "POST":
        return redirect(existing)
    plan = Plan(unit=unit, campaign=campaign)
    if request.method != "POST":
        plan.sign_as_before()
    form, formset, upload = _plan_forms(request, plan)
    if (
        existing
        and _all_valid(form, formset, upload)
        and _sent_again(request, form, formset, existing)
    ):
        # This very form, sent a second time (a reload, a second tap): it made the plan. A
        # copy changed since (back to the page, a word corrected) is kept on screen below.
        messages.info(request, once.ALREADY_SENT)
        return redirect(existing)
    # A POST goes on when the plan exists: someone started it while this officer typed, who
    # keeps what they typed, with a link to that plan.
    if request.method == "POST" and _all_valid(form, formset, upload) and existing is None:

        def save():
            form.instance.record_entry(request.user, scope.filing_on_behalf_from(unit))
            saved = form.save()
            formset.instance = saved
            formset.save()
            if upload.cleaned_data.get("file"):
                upload.save(saved, request.user)
            return saved.get_absolute_url()

        try:
            with transaction.atomic():
                url, made = once.save_once(request, save)
        except IntegrityError:
            # Another officer of the unit created the plan a moment ago.
            existing = Plan.objects.filter(unit=unit, campaign=campaign).first()
            if existing is None:
                raise
        else:
            if made:
                messages.success(request, _("The plan was saved as a draft."))
            else:
                messages.info(request, once.ALREADY_SENT)
            return redirect(url)
    if request.method == "POST" and existing is not None:
        messages.error(
            request,
            _(
                "You started this unit's plan a moment ago, in another window or tab. Open "
                "it and add your changes there; what you typed here is still below."
            )
            if existing.entered_by_id == request.user.pk
            else _(
                "Someone else has just started this unit's plan. Open it and add your "
                "changes there; what you typed is still below."
            ),
        )
    return _render_form(request, form, formset, upload, unit, campaign, plan=None, theirs=existing)


@require_safe
@login_required
def plan_detail(request, pk):
    return _render_detail(request, Scope.for_request(request), pk)


@require_form
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
    if request.method == "POST" and plan.is_editable and _saved_since(request.POST, plan):
        # Refused before the rows are checked: a row whose activity the other person
        # deleted would only say "not part of this plan", and say it again at every save.
        # It comes back as a new row, with what was typed in it.
        # The version is read before the activities: an activity deleted after this read
        # leaves the page behind again, so its row is turned at the next save.
        current = Plan.objects.only("version", "status").get(pk=plan.pk)
        data = _deleted_rows_as_new(request.POST, plan, prefix="activities")
        form, formset, upload = _plan_forms(request, plan, data=data)
        if _all_valid(form, formset, upload) and _sent_again(request, form, formset, plan):
            messages.info(request, once.ALREADY_SENT)
            return redirect(plan)
        _refuse_stale_save(form, plan, current=current)
        return _render_form(request, form, formset, upload, plan.unit, plan.campaign, plan=plan)
    form, formset, upload = _plan_forms(request, plan)
    if request.method == "POST":
        valid = _all_valid(form, formset, upload)
        if not plan.is_editable:
            _refuse_stale_save(form, plan)
        elif valid:
            expected = form.cleaned_data.get("version") or 0

            def save():
                with transaction.atomic():
                    edited = form.save(commit=False)
                    edited.record_entry(request.user, scope.filing_on_behalf_from(plan.unit))
                    workflow.save_if_unchanged(
                        edited,
                        expected_version=expected,
                        fields=[*HEADER_FIELDS, *Plan.ENTRY_FIELDS],
                    )
                    formset.save()
                    if upload.cleaned_data.get("file"):
                        upload.save(plan, request.user)
                return plan.get_absolute_url()

            try:
                # The page's token is recorded with the save: the same page sent again is
                # then told apart from someone else's save (`_sent_again`).
                _url, made = once.save_once(request, save)
            except workflow.ConflictError:
                if _sent_again(request, form, formset, plan):
                    messages.info(request, once.ALREADY_SENT)
                    return redirect(plan)
                _refuse_stale_save(form, plan)
            else:
                if made:
                    messages.success(request, _("Your changes were saved."))
                else:
                    messages.info(request, once.ALREADY_SENT)
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


@require_safe
@login_required
def review_queue(request):
    """Plans in the reviewer's subtree that wait for action, filtered and paginated."""
    return render_queue(request, _queued_plans(), QueueFilter, "campaign/review_queue.html")


@require_safe
@login_required
def review_queue_excel(request):
    """The reviewer's queue of plans as the page lists it, every page of it, as an .xlsx."""
    return queue_download(request, _queued_plans(), QueueFilter)


def _queued_plans():
    """Plans as the queue lists them: with their number of activities."""
    return plans().annotate(activity_count=Count("activities"))


# --- helpers ----------------------------------------------------------------------------------
def _refuse_stale_save(form, plan, current=None):
    """Explain a refused save; the form keeps what the user typed.

    While the plan is still editable, the form now carries the current version (`current`,
    the plan as read, else read now), so saving again here (after a look at the other
    person's changes) is a deliberate overwrite.
    """
    if current is None:
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


def _sent_again(request, form, formset, plan) -> bool:
    """Whether this valid POST is the new or edit page of `plan` sent a second time (a
    second tap on a slow line, a retry after a lost answer) after its first copy was saved:
    the page's token was recorded by that save and the plan holds what it sends. Its rows
    without an id were made by the first copy; saving them again would add each activity
    twice."""
    if once.sent_before(request) is None:
        return False
    stored = Plan.objects.get(pk=plan.pk)
    if any(form.cleaned_data.get(name) != getattr(stored, name) for name in HEADER_FIELDS):
        return False
    sent = [
        _activity_content(row.cleaned_data, row.cleaned_data.get("themes") or ())
        for row in formset.forms
        if not formset._should_delete_form(row) and (row.has_changed() or row.instance.pk)
    ]
    kept = [
        _activity_content(
            {name: getattr(activity, name) for name in ACTIVITY_FIELDS}, activity.themes.all()
        )
        for activity in Activity.objects.filter(plan=plan).prefetch_related("themes")
    ]
    return sorted(sent, key=repr) == sorted(kept, key=repr)


ACTIVITY_FIELDS = ["method", "audience", "planned_on", "planned_quarter", "expected_participants"]


def _activity_content(values, themes):
    return (*(values.get(name) for name in ACTIVITY_FIELDS), sorted(t.pk for t in themes))


def _posted(request):
    """The data and files to bind the forms to: a POST binds them even when it is empty."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _saved_since(data, plan) -> bool:
    """Whether the plan was saved after the page that sent `data` was drawn."""
    try:
        return int(data.get("version") or 0) < plan.version
    except ValueError:
        return False  # a damaged page: the form says so


def _deleted_rows_as_new(data, plan, prefix):
    """`data` with the rows of activities no longer in `plan` moved after the others as
    new rows (no id), so that saving again makes them anew instead of refusing them; those
    the user was deleting are left out, being gone already (a new row offers no "Delete",
    so one kept would be made anew at the next save)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except ValueError:
        return data
    if not 0 <= total <= ActivityFormSet.absolute_max:
        # A tampered row count: rebuilding that many rows would hold a worker for minutes
        # and gigabytes; the formset refuses it as it stands, with its own message.
        return data
    kept = {str(pk) for pk in plan.activities.values_list("pk", flat=True)}
    rows = []
    for index in range(total):
        head = f"{prefix}-{index}-"
        row = {key[len(head) :]: data.getlist(key) for key in data if key.startswith(head)}
        rows.append((index < initial and (row.get("id") or [""])[0] in kept, row))
    ordered = [row for existing, row in rows if existing] + [
        {**row, "id": [""]} for existing, row in rows if not existing and not _ticked(row)
    ]
    rebuilt = data.copy()
    for key in [key for key in rebuilt if key.startswith(f"{prefix}-")]:
        del rebuilt[key]
    for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        if f"{prefix}-{key}" in data:
            rebuilt[f"{prefix}-{key}"] = data[f"{prefix}-{key}"]
    rebuilt[f"{prefix}-TOTAL_FORMS"] = str(len(ordered))
    rebuilt[f"{prefix}-INITIAL_FORMS"] = str(sum(existing for existing, _row in rows))
    for index, row in enumerate(ordered):
        for name, values in row.items():
            rebuilt.setlist(f"{prefix}-{index}-{name}", values)
    return rebuilt


def _ticked(row) -> bool:
    """Whether a row's "Delete" box was sent ticked (as a checkbox reads it)."""
    sent = {"DELETE": values[-1]} if (values := row.get("DELETE")) else {}
    return forms.CheckboxInput().value_from_datadict(sent, {}, "DELETE")


def _plan_forms(request, plan, data=None):
    """The header form, the activities formset and the upload form, bound on any POST
    (to `data` when given, a corrected copy of it)."""
    posted, files = _posted(request)
    data = posted if data is None else data
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
        # Said before the officer submits, not only when the submission is refused.
        AttachmentForm(data, files, help_text=_("Needed before the plan can be submitted.")),
    )


def _render_form(request, form, formset, upload, unit, campaign, plan, theirs=None):
    """`theirs`: the plan someone else started while this one was typed, linked."""
    upload.list_attached(plan.attachments.all() if plan else ())
    context = {
        "theirs": theirs,
        "form": form,
        "formset": formset,
        "upload": upload,
        "unit": unit,
        "campaign": campaign,
        "plan": plan,
        "returned": return_step(plan) if plan else None,
    }
    return render(request, "campaign/plan_form.html", context)


def _all_valid(*forms):
    # Validate every form (no short cut), so every error shows at once.
    results = [form.is_valid() for form in forms]
    return all(results)


def _render_detail(request, scope, pk, reason_form=None, reason_action=None, status=200):
    """The plan, its activities and scan, its timeline and what changed since a return, and
    for a reviewer of its unit the next plan waiting for them.

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
    steps = list(
        plan.steps.with_unit_then().select_related("actor", "actor_unit").order_by("at", "pk")
    )
    can_edit = plan.is_editable and scope.can_file_for(plan.unit)
    actions = workflow.allowed_actions(plan, scope)
    changes = workflow.changes_since_return(plan, steps)
    reviewing = scope.can_review(plan.unit)
    queue = kept_list_query(request, "campaign:review_queue")
    return render(
        request,
        "campaign/plan_detail.html",
        {
            "plan": plan,
            # For a reviewer of the unit, the plan their queue lists first now, other than
            # this one (one query): once this one is accepted or returned, the page leads on,
            # in this campaign, through the queue as they filtered and sorted it.
            "reviewing": reviewing,
            "next_waiting": queues.next_waiting(plan, scope, queue) if reviewing else None,
            "queue_narrowed": queues.narrowed(queue),
            "steps": steps,
            "changes": _labelled(changes, plan),
            "reopened": changes is not None and changes["since"] == Step.Action.REOPEN,
            "actions": actions,
            # What submitting would refuse, said before the officer confirms (prefetched:
            # no query).
            "missing": plan.completeness_problems() if "submit" in actions else [],
            "closing": workflow.closing(plan, steps, scope.today),
            "can_edit": can_edit,
            # The content items the activities cover, for the key below their table
            # (prefetched: no query).
            "themes": sorted(
                {theme for activity in plan.activities.all() for theme in activity.themes.all()},
                key=attrgetter("sort_key"),
            ),
            "reason_form": reason_form or ReasonForm(),
            "reason_action": reason_action,
            "kept_reason": kept_reason(reason_form, actions),
            "returned": return_step(plan, steps),
            "fix_url": reverse("campaign:plan_edit", args=[plan.pk]) if can_edit else "",
            "print_url": reverse("campaign:plan_print", args=[plan.pk]),
            "pdf_url": reverse("campaign:plan_pdf", args=[plan.pk]),
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
        # The snapshots keep the participants as digits ("1250"): shown as the page shows them.
        return [
            (
                labels.get(name, name),
                *((grouped(old), grouped(new)) if name in NUMBERS else (old, new)),
            )
            for name, old, new in rows
        ]

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
