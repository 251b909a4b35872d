"""A new summary quotes the units' own words (their reports' obstacles and proposals) from
the reports its figures count: on the tree the figures are counted on, so a unit moved into
the area after the year quotes nothing in that year's summary, as it adds no figure to it."""

import datetime

import pytest

from reports import prefill
from reports.models import SummaryReport
from reports.rollup import rollup
from reports.trees import THEN, TODAY
from tests.reports.summaries import YEAR, file_report, make_campaign
from units.models import Unit
from units.reorganisations import reorganisation_apply

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

MOVED_ON = datetime.date(YEAR + 1, 7, 1)  # after the year's cut-off


@pytest.fixture
def campaign(tree, reorganise, admin_user):
    """Reports of A1 (district A) and B1 (district B) with words of their own; B1 then
    moves to district A."""
    campaign = make_campaign(tree["PV"])
    for code in ("A1", "B1"):
        file_report(tree[code], campaign, obstacles=f"Khó khăn riêng của {code}.", sessions=4)
    moved = reorganise(MOVED_ON, {"action": "move", "unit_code": "B1", "target_code": "DA"})
    reorganisation_apply(reorganisation=moved, user=admin_user)
    return campaign


def drafted(campaign, tree_mode):
    district = Unit.objects.get(code="DA")
    summary = SummaryReport(
        campaign=campaign,
        unit=district,
        year=YEAR,
        include="accepted",
        kind=SummaryReport.Kind.COMMITTEE,
        dated_on=MOVED_ON + datetime.timedelta(days=30),
    )
    result = rollup(campaign, YEAR, district, "accepted", tree_mode)
    prefill.prefill(summary, result)
    return summary, result


def test_the_years_summary_quotes_only_the_units_its_figures_count(campaign):
    summary, result = drafted(campaign, THEN)
    # On the tree of the year, district A held A1 only: one report, four sessions.
    assert (result.headline.reports, result.headline.totals["sessions"]) == (1, 4)
    assert "Khó khăn riêng của A1 (" in summary.obstacles_proposals
    assert "B1" not in summary.obstacles_proposals


def test_regrouped_on_todays_tree_it_quotes_the_unit_moved_in(campaign):
    summary, result = drafted(campaign, TODAY)
    assert (result.headline.reports, result.headline.totals["sessions"]) == (2, 8)
    assert "Khó khăn riêng của A1 (" in summary.obstacles_proposals
    assert "Khó khăn riêng của B1 (" in summary.obstacles_proposals
