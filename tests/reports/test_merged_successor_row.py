"""A past year regrouped on today's tree counts a merged unit's reports as its successor's
own. A successor set up after the cut-off (a commune union that a district federation
merged into) has no report of its own that year, so its row on the dashboard, the Excel
export and the PDF said "figures of the units below only", though the figures held its
predecessor's report, counted as its own there. The mark is kept for a row whose
predecessors' reports are not included."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import AnnualReport, IndicatorValue, Status
from reports.rollup import cached_rollup, rollup
from tests.reports.summaries import YEAR
from units.dataversion import data_version

BELOW_ONLY = "chỉ gồm số liệu của các đơn vị cấp dưới"
# The statuses each inclusion counts, spelled out here rather than taken from the production
# code that counts them (campaign.counting).
INCLUDED = {"accepted": (Status.ACCEPTED,), "submitted": (Status.SUBMITTED, Status.ACCEPTED)}


pytestmark = pytest.mark.usefixtures("world_day")


@pytest.fixture
def commune(campaign, merged_commune):
    """District A merged into a commune union (conftest: merged_commune)."""
    return campaign, merged_commune


def xa_row(campaign, tree, xa, include="accepted"):
    result = rollup(campaign, YEAR, tree["PV"], include, tree="today")
    return next(r for r in result.by_child if r.unit_id == xa.pk)


def recount(campaign, tree, include):
    """The included reports of the commune's units, its predecessor's among them, and their
    sessions: counted here from the reports themselves."""
    units = [tree["DA"], tree["A1"], tree["A2"]]
    reports = AnnualReport.objects.filter(
        campaign=campaign, year=YEAR, unit__in=units, status__in=INCLUDED[include]
    )
    sessions = sum(
        IndicatorValue.objects.filter(report__in=reports, indicator__code="sessions").values_list(
            "int_value", flat=True
        )
    )
    return reports.count(), sessions


def test_a_successor_s_row_holding_its_predecessor_s_report_is_not_marked_below_only(
    client, cast, tree, commune
):
    campaign, xa = commune
    row = xa_row(campaign, tree, xa)
    reports, sessions = recount(campaign, tree, "accepted")
    assert (row.reports, row.totals["sessions"]) == (reports, sessions) == (2, 15)
    assert row.not_yet and not row.own_included
    assert not row.from_below

    client.force_login(cast["cspl"])
    params = {"unit": tree["PV"].pk, "year": YEAR, "tree": "today"}
    with translation.override("vi"):
        page = client.get(reverse("reports:dashboard"), params).content.decode()
    line = page[page.index(f"unit={xa.pk}") :]
    line = line[: line.index("</tr>")]
    assert "chưa thành lập" in line
    assert BELOW_ONLY not in line


def test_a_successor_s_row_without_its_predecessor_s_report_is_marked_below_only(tree, commune):
    campaign, xa = commune
    AnnualReport.objects.filter(campaign=campaign, unit=tree["DA"]).update(status=Status.DRAFT)
    row = xa_row(campaign, tree, xa)
    assert (row.reports, row.totals["sessions"]) == recount(campaign, tree, "accepted") == (1, 3)
    assert row.from_below


def test_the_predecessor_s_report_counts_as_the_successor_s_own_only_when_included(tree, commune):
    campaign, xa = commune
    AnnualReport.objects.filter(campaign=campaign, unit=tree["DA"]).update(status=Status.SUBMITTED)
    assert xa_row(campaign, tree, xa, "accepted").from_below
    row = xa_row(campaign, tree, xa, "submitted")
    assert (row.reports, row.totals["sessions"]) == recount(campaign, tree, "submitted")
    assert not row.from_below


def test_a_rollup_cached_before_the_mark_was_fixed_is_not_read(tree, commune):
    """A rollup cached by the code before (its key began "rollup5") holds rows without
    `merged_included`: read back, they would still say "units below only" until midnight."""
    campaign, xa = commune
    stale = rollup(campaign, YEAR, tree["PV"], "accepted", tree="today")
    for row in stale.by_child:
        row.merged_included = False
    old_key = ":".join(
        str(part)
        for part in (
            "rollup5",
            data_version(),
            timezone.localdate().isoformat(),
            campaign.pk,
            YEAR,
            tree["PV"].pk,
            "accepted",
            "today",
        )
    )
    cache.set(old_key, stale)
    result = cached_rollup(campaign, YEAR, tree["PV"], "accepted", "today")
    row = next(r for r in result.by_child if r.unit_id == xa.pk)
    assert not row.from_below
