"""The demo's figures on either side of its 2025 reorganisation (Bến Tre's civil-servants,
education and health unions end on 26/02/2025; the district federations end and LĐLĐ tỉnh
Bến Tre merges into LĐLĐ tỉnh Vĩnh Long on 01/07/2025), recounted here from the raw rows
(reports, values, plans and their moves, units and their eras) in plain Python, sharing no
code with `reports.rollup` or `reports.trees`: for each year and inclusion, the headline,
every row below and the trend of the province, the old province and a commune union."""

import pytest

from campaign.models import Campaign, Period
from reports.rollup import rollup
from tests.reports.raw import INCLUDE, Raw
from units.models import Unit


@pytest.fixture
def demo(db, demo_snapshots):
    demo_snapshots.load()
    return Campaign.objects.get(slug="cchc-2015")


def figures(group, trend=False):
    names = (
        ("expected", "reports", "included")
        if trend
        else ("expected", "on_time", "late", "returned", "reports", "included")
    )
    result = {name: getattr(group, name) for name in names}
    result["totals"] = {code: v for code, v in group.totals.items() if code != "grassroots_plans"}
    result["grassroots_plans"] = group.totals["grassroots_plans"]
    return result


def test_the_demo_s_figures_before_and_after_its_reorganisation_are_the_rows_recounted(demo):
    raw = Raw(demo)
    periods = {p.year: p for p in Period.objects.filter(campaign=demo)}

    def dates(year):
        period = periods.get(year) or Period(**Period.defaults(demo, year))
        return period.ends_on, period.due_on

    checked = 0
    for code in ("VL", "BT", "VL-CT"):
        scope = Unit.objects.get(code=code)
        for year in (2024, 2025, 2026):
            for include, statuses in INCLUDE.items():
                result = rollup(demo, year, scope, include)
                counted = raw.count(year, scope.pk, statuses, *dates(year))
                assert figures(result.headline) == counted, (code, year, include)
                for row in result.by_child:
                    if not row.is_scope:
                        assert figures(row) == raw.count(
                            year, row.unit_id, statuses, *dates(year)
                        ), (code, year, include, row.name)
                for entry in result.trend:
                    recounted = raw.count(entry.year, scope.pk, statuses, *dates(entry.year))
                    del recounted["on_time"], recounted["late"], recounted["returned"]
                    assert figures(entry, trend=True) == recounted, (code, year, entry.year)
                checked += 1
    assert checked == 18
    # Both sides of the reorganisation have reports to count.
    province = Unit.objects.get(code="VL")
    assert all(rollup(demo, y, province).headline.reports > 0 for y in (2024, 2025, 2026))
