"""Totals of the figures of the units below a unit.

A figure is computed here once and only rendered by the pages that show it.
"""

from django.db.models import Sum

from campaign.models import Indicator, Status
from reports.models import AnnualReport, IndicatorValue
from units.models import Unit


def children_totals(unit, campaign, year, period):
    """Totals of the accepted reports of the units directly below `unit` for `year`.

    Returns {"totals": {indicator_id: total}, "included": n, "expected": m}: n units'
    accepted reports are counted, out of the m units below that the campaign addresses and
    that were open at the period's cut-off. Three queries whatever the number of units.
    Only the units directly below count, so that an intermediate unit's own report (which
    already contains its units' figures) is never added twice.
    """
    children = Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, kind__in=campaign.addressed_kinds
    ).open_on(period.ends_on)
    accepted = AnnualReport.objects.filter(
        campaign=campaign, year=year, status=Status.ACCEPTED, unit__in=children
    )
    totals = dict(
        IndicatorValue.objects.filter(report__in=accepted, indicator__kind=Indicator.Kind.INTEGER)
        .values_list("indicator_id")
        .annotate(total=Sum("int_value"))
        .values_list("indicator_id", "total")
    )
    expected = children.count()
    included = accepted.count()
    return {"totals": totals, "included": included, "expected": expected}
