"""On today's tree a merged unit's reports count as its heir's own, at the end of a chain of
mergers of any length (units.lineage.heir). The rollup's mark `merged_included` looked two
mergers back only: at the end of a chain of three (DA → XA → XB → XC), the commune union's
row said "figures of the units below only", though it held its first predecessor's report,
counted as its own there."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import AnnualReport, IndicatorValue, Status
from reports.rollup import cached_rollup, rollup
from tests.reports.summaries import YEAR
from units.dataversion import data_version
from units.lineage import heir
from units.models import Unit

BELOW_ONLY = "chỉ gồm số liệu của các đơn vị cấp dưới"
# The statuses each inclusion counts, spelled out here rather than taken from the production
# code that counts them (campaign.counting).
INCLUDED = {"accepted": (Status.ACCEPTED,), "submitted": (Status.SUBMITTED, Status.ACCEPTED)}


pytestmark = pytest.mark.usefixtures("world_day")


@pytest.fixture
def chain(campaign, merged_thrice):
    """DA → XA → XB → XC (conftest: merged_thrice)."""
    return campaign, merged_thrice


def xc_row(campaign, tree, xc, include="accepted"):
    result = rollup(campaign, YEAR, tree["PV"], include, tree="today")
    return next(r for r in result.by_child if r.unit_id == xc.pk)


def recount(campaign, tree, include):
    """The included reports of the units under the last commune union today (the district
    and its grassroots; the communes of the chain filed nothing), and their sessions:
    counted here from the reports themselves."""
    units = [tree["DA"], tree["A1"], tree["A2"], *Unit.objects.filter(code__in=["XA", "XB"])]
    reports = AnnualReport.objects.filter(
        campaign=campaign, year=YEAR, unit__in=units, status__in=INCLUDED[include]
    )
    sessions = sum(
        IndicatorValue.objects.filter(report__in=reports, indicator__code="sessions").values_list(
            "int_value", flat=True
        )
    )
    return reports.count(), sessions


def test_the_end_of_a_chain_of_three_mergers_holds_the_first_one_s_report_as_its_own(
    client, cast, tree, chain
):
    campaign, xc = chain
    heirs = dict(Unit.objects.filter(successor__isnull=False).values_list("pk", "successor_id"))
    assert heir(heirs, tree["DA"].pk) == xc.pk  # three mergers: DA, XA, XB
    assert len(heirs) == 3
    row = xc_row(campaign, tree, xc)
    reports, sessions = recount(campaign, tree, "accepted")
    assert (row.reports, row.totals["sessions"]) == (reports, sessions) == (2, 15)
    assert row.not_yet and not row.own_included
    assert row.merged_included
    assert not row.from_below

    client.force_login(cast["cspl"])
    params = {"unit": tree["PV"].pk, "year": YEAR, "tree": "today"}
    with translation.override("vi"):
        page = client.get(reverse("reports:dashboard"), params).content.decode()
    line = page[page.index(f"unit={xc.pk}") :]
    line = line[: line.index("</tr>")]
    assert BELOW_ONLY not in line


def test_the_end_of_the_chain_is_marked_below_only_without_the_first_one_s_report(tree, chain):
    campaign, xc = chain
    AnnualReport.objects.filter(campaign=campaign, unit=tree["DA"]).update(status=Status.SUBMITTED)
    row = xc_row(campaign, tree, xc)
    assert (row.reports, row.totals["sessions"]) == recount(campaign, tree, "accepted") == (1, 3)
    assert row.from_below
    row = xc_row(campaign, tree, xc, "submitted")
    assert (row.reports, row.totals["sessions"]) == recount(campaign, tree, "submitted")
    assert not row.from_below


def test_the_rollup_reads_the_chain_in_its_nine_queries(tree, chain, django_assert_num_queries):
    campaign, xc = chain
    with django_assert_num_queries(9):  # as on the year's tree (test_counting), one per part
        xc_row(campaign, tree, xc)


def test_a_rollup_cached_before_the_chain_was_followed_is_not_read(tree, chain):
    """A rollup cached by the code before (its key began "rollup6") holds the row marked
    "units below only": read back, it would say so until midnight."""
    campaign, xc = chain
    stale = rollup(campaign, YEAR, tree["PV"], "accepted", tree="today")
    for row in stale.by_child:
        row.merged_included = False
    old_key = ":".join(
        str(part)
        for part in (
            "rollup6",
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
    row = next(r for r in result.by_child if r.unit_id == xc.pk)
    assert not row.from_below
