"""Summary reports to the Standing Committee (seed section III.3): views, forms, URLs.

The CSPL board creates a summary report for a campaign, year and unit, pre-filled from the
rollup; edits the draft; issues it, which freezes the figures and queues the PDF; and
corrects an issued report with a new version. The Standing Committee lists the issued
reports and downloads their PDFs.

Who may do what, the same in every view:

- **Writing** (create, edit, preview, issue, correct, retry the PDF) needs the reviewer
  role AT OR ABOVE the summary's unit (`scope.acts_in(unit, REVIEW)`), not strictly above
  it as `scope.can_review` asks for submissions: the CSPL board is the province's own
  reviewer, and it reports on the province itself. A district's reviewers may likewise
  write a summary of their district. The role must be held at a unit open today: one
  kept at a closed unit (a district federation ended in 2025) reads its history, including
  its drafts, and writes nothing.
- A unit that has **closed** issues no more documents, whoever asks: no draft is started in
  its name (the create form offers the units open today, and refuses one closed, saying
  so); a draft of it, however it is dated, is not issued (`issuing.issue_refusal`: its page
  says why instead of offering the button, and it can still be read and discarded), nor
  changed (`issuing.change_refusal`: its edit page shows it read only, and neither a save
  nor a rewrite of its text from today's figures writes anything); and its issued reports
  are history, as its submissions are: they are not corrected
  (`issuing.correction_refusal`).
- **Reading** an issued (or superseded) report and its PDF needs the viewer or reviewer
  role at or above its unit: the Standing Committee sees the reports of its subtree.
- A **draft** exists only for the reviewers at or above its unit; for everybody else, as
  for anything outside the scope, it is a 404.

Every figure comes from the rollup: the pre-filled narrative quotes it (reports.prefill),
the PDF renders it (reports.pdf), and issuing freezes it in `rollup_snapshot`
(reports.issuing).
"""

import copy
import functools
import unicodedata

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign.downloads import protect_download, stored_file_response
from campaign.models import Campaign
from campaign.periods import report_year
from config import pdf_sandbox
from config.http import Explained404, require_form, require_POST, require_safe
from reports import delivery, issuing, parties, pdf, summary_tasks
from reports.models import DOCUMENT_FIELDS, NARRATIVE_FIELDS, SummaryReport
from reports.prefill import prefill, written_from
from reports.rollup import cached_rollup
from reports.selection import refuse_year
from units import once
from units.access import READ, REVIEW, Scope, parse_pk
from units.forms import PortalInputMixin
from units.models import Membership, Unit
from units.reorganisations import closed_refusal

Role = Membership.Role
S = SummaryReport.Status
RS = SummaryReport.RenderState
PAGE_SIZE = 25
# The document's fields the edit form shows: its kind is chosen when it is created.
EDITED_FIELDS = [name for name in DOCUMENT_FIELDS if name != "kind"]
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": gettext_lazy("dd/mm/yyyy")})
BADGES = {
    RS.NONE: "text-bg-light",
    RS.QUEUED: "text-bg-secondary",
    RS.RENDERING: "text-bg-info",
    RS.DONE: "text-bg-success",
    RS.FAILED: "text-bg-danger",
}


# --- access ----------------------------------------------------------------------------------
def visible(scope):
    """The summary reports the user may open: issued ones at or below a unit where they
    read, drafts at or below a unit where they review. No query until evaluated."""
    issued = Q(status__in=[S.ISSUED, S.SUPERSEDED]) & scope.condition(READ, path_field="unit__path")
    drafts = Q(status=S.DRAFT) & scope.condition(REVIEW, path_field="unit__path")
    return SummaryReport.objects.filter(issued | drafts).select_related(
        "campaign", "unit", "issued_by", "created_by", "supersedes"
    )


def can_write(scope, summary):
    """Drafting, issuing and correcting are the work of a reviewer role held at an open unit
    at or above the summary's unit: one kept at a closed unit only reads its history."""
    return scope.acts_in(summary.unit, REVIEW)


