"""A list's Excel download never holds a unit outside its reader's scope: the same access
scope as the page's, whatever the filters ask."""

import pytest

from campaign.models import Status
from tests.campaign.filings import file_plan, make_report
from tests.campaign.inspection_data import record
from tests.campaign.list_export_files import exported
from tests.campaign.obstacle_data import raise_obstacle


@pytest.fixture
def both_sides(tree, cast, campaign, plan_factory):
    """A plan, a report, an obstacle and a visit of A1 (district A) and of B1 (district B)."""
    for code in ("A1", "B1"):
        file_plan(plan_factory, tree[code], campaign, cast["officer_a1"])
        make_report(tree[code], campaign, 2025, status=Status.SUBMITTED)
        raise_obstacle(tree[code], campaign, cast["officer_a1"])
        record(tree[code], campaign, cast["cspl"])


@pytest.mark.parametrize(
    "name",
    [
        "campaign:review_queue_excel",
        "campaign:report_queue_excel",
        "campaign:obstacle_list_excel",
        "campaign:inspection_list_excel",
    ],
)
def test_a_district_reviewer_gets_only_its_own_districts_units(client, cast, both_sides, name):
    rows = exported(client, cast["reviewer_a"], name, status="")
    assert {row["Mã đơn vị"] for row in rows} == {"A1"}


@pytest.mark.parametrize("name", ["campaign:review_queue_excel", "campaign:report_queue_excel"])
def test_asking_a_queue_for_another_district_lists_nothing(client, tree, cast, both_sides, name):
    assert exported(client, cast["reviewer_a"], name, status="", parent=tree["DB"].pk) == []


@pytest.mark.parametrize("name", ["campaign:obstacle_list_excel", "campaign:inspection_list_excel"])
def test_an_officer_gets_only_its_own_units_obstacles_and_visits(client, cast, both_sides, name):
    assert {row["Mã đơn vị"] for row in exported(client, cast["officer_b1"], name)} == {"B1"}


@pytest.mark.parametrize("name", ["campaign:obstacle_list_excel", "campaign:inspection_list_excel"])
def test_a_user_without_a_role_gets_an_empty_list(client, cast, both_sides, name):
    assert exported(client, cast["outsider"], name) == []
