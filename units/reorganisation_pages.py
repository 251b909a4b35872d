"""The federation administrators' pages for reorganisations: list, record the decision, add,
edit and remove operations, preview, apply or schedule, cancel.

Only staff (federation administrators) reach them: anyone else signed in gets 403. Every
page of a reorganisation shows its preview, so what will happen is always in sight.
"""

import tempfile
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.http import require_form, require_POST, require_safe
from units import once
from units.forms import (
    OperationAddForm,
    OperationForm,
    ReorganisationCreateForm,
    ReorganisationForm,
    ReorganisationUploadForm,
)
from units.importing import UnitImportError, import_reorganisation, read_reorganisation_rows
from units.models import Membership, Operation, Reorganisation, Unit
from units.reorganisations import (
    ReorganisationError,
    reorganisation_apply,
    reorganisation_cancel,
    reorganisation_preview,
    reorganisation_schedule,
    reorganisation_unschedule,
)


class _NotADraft(Exception):
    """The reorganisation is no longer a draft: it cannot be changed."""


def staff_required(view):
    """Staff only; a change asked of a reorganisation that is no longer a draft goes back to
    its page with the reason, not to a 403 that would blame the user's role."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except _NotADraft:
            messages.error(
                request,
                _(
                    "Only a draft can be changed. A scheduled reorganisation goes back to "
                    "draft with “Back to draft”; an applied or cancelled one stays as it is."
                ),
            )
            return redirect("units:reorganisation_detail", kwargs["pk"])

    return wrapped


def _get(pk):
    return get_object_or_404(Reorganisation, pk=pk)


def _get_draft(request, pk):
    reorganisation = _get(pk)
    if not reorganisation.is_editable:
        raise _NotADraft
    return reorganisation


@require_safe
@staff_required
def reorganisation_list(request):
    reorganisations = Reorganisation.objects.all()
    return render(request, "units/reorganisation_list.html", {"reorganisations": reorganisations})


@require_form
@staff_required
def reorganisation_create(request):
    form = ReorganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def save():
            reorganisation = form.save(commit=False)
            reorganisation.created_by = request.user
            reorganisation.save()
            return reverse("units:reorganisation_detail", args=[reorganisation.pk])

        # Sent again (a second tap, a reload that repeats the POST): no second draft, the
        # page of the first.
        url, made = once.save_once(request, save)
        if not made:
            messages.info(request, once.ALREADY_SENT)
        return redirect(url)
    return render(request, "units/reorganisation_form.html", {"form": form})


@require_form
@staff_required
def reorganisation_edit(request, pk):
    reorganisation = _get_draft(request, pk)
    form = ReorganisationForm(request.POST or None, instance=reorganisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("units:reorganisation_detail", reorganisation.pk)
    return render(
        request, "units/reorganisation_form.html", {"form": form, "reorganisation": reorganisation}
    )


@require_safe
@staff_required
def reorganisation_detail(request, pk):
    """The decision, its operations, and what applying it would do (or did)."""
    return _detail_page(request, pk)


def _detail_page(request, pk, operation_form=None):
    """The detail page, with `operation_form` when an operation posted to its own URL was
    refused (shown again with its errors)."""
    reorganisation = _get(pk)
    preview, refusals, seen = None, [], ""
    if reorganisation.status in (Reorganisation.Status.DRAFT, Reorganisation.Status.SCHEDULED):
        if reorganisation.operations.exists():
            try:
                preview = reorganisation_preview(reorganisation)
                seen = preview.digest()
            except ReorganisationError as error:
                refusals = error.errors
    elif reorganisation.status == Reorganisation.Status.APPLIED:
        preview = reorganisation.summary
    operations = list(reorganisation.operations.all())
    # A refusal names its operation by position, which the numbered list does not show (an
    # uploaded file's positions are its line numbers, and typed ones may skip numbers): it
    # names the operation by its number in the list instead.
    numbers = {}
    for number, operation in enumerate(operations, start=1):
        numbers.setdefault(operation.position, number)
    refusals = [
        (numbers.get(position, position) if position else position, message)
        for position, message in refusals
    ]
    if operation_form is None and reorganisation.is_editable:
        operation_form = OperationAddForm(initial={"position": _next_position(reorganisation)})
    today = timezone.localdate()
    return render(
        request,
        "units/reorganisation_detail.html",
        {
            "reorganisation": reorganisation,
            "operations": operations,
            "operation_form": operation_form,
            "sections": _sections(preview.as_json() if hasattr(preview, "as_json") else preview),
            "refusals": refusals,
            # Sent back with apply and schedule: what the user read is what is done.
            "seen": seen,
            "can_apply": reorganisation.status
            in (Reorganisation.Status.DRAFT, Reorganisation.Status.SCHEDULED)
            and reorganisation.effective_on <= today
            and preview is not None,
            "can_schedule": reorganisation.is_editable
            and reorganisation.effective_on > today
            and preview is not None,
            "can_unschedule": reorganisation.status == Reorganisation.Status.SCHEDULED,
            "can_cancel": reorganisation.status
            in (Reorganisation.Status.DRAFT, Reorganisation.Status.SCHEDULED),
        },
    )


def _sections(preview):
    """The preview as titled lists of sentences, for the page. No query."""
    if not preview or "opened" not in preview:
        return []
    kinds = dict(Unit.Kind.choices)
    roles = dict(Membership.Role.choices)
    statuses = {"draft": _("Draft"), "submitted": _("Submitted"), "returned": _("Returned")}
    what = {"plan": _("Plan"), "report": _("Annual report")}
    sections = [
        (
            _("Units that open"),
            [
                _("%(code)s – %(name)s (%(kind)s), under %(parent)s")
                % {**e, "kind": kinds.get(e["kind"], e["kind"]), "parent": e["parent"] or "—"}
                for e in preview["opened"]
            ],
        ),
        (
            _("Units that close"),
            [
                (
                    _("%(code)s – %(name)s, merged into %(successor)s")
                    if e["successor"]
                    else _("%(code)s – %(name)s")
                )
                % e
                for e in preview["closed"]
            ],
        ),
        (
            _("Units that move"),
            [
                _("%(code)s – %(name)s: from %(from)s to %(to)s")
                % {
                    **e,
                    # A province has no parent: it moves from, or to, the top of the tree.
                    "from": e["from"] or _("the top level"),
                    "to": e["to"] or _("the top level"),
                }
                for e in preview["moved"]
            ],
        ),
        (
            _("Units renamed"),
            [_renamed_row(e) for e in preview["renamed"]],
        ),
        (
            _("Units that change kind"),
            [
                _("%(code)s – %(name)s: %(from)s becomes %(to)s")
                % {**e, "from": kinds.get(e["from"]), "to": kinds.get(e["to"])}
                for e in preview["kind_changed"]
            ],
        ),
        (
            _("Who is expected to file"),
            [
                (
                    _("%(campaign)s: %(code)s – %(name)s files from %(year)s")
                    if e["change"] == "starts"
                    else _("%(campaign)s: %(code)s – %(name)s no longer files from %(year)s")
                )
                % e
                for e in preview["expected"]
            ],
        ),
        (
            _("Roles given at the successor"),
            [
                _("%(user)s (%(role)s): %(from)s → %(to)s")
                % {**e, "role": roles.get(e["role"], e["role"])}
                for e in preview["memberships_moved"]
            ],
        ),
        (
            _("Roles at closing units: read only from the effective date"),
            [
                _("%(user)s (%(role)s) at %(unit)s")
                % {**e, "role": roles.get(e["role"], e["role"])}
                for e in preview["memberships_ending"]
            ],
        ),
        (
            _("Open submissions of closing units"),
            [_submission_row(e, what, statuses) for e in preview["submissions"]],
        ),
        (
            _("Inspection recommendations still to carry out at closing units"),
            # A summary applied before these were listed has none.
            [_inspection_row(e) for e in preview.get("inspections", [])],
        ),
    ]
    return [{"title": title, "rows": rows} for title, rows in sections]


def _renamed_row(entry):
    """One renamed unit: its name, and its short name when that changed too (a summary
    applied before short names were recorded has none). No query."""
    row = _("%(code)s: “%(from)s” becomes “%(to)s”") % entry
    before, after = entry.get("from_short"), entry.get("to_short")
    if before is None or before == after:
        return row
    if not after:
        return _("%(row)s; its short name “%(from)s” is removed") % {"row": row, "from": before}
    return _("%(row)s; short name: “%(from)s” becomes “%(to)s”") % {
        "row": row,
        "from": before or "—",
        "to": after,
    }


def _submission_row(entry, what, statuses):
    """One open submission of a closing unit: where it goes, or why it is closed (the
    reasons of campaign.reorganisations). A summary applied before the reasons were
    recorded has none: it says the submission stays with the closed unit."""
    values = {
        **entry,
        "what": what.get(entry["what"], entry["what"]),
        "year": entry["year"] or "",
        "status": statuses.get(entry["status"], entry["status"]),
        "to": " – ".join(part for part in (entry["to"], entry.get("to_name", "")) if part),
    }
    if entry["outcome"] == "moved":
        return _("%(what)s %(year)s of %(code)s (%(status)s): moves to %(to)s") % values
    reasons = {
        # A grassroots union is dissolved; a union above one (a district federation in
        # 2025) ends its activity, which is also what a summary that kept no kind says.
        "dissolved": (
            _("the unit is dissolved")
            if entry.get("kind") == Unit.Kind.GRASSROOTS
            else _("the unit ceases to operate")
        ),
        "successor_dissolved": _("the unit it merges into is dissolved by the same decision"),
        "successor_has_own": _("the unit it merges into already has its own"),
        "past_year": _("a report of a year before the change stays with the unit that made it"),
        "successor_not_addressed": _("the campaign asks nothing of the unit it merges into"),
    }
    reason = reasons.get(entry.get("reason", ""))
    if reason is None:
        return _("%(what)s %(year)s of %(code)s (%(status)s): stays with the closed unit") % values
    return _("%(what)s %(year)s of %(code)s (%(status)s): closed, reason: %(reason)s") % {
        **values,
        "reason": reason,
    }


def _inspection_row(entry):
    """One visit to a closing unit, or to a unit merged earlier into one (`via`), whose
    recommendations are still to carry out: the unit that follows them up from the
    effective date, or that only the reviewers do. A summary applied before such visits
    were listed has no `via`. No query."""
    values = {**entry, "to": " – ".join(p for p in (entry["to"], entry["to_name"]) if p)}
    if entry.get("via") and entry["due_on"]:
        visit = (
            _("Visit of %(visited_on)s to %(code)s, merged earlier into %(via)s, due %(due_on)s")
            % values
        )
    elif entry.get("via"):
        visit = _("Visit of %(visited_on)s to %(code)s, merged earlier into %(via)s") % values
    elif entry["due_on"]:
        visit = _("Visit of %(visited_on)s to %(code)s, due %(due_on)s") % values
    else:
        visit = _("Visit of %(visited_on)s to %(code)s") % values
    if entry["to"]:
        return _("%(visit)s: stays the closed unit's, followed up by %(to)s") % {
            "visit": visit,
            "to": values["to"],
        }
    return _(
        "%(visit)s: stays the closed unit's; no unit carries its work on, only the reviewers "
        "follow it up"
    ) % {"visit": visit}


def _next_position(reorganisation):
    last = reorganisation.operations.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


@require_form
@staff_required
def operation_add(request, pk):
    reorganisation = _get_draft(request, pk)
    if request.method != "POST":
        return redirect("units:reorganisation_detail", pk)
    form = OperationAddForm(request.POST)
    if form.is_valid():

        def save():
            operation = form.save(commit=False)
            operation.reorganisation = reorganisation
            operation.save()
            return reverse("units:reorganisation_detail", args=[pk])

        # Sent again: the operation is not added twice, and its page says so.
        url, made = once.save_once(request, save)
        if not made:
            messages.info(request, once.ALREADY_SENT)
        return redirect(url)
    return _detail_page(request, pk, operation_form=form)


@require_form
@staff_required
def operation_edit(request, pk, operation_pk):
    reorganisation = _get_draft(request, pk)
    operation = _operation_of(reorganisation, operation_pk)
    if operation is None:
        messages.error(
            request,
            _("This operation was removed meanwhile: add it again if it is still needed."),
        )
        return redirect("units:reorganisation_detail", pk)
    form = OperationForm(request.POST or None, instance=operation)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("units:reorganisation_detail", pk)
    return render(
        request,
        "units/operation_form.html",
        {"form": form, "reorganisation": reorganisation, "operation": operation},
    )


@staff_required
@require_POST
def operation_delete(request, pk, operation_pk):
    reorganisation = _get_draft(request, pk)
    operation = _operation_of(reorganisation, operation_pk)
    if operation is None:
        # Removed already: the same button sent twice, or a colleague's page. The page says
        # so instead of a 404 that reads as if something had gone wrong.
        messages.info(request, _("This operation had already been removed."))
    else:
        operation.delete()
        messages.success(request, _("The operation was removed."))
    return redirect("units:reorganisation_detail", pk)


def _operation_of(reorganisation, operation_pk):
    """The operation `operation_pk` of `reorganisation`; None when no operation has that
    id any more (removed); 404 when it is another reorganisation's."""
    operation = Operation.objects.filter(pk=operation_pk).first()
    if operation is not None and operation.reorganisation_id != reorganisation.pk:
        raise Http404
    return operation