def get_summary(request: HttpRequest, pk: int, write: bool = False) -> SummaryReport:
    """The summary `pk` if the user may open it (else 404); with `write`, only if the user
    may also change it (else 403)."""
    scope = Scope.for_request(request)
    summary = scope.get(visible(scope), READ, unit_field="unit", pk=pk)
    if write and not can_write(scope, summary):
        raise PermissionDenied
    return summary


# --- forms -------------------------------------------------------------------------------------
def _nfc_strings(cleaned):
    return {
        key: unicodedata.normalize("NFC", value) if isinstance(value, str) else value
        for key, value in cleaned.items()
    }


class ActingUnitField(forms.ModelChoiceField):
    """A unit open today where the user writes summaries (its `queryset`). One of their
    units that has closed (`closed`, on `day`), named all the same by a page drawn before
    the closing or a form sent by hand, is refused saying so, not as an unknown choice. One
    query more for a choice refused, two when its unit merged (its successor)."""

    closed = Unit.objects.none()
    day = None

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            pk = parse_pk(str(value)) if error.code == "invalid_choice" else None
            unit = self.closed.filter(pk=pk).first() if pk is not None else None
            if unit is None:  # not a unit of theirs: as Django says it
                raise
            raise ValidationError(
                _(
                    "%(reason)s No summary report is written in its name any more: a unit "
                    "that has closed issues no more documents. Choose a unit open today."
                )
                % {"reason": closed_refusal(unit, self.day)},
                code="closed",
            ) from None


class SummaryCreateForm(once.OnceMixin, PortalInputMixin, forms.ModelForm):
    """What a summary is about: campaign, year, a unit open today that the user reviews at,
    which reports, and which of the two documents it is (the board's or the Standing
    Committee's)."""

    class Meta:
        model = SummaryReport
        fields = ["kind", "campaign", "year", "unit", "include"]
        field_classes = {"unit": ActingUnitField}
        labels = {"include": pgettext_lazy("which reports a summary counts", "Figures from")}
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "include": gettext_lazy(
                "Accepted reports only, or also the reports still waiting for review."
            ),
            "kind": gettext_lazy(
                "The board (Ban CSPL) reports to the Standing Committee; the Standing "
                "Committee reports on to the bodies above. A union below the province (a "
                "commune or ward union; a district federation before July 2025) issues its "
                "own, with its own letterhead."
            ),
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        # In tree order, the units open today: one that has closed issues no more documents
        # (`issuing.issue_refusal`), so no draft is started in its name.
        acting = scope.acting_units(REVIEW)
        unit = self.fields["unit"]
        unit.queryset = acting.open_on(scope.today).order_by("path")
        # Those it names closed are the user's, roles kept at closed units included.
        closed = Unit.objects.filter(scope.condition(REVIEW), closed_on__lte=scope.today)
        unit.closed, unit.day = closed, scope.today
        # A unit closing on a day to come, said to be.
        unit.label_from_instance = Unit.picker_label
        self.fields["campaign"].queryset = Campaign.objects.order_by("-issued_on", "pk")

    def clean(self):
        cleaned = super().clean()
        campaign, year = cleaned.get("campaign"), cleaned.get("year")
        if campaign and year and not campaign.runs_in(year):
            self.add_error("year", _("The campaign does not run in %(year)s.") % {"year": year})
        elif campaign and year and year not in campaign.years_so_far():
            message = _("%(year)s has not begun: there is nothing to sum up yet.")
            self.add_error("year", message % {"year": year})
        unit, kind = cleaned.get("unit"), cleaned.get("kind")
        if unit and kind == SummaryReport.Kind.BOARD:
            letterhead = parties.parties(unit, kind, timezone.localdate())
            if not letterhead["issuing_body"].strip():
                self.add_error(
                    "kind",
                    _(
                        "%(unit)s has no board that reports to its Standing Committee. Choose "
                        "the Standing Committee's report, or name the board in the unit's "
                        "letterhead (admin)."
                    )
                    % {"unit": unit},
                )
        return cleaned


