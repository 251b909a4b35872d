"""Which year's annual report is being written now: read by the report list, the dashboard,
the Excel export and the summary reports."""

import datetime

from django.utils import timezone

from campaign.models import Campaign, Period


def report_year(
    campaign: Campaign, today: datetime.date | None = None, from_rules: bool = False
) -> int:
    """The year whose report is being written now: last year's until its lock date (late
    reports still come in during January), then this year's. With `from_rules` the lock
    date comes from the campaign's rules, without a query (a default for the dashboard)."""
    today = today or timezone.localdate()
    year = today.year
    previous = year - 1
    if campaign.runs_in(previous):
        period = (
            None if from_rules else Period.objects.filter(campaign=campaign, year=previous).first()
        )
        locks_on = period.locks_on if period else Period.defaults(campaign, previous)["locks_on"]
        if today <= locks_on:
            year = previous
    if campaign.last_year and year > campaign.last_year:
        return campaign.last_year
    return max(year, campaign.first_year)
