"""Pages of the Excel templates: download a template, upload it, preview what it would
change, confirm or discard. Every unit and plan is fetched through the access scope; an
upload between its preview and its confirmation is kept on the server for its user only
(`WorkbookUpload`), and the confirmation posts nothing but its id."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import counting, workbook_checks, workbooks
from campaign.downloads import protect_download
from campaign.models import Campaign, Plan, WorkbookUpload
from campaign.periods import begun_period
from config.http import Explained404, require_form, require_POST, require_safe
from units.access import FILE, Scope


class WorkbookForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (.xlsx, at most 5 MB)"),
        # An empty file gets the workbook reader's message, like every other refusal.
        allow_empty_file=True,
        error_messages={"required": gettext_lazy("Choose the filled-in Excel file.")},
        # The phone's picker offers workbooks first; the file's content is still what is checked.
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


# --- annual reports -------------------------------------------------------------------------------
def _report_target(request, campaign_pk, unit_pk, year):
    """The unit (which the user files for), the campaign that addresses it and the year's
    period; a 404 for a year outside the campaign's, or whose figures have not begun (no
    period is written for it, as on the report's own page)."""
    scope = Scope.for_request(request)
    area = scope.get_unit(FILE, pk=unit_pk)
    campaign = get_object_or_404(Campaign.objects.select_related("issuer"), pk=campaign_pk)
    try:
        period = begun_period(campaign, year)
    except ValidationError as error:
        if not workbook_checks.addressed_units(scope, campaign, area):
            raise Http404 from None  # the campaign asks nothing of this unit or below it
        raise Explained404(error.messages[0]) from None
    if not workbook_checks.filing_units(scope, campaign, area, period):
        # Nothing owed for that year (campaign.counting, on its tree): said when the
        # campaign asks this area now; a 404 when it asks nothing of it at all.
        if not workbook_checks.addressed_units(scope, campaign, area):
            raise Http404
        raise Explained404(counting.not_expected_message(campaign, period, area))
    return scope, area, campaign, period


@require_safe
@login_required
def reports_download(request, campaign_pk, unit_pk, year):
    """The template of the annual reports of a unit and the units below it it files for."""
    scope, area, campaign, period = _report_target(request, campaign_pk, unit_pk, year)
    rows = workbook_checks.report_rows(scope, campaign, year, area, period)
    if len(rows) > workbooks.MAX_ROWS:
        messages.error(
            request,
            _(
                "%(unit)s files for more than %(limit)s units: download the template of each "
                "unit below it instead."
            )
            % {"unit": area.name, "limit": workbooks.MAX_ROWS},
        )
        return redirect(_report_list_url(campaign, year))
    content = workbook_checks.build_reports(campaign, year, area, rows)
    return _xlsx(content, f"bao-cao-{year}-{_slug(area.code)}.xlsx")


@require_form
@login_required
def reports_upload(request, campaign_pk, unit_pk, year):
    scope, area, campaign, period = _report_target(request, campaign_pk, unit_pk, year)
    context = {
        "kind": WorkbookUpload.Kind.REPORTS,
        "campaign": campaign,
        "unit": area,
        "year": year,
        # Past the lock date only reports a reviewer reopened can change: said before the
        # officer fills in a file whose every row would be refused.
        "locked_after": period.locks_on if period.is_locked_on(scope.today) else None,
        "download_url": reverse(
            "campaign:workbook_reports_download", args=[campaign.pk, area.pk, year]
        ),
        "back_url": _report_list_url(campaign, year),
    }
    return _upload(
        request,
        context,
        lambda parsed: workbook_checks.check_reports(
            parsed, scope=scope, campaign=campaign, year=year, area=area
        ),
        WorkbookUpload(kind=WorkbookUpload.Kind.REPORTS, campaign=campaign, unit=area, year=year),
    )


# --- plans ----------------------------------------------------------------------------------------
def _plan(request, pk):
    scope = Scope.for_request(request)
    return scope, scope.get(Plan.objects.select_related("unit", "campaign"), FILE, pk=pk)


@require_safe
@login_required
def plan_download(request, pk):
    """The template of a plan's activities."""
    _scope, plan = _plan(request, pk)
    content = workbook_checks.build_plan(plan)
    return _xlsx(content, f"hoat-dong-ke-hoach-{_slug(plan.unit.code)}.xlsx")


@require_form
@login_required
def plan_upload(request, pk):
    _scope, plan = _plan(request, pk)
    if not plan.is_editable:
        messages.error(
            request,
            _("This plan is %(status)s and cannot be changed.")
            % {"status": plan.get_status_display().lower()},
        )
        return redirect(plan)
    context = {
        "kind": WorkbookUpload.Kind.PLAN,
        "campaign": plan.campaign,
        "unit": plan.unit,
        "plan": plan,
        "download_url": reverse("campaign:workbook_plan_download", args=[plan.pk]),
        "back_url": plan.get_absolute_url(),
    }
    return _upload(
        request,
        context,
        lambda parsed: workbook_checks.check_plan(parsed, plan=plan),
        WorkbookUpload(
            kind=WorkbookUpload.Kind.PLAN, campaign=plan.campaign, unit=plan.unit, plan=plan
        ),
    )


