"""Who is expected follows the campaign's own area: the units strictly below the unit that
carries it (its issuer, or the unit the issuer merged into), as the reminders and the filing
pages already have it. A campaign issued by district A asks A1 and A2 to file, never the
units of district B or of the sector, so an upper dashboard must not count those as missing.

The expectations are written out by hand from the fixture tree (tests/conftest.py).
"""

import pytest

from campaign.models import AnnualReport, IndicatorValue, Period, Status
from reports.rollup import rollup, unit_rows
from reports.trees import TODAY
from tests.reports.world import YEAR, D, local, make_campaign
from units.models import Unit
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


@pytest.fixture
def district_campaign(tree):
    """Issued by district A in 2022; A1 has an accepted 2024 report of 5 sessions."""
    campaign = make_campaign(tree["DA"], "da-cchc", D(2022, 1, 10))
    report = AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=YEAR,
        period=Period.objects.get(campaign=campaign, year=YEAR),
        status=Status.ACCEPTED,
        first_submitted_at=local(D(YEAR, 12, 1), 9),
        submitted_at=local(D(YEAR, 12, 1), 9),
        results="Đã tổ chức tuyên truyền.",
    )
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="sessions"), int_value=5
    )
    return campaign


def codes(rows):
    return sorted(Unit.objects.get(pk=row.pk).code for row in rows)


def da_merges_into_db(campaign, reorganise, admin_user):
    """District A merges into district B on 01/07/2024, its units moving along; the
    campaign read afresh, as a request after it would."""
    act = reorganise(
        D(2024, 7, 1),
        {"action": "merge", "unit_code": "DA", "target_code": "DB", "move_children": True},
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    campaign.refresh_from_db()


def test_an_upper_scope_expects_only_the_units_the_campaign_asks(tree, district_campaign):
    province = rollup(district_campaign, YEAR, tree["PV"])
    # A1 and A2; district A issued it and files nothing; B, B1, the sector and S1 are
    # outside its area (before: all seven units below the province were expected).
    assert province.headline.expected == 2
    assert (province.headline.included, province.headline.missing) == (1, 1)
    assert province.headline.totals["sessions"] == 5
    assert [row.name for row in province.by_child] == ["LĐLĐ huyện A"]
    district_a = province.by_child[0]
    assert (district_a.expected, district_a.own) == (2, "")
    assert [row.expected for row in province.trend] == [2, 2, 2]

    # The grid lists the same units, and nothing of district B answers for them.
    assert codes(unit_rows(district_campaign, tree["PV"], province)) == ["A1", "A2"]
    assert rollup(district_campaign, YEAR, tree["DB"]).headline.expected == 0
    assert rollup(district_campaign, YEAR, tree["DA"]).headline.expected == 2


def test_today_tree_reads_the_same_area(tree, district_campaign):
    result = rollup(district_campaign, YEAR, tree["PV"], tree=TODAY)
    assert result.headline.expected == 2
    assert codes(unit_rows(district_campaign, tree["PV"], result)) == ["A1", "A2"]


def test_the_area_follows_the_issuer_into_its_successor_from_the_merger_on(
    tree, district_campaign, reorganise, admin_user
):
    # From then district B carries the campaign, so 2024 expects B1, A1 and A2; 2023
    # stays A's.
    da_merges_into_db(district_campaign, reorganise, admin_user)
    province = rollup(district_campaign, YEAR, Unit.objects.get(code="PV"))
    assert province.headline.expected == 3
    assert [(row.year, row.expected) for row in province.trend] == [
        (2022, 2),
        (2023, 2),
        (2024, 3),
    ]
    assert codes(unit_rows(district_campaign, tree["PV"], province)) == ["A1", "A2", "B1"]
    # The year before the merger, counted on its own tree, still expects A's units only.
    before = rollup(district_campaign, 2023, Unit.objects.get(code="PV"))
    assert codes(unit_rows(district_campaign, tree["PV"], before)) == ["A1", "A2"]


def test_today_tree_keeps_who_was_asked_in_a_past_year(
    tree, district_campaign, reorganise, admin_user
):
    # Regrouped on today's tree, 2023 still asked A1 and A2 only: not B1, nor district A
    # itself, which now both stand below the unit carrying the campaign.
    da_merges_into_db(district_campaign, reorganise, admin_user)
    province = Unit.objects.get(code="PV")
    then = rollup(district_campaign, 2023, province)
    today = rollup(district_campaign, 2023, province, tree=TODAY)
    assert then.headline.expected == today.headline.expected == 2
    assert codes(unit_rows(district_campaign, province, today)) == ["A1", "A2"]
    # 2024's cut-off is after the merger: district B carried it, so B1 was asked too.
    assert rollup(district_campaign, 2024, province, tree=TODAY).headline.expected == 3


def test_today_tree_expects_a_past_year_by_the_kinds_units_had_then(tree, district_campaign):
    # Only grassroots unions are asked. A1 became a commune union on 05/01/2025, after
    # 2024's cut-off: regrouped on today's tree, 2024 still asked it, as it was then.
    district_campaign.addressed_kinds = [Unit.Kind.GRASSROOTS]
    district_campaign.save()
    a1 = Unit.objects.get(code="A1")
    a1.kind = Unit.Kind.COMMUNE
    a1.save(effective_on=D(2025, 1, 5))
    province = Unit.objects.get(code="PV")
    then = rollup(district_campaign, YEAR, province)
    today = rollup(district_campaign, YEAR, province, tree=TODAY)
    assert then.headline.expected == today.headline.expected == 2
    assert codes(unit_rows(district_campaign, province, today)) == ["A1", "A2"]