class SummaryEditForm(PortalInputMixin, forms.ModelForm):
    """The document's fields and its narrative. `version` refuses a save based on an older
    version of the draft, so that two people never silently overwrite each other."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # The page's order (templates/reports/summary/edit.html), which the list of refused
    # fields at its top follows (campaign/templatetags/error_summary.py).
    field_order = [
        "number_code",
        "place",
        "dated_on",
        "parent_body",
        "issuing_body",
        "subject",
        "addressee",
        "include",
        *NARRATIVE_FIELDS,
        "signer_block",
        "signer_title",
        "signer_name",
        "recipients",
    ]

    class Meta:
        model = SummaryReport
        fields = ["include", *EDITED_FIELDS, *NARRATIVE_FIELDS]
        # The model's verbose names share their msgids with other models' fields (a period's
        # start date, a reminder's count of recipients, a content item's number), whose
        # translations read wrong here: the document's own words, in their own context.
        labels = {
            "include": pgettext_lazy("which reports a summary counts", "Figures from"),
            "number_code": pgettext_lazy("what follows an official document's number", "Code"),
            "recipients": pgettext_lazy("the places a document is sent to", "Recipients"),
        }
        widgets = {
            "dated_on": DATE_INPUT,
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "subject": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.Textarea(attrs={"rows": 7}) for name in NARRATIVE_FIELDS},
        }
        help_texts = {
            "dated_on": gettext_lazy(
                "Day/month/year, for example 31/12/2025. The names in the header are the "
                "units' names on this date."
            ),
            "number_code": gettext_lazy(
                "The code alone, for example BC-LĐLĐ: the number before it is given at "
                "issue, from the unit's register of the year (15/BC-LĐLĐ)."
            ),
            "general_assessment": gettext_lazy("One paragraph a line."),
        }

    def __init__(self, *args, problems=None, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dated_on"].input_formats = DATE_FORMATS
        if read_only:
            # Shown, not sent (the page has no form to send): read-only texts can be
            # selected and copied, a choice cannot be read only, so it is disabled.
            for field in self.fields.values():
                choice = isinstance(field.widget, forms.widgets.ChoiceWidget)
                field.widget.attrs["disabled" if choice else "readonly"] = True
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version
        self.problems = {}
        self._help_texts = {name: field.help_text for name, field in self.fields.items()}
        self.show_problems(problems or {})

    def show_problems(self, problems):
        """Say under each field what keeps the draft from being issued (saving is allowed,
        issuing is not), in place of what was said before."""
        self.problems = {}
        for name, field in self.fields.items():
            field.help_text = self._help_texts[name]
            if name in problems:
                self.problems[name] = problems[name]
                field.help_text = format_html(
                    '<span class="text-danger fw-semibold">{}</span> {}',
                    _("Before issuing: %(problem)s") % {"problem": problems[name]},
                    field.help_text,
                )

    def problems_as_sent(self):
        """What would keep the draft, as sent, from being issued. The stored draft's
        problems called a field just typed missing; a field the form refused is left out,
        its own error says what to fix. Validated first: the instance holds what passed."""
        return {
            name: message
            for name, message in self.instance.issue_problems().items()
            if name not in self.errors
        }

    def clean(self):
        return _nfc_strings(super().clean())


# --- views -------------------------------------------------------------------------------------
DRAFTS_LISTED = 50  # the drafts changed last; the list says how many more there are


@require_safe
@login_required
def summary_list(request):
    """Issued summary reports the user may read, newest first; a reviewer's drafts too."""
    scope = Scope.for_request(request)
    if not scope.has_role(READ):
        raise PermissionDenied
    reports = visible(scope)
    issued = reports.filter(status__in=[S.ISSUED, S.SUPERSEDED]).order_by("-issued_at", "-pk")
    page = Paginator(issued, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts, drafts_total = [], 0
    if scope.is_reviewer:
        pending = reports.filter(status=S.DRAFT)
        drafts = list(pending.order_by("-updated_at", "-pk")[:DRAFTS_LISTED])
        drafts_total = pending.count() if len(drafts) == DRAFTS_LISTED else len(drafts)
    return render(
        request,
        "reports/summary/list.html",
        {
            "page": page,
            "drafts": drafts,
            "drafts_total": drafts_total,
            "can_create": bool(scope.acting_paths(REVIEW)),
            "badges": BADGES,
        },
    )


@require_form
@login_required
def summary_create(request):
    """Choose what the report is about; it is created as a draft pre-filled from the rollup."""
    scope = Scope.for_request(request)
    if not scope.acting_paths(REVIEW):  # no reviewer role, or only at closed units
        raise PermissionDenied
    if request.method == "POST":
        form = SummaryCreateForm(request.POST, scope=scope)
        if form.is_valid():
            summary = form.save(commit=False)
            summary.created_by = request.user
            try:
                result = _live_rollup(summary)
            except ValidationError as error:
                form.add_error("year", error.messages[0])
            else:
                refusal = _not_on_the_year_s_tree(summary, result)
                if refusal:
                    form.add_error("year", refusal)
                    return render(request, "reports/summary/create.html", {"form": form})

                def save():
                    prefill(summary, result)
                    summary.save()
                    return reverse("reports:summary_edit", args=[summary.pk])

                url, made = once.save_once(request, save)
                if made:
                    messages.success(
                        request,
                        _(
                            "The draft was created from the current figures. Check the text, "
                            "its code and signer, then issue it: the number is given then."
                        ),
                    )
                else:
                    messages.info(request, once.ALREADY_SENT)
                return redirect(url)
    else:
        campaign = Campaign.objects.order_by("-issued_on", "pk").first()
        units = scope.acting_units(REVIEW).order_by("path")
        unit = units.first()
        form = SummaryCreateForm(
            scope=scope,
            initial={
                "campaign": campaign.pk if campaign else None,
                "year": report_year(campaign, from_rules=True) if campaign else None,
                "unit": unit,
                # Seed III.3: at the province the CSPL board reports first.
                "kind": SummaryReport.Kind.BOARD
                if unit is not None and unit.kind == unit.Kind.PROVINCE
                else SummaryReport.Kind.COMMITTEE,
            },
        )
    return render(request, "reports/summary/create.html", {"form": form})


@require_safe
@login_required
def summary_detail(request, pk):
    scope = Scope.for_request(request)
    summary = get_summary(request, pk)
    if request.method == "GET":  # a HEAD (a link preview) is nobody reading it
        delivery.mark_read(request.user, summary)  # a Standing Committee member opened it
    writer = can_write(scope, summary)
    correction = None
    if summary.is_issued:
        correction = visible(scope).filter(supersedes=summary).first()
    refusal = None
    if writer and summary.status == S.ISSUED:
        refusal = issuing.correction_refusal(summary, scope.today)
    elif writer and summary.is_draft:
        refusal = issuing.issue_refusal(summary, scope.today)
    changes = []
    if writer and summary.is_draft and not refusal:
        try:
            result = _live_rollup(summary)
        except ValidationError as error:
            # Staff shortened the campaign since, or its year has not begun: the draft still
            # opens, and says why it has no figures, in the dashboard's words.
            messages.error(request, error.messages[0])
        else:
            changes = issuing.changes_since_drafted(summary, result.as_json())
    moved = []
    if summary.status == S.ISSUED:
        # The document keeps the figures of its day of issue; a reader who then opens the
        # dashboard is told which moved since, rather than left to find two totals for one
        # figure. The rollup comes from the cache the dashboard fills.
        try:
            moved = issuing.changes_since_issued(summary, _live_rollup(summary))
        except ValidationError:
            moved = []  # a year the dashboard no longer offers: nothing to compare with
    return render(
        request,
        "reports/summary/detail.html",
        {
            "summary": summary,
            "can_write": writer,
            "correction": correction,
            "refusal": refusal,
            "badge": BADGES[summary.render_state],
            "render_error": _render_error(summary, writer),
            "pending": summary.render_state in (RS.QUEUED, RS.RENDERING),
            "narrative": [
                (SummaryReport._meta.get_field(name).verbose_name, getattr(summary, name))
                for name in NARRATIVE_FIELDS
            ],
            "problems": _labelled(summary.issue_problems())
            if summary.is_draft and not refusal
            else [],
            "changes": changes,
            "moved_since_issue": moved,
        },
    )


def _live_rollup(summary):
    """The figures a draft is written from, now. ValidationError, as on the dashboard, for a
    year it offers nothing for (outside the campaign, or not begun): never a page of zeros,
    nor that year's period written by a page view."""
    refuse_year(summary.campaign, summary.year)
    return cached_rollup(summary.campaign, summary.year, summary.unit, summary.include)


def _not_on_the_year_s_tree(summary, result):
    """Why no summary of `summary`'s unit is made for its year, when the unit did not exist
    at that year's cut-off and no unit merged into it stood for it then (a commune union
    set up in 2025, asked about 2024): the document would report "no unit expected" in
    the name of a union that had no area yet. None otherwise."""
    if result.roots:
        return None
    unit = summary.unit
    values = {
        "unit": unit.name,
        "year": summary.year,
        "cutoff": result.period.ends_on.strftime("%d/%m/%Y"),
        "opened": unit.opened_on.strftime("%d/%m/%Y") if unit.opened_on else "",
    }
    if unit.opened_on:
        return (
            _(
                "%(unit)s was set up on %(opened)s, after the cut-off of %(year)s "
                "(%(cutoff)s): it has no figures of that year. Choose a later year."
            )
            % values
        )
    return (
        _(
            "%(unit)s did not exist yet at the cut-off of %(year)s (%(cutoff)s): it has no "
            "figures of that year. Choose a later year."
        )
        % values
    )


def _labelled(problems):
    """[(the field's label, the problem)] in the form's order, for a list on the page."""
    labels = {name: field.label for name, field in SummaryEditForm.base_fields.items()}
    return [(labels.get(name, name), message) for name, message in problems.items()]


@require_form
@login_required
def summary_edit(request, pk):
    """Edit a draft. An issued report is never changed: the request is refused with a
    message, whatever it sends. Nor is a draft of a unit that has closed: its page shows it
    read only, saying why (`_closed_draft`)."""
    summary = get_summary(request, pk, write=True)
    if not summary.is_draft and request.method != "POST":
        messages.error(request, _not_editable())
        return redirect(summary)
    refusal = summary.is_draft and issuing.change_refusal(summary, timezone.localdate())
    if refusal:
        return _closed_draft(request, summary, refusal)
    if request.method == "POST":
        form = SummaryEditForm(request.POST, instance=summary)
        if not summary.is_draft:
            # Issued by someone since the form was opened: nothing is saved, and what was
            # typed stays on the page, to copy into a correction.
            form.is_valid()
            return _issued_meanwhile(request, form, summary)
        if form.is_valid():
            saved = _save_draft(form, summary)
            if saved is True:
                messages.success(request, _("Your changes were saved."))
                return redirect(summary)
            if saved == "issued":
                return _issued_meanwhile(request, form, summary)
            form.add_error(
                None,
                _(
                    "Someone else saved this draft while you were editing it. Your text is "
                    "still below: open the draft in another tab, compare, and save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = SummaryReport.objects.get(pk=summary.pk).version
        form.show_problems(form.problems_as_sent())
    else:
        form = SummaryEditForm(instance=summary, problems=summary.issue_problems())
    return render(
        request,
        "reports/summary/edit.html",
        {"form": form, "summary": summary, "problems": _labelled(form.problems)},
    )


def _closed_draft(request, summary, refusal):
    """The edit page of a draft whose unit has closed (`issuing.change_refusal`): read only,
    saying why, with a link back to the draft. A save sent all the same (from a page drawn
    before the closing) writes nothing and comes back as the refused save of a draft issued
    meanwhile does, with what was typed shown, to copy, and unchecked: nothing here is saved
    or issued."""
    sent = request.method == "POST"
    # Unbound, so that the page lists no error of a text that is not going to be saved.
    initial = {
        name: request.POST[name] for name in SummaryEditForm.base_fields if name in request.POST
    }
    form = SummaryEditForm(instance=summary, initial=initial, read_only=True)
    return render(
        request,
        "reports/summary/edit.html",
        {"form": form, "summary": summary, "problems": [], "refusal": refusal, "sent": sent},
        status=409 if sent else 200,
    )


def _issued_meanwhile(request, form, summary):
    form.add_error(None, _not_editable())
    return render(
        request,
        "reports/summary/edit.html",
        {"form": form, "summary": summary, "problems": _labelled(form.problems)},
        status=409,
    )


def _save_draft(form, summary):
    """True when saved; "issued" when it was issued meanwhile; False when outdated."""
    with transaction.atomic():
        current = SummaryReport.objects.select_for_update().get(pk=summary.pk)
        if current.status != S.DRAFT:
            return "issued"
        if current.version != form.cleaned_data["version"]:
            return False
        draft = form.save(commit=False)
        if draft.dated_on != current.dated_on:
            # A name the author left as prefilled follows the new date (a reorganisation
            # between the two renames a unit, or puts it under another).
            parties.refresh(draft, current.dated_on)
        draft.version = current.version + 1
        draft.save(update_fields=["include", *EDITED_FIELDS, *NARRATIVE_FIELDS, "version"])
    return True


@login_required
@require_POST
def summary_issue(request, pk):
    """Issue a draft: check it is complete, freeze the figures, queue the PDF."""
    summary = get_summary(request, pk, write=True)
    version = parse_pk(request.POST.get("version"))
    if version is None:
        messages.error(request, issuing.NO_VERSION)
        return redirect(summary)
    try:
        issuing.summary_issue(summary=summary, user=request.user, expected_version=version)
    except issuing.AlreadyIssuedError:
        messages.error(request, _("This report has already been issued."))
        return redirect(summary)
    except issuing.FiguresChangedError as error:
        messages.error(
            request,
            _(
                "The report was not issued: the figures changed since its text was written "
                "(%(changes)s). Bring the text up to date below, then issue it."
            )
            % {"changes": "; ".join(error.changes)},
        )
        return redirect(summary)
    except ValidationError as error:
        if getattr(error, "code", None) in ("changed", "closed"):
            # Nothing to fix in the draft's fields: its page says why.
            messages.error(request, error.messages[0])
            return redirect(summary)
        found = (
            [f"{label}: {message}" for label, message in _labelled(_first(error.message_dict))]
            if hasattr(error, "error_dict")
            else error.messages
        )
        messages.error(
            request,
            _("The report was not issued: %(problems)s") % {"problems": " ".join(found)},
        )
        return redirect("reports:summary_edit", summary.pk)
    messages.success(
        request,
        _("The report was issued. Its PDF is being prepared; this page shows when it is ready."),
    )
    return redirect(summary)


@login_required
@require_POST
def summary_refigure(request, pk):
    """After the figures moved since a draft's text was written: write its narrative again
    from today's figures ("rewrite"), or keep the text the author has checked ("keep").
    Either way the draft is written from today's figures from now on."""
    summary = get_summary(request, pk, write=True)
    how = request.POST.get("how")
    if how not in ("rewrite", "keep"):
        messages.error(request, _("Choose how to bring the text up to date."))
        return redirect(summary)
    with transaction.atomic():
        current = SummaryReport.objects.select_for_update().get(pk=summary.pk)
        if current.status != S.DRAFT:
            messages.error(request, _not_editable())
            return redirect(summary)
        refusal = issuing.change_refusal(summary, timezone.localdate())
        if refusal:  # its unit closed, perhaps after the page offered the buttons
            messages.error(request, refusal)
            return redirect(summary)
        version = parse_pk(request.POST.get("version"))
        if version is None:
            messages.error(request, issuing.NO_VERSION)
            return redirect(summary)
        if current.version != version:
            # "Write the text again" would replace a text saved since, unread.
            messages.error(request, issuing.DRAFT_CHANGED)
            return redirect(summary)
        try:
            result = _live_rollup(current)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(summary)
        fields = ["drafted_from", "version"]
        if how == "rewrite":
            fresh = copy.copy(current)
            prefill(fresh, result)
            for name in NARRATIVE_FIELDS:
                setattr(current, name, getattr(fresh, name))
            fields += NARRATIVE_FIELDS
        current.drafted_from = written_from(result.headline)
        current.version += 1
        current.save(update_fields=fields)
    if how == "rewrite":
        messages.success(request, _("The text was written again from today's figures."))
    else:
        messages.success(request, _("The text is kept as you checked it against today's figures."))
    return redirect(summary)


@login_required
@require_POST
def summary_correct(request, pk):
    """Start a correction of an issued report: a new draft version with the same text and
    no number yet. The issued one is kept, and marked superseded once the correction is
    issued."""
    summary = get_summary(request, pk, write=True)
    existing = SummaryReport.objects.filter(supersedes=summary).first()
    if existing:
        messages.info(request, _("A correction of this report already exists."))
        return redirect(existing)
    if summary.status != S.ISSUED:
        messages.error(request, _("Only the current issued version can be corrected."))
        return redirect(summary)
    try:
        correction = issuing.summary_correct(
            summary=summary, user=request.user, day=timezone.localdate()
        )
    except ValidationError as error:  # its unit closed, perhaps after the page offered the button
        messages.error(request, error.messages[0])
        return redirect(summary)
    except IntegrityError:
        existing = SummaryReport.objects.filter(supersedes=summary).first()
        if existing is None:
            raise
        return redirect(existing)
    messages.success(
        request,
        _(
            "A correction was started as a new draft with the text of the issued version. "
            "Correct it, then issue it: its new number is given at issue. The issued version "
            "is kept."
        ),
    )
    return redirect("reports:summary_edit", correction.pk)


@login_required
@require_POST
def summary_retry(request, pk):
    """Queue the PDF again after a failed (or stuck) rendering."""
    summary = get_summary(request, pk, write=True)
    if not summary.can_retry_render:
        messages.info(request, _("The PDF is not in a state that needs a retry."))
        return redirect(summary)
    with transaction.atomic():
        queued = SummaryReport.objects.filter(
            pk=summary.pk, render_state=summary.render_state
        ).update(render_state=RS.QUEUED, render_error="", render_started_at=timezone.now())
        if queued:
            transaction.on_commit(functools.partial(summary_tasks.enqueue_render, summary.pk))
    messages.success(request, _("The PDF was queued again."))
    return redirect(summary)


@login_required
@require_POST
def summary_discard(request, pk):
    """Delete a draft nobody will issue. Nothing refers to a draft: its number is taken,
    its figures frozen and its readers given it only at issue. A draft saved or issued since
    the page was drawn is kept, with a word why."""
    try:
        summary = get_summary(request, pk, write=True)
    except Http404:
        # Sent twice, or discarded by a colleague; said alike for a report the user may not
        # see, whose existence a 404 never reveals.
        raise Explained404(
            _("There is no such summary report here. If you discarded a draft twice, it is gone.")
        ) from None
    version = parse_pk(request.POST.get("version"))
    if version is None:
        messages.error(request, issuing.NO_VERSION)
        return redirect(summary)
    with transaction.atomic():
        locked = SummaryReport.objects.select_for_update().filter(pk=summary.pk).first()
        if locked is None:  # a colleague discarded it a moment ago
            messages.info(request, _("The draft was discarded by someone else meanwhile."))
            return redirect("reports:summary_list")
        if not locked.is_draft:
            messages.error(request, _("This report was issued meanwhile: it is kept."))
            return redirect(locked)
        if locked.version != version:
            messages.error(
                request,
                _(
                    "Someone saved this draft after you opened it, so it was not discarded. "
                    "Read it again, then discard it if it is still not needed."
                ),
            )
            return redirect(locked)
        title = str(locked)
        locked.delete()
    messages.success(request, _("The draft “%(title)s” was discarded.") % {"title": title})
    return redirect("reports:summary_list")


def _render_error(summary, writer):
    """Why the PDF failed, for whoever can retry it; to a reader, only that it is not ready
    (the reason can hold the renderer's or the signer's own words, paths included)."""
    if not summary.render_error or writer:
        return summary.render_error
    return _("The PDF could not be prepared yet. The board that issued it can try again.")


@login_required
@require_safe
def summary_status(request, pk):
    """Where the PDF stands, for the page's script (static/js/summary_status.js)."""
    summary = get_summary(request, pk)
    writer = can_write(Scope.for_request(request), summary)
    response = JsonResponse(
        {
            "state": summary.render_state,
            "label": str(summary.get_render_state_display()),
            "badge": BADGES[summary.render_state],
            "error": _render_error(summary, writer),
            "done": summary.render_state == RS.DONE,
            "retry": summary.can_retry_render and writer,
            "pending": summary.render_state in (RS.QUEUED, RS.RENDERING)
            and not summary.render_is_stuck(),
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def summary_pdf(request, pk):
    """The stored PDF of an issued report, as a download the browser must not sniff."""
    summary = get_summary(request, pk)
    if not summary.is_issued or summary.render_state != RS.DONE or not summary.pdf:
        raise Http404
    if request.method == "GET":
        delivery.mark_read(request.user, summary)
    return stored_file_response(
        summary.pdf, filename=pdf.pdf_filename(summary), content_type="application/pdf"
    )


@login_required
@require_safe
def summary_preview(request, pk):
    """A draft's PDF with the current figures, marked as a draft, rendered now (in a child
    process with the preview's time limit). Reviewers only."""
    summary = get_summary(request, pk, write=True)
    if not summary.is_draft:
        return redirect(summary)
    try:
        content = pdf.render_summary_pdf(
            summary, isolated=True, timeout=pdf_sandbox.PREVIEW_TIMEOUT
        )
    except pdf_sandbox.RenderError as error:
        messages.error(request, str(error))
        return redirect(summary)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(summary)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf.pdf_filename(summary)
    )
    return protect_download(response)


def _first(message_dict):
    return {name: messages[0] for name, messages in message_dict.items()}


def _not_editable():
    return _(
        "An issued report cannot be changed. To change it, start a correction: a new version "
        "with its own number."
    )


urlpatterns = [
    path("summaries/", summary_list, name="summary_list"),
    path("summaries/new/", summary_create, name="summary_create"),
    path("summaries/<id:pk>/", summary_detail, name="summary_detail"),
    path("summaries/<id:pk>/edit/", summary_edit, name="summary_edit"),
    path("summaries/<id:pk>/issue/", summary_issue, name="summary_issue"),
    path("summaries/<id:pk>/refigure/", summary_refigure, name="summary_refigure"),
    path("summaries/<id:pk>/correct/", summary_correct, name="summary_correct"),
    path("summaries/<id:pk>/retry/", summary_retry, name="summary_retry"),
    path("summaries/<id:pk>/discard/", summary_discard, name="summary_discard"),
    path("summaries/<id:pk>/status/", summary_status, name="summary_status"),
    path("summaries/<id:pk>/pdf/", summary_pdf, name="summary_pdf"),
    path("summaries/<id:pk>/preview/", summary_preview, name="summary_preview"),
]