# --- the preview ----------------------------------------------------------------------------------
def _pending(request, pk):
    """The user's own upload, not expired; anybody else's is a 404. An upload is deleted
    once saved or discarded, so a second tap on "save" lands here too: the page says so."""
    queryset = WorkbookUpload.objects.pending_for(request.user).select_related(
        "campaign", "unit", "plan"
    )
    upload = queryset.filter(pk=pk).first()
    if upload is None:
        raise Explained404(
            _(
                "This upload is no longer waiting: it has been saved, discarded or has "
                "expired. Open the plan or the annual reports to see what is saved."
            )
        )
    return upload


@require_safe
@login_required
def upload_preview(request, pk):
    upload = _pending(request, pk)
    return render(
        request,
        "campaign/workbooks/preview.html",
        {
            "upload": upload,
            "changes": upload.preview.get("changes", []),
            "errors": upload.preview.get("errors", []),
            "notes": upload.preview.get("notes", []),
            "form": WorkbookForm(),
            "upload_url": _upload_url(upload),
            "back_url": _back_url(upload),
        },
    )


@login_required
@require_POST
def upload_confirm(request, pk):
    upload = _pending(request, pk)
    if not upload.can_confirm:
        messages.error(request, _("This upload has nothing that can be saved."))
        return redirect("campaign:workbook_preview", pk=upload.pk)
    scope = Scope.for_request(request)
    try:
        if upload.kind == WorkbookUpload.Kind.PLAN:
            count = workbook_checks.save_plan(upload, scope=scope)
            done = _("The plan's activities were saved (%(count)s changed).") % {"count": count}
        else:
            count = workbook_checks.save_reports(upload, scope=scope)
            done = _("%(count)s annual reports were saved as drafts.") % {"count": count}
    except workbook_checks.StaleUpload:
        upload.delete()
        messages.error(
            request,
            _(
                "Nothing was saved: something changed since the preview (a report or plan was "
                "saved, submitted or started by someone else). Upload the file again to see "
                "what it would change now."
            ),
        )
        return redirect(_upload_url(upload))
    upload.delete()
    messages.success(request, done)
    return redirect(_back_url(upload))


@login_required
@require_POST
def upload_discard(request, pk):
    upload = _pending(request, pk)
    upload.delete()
    messages.info(request, _("The upload was discarded; nothing was saved."))
    return redirect(_upload_url(upload))


# --- helpers --------------------------------------------------------------------------------------
def _upload(request, context, check, pending):
    """The upload page; on a POST, read and check the file, keep what it would change and
    show the preview, or show why the file is refused (nothing is kept then)."""
    form = WorkbookForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                review = check(workbooks.read(uploaded))
            except workbooks.WorkbookError as error:
                form.add_error("file", error.message)
            else:
                workbook_checks.discard_expired()
                # One pending upload per user and target: an upload replaces the last one.
                WorkbookUpload.objects.filter(
                    user=request.user,
                    kind=pending.kind,
                    unit=pending.unit,
                    campaign=pending.campaign,
                    year=pending.year,
                    plan=pending.plan,
                ).delete()
                pending.user = request.user
                pending.file_name = _file_name(uploaded.name)
                pending.preview = review.preview
                pending.data = review.data
                pending.save()
                return redirect("campaign:workbook_preview", pk=pending.pk)
        status = 400
    return render(
        request,
        "campaign/workbooks/upload.html",
        {
            **context,
            "form": form,
            "max_size": filesizeformat(workbooks.MAX_BYTES),
            "max_rows": number_format(workbooks.MAX_ROWS, force_grouping=True),
        },
        status=status,
    )


def _upload_url(upload):
    if upload.kind == WorkbookUpload.Kind.PLAN:
        return reverse("campaign:workbook_plan_upload", args=[upload.plan_id])
    return reverse(
        "campaign:workbook_reports_upload", args=[upload.campaign_id, upload.unit_id, upload.year]
    )


def _back_url(upload):
    if upload.kind == WorkbookUpload.Kind.PLAN:
        return reverse("campaign:plan_detail", args=[upload.plan_id])
    return _report_list_url(upload.campaign, upload.year)


def _report_list_url(campaign, year):
    return (
        reverse("campaign:report_list") + "?" + urlencode({"campaign": campaign.pk, "year": year})
    )


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=workbooks.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return protect_download(response)


def _slug(code):
    return re.sub(r"[^A-Za-z0-9_-]+", "-", code).strip("-") or "don-vi"


def _file_name(name):
    name = re.split(r"[/\\]", str(name or ""))[-1]
    return "".join(c for c in name if c.isprintable())[:200]


urlpatterns = [
    path(
        "campaigns/<id:campaign_pk>/units/<id:unit_pk>/reports/<id:year>/excel/",
        reports_download,
        name="workbook_reports_download",
    ),
    path(
        "campaigns/<id:campaign_pk>/units/<id:unit_pk>/reports/<id:year>/excel/upload/",
        reports_upload,
        name="workbook_reports_upload",
    ),
    path("plans/<id:pk>/excel/", plan_download, name="workbook_plan_download"),
    path("plans/<id:pk>/excel/upload/", plan_upload, name="workbook_plan_upload"),
    path("excel/uploads/<uuid:pk>/", upload_preview, name="workbook_preview"),
    path("excel/uploads/<uuid:pk>/confirm/", upload_confirm, name="workbook_confirm"),
    path("excel/uploads/<uuid:pk>/discard/", upload_discard, name="workbook_discard"),
]
