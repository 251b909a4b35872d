"""The reviewers' pages about reminders: the units of their scope that have not submitted
(with the reminders each had), reminding some of them by hand (asking first when a unit was
already reminded that day), the printable reminder letter, and the log of what was sent.
The schedule and the sending live in campaign.reminders, the letter in
campaign.reminder_letter."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Least
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign import notifications, reminder_letter
from campaign.downloads import protect_download
from campaign.forms import ShownAtField
from campaign.models import AnnualReport, Campaign, Period, Reminder
from campaign.periods import report_year
from campaign.reminders import (
    LOG_PAGE_SIZE,
    What,
    cutoff,
    document_year,
    due_date,
    outstanding_units,
    parent_name_on,
    reminded_on,
    send_manual_reminders,
    step_label,
)
from config import pdf_sandbox
from config.http import require_form, require_POST, require_safe
from units.access import SEE, Scope, parse_pk
from units.models import Membership


class Selection:
    """The campaign, document and year a reviewer looks at, from GET or POST data.

    On a GET anything missing or invalid falls back to a default; a POST must name exactly
    what the page showed, so an invalid value is an error rather than another year.
    """

    def __init__(self, data, today, strict=False):
        self.errors = []
        self.campaigns = list(Campaign.objects.select_related("issuer").order_by("-issued_on"))
        self.campaign = next(
            (c for c in self.campaigns if str(c.pk) == data.get("campaign")),
            None,
        )
        self.today = today
        if self.campaign is None:
            if strict:
                raise Http404
            if not self.campaigns:
                return  # nothing to list yet
            self.campaign = self.campaigns[0]
        # Reports of a campaign whose first year is after next are not asked for yet (there
        # is no period to be late for): only its plan can be chased.
        self.years = [year for year in self.campaign.years_so_far(today) if year <= today.year + 1]
        last = self.years[0] if self.years else self.campaign.first_year
        # The report being written now: last year's until its lock date in January.
        current = min(max(report_year(self.campaign, today), self.campaign.first_year), last)
        self.what = data.get("what")
        if self.what not in What.values or (self.what == What.REPORT and not self.years):
            if strict:
                raise Http404
            self.what = self._due_next(current) if self.years else What.PLAN
        try:
            year = int(data.get("year", ""))
        except ValueError:
            year = None
        if self.what == What.PLAN:
            self.year = self.campaign.plan_due_on.year
        elif year in self.years:
            self.year = year
        elif strict:
            raise Http404
        else:
            self.year = current
        self.due_on = due_date(self.campaign, self.what, self.year)

    def _due_next(self, year):
        """The document a reviewer chases first: the one due next, or, when both are past,
        the one due last (this year's report in December, not the plan of 2015)."""
        dues = {
            What.PLAN: self.campaign.plan_due_on,
            What.REPORT: due_date(self.campaign, What.REPORT, year),
        }
        upcoming = [what for what, due in dues.items() if due >= self.today]
        if upcoming:
            return min(upcoming, key=dues.get)
        return max(dues, key=dues.get)

    def query(self):
        return urlencode({"campaign": self.campaign.pk, "what": self.what, "year": self.year})


def _listed_units(selection, scope):
    """The units the list shows: those the reviewer reviews that have not submitted."""
    return outstanding_units(
        selection.campaign, selection.what, selection.year, selection.today
    ).filter(scope.review_condition())


def _outstanding_rows(selection, scope):
    """The units the reviewer reviews that have not submitted, with their reminders so far.

    One query whatever the number of units.
    """
    campaign, what, year = selection.campaign, selection.what, selection.year
    # Reminders that reached somebody: old rows with no recipient were never sent (the log
    # leaves them out too).
    mine = Q(
        reminders__campaign=campaign,
        reminders__what=what,
        reminders__year=year,
        reminders__recipients__gt=0,
    )
    # Every active officer receives a reminder (in the portal; by e-mail too with an
    # address): nobody to receive it means no active officer at all (campaign.reminders).
    officers = (
        Membership.objects.filter(
            unit=OuterRef("pk"), role=Membership.Role.OFFICER, user__is_active=True
        )
        .order_by()
        .values("unit")
        .annotate(count=Count("pk"), without_email=Count("pk", filter=Q(user__email="")))
    )
    # Where each unit stands in the year's tree, today's for the current year (after a
    # reorganisation a reviewer needs to know which commune union a grassroots union is
    # under now); a past year's, at its cut-off.
    on = cutoff(campaign, what, year)
    on = min(on, selection.today) if what == What.PLAN else Least(on, Value(selection.today))
    rows = (
        _listed_units(selection, scope)
        .annotate(
            parent_name=parent_name_on(on),
            reminder_count=Count("reminders", filter=mine),
            last_reminded_at=Max("reminders__sent_at", filter=mine),
            officer_count=Coalesce(Subquery(officers.values("count")), Value(0)),
            without_email=Coalesce(Subquery(officers.values("without_email")), Value(0)),
        )
        .order_by("path")
    )
    if what == What.REPORT:
        # A unit with no report at all can have a draft opened for it after the lock date
        # (campaign.open_late).
        rows = rows.annotate(
            has_report=Exists(
                AnnualReport.objects.filter(unit=OuterRef("pk"), campaign=campaign, year=year)
            )
        )
    return rows


def _render_list(request, scope, selection, selected=(), status=200):
    if selection.campaign is None:
        return render(request, "campaign/reminders/late_units.html", {"selection": selection})
    rows = list(_outstanding_rows(selection, scope))
    _count_receivers_above(rows, selection.today)
    period = _locked_period(selection)
    # What "remind every unit" does: a unit with nobody to receive a reminder (by the
    # recipients' rule, campaign.notifications.filers, counted above) is skipped.
    unreachable = [row for row in rows if not row.officer_count]
    return render(
        request,
        "campaign/reminders/late_units.html",
        {
            "selection": selection,
            "rows": rows,
            "can_open_late": period is not None,
            "locks_on": period.locks_on if period else None,
            "selected": set(selected),
            "reachable_count": len(rows) - len(unreachable),
            "unreachable": unreachable,
            "unreachable_names": ", ".join(row.name for row in unreachable),
            "days_late": (selection.today - selection.due_on).days,
        },
        status=status,
    )


def _count_receivers_above(rows, today):
    """A unit with no officer of its own, whose work is filed on behalf, is reminded through
    the officers above who file for it (campaign.notifications.filers): count those for it
    and mark it `on_behalf`. Two queries when the list holds any such unit, else none."""
    orphans = [row for row in rows if not row.officer_count]
    if not orphans:
        return
    found = notifications.filers(orphans, today)
    for row in orphans:
        users = found.get(row.pk, [])
        row.officer_count = len(users)
        row.without_email = sum(1 for user in users if not user.email)
        row.on_behalf = bool(users)


def _locked_period(selection):
    """The period of the annual reports listed when it is locked (a draft can then be
    opened for a unit that never started its report), else None."""
    if selection.what != What.REPORT:
        return None
    period = Period.objects.filter(campaign=selection.campaign, year=selection.year).first()
    if period is None:
        period = Period(**Period.defaults(selection.campaign, selection.year))
    return period if period.is_locked_on(selection.today) else None


def _reviewer_scope(request):
    scope = Scope.for_request(request)
    if not scope.is_reviewer:
        raise PermissionDenied
    return scope


@require_safe
@login_required
def late_units(request):
    """The units a reviewer reviews that have not submitted, to remind some of them."""
    scope = _reviewer_scope(request)
    selection = Selection(request.GET, timezone.localdate())
    return _render_list(request, scope, selection)


@login_required
@require_POST
def remind_units(request):
    """Remind the selected units by hand, then go back to the list.

    `every=yes` reminds every unit the list shows. A unit the reviewer does not review is
    a 404 (its existence is not revealed); one that
    has submitted meanwhile, or is not expected to file, is refused with the reason. A unit
    already reminded today is reminded again only once the reviewer confirms it
    (`again=yes`, from the confirmation page). A unit with nobody to receive a reminder is
    skipped and named, never logged as reminded.
    """
    scope = _reviewer_scope(request)
    selection = Selection(request.POST, timezone.localdate(), strict=True)
    if request.POST.get("every") == "yes" and selection.campaign is not None:
        # Every unit listed, in one tap rather than a tick per unit on a phone.
        ids = set(_listed_units(selection, scope).values_list("pk", flat=True))
    else:
        ids = _selected_ids(request.POST)
    if not ids:
        selection.errors.append(_("Select at least one unit to remind."))
        return _render_list(request, scope, selection, status=400)
    reviewed = set(scope.reviewed_units().filter(pk__in=ids).values_list("pk", flat=True))
    if reviewed != ids:
        raise Http404
    campaign, what, year = selection.campaign, selection.what, selection.year
    late = list(outstanding_units(campaign, what, year, selection.today).filter(pk__in=ids))
    if len(late) != len(ids):
        # Read through the scope, so that no unit outside it is ever named here, whatever
        # was checked above.
        refused = (
            scope.reviewed_units().filter(pk__in=ids - {unit.pk for unit in late}).order_by("path")
        )
        selection.errors.append(
            _(
                "These units have already submitted or are not asked to file, so they "
                "were not reminded: %(units)s. Nothing was sent; check the list again."
            )
            % {"units": ", ".join(str(unit) for unit in refused)}
        )
        return _render_list(request, scope, selection, selected=ids, status=400)
    today_counts = reminded_on(late, campaign, what, year, selection.today)
    if today_counts and request.POST.get("again") != "yes":
        # The page counts only the units someone can receive a reminder at, as the list's
        # button did: the others are skipped whatever the reviewer chooses, and are named.
        # When none of those was reminded today (the ones that were have lost their
        # officers since), there is nothing to ask: sending names who was left out.
        filers = notifications.filers(late, selection.today)
        reachable = [unit for unit in late if unit.pk in filers]
        again = [unit for unit in reachable if unit.pk in today_counts]
        if again:
            return render(
                request,
                "campaign/reminders/confirm_again.html",
                {
                    "selection": selection,
                    "units": reachable,
                    "unreachable": [unit for unit in late if unit.pk not in filers],
                    "again": again,
                    # Those not reminded yet today: sending to them alone needs no second
                    # thought.
                    "fresh": [unit for unit in reachable if unit.pk not in today_counts],
                    # When the page asked: its confirmation sent twice reminds once.
                    "asked": ShownAtField.of(timezone.now()),
                },
            )
    if request.POST.get("again") == "yes":
        # The units this reviewer reminded since the confirmation page asked were reminded
        # by this very confirmation, sent before (a retry after a lost answer, a second
        # tap once the button is free again): the page asked about one more reminder.
        sent = _reminded_since(request, late, selection)
        if sent:
            messages.info(request, _("These reminders were already sent: none was sent twice."))
            late = [unit for unit in late if unit.pk not in sent]
            if not late:
                return redirect(f"{reverse('campaign:late_units')}?{selection.query()}")
    reminders, unreachable, meanwhile = send_manual_reminders(
        late,
        campaign,
        what,
        year,
        request.user,
        selection.today,
        unless_reminded_today=request.POST.get("again") != "yes",
    )
    if meanwhile:
        messages.info(
            request,
            _(
                "Someone else reminded these units a moment ago, so they were not reminded "
                "again: %(units)s."
            )
            % {"units": ", ".join(str(unit) for unit in meanwhile)},
        )
    if reminders:
        messages.success(
            request,
            ngettext(
                "A reminder was sent to %(count)d unit.",
                "Reminders were sent to %(count)d units.",
                len(reminders),
            )
            % {"count": len(reminders)},
        )
    if unreachable:
        messages.warning(
            request,
            _(
                "Nobody to receive a reminder (no active officer in the portal), so "
                "nothing was sent to: %(units)s. Contact them another way, or print the "
                "reminder letter."
            )
            % {"units": ", ".join(str(unit) for unit in unreachable)},
        )
    return redirect(f"{reverse('campaign:late_units')}?{selection.query()}")


@require_form
@login_required
def reminder_letter_pdf(request):
    """The reminder letter (công văn đôn đốc) as a PDF, to the selected late units, or to
    every late unit the reviewer reviews when none is selected.

    A draft to print and sign: the office fills in the number from its register. The list
    page posts its selection here (with its CSRF token, which must not travel in a URL);
    a GET with the same fields works too. Nothing is changed either way.
    """
    scope = _reviewer_scope(request)
    data = request.POST if request.method == "POST" else request.GET
    selection = Selection(data, timezone.localdate(), strict=True)
    ids = _selected_ids(data)
    late = _outstanding_rows(selection, scope)
    if ids:
        late = late.filter(pk__in=ids)
    units = list(late)
    if not units or (ids and len(units) != len(ids)):
        messages.error(
            request,
            _(
                "The letter lists units you review that have not submitted; none of the "
                "units asked for is one of them any more. Check the list again."
            ),
        )
        return redirect(f"{reverse('campaign:late_units')}?{selection.query()}")
    issuer = reminder_letter.issuing_unit(scope)
    html = reminder_letter.render_html(
        issuer=issuer,
        units=units,
        campaign=selection.campaign,
        what=selection.what,
        year=selection.year,
        due_on=selection.due_on,
        today=selection.today,
    )
    try:
        content = pdf_sandbox.run_isolated(
            pdf_sandbox.html_to_pdf, html, timeout=pdf_sandbox.PREVIEW_TIMEOUT
        )
    except pdf_sandbox.RenderError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('campaign:late_units')}?{selection.query()}")
    response = HttpResponse(content, content_type="application/pdf")
    # The name speaks the office's language, as the letter does.
    owed = {What.PLAN: "ke-hoach", What.REPORT: "bao-cao"}[selection.what]
    name = f"cong-van-don-doc-{owed}-{selection.year}-{selection.today:%Y%m%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return protect_download(response)