def _act(request, pk, action, done, **kwargs):
    reorganisation = _get(pk)
    try:
        action(reorganisation=reorganisation, user=request.user, **kwargs)
    except ReorganisationError as error:
        for _position, message in error.errors:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("units:reorganisation_detail", pk)


@staff_required
@require_POST
def reorganisation_apply_view(request, pk):
    return _act(
        request,
        pk,
        reorganisation_apply,
        _("The reorganisation was applied."),
        seen=_seen(request),
    )


@staff_required
@require_POST
def reorganisation_schedule_view(request, pk):
    return _act(
        request,
        pk,
        reorganisation_schedule,
        _("The reorganisation will be applied on its effective date."),
        seen=_seen(request),
    )


def _seen(request):
    """The digest of the preview the page showed; None from a page drawn before pages sent
    one (nothing to compare with)."""
    return request.POST.get("seen") or None


@staff_required
@require_POST
def reorganisation_unschedule_view(request, pk):
    return _act(
        request,
        pk,
        reorganisation_unschedule,
        _("The reorganisation is a draft again: it will not be applied until you say so."),
    )


@staff_required
@require_POST
def reorganisation_cancel_view(request, pk):
    return _act(request, pk, reorganisation_cancel, _("The reorganisation was cancelled."))


@require_form
@staff_required
def reorganisation_upload(request):
    """A draft reorganisation from a spreadsheet: every bad row is listed, nothing is kept
    unless every row is good; then the draft's page shows its preview."""
    form = ReorganisationUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()

            def save():
                rows = read_reorganisation_rows(copy.name)
                reorganisation = import_reorganisation(rows, user=request.user)
                return reverse("units:reorganisation_detail", args=[reorganisation.pk])

            try:
                url, made = once.save_once(request, save)
            except UnitImportError as error:
                errors = error.errors
            else:
                if made:
                    messages.success(
                        request, _("The reorganisation was read from the file: check its preview.")
                    )
                else:
                    messages.info(request, once.ALREADY_SENT)
                return redirect(url)
    return render(request, "units/reorganisation_upload.html", {"form": form, "errors": errors})
