"""Opening an annual report after the lock date for a unit that never started one.

Once its period is locked a unit can no longer start its report, and a reviewer can only
reopen a report that exists. A reviewer of the unit may therefore open a draft for it: the
draft is marked reopened now (`AnnualReport.filing_open` treats a report reopened after the
lock date as open), the history records who opened it, those who file it are told (a notice
and an e-mail), and from then on it is filed through the normal workflow by the unit's
officers or, when it has none, by the officers above it (filing on behalf, units.access).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from campaign import counting, workflow
from campaign.models import AnnualReport, Campaign, Period
from campaign.periods import begun_period
from config.http import require_POST
from units.access import SEE, Scope
from units.models import Unit


def report_open_late(
    *, campaign: Campaign, unit: Unit, year: int, user, scope: Scope
) -> tuple[AnnualReport, bool]:
    """Open a draft report of `unit` for `year` after its lock date, and record the step.

    Returns (report, created): when the unit has a report already, that one, untouched.
    Raises PermissionDenied when `user` does not review `unit`, ValidationError (with a
    message for the reviewer) when the year has not begun or is not locked yet, or the unit
    has closed.
    """
    if not scope.can_review(unit):
        raise PermissionDenied
    period = begun_period(campaign, year)  # next year's, before it begins: no period made
    if not period.is_locked_on(scope.today):
        raise ValidationError(
            _(
                "Reports for %(year)s lock on %(date)s: until then the unit starts its report "
                "itself."
            )
            % {"year": year, "date": period.locks_on.strftime("%d/%m/%Y")}
        )
    if not counting.expects(campaign, period, unit):
        # Opened later, closed before, or not in the campaign's area then (on the year's
        # tree, as its totals count it): nothing was due from it.
        raise ValidationError(counting.not_expected_message(campaign, period, unit))
    if not unit.is_open_on(scope.today):
        raise ValidationError(
            _("%(unit)s has closed: nothing more is filed for it.") % {"unit": unit}
        )
    existing = AnnualReport.objects.filter(unit=unit, campaign=campaign, year=year).first()
    if existing:
        return existing, False
    try:
        report = AnnualReport(unit=unit, campaign=campaign, year=year, period=period)
        workflow.open_late(report, user=user, scope=scope)
    except IntegrityError:
        # Opened by someone else a moment ago (or a second click of the same button).
        existing = AnnualReport.objects.filter(unit=unit, campaign=campaign, year=year).first()
        if existing is None:
            raise
        return existing, False
    return report, True


@login_required
@require_POST
def report_open_late_view(request, campaign_pk, unit_pk, year):
    """A reviewer opens a draft for a unit of their scope that has no report of a locked
    year; a unit outside what they see is a 404, one they see but do not review a 403."""
    scope = Scope.for_request(request)
    unit = scope.get_unit(SEE, pk=unit_pk)
    if not scope.can_review(unit):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign.objects.select_related("issuer"), pk=campaign_pk)
    if not (campaign.addresses(unit) or _owed_then(campaign, unit, year)):
        raise Http404
    back = (
        reverse("campaign:late_units")
        + "?"
        + urlencode({"campaign": campaign.pk, "what": "report", "year": year})
    )
    try:
        report, created = report_open_late(
            campaign=campaign, unit=unit, year=year, user=request.user, scope=scope
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    if created:
        messages.success(
            request,
            _(
                "The %(year)s report of %(unit)s was opened as a draft after the lock date. "
                "Its officers, or the officers above it when it has none, can now file it."
            )
            % {"year": year, "unit": unit},
        )
    else:
        messages.info(
            request,
            _("%(unit)s already has a %(year)s report: here it is.") % {"unit": unit, "year": year},
        )
    return redirect(report)


def _owed_then(campaign: Campaign, unit: Unit, year: int) -> bool:
    """Whether `unit`, which `campaign` no longer addresses, owed it the report of `year`
    (moved out of its area since: campaign.counting, on that year's tree; a period not
    written yet has the dates it will be written with). Two queries."""
    if not campaign.runs_in(year):
        return False
    period = Period.objects.filter(campaign=campaign, year=year).first()
    return counting.expects(campaign, period or Period(**Period.defaults(campaign, year)), unit)
