"""The Standing Committee's desk on the home page: where the campaigns stand in the area of
their viewer roles, the summary reports delivered to them (reports.delivery), and what is
new for them (campaign.notices).

Every figure is the dashboard's (`reports.rollup.cached_rollup`, under the same cache key),
so the home page and the dashboard never disagree and the desk recounts nothing itself.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign import notices
from campaign.models import Campaign
from reports import delivery
from reports.rollup import Figures, cached_rollup
from reports.selection import default_year, year_refusal
from units.access import Scope
from units.dataversion import data_version
from units.models import Membership, Unit

Role = Membership.Role
# The desk speaks of the campaigns still running: those that ended before last year are
# history, read on the dashboard.
MAX_CAMPAIGNS = 3
NEWS_SIZE = 5


@dataclass
class CampaignState:
    """One campaign's year in one area, as the dashboard's headline counts it."""

    campaign: Campaign
    year: int
    unit: Unit
    figures: Figures
    url: str
    # When the year's reports are due, whether that day has passed, and the dashboard's
    # list of the units whose report is missing, or was returned: who is behind.
    due_on: datetime.date
    overdue: bool
    missing_url: str
    returned_url: str


def viewer_units(scope: Scope) -> list[Unit]:
    """The units where the user holds a viewer role and that are open today, without those
    inside another one's area (it counts them already). No query."""
    units = [
        m.unit
        for m in scope.memberships
        if m.role == Role.VIEWER and m.unit.is_open_on(scope.today)
    ]
    return [
        unit
        for unit in units
        if not any(unit.path.startswith(o.path) and unit.path != o.path for o in units)
    ]


def campaign_states(scope: Scope) -> list[CampaignState]:
    """Where each running campaign stands this year in each area of the user's viewer roles:
    the dashboard's headline figures, for the year the dashboard opens on. Two queries (the
    campaigns, then the data version keying the cached figures, read once) whatever the
    number of campaigns and areas, and the rollup's own for each one not cached yet."""
    units = viewer_units(scope)
    if not units:
        return []
    version = None  # read with the first figures asked for: none without a campaign
    this_year = timezone.localdate().year
    campaigns = [
        campaign
        for campaign in Campaign.objects.select_related("issuer").order_by("-issued_on", "pk")
        if campaign.last_year is None or campaign.last_year >= this_year - 1
    ]
    states = []
    shown = 0
    for campaign in campaigns:
        if shown == MAX_CAMPAIGNS:
            break
        year = default_year(campaign)
        if year_refusal(campaign, year):
            # Not begun (issued for a year to come): it asks nothing of anyone yet, and
            # the dashboard the line would link to offers no figures for it.
            continue
        found = []
        for unit in units:
            try:
                version = version or data_version()
                data = cached_rollup(campaign, year, unit, version=version)
            except ValidationError:  # a year the campaign does not run
                continue
            if not data.headline.expected:
                # The campaign asks nobody in this area (another body's campaign, or
                # kinds of unit the area has none of): nothing to follow here.
                continue
            query = urlencode({"campaign": campaign.pk, "year": year, "unit": unit.pk})
            url = f"{reverse('reports:dashboard')}?{query}"
            found.append(
                CampaignState(
                    campaign=campaign,
                    year=year,
                    unit=unit,
                    figures=data.headline,
                    url=url,
                    due_on=data.period.due_on,
                    overdue=data.period.due_on < scope.today,
                    missing_url=f"{url}&status=missing#grid",
                    returned_url=f"{url}&status=returned#grid",
                )
            )
        if found:
            states += found
            shown += 1
    return states


def desk(scope: Scope) -> dict | None:
    """What the home page shows a Standing Committee member (None for anyone without a
    viewer role): {"states": `campaign_states`, "inbox": `delivery.inbox`, "news": their
    latest notices but those of a summary issued, which the inbox lists (with what is
    unread) beside them}."""
    if not scope.is_viewer:
        return None
    return {
        "states": campaign_states(scope),
        "inbox": delivery.inbox(scope),
        "news": notices.latest(scope.user, NEWS_SIZE, leave_out=[notices.Kind.SUMMARY_ISSUED]),
    }
