"""Printable copies of a unit's plan and annual report: a page to print from the browser and
a PDF, both headed with the unit's letterhead as it stood on the document's date.

The document is one HTML fragment (`campaign/print/*_document.html`), rendered in the site's
language (a unit's documents are Vietnamese whatever the reader's interface language), shown
inside the portal's page or wrapped for WeasyPrint. The PDF is rendered in the sandbox
(`config.pdf_sandbox`: a child process with time and memory limits, fetching nothing but the
project's own stylesheet). Both are fetched through the access scope: whoever may see the
plan or report may print it.
"""

import datetime
import functools
import hashlib
import unicodedata
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from campaign.downloads import protect_download
from campaign.models import Activity, AnnualReport, Indicator, Plan, Submission
from config import pdf_sandbox
from config.http import require_safe
from units.access import SEE, Scope
from units.letterhead import MOTTO, NATIONAL_NAME, date_line, header_groups, letterhead

STYLESHEET = "css/filed_document.css"


# --- the documents ------------------------------------------------------------------------------
def _header(submission: Submission, day: datetime.date) -> dict:
    # A document written before a merger moved it is its first unit's.
    names = letterhead(submission.unit_on(day), day)
    return {
        # In capitals, as groups of words a line may not split ("THÀNH PHỐ BẾN TRE").
        "parent_body": header_groups(names.parent_body),
        "issuing_body": header_groups(names.issuing_body),
        "date_line": date_line(names.place, day),
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
    }


def _copy_note(submission: Submission) -> str:
    return _(
        "Copy printed from the campaign portal on %(date)s. State in the portal: %(status)s."
    ) % {
        "date": timezone.localdate().strftime("%d/%m/%Y"),
        # As the page's badge says it ("Reopened" rather than "Returned").
        "status": submission.status_label.lower(),
    }


def _signing(submission: Submission) -> dict:
    """The signing block as Decree 30 (Appendix I) sets it out: the authority line ("TM. BAN
    THƯỜNG VỤ") and the signer's title in capitals over the signature space, the name under
    it. With neither line, the unit's name (the letterhead's) stands over the signature, as
    on copies printed before the portal asked for them. No query."""
    block, title, name = (getattr(submission, field) for field in submission.SIGNING_FIELDS)
    return {"block": block.upper(), "title": title.upper(), "name": name}


def plan_document(plan: Plan) -> str:
    """The plan as a document fragment (HTML), in the site's language. Its letterhead is
    the unit's on the plan's date. Two or three queries (the letterhead, the activities
    unless prefetched)."""
    with translation.override(settings.LANGUAGE_CODE):
        campaign = plan.campaign
        activities = list(plan.activities.all())
        expected = [a.expected_participants for a in activities if a.expected_participants]
        context = {
            "plan": plan,
            "header": _header(plan, plan.doc_date),
            "subject": (
                _("Carrying out plan %(number)s of %(date)s of %(issuer)s: %(title)s")
                if campaign.number_known
                # A number still to be filled in is not printed: the plan by its date.
                else _("Carrying out the plan of %(date)s of %(issuer)s: %(title)s")
            )
            % {
                "number": campaign.number,
                "date": campaign.issued_on.strftime("%d/%m/%Y"),
                "issuer": campaign.issuer_named_then(),
                "title": campaign.title,
            },
            "activities": activities,
            # The content items the activities cover, in their order: the key under the
            # table, which prints only their numbers.
            "themes": sorted(
                {theme for activity in activities for theme in activity.themes.all()},
                key=lambda theme: theme.sort_key or theme.number,
            ),
            "expected_total": sum(expected) if expected else None,
            "signing": _signing(plan),
            "copy_note": _copy_note(plan),
        }
        return render_to_string("campaign/print/plan_document.html", context)


def report_document(report: AnnualReport) -> str:
    """The annual report as a document fragment (HTML), in the site's language: its typed
    figures (a sentence instead of an empty table when its campaign asks the unit for none)
    and its narrative, under the unit's letterhead on the day it was last sent (today for
    one never sent). Three queries (the letterhead, the indicators)."""
    with translation.override(settings.LANGUAGE_CODE):
        campaign = report.campaign
        day = timezone.localdate(report.submitted_at) if report.submitted_at else None
        day = day or timezone.localdate()
        values = {value.indicator_id: value for value in report.values.all()}
        figures = [
            (indicator, values.get(indicator.pk))
            for indicator in Indicator.objects.filter(campaign=campaign)
            if not indicator.is_computed(campaign.addressed_kinds)
        ]
        context = {
            "report": report,
            "header": _header(report, day),
            "subject": (
                # The campaign's own words, as the summary's subject ("Kết quả năm …
                # thực hiện Kế hoạch số …"): a second campaign's report is not "CCHC".
                _("Results in %(year)s of carrying out plan %(number)s: %(title)s")
                if campaign.number_known
                else _("Results in %(year)s of carrying out the plan of %(date)s: %(title)s")
            )
            % {
                "year": report.year,
                "number": campaign.number,
                "date": campaign.issued_on.strftime("%d/%m/%Y"),
                "title": campaign.title,
            },
            "period": _("Figures from %(start)s to %(end)s.")
            % {
                "start": report.period.starts_on.strftime("%d/%m/%Y"),
                "end": report.period.ends_on.strftime("%d/%m/%Y"),
            },
            "figures": figures,
            "signing": _signing(report),
            "copy_note": _copy_note(report),
        }
        return render_to_string("campaign/print/report_document.html", context)


