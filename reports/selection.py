"""What the dashboard and its Excel export are asked about: campaign, year and unit, read
from the query string by the same rules for both."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from campaign.models import Campaign, Period
from campaign.periods import report_year
from config.http import Explained404
from units.access import Scope, parse_pk
from units.models import Membership, Unit

Role = Membership.Role
YEAR = re.compile(r"[0-9]{4}")


def int_or_none(value: object) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def offered_years(campaign: Campaign) -> list[int]:
    """The years the dashboard offers, newest first: the campaign's years up to this one."""
    return campaign.years_so_far()


def asked_year(request: HttpRequest) -> int | None:
    """The year asked for by `?year=`, None when none is; a 404 that says so for one that
    is not a year at all (a typed address: the page's list offers only years)."""
    asked = request.GET.get("year", "")
    if asked and not YEAR.fullmatch(asked):
        # int() would read "２０２５" or " 2025" as 2025, and a word as the default year.
        raise Explained404(
            _("“%(value)s” is not a year: pick one from the list.") % {"value": asked[:20]}
        )
    return int(asked) if asked else None


def year_refusal(campaign: Campaign, year: int) -> str | None:
    """Why the dashboard offers nothing for `year` of `campaign` (outside the campaign, or
    still to come: no period is made for it), or None when it offers the year."""
    if year in offered_years(campaign):
        return None
    if campaign.runs_in(year):
        return _("%(year)s has not begun: there is nothing to sum up yet.") % {"year": year}
    return campaign.not_running_message(year)


def refuse_year(campaign: Campaign, year: int) -> None:
    """Raise ValidationError with `year_refusal`'s words for a year the dashboard offers
    nothing for: a page of another kind (a summary's) refuses it alike, before the rollup
    would write that year's period and count it as a page of zeros. No query."""
    refusal = year_refusal(campaign, year)
    if refusal:
        raise ValidationError(refusal, code="year_not_offered")


def default_year(campaign: Campaign) -> int:
    """The year being reported on, which the dashboard opens on. No query."""
    return report_year(campaign, from_rules=True)


def selected_year(request: HttpRequest, campaign: Campaign) -> int:
    """The year asked for by `?year=`, else the year being reported on; a 404 that says why
    for a year not offered (`year_refusal`)."""
    year = asked_year(request)
    year = default_year(campaign) if year is None else year
    refusal = year_refusal(campaign, year)
    if refusal:
        raise Explained404(refusal)
    return year


def year_for_unit(campaign: Campaign, unit: Unit, year: int) -> int:
    """The year the dashboard opens on for `unit` when none is asked for: `year`, unless
    the unit had closed by that year's cut-off (by the campaign's rules); then the last
    year whose cut-off it stood at. A role kept at an ended district federation opens on
    its last year of figures, not on a year of zeros. No query."""
    if unit.closed_on is None:
        return year
    while (
        year > campaign.first_year and unit.closed_on <= Period.defaults(campaign, year)["ends_on"]
    ):
        year -= 1
    return year


def selected_unit(request: HttpRequest, scope: Scope) -> Unit:
    """The unit the dashboard is about: asked for by `?unit=`, else the user's first unit
    open today (a role kept at a closed unit reads its history, asked for by `?unit=`).
    A `?unit=` that is not an id is a 404.

    Reviewers and viewers see any unit of their subtrees; officers only their own units.
    Outside the scope it is a 404, like every object fetch.
    """
    asked = request.GET.get("unit")
    if not asked:
        units = [m.unit for m in scope.memberships]
        return next((unit for unit in units if unit.is_open_on(scope.today)), units[0])
    # An id typed into the address goes through the one parser (README, "Who sees what"):
    # int() would also take "2_4" or other scripts' digits, and a word would show another unit.
    pk = parse_pk(asked)
    if pk is None:
        raise Http404
    unit = scope.get_unit(pk=pk)
    own = {m.unit_id for m in scope.memberships if m.role == Role.OFFICER}
    if not (scope.allows(unit, {Role.REVIEWER, Role.VIEWER}) or unit.pk in own):
        raise PermissionDenied
    return unit