def _reminded_since(request, units, selection) -> set[int]:
    """The ids of `units` the user reminded by hand about the selection's document since
    the confirmation page asked (its `asked` field); none without the field (a page drawn
    before it existed) or with a damaged one."""
    try:
        asked = ShownAtField().clean(request.POST.get("asked", ""))
    except ValidationError:
        return set()
    if asked is None:
        return set()
    return set(
        Reminder.objects.filter(
            unit__in=units,
            campaign=selection.campaign,
            what=selection.what,
            year=document_year(selection.campaign, selection.what, selection.year),
            manual=True,
            sent_by=request.user,
            sent_at__gte=asked,
        ).values_list("unit_id", flat=True)
    )


def _selected_ids(data):
    ids = {parse_pk(value) for value in data.getlist("units")}
    if None in ids:
        raise Http404
    return ids


@require_safe
@login_required
def reminder_log(request):
    """Reminders sent to the units the user may see, newest first."""
    scope = Scope.for_request(request)
    reminders = scope.filter(
        # Before units with nobody to receive one were skipped, such reminders were logged
        # with no recipient: they were never sent, so they are not listed.
        Reminder.objects.filter(recipients__gt=0).select_related("unit", "campaign", "sent_by"),
        SEE,
    ).order_by("-sent_at", "-pk")
    page = Paginator(reminders, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    for reminder in page:
        reminder.step_label = step_label(reminder.step)
    return render(request, "campaign/reminders/log.html", {"page": page, "scope": scope})


urlpatterns = [
    path("reminders/", late_units, name="late_units"),
    path("reminders/send/", remind_units, name="remind_units"),
    path("reminders/log/", reminder_log, name="reminder_log"),
    path("reminders/letter/", reminder_letter_pdf, name="reminder_letter"),
]
