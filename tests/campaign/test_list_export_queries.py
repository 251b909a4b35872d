"""A list's Excel download costs the same queries for 2 rows as for 12: the rows are one
query, whatever their number (units, campaigns and people come with them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Status
from tests.campaign.filings import file_plan, make_report
from tests.campaign.inspection_data import record
from tests.campaign.list_export_files import sheet_of
from tests.campaign.obstacle_data import raise_obstacle


def add_rows(tree, cast, campaign, plan_factory, unit_factory, count):
    """`count` grassroots unions more under district A, each with a submitted plan and
    report, an obstacle and a visit."""
    for _n in range(count):
        unit = unit_factory.create(parent=tree["DA"], kind="grassroots")
        file_plan(plan_factory, unit, campaign, cast["officer_a"])
        make_report(unit, campaign, 2025, status=Status.SUBMITTED)
        raise_obstacle(unit, campaign, cast["officer_a"])
        record(unit, campaign, cast["reviewer_a"])


def queries(client, name, campaign):
    with CaptureQueriesContext(connection) as captured:
        sheet = sheet_of(client.get(reverse(name), {"campaign": campaign.pk}))
    return len(captured), sheet.max_row


@pytest.mark.parametrize(
    "name",
    [
        "campaign:review_queue_excel",
        "campaign:report_queue_excel",
        "campaign:obstacle_list_excel",
        "campaign:inspection_list_excel",
    ],
)
def test_the_download_does_not_grow_with_its_rows(
    client, tree, cast, campaign, plan_factory, unit_factory, name, django_assert_max_num_queries
):
    add_rows(tree, cast, campaign, plan_factory, unit_factory, 2)
    client.force_login(cast["cspl"])
    few, few_rows = queries(client, name, campaign)
    add_rows(tree, cast, campaign, plan_factory, unit_factory, 10)
    # The user, their memberships (the scope), the campaign asked for, the rows.
    with django_assert_max_num_queries(4):
        many, many_rows = queries(client, name, campaign)
    assert many_rows == few_rows + 10
    assert many == few