def pdf_html(fragment: str, title: str) -> str:
    """The whole HTML WeasyPrint renders: the fragment with the document stylesheet, which
    the sandbox serves from the project's static files. In NFC, as the summary and the
    reminder letter are: a letter stored with its marks apart (from the admin or an old
    import) would be copied, searched and read out from the PDF as separate marks."""
    html = format_html(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{}</title>'
        '<link rel="stylesheet" href="{}"></head><body class="pdf">{}</body></html>',
        title,
        pdf_sandbox.STATIC_BASE + STYLESHEET,
        mark_safe(fragment),  # noqa: S308 -- rendered by our templates, autoescaped
    )
    return unicodedata.normalize("NFC", html)


def pdf_filename(submission: Submission) -> str:
    """An ASCII download name: "ke-hoach-CDCS-A1.pdf", "bao-cao-CDCS-A1-2016.pdf"."""
    return f"{submission.file_stem}.pdf"


@functools.cache
def _stylesheet_version() -> str:
    """The document stylesheet's digest: a deployment that changes it changes the PDFs."""
    path = finders.find(STYLESHEET)
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if path else ""


def rendered_pdf(html: str) -> bytes:
    """The PDF of `html`, rendered in the sandbox, or the same bytes rendered before.

    Rendering costs about half a second of CPU in a child process; the HTML already holds
    everything the PDF shows, so two requests with the same HTML (a download tapped twice,
    a reviewer and the unit opening the same report) render it once. The key is the HTML's
    digest: whoever reaches this has passed the access scope for the document, and a
    change to it changes the key. A cache that is down only misses."""
    seconds = settings.PDF_CACHE_SECONDS
    key = "pdf:" + hashlib.sha256(f"{_stylesheet_version()}|{html}".encode()).hexdigest()
    if seconds:
        content = cache.get(key)
        if content is not None:
            return content
    content = pdf_sandbox.run_isolated(
        pdf_sandbox.html_to_pdf, html, timeout=pdf_sandbox.PREVIEW_TIMEOUT
    )
    if seconds:
        cache.set(key, content, seconds)
    return content


def _pdf_response(request, html, filename, back):
    try:
        content = rendered_pdf(html)
    except pdf_sandbox.RenderError as error:
        messages.error(request, str(error))
        return redirect(back)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return protect_download(response)


# --- views ---------------------------------------------------------------------------------------
def _plan(request, pk):
    activities = Activity.objects.prefetch_related("themes")
    queryset = Plan.objects.select_related("unit", "campaign__issuer").prefetch_related(
        Prefetch("activities", queryset=activities)
    )
    return Scope.for_request(request).get(queryset, SEE, pk=pk)


def _report(request, pk):
    queryset = AnnualReport.objects.select_related("unit", "campaign", "period").prefetch_related(
        "values"
    )
    return Scope.for_request(request).get(queryset, SEE, pk=pk)


@login_required
@require_safe
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return render(
        request,
        "campaign/print/page.html",
        {
            "document": mark_safe(plan_document(plan)),  # noqa: S308 -- our own template
            "back_url": plan.get_absolute_url(),
            "pdf_url": reverse("campaign:plan_pdf", args=[plan.pk]),
            "title": _("Plan of %(unit)s") % {"unit": plan.unit.name},
        },
    )


@login_required
@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    # The PDF's title, which its reader shows, is in the document's language.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Plan of %(unit)s") % {"unit": plan.unit.name}
    html = pdf_html(plan_document(plan), title)
    return _pdf_response(request, html, pdf_filename(plan), plan)


@login_required
@require_safe
def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(
        request,
        "campaign/print/page.html",
        {
            "document": mark_safe(report_document(report)),  # noqa: S308 -- our own template
            "back_url": report.get_absolute_url(),
            "pdf_url": reverse("campaign:report_pdf", args=[report.pk]),
            "title": _("Annual report %(year)s of %(unit)s")
            % {"year": report.year, "unit": report.unit.name},
        },
    )


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Annual report %(year)s of %(unit)s") % {
            "year": report.year,
            "unit": report.unit.name,
        }
    html = pdf_html(report_document(report), title)
    return _pdf_response(request, html, pdf_filename(report), report)


urlpatterns = [
    path("plans/<id:pk>/print/", plan_print, name="plan_print"),
    path("plans/<id:pk>/pdf/", plan_pdf, name="plan_pdf"),
    path("reports/<id:pk>/print/", report_print, name="report_print"),
    path("reports/<id:pk>/pdf/", report_pdf, name="report_pdf"),
]
