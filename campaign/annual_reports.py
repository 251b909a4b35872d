"""Annual reports: filing, review and the roll-up of the units below. Scoped fetches only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import counting, measures, plausibility, queues, workbook_checks, workflow
from campaign.counting import area_below
from campaign.filters import QueueFilter, YearFilter
from campaign.forms import ReasonForm, ReportForm, ValuesForm
from campaign.list_exports import queue_download
from campaign.listing import kept_list_query, render_queue
from campaign.models import EDITABLE, AnnualReport, Campaign, Indicator, Period, Status, Step
from campaign.periods import pick_campaign, report_year
from campaign.returns import return_step
from campaign.steps import act_on, kept_reason
from campaign.uploads import REPORT_SCAN_LABEL, AttachmentForm
from config.http import require_form, require_POST, require_safe
from units import once
from units.access import FILE, SEE, Scope
from units.forms import grouped
from units.models import UnitState

Action = Step.Action
# The report's own fields, as its form lists them: what a step's snapshot and the
# "changed since" table compare.
NARRATIVE = list(ReportForm._meta.fields)
DONE = {
    Action.SUBMIT: gettext_lazy("The annual report was submitted for review."),
    Action.RETURN: gettext_lazy("The annual report was returned to the unit with your reason."),
    Action.ACCEPT: gettext_lazy("The annual report was accepted; it is now locked."),
    Action.REOPEN: gettext_lazy("The annual report was reopened; the unit can change it again."),
}


class ReportQueueFilter(QueueFilter):
    year = YearFilter(label=gettext_lazy("Year"))

    class Meta(QueueFilter.Meta):
        model = AnnualReport
        fields = ["status", "kind", "parent", "campaign", "year"]


def reports() -> QuerySet:
    """Reports with their unit, campaign (with its issuer: who the campaign expects, in the
    area beside the form, reads it) and period, and the unit's name in the report's year
    (`AnnualReport.unit_name_then`), in one query."""
    cutoff = OuterRef("period__ends_on")
    return AnnualReport.objects.select_related(
        "unit", "campaign__issuer", "period", "entered_by", "entered_from"
    ).annotate(
        name_then=Subquery(
            UnitState.objects.filter(unit_id=OuterRef("unit_id"), valid_from__lte=cutoff)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=cutoff))
            .values("name")[:1]
        )
    )


@require_safe
@login_required
def report_list(request):
    """The annual reports of the units the user files for, per campaign and year."""
    scope = Scope.for_request(request)
    campaigns = list(Campaign.objects.select_related("issuer").order_by("-issued_on"))
    if not campaigns:
        return render(request, "campaign/report_list.html", {"campaigns": []})
    campaign = pick_campaign(campaigns, request.GET.get("campaign"))
    years = campaign.years_so_far()
    if not years:
        # Issued for years still to come: no report is asked for yet.
        return render(
            request,
            "campaign/report_list.html",
            {"campaigns": campaigns, "campaign": campaign, "years": [], "rows": []},
        )
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = report_year(campaign)
    if year not in years:
        year = report_year(campaign)
    period = Period.objects.for_year(campaign, year)
    # Its own units, and those below with no officer of their own (filing on behalf): the
    # ones the year owes a report, by the counting rule on that year's tree (one moved out
    # of the campaign's area since still owes it), and those the campaign addresses today
    # (one that came into its area since is listed, owing nothing for that year).
    officer_units = scope.officer_units()
    expected = counting.expected_among(campaign, period.ends_on, officer_units)
    own_units = [unit for unit in officer_units if unit.pk in expected or campaign.addresses(unit)]
    filed = {
        r.unit_id: r for r in reports().filter(campaign=campaign, year=year, unit__in=own_units)
    }
    # A unit closed before the year's cut-off was not on that year's tree and filed nothing
    # for it: it has no row (a district federation ended in 2025 on 2026's list). Its past
    # years keep theirs, and so does a report it sent for the year it closed in.
    ended = [
        unit
        for unit in own_units
        if not (unit.is_open or unit.is_open_on(period.ends_on) or unit.pk in filed)
    ]
    own_units = [unit for unit in own_units if unit not in ended]
    starts_locked = period.is_locked_on(scope.today)
    rows = [
        {
            "unit": unit,
            "report": filed.get(unit.pk),
            "due": unit.pk in expected,
            # Open at the cut-off yet not asked then: it stood outside the campaign's area
            # (came under its issuer since, by a merger), or was of a kind it does not ask.
            "elsewhere_then": unit.pk not in expected and unit.is_open_on(period.ends_on),
            # A unit below with no officer of its own, filed for from the user's unit (not
            # the user's own unit once closed, which is listed for its history). Said only
            # of a report still to write or fix: one sent says who entered it, or nothing
            # (its own officer then), not today's arrangement.
            "on_behalf_from": (
                scope.filing_on_behalf_from(unit)
                if scope.files_on_behalf(unit)
                and (unit.pk not in filed or filed[unit.pk].status in EDITABLE)
                else None
            ),
        }
        for unit in own_units
    ]
    return render(
        request,
        "campaign/report_list.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "years": years,
            "year": year,
            "rows": rows,
            # The units with an Excel template this year: open, and asked for the report
            # (none for an officer of a unit closed since, or not yet open that year), and
            # once the year is locked only with a report still editable (reopened); a unit
            # below one listed is in that one's template.
            "workbook_areas": workbook_checks.template_areas(
                [
                    row["unit"]
                    for row in rows
                    if row["unit"].is_open
                    and row["due"]
                    and (not starts_locked or (row["report"] and row["report"].is_editable))
                ]
            ),
            "period": period,
            # Named where a unit open at the cut-off was not in the campaign's area then.
            "issuer": campaign.issuer.short_name or campaign.issuer.name,
            # Said below the list, so that its officer knows where its history went.
            "ended": ended,
            # Past its lock date a unit can no longer start its report: the list says so
            # rather than offering a button that only leads to that refusal.
            "starts_locked": starts_locked,
            "locked_unstarted": starts_locked
            and any(row["due"] and not row["report"] and row["unit"].is_open for row in rows),
        },
    )


@require_form
@login_required
def report_start(request, campaign_pk, unit_pk, year):
    """File a unit's annual report; if it exists, open it.

    This is the deadline's request: the figures typed and "Save and submit" pressed, the
    report is written once, already submitted, in one transaction (campaign.workflow).
    """
    scope = Scope.for_request(request)
    unit = scope.get_unit(FILE, pk=unit_pk)
    try:
        campaign, period = _campaign_and_period(campaign_pk, year)
    except ValidationError as error:
        return render(
            request, "campaign/year_refused.html", {"message": error.messages[0]}, status=404
        )
    if not counting.expects(campaign, period, unit):
        if not campaign.addresses(unit):
            raise Http404  # the campaign asks nothing of it, that year or now
        return render(
            request,
            "campaign/year_refused.html",
            {"message": counting.not_expected_message(campaign, period, unit)},
            status=404,
        )
    if request.method != "POST":
        # A POST skips this: the report's unique constraint refuses a second one, and the
        # officer who typed it keeps their input (below).
        existing = AnnualReport.objects.filter(unit=unit, campaign=campaign, year=year).first()
        if existing:
            return redirect(existing)
    report = AnnualReport(unit=unit, campaign=campaign, year=year, period=period)
    locked = not report.filing_open()
    if locked:
        message = _(
            "Reports for %(year)s locked after %(date)s. Ask a reviewer of an upper unit."
        ) % {
            "year": year,
            "date": period.locks_on.strftime("%d/%m/%Y"),
        }
        if request.method != "POST":
            messages.error(request, message)
            # Back to the year the officer was looking at, not the one being written now.
            return redirect(
                reverse("campaign:report_list")
                + "?"
                + urlencode({"campaign": campaign.pk, "year": year})
            )
    if request.method != "POST":
        # Only on the page's first drawing: the deadline's POST pays nothing for it.
        report.sign_as_before()
    form, values, area = _report_forms(request, report)
    upload = _upload_form(request)
    if request.method == "POST" and locked:
        # Opened before the lock, sent after it: nothing is saved, what was typed stays.
        values.is_valid()
        upload.is_valid()
        form.add_error(None, message)
        return _render_form(request, report, form, values, area, upload)
    if request.method == "POST" and form.is_valid() & values.is_valid() & upload.is_valid():
        submit = SAVE_AND_SUBMIT in request.POST
        _flag(report, values)
        report.record_entry(request.user, scope.filing_on_behalf_from(unit))
        created, _changed = values.changes(report, existing={})

        def write():
            form.save()
            values.write(created, [])
            upload.save(report, request.user)

        try:
            if submit:  # in the step's own transaction
                workflow.submission_submit(
                    report,
                    user=request.user,
                    scope=scope,
                    items=created,
                    attachments=upload.names(report),  # a new report has no other file
                    save=write,
                )
            else:
                with transaction.atomic():
                    write()
        except ValidationError as error:
            # The submit was refused (a figure missing): nothing was written.
            report.pk, report._state.adding = None, True
            _refuse_submit(form, values, error)
        except IntegrityError:
            report.pk, report._state.adding = None, True
            theirs = AnnualReport.objects.filter(unit=unit, campaign=campaign, year=year).first()
            if theirs is None:
                raise
            if _sent_before(theirs, form, values, request.user):
                # This very form sent a second time (a second tap, a reload): it made the
                # report. Found on this path only: the deadline's request pays nothing.
                messages.info(request, once.ALREADY_SENT)
                return redirect(theirs)
            started_by_you = theirs.entered_by_id == request.user.pk
            form.add_error(
                None,
                _(
                    "You started this report a moment ago, in another window or tab. Open "
                    "it and add your changes there; what you typed here is still below."
                )
                if started_by_you
                else _(
                    "Someone else has just started this report. Open it and add your "
                    "changes there; what you typed is still below."
                ),
            )
            return _render_form(request, report, form, values, area, upload, theirs=theirs)
        else:
            messages.success(request, DONE[Action.SUBMIT] if submit else _SAVED_AS_DRAFT)
            _warn_flags(request, report, submitted=submit)
            return redirect(report)
    elif request.method == "POST" and SAVE_AND_SUBMIT in request.POST:
        _mark_unfilled(form, values)
    return _render_form(request, report, form, values, area, upload)


def _sent_before(theirs, form, values, user) -> bool:
    """Whether `theirs`, the report that exists, is what this form made when `user` sent it
    before: entered by them, with the same texts and figures."""
    if theirs.entered_by_id != user.pk:
        return False
    if any(getattr(theirs, name) != form.cleaned_data.get(name) for name in form.Meta.fields):
        return False
    stored = {value.indicator_id: value for value in theirs.values.all()}
    for indicator in values.indicators:
        typed = values.cleaned_data.get(values.field_name(indicator))
        value = stored.get(indicator.pk)
        if indicator.kind == Indicator.Kind.INTEGER:
            held = value.int_value if value else None
        else:
            held, typed = (value.text_value if value else ""), typed or ""
        if held != typed:
            return False
    return True


def _campaign_and_period(campaign_pk, year):
    """The campaign, with its issuer (`Campaign.addresses` reads it), and its period for
    `year`: one query once the period exists. Raises Http404 for no such campaign and
    ValidationError for a year it does not run (`Period.objects.for_year`) or whose
    figures have not begun (none is written for it then)."""
    today = timezone.localdate()
    try:
        period = Period.objects.select_related("campaign__issuer").get(
            campaign_id=campaign_pk, year=year
        )
    except Period.DoesNotExist:
        period = None
    if period is not None and period.campaign.runs_in(year):
        if period.starts_on > today:
            raise ValidationError(_not_begun(year))
        return period.campaign, period
    campaign = get_object_or_404(Campaign.objects.select_related("issuer"), pk=campaign_pk)
    if campaign.runs_in(year) and Period.defaults(campaign, year)["starts_on"] > today:
        # Next year's figures have not begun: an address typed for it wrote its period, and
        # every trend then showed an empty year.
        raise ValidationError(_not_begun(year))
    return campaign, Period.objects.for_year(campaign, year)


def _not_begun(year):
    return _("%(year)s has not begun: there is no report for it yet.") % {"year": year}


@require_safe
@login_required
def report_detail(request, pk):
    return _render_detail(request, Scope.for_request(request), pk)


@require_form
@login_required
def report_edit(request, pk):
    """Edit a draft or returned report; an outdated save is refused with the input kept."""
    scope = Scope.for_request(request)
    report = scope.get(reports(), FILE, pk=pk)
    if not report.is_editable and request.method != "POST":
        messages.error(request, _not_editable_message(report))
        return redirect(report)
    form, values, area = _report_forms(request, report)
    upload = _upload_form(request)
    if request.method == "POST":
        valid = form.is_valid() & values.is_valid() & upload.is_valid()
        # The page's token is recorded with its save: this page was saved (or submitted)
        # before, by a second tap or a retry after a lost answer.
        sent_before = valid and once.sent_before(request) is not None
        if sent_before and _sent_before(
            AnnualReport.objects.get(pk=report.pk), form, values, request.user
        ):
            messages.info(request, once.ALREADY_SENT)
            return redirect(report)
        if not report.is_editable:
            form.add_error(None, _not_editable_message(report) + " " + _KEPT)
        elif sent_before:
            # Sent again with other words: its version is outdated, as any page's.
            _refuse_stale_save(form, report)
        elif valid:
            expected = form.cleaned_data.get("version") or 0
            submit = SAVE_AND_SUBMIT in request.POST
            _flag(form.instance, values)

            def save():
                with transaction.atomic():
                    edited = form.save(commit=False)
                    edited.record_entry(request.user, scope.filing_on_behalf_from(report.unit))
                    workflow.save_if_unchanged(
                        edited,
                        expected_version=expected,
                        fields=[*NARRATIVE, "flags", *AnnualReport.ENTRY_FIELDS],
                    )
                    # Read with the form: any save since bumped the version checked above.
                    created, _changed = values.save(report, existing=values.existing)
                    upload.save(report, request.user)
                    if submit:
                        workflow.submission_submit(
                            report,
                            user=request.user,
                            scope=scope,
                            items=values.values_after(created),
                            locked=True,
                        )
                return report.get_absolute_url()

            try:
                _url, made = once.save_once(request, save)
            except workflow.ConflictError:
                _refuse_stale_save(form, report)
            except ValidationError as error:
                _refuse_submit(form, values, error)
            else:
                if made:
                    messages.success(request, DONE[Action.SUBMIT] if submit else _CHANGES_SAVED)
                    _warn_flags(request, report, submitted=submit)
                else:
                    messages.info(request, once.ALREADY_SENT)
                return redirect(report)
        elif SAVE_AND_SUBMIT in request.POST:
            _mark_unfilled(form, values)
    return _render_form(request, report, form, values, area, upload)


@login_required
@require_POST
def report_action(request, pk, action):
    scope = Scope.for_request(request)
    report = scope.get(reports(), SEE, pk=pk)
    return act_on(
        request,
        report,
        action,
        DONE,
        lambda reason_form: _render_detail(request, scope, pk, reason_form, status=400),
    )


@require_safe
@login_required
def report_queue(request):
    """Annual reports waiting for the reviewer, filtered and paginated."""
    return render_queue(request, reports(), ReportQueueFilter, "campaign/report_queue.html")


@require_safe
@login_required
def report_queue_excel(request):
    """The reviewer's queue of annual reports as the page lists it, every page of it, as an
    .xlsx."""
    return queue_download(request, reports(), ReportQueueFilter)


# --- helpers ----------------------------------------------------------------------------------
# The name of the form's "Save and submit" button: the save and the submit step then run in
# one transaction, so the report is either saved and submitted, or left as it was.
SAVE_AND_SUBMIT = "save_and_submit"
_SAVED_AS_DRAFT = gettext_lazy("The annual report was saved as a draft.")
_CHANGES_SAVED = gettext_lazy("Your changes were saved.")
_KEPT = gettext_lazy("Your changes were not saved; what you typed is still below.")
_NOT_SUBMITTED = gettext_lazy(
    "The report was neither saved nor submitted; what you typed is still below."
)
_FILL_IN_TO_SUBMIT = gettext_lazy("Fill this in to submit the report.")
_CONFLICT = gettext_lazy(
    "Someone else saved this report after you opened it, so your changes were not saved. "
    "What you typed is still below: open the report in a new tab to see the other changes, "
    "then save again here or copy your text over."
)


def _refuse_stale_save(form, report):
    """Explain a refused save; the form keeps what the user typed.

    While the report is still editable, the form now carries the current version, so saving
    again (after a look at the other person's changes) is a deliberate overwrite. A report
    submitted or locked meanwhile says so instead: saving again would only fail again.
    """
    current = reports().get(pk=report.pk)
    if current.is_editable:
        form.data = form.data.copy()
        form.data["version"] = str(current.version)
        form.add_error(None, _CONFLICT)
    else:
        form.add_error(None, _not_editable_message(current) + " " + _KEPT)


def _refuse_submit(form, values, error):
    """Explain why "Save and submit" was refused; nothing was written, the input is kept.

    What is left blank is marked at its input too: the message at the top names it, but on
    a phone the inputs are screens below it, and the focus goes to the first one."""
    for message in error.messages:
        form.add_error(None, message)
    form.add_error(None, _NOT_SUBMITTED)
    _mark_unfilled(form, values)


def _mark_unfilled(form, values):
    """Mark at its input everything left blank that a submission needs (the results, the
    self-assessment, each whole-number figure), but an input already refused for what was
    typed in it. Called after the forms were validated, whether or not they were valid: a
    submit refused for a figure typed wrong names the gaps too, not in a second round."""
    for name in AnnualReport.TO_SUBMIT:
        if not form.has_error(name) and not str(form.cleaned_data.get(name) or "").strip():
            form.add_error(name, AnnualReport.TO_SUBMIT[name])
    for indicator in values.indicators:
        name = values.field_name(indicator)
        if (
            indicator.kind == Indicator.Kind.INTEGER
            and not values.has_error(name)
            and values.cleaned_data.get(name) is None
        ):
            values.add_error(name, _FILL_IN_TO_SUBMIT)


def _not_editable_message(report):
    if report.status in (Status.DRAFT, Status.RETURNED) and not report.filing_open():
        return _("Reports for %(year)s locked after %(date)s; only a reviewer can reopen it.") % {
            "year": report.year,
            "date": report.period.locks_on.strftime("%d/%m/%Y"),
        }
    return _("This report is “%(status)s” and cannot be changed.") % {
        "status": report.get_status_display()
    }


def _report_forms(request, report):
    """The narrative form, the figures form and, for an upper unit, its area below.

    The area below is shown beside the form, read-only: the unit types its own figures
    only, and the totals of its area are computed wherever they are read.
    """
    data = request.POST if request.method == "POST" else None
    indicators = measures.indicators(report.campaign)
    values = {v.indicator_id: v for v in report.values.all()} if report.pk else {}
    area = None
    if report.unit.numchild:
        # The units below it at the year's cut-off: one moved out since has left the
        # reader's scope, and its report is no longer theirs to open.
        scope = Scope.for_request(request)
        area = area_below(
            report.unit,
            report.campaign,
            report.year,
            report.period,
            indicators,
            may_open=scope.can_see,
        )
        area.rows = [
            (indicator, area.totals[indicator.pk])
            for indicator in indicators
            if indicator.pk in area.totals
        ]
    return (
        ReportForm(data, instance=report),
        ValuesForm(
            data,
            indicators=[
                i for i in indicators if not i.is_computed(report.campaign.addressed_kinds)
            ],
            values=values,
        ),
        area,
    )


def _upload_form(request):
    """The optional scan of the paper report, bound on any POST."""
    if request.method == "POST":
        return AttachmentForm(request.POST, request.FILES, label=REPORT_SCAN_LABEL)
    return AttachmentForm(label=REPORT_SCAN_LABEL)


def _render_form(request, report, form, values, area, upload, theirs=None):
    """`theirs`: the report someone else started while this one was typed, linked."""
    upload.list_attached(report.attachments.all() if report.pk else ())
    # The unit's own figures of last year under each input (with those of the units merged
    # into it since): the column a spreadsheet kept to the left, and what the plausibility
    # rules compare with. Fixed queries, none in the campaign's first year; the deadline's
    # successful POST never draws the form.
    last_year = plausibility.last_year_values(report)
    return render(
        request,
        "campaign/report_form.html",
        {
            "report": report,
            "figure_rows": [
                (indicator, field, shown, _with_unit(last_year.get(indicator.code), indicator))
                for indicator, field, shown in values.rows()
            ],
            # What last year's figures are made of, after a merger (campaign.plausibility).
            "last_year_combined": last_year.combined,
            "last_year_notes": last_year.notes(report.year - 1),
            "theirs": theirs,
            "upload": upload,
            "on_behalf_from": Scope.for_request(request).filing_on_behalf_from(report.unit),
            "unit_name": report.unit_name_then(),
            "form": form,
            "values": values,
            "area": area,
            "returned": return_step(report),
            "flag_texts": [
                plausibility.describe(flag, {i.code: i.name for i in values.indicators})
                for flag in report.flags
            ],
        },
    )


def _with_unit(figure, indicator) -> str:
    """A figure as the form shows it, grouped as Vietnamese write it and with its unit
    ("1.250 lượt người"); "" for none."""
    if figure is None:
        return ""
    return f"{number_format(figure, force_grouping=True)} {indicator.unit_of_measure}".strip()


def _flag(report, values):
    """Check the typed figures against the campaign's plausibility rules (two queries): the
    flags are saved with the report, and it cannot be submitted with flags unexplained."""
    report.flags = plausibility.flags_for(
        report, values.whole_numbers(), plausibility.last_year_values(report)
    )


def _warn_flags(request, report, submitted):
    """Warn of the flags of a saved draft. A submitted report's flags are explained (it
    cannot be submitted otherwise), and the page shows them with the explanation: a warning
    beside "submitted" would read as if the submission had failed."""
    if report.flags and not submitted:
        names = {i.code: i.name for i in measures.indicators(report.campaign)}
        messages.warning(
            request,
            _("Check these figures: %(flags)s")
            % {"flags": " ".join(plausibility.describe(flag, names) for flag in report.flags)},
        )


def _render_detail(request, scope, pk, reason_form=None, status=200):
    """The report with its figures beside the unit's own of last year, its flags, timeline
    and changes since a return, and for a reviewer of its unit the next report waiting for
    them: fixed queries."""
    report = scope.get(reports().prefetch_related("values", "attachments"), SEE, pk=pk)
    steps = list(
        report.steps.with_unit_then().select_related("actor", "actor_unit").order_by("at", "pk")
    )
    indicators = list(report.campaign.indicators.all())
    by_indicator = {value.indicator_id: value for value in report.values.all()}
    last_year = plausibility.last_year_values(report)
    names = {indicator.code: indicator.name for indicator in indicators}
    can_edit = report.is_editable and scope.can_file_for(report.unit)
    # The scan of a paper report is asked for when typing it in on a unit's behalf; a unit's
    # own officer is not shown an empty section about it.
    on_behalf = can_edit and scope.files_on_behalf(report.unit)
    # With its unit (a draft, or returned) after the lock date: only a reviewer's reopening
    # gives it back, and the officer is told so rather than left without a button.
    actions = workflow.allowed_actions(report, scope)
    changes = workflow.changes_since_return(report, steps)
    locked_out = (
        report.status in (Status.DRAFT, Status.RETURNED)
        and not report.filing_open()
        and scope.can_file_for(report.unit)
    )
    reviewing = scope.can_review(report.unit)
    queue = kept_list_query(request, "campaign:report_queue")
    return render(
        request,
        "campaign/report_detail.html",
        {
            "report": report,
            # For a reviewer of the unit, the report their queue lists first now, other than
            # this one (one query): once this one is accepted or returned, the page leads on,
            # in this campaign, through the queue as they filtered and sorted it.
            "reviewing": reviewing,
            "next_waiting": queues.next_waiting(report, scope, queue) if reviewing else None,
            "queue_narrowed": queues.narrowed(queue),
            "locked_out": locked_out,
            "on_behalf": on_behalf,
            "unit_name": report.unit_name_then(),
            # No year before the campaign's first to compare with (campaign.plausibility).
            "previous_year": report.year - 1 if report.year > report.campaign.first_year else None,
            # What that year's figures are made of, after a merger (campaign.plausibility).
            "last_year_notes": last_year.notes(report.year - 1),
            "figures": [
                (indicator, by_indicator.get(indicator.pk), last_year.get(indicator.code))
                for indicator in indicators
                if not indicator.is_computed(report.campaign.addressed_kinds)
            ],
            "flags": [plausibility.describe(flag, names) for flag in report.flags],
            "flagged_codes": {flag["indicator"] for flag in report.flags},
            "steps": steps,
            "changes": _labelled(changes, indicators),
            "reopened": changes is not None and changes["since"] == Action.REOPEN,
            "actions": actions,
            "closing": workflow.closing(report, steps, scope.today),
            "can_edit": can_edit,
            "reason_form": reason_form or ReasonForm(),
            "kept_reason": kept_reason(reason_form, actions),
            "returned": return_step(report, steps),
            "fix_url": reverse("campaign:report_edit", args=[report.pk]) if can_edit else "",
            "print_url": reverse("campaign:report_print", args=[report.pk]),
            "pdf_url": reverse("campaign:report_pdf", args=[report.pk]),
        },
        status=status,
    )


def _labelled(changes, indicators):
    """The diff with labels: narrative fields by name, figures by indicator name."""
    if changes is None:
        return None
    labels = {name: AnnualReport._meta.get_field(name).verbose_name for name in NARRATIVE}
    labels["attachments"] = _("Attachments")
    names = {indicator.code: indicator.name for indicator in indicators}
    # The snapshots keep figures as typed digits ("1250"): shown as the page shows them.
    whole = [i for i in indicators if i.kind == Indicator.Kind.INTEGER]
    codes, whole_names = {i.code for i in whole}, {i.name for i in whole}
    rows = [(labels.get(name, name), old, new) for name, old, new in changes["fields"]]
    for code, item_changes in changes["changed"]:
        shown = grouped if code in codes else str
        rows += [
            (names.get(code, code), shown(old), shown(new))
            for key, old, new in item_changes
            if key == "value"
        ]
    # A figure first filled in, or cleared, after the return (its snapshot names it).
    for items, before in ((changes["added"], False), (changes["removed"], True)):
        for item in items:
            if item["value"]:
                value = grouped(item["value"]) if item["name"] in whole_names else item["value"]
                rows.append((item["name"], value, "") if before else (item["name"], "", value))
    return rows
