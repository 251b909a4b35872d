"""Which campaign a page shows first, and which year's annual report is being written now:
read by the report list, the dashboard, the Excel export and the summary reports."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Period


def pick_campaign(campaigns: list[Campaign], wanted: str | None) -> Campaign:
    """The campaign whose pk is `wanted` (a query string value), else the first one that has
    begun (a campaign issued for the years after next has nothing to show yet), else the
    first one."""
    chosen = next((c for c in campaigns if str(c.pk) == wanted), None)
    if chosen is None:
        this_year = timezone.localdate().year
        chosen = next((c for c in campaigns if c.first_year <= this_year), campaigns[0])
    return chosen


def report_year(
    campaign: Campaign,
    today: datetime.date | None = None,
    from_rules: bool = False,
    periods: Mapping[int, Period] | None = None,
) -> int:
    """The year whose report is being written now: last year's until its lock date (late
    reports still come in during January), then this year's. With `from_rules` the lock
    date comes from the campaign's rules, without a query (a default for the dashboard);
    with `periods` (the campaign's periods by year, read by the caller for several
    campaigns at once) from those, else from the rules, without a query either."""
    today = today or timezone.localdate()
    year = today.year
    previous = year - 1
    if campaign.runs_in(previous):
        if periods is not None:
            period = periods.get(previous)
        elif from_rules:
            period = None
        else:
            period = Period.objects.filter(campaign=campaign, year=previous).first()
        locks_on = period.locks_on if period else Period.defaults(campaign, previous)["locks_on"]
        if today <= locks_on:
            year = previous
    if campaign.last_year and year > campaign.last_year:
        return campaign.last_year
    return max(year, campaign.first_year)


def begun_period(campaign: Campaign, year: int) -> Period:
    """`campaign`'s period for `year` (`Period.objects.for_year`), once its figures have
    begun. Raises ValidationError as `for_year` does, and with the code "year_not_begun"
    for next year before its first day (15/12 by default): nothing is filed for it yet, and
    no period is written for it (an address typed for it would lengthen every trend with an
    empty year). Two queries at most."""
    period = Period.objects.filter(campaign=campaign, year=year).first()
    if campaign.runs_in(year):
        starts_on = period.starts_on if period else Period.defaults(campaign, year)["starts_on"]
        if starts_on > timezone.localdate():
            raise ValidationError(
                _("%(year)s has not begun: there is no report for it yet.") % {"year": year},
                code="year_not_begun",
            )
        if period is not None:
            return period
    return Period.objects.for_year(campaign, year)  # refuses a year the campaign does not run
