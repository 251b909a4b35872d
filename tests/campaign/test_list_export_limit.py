"""A list longer than LIST_DOWNLOAD_MAX_ROWS is not downloaded: its page says so and asks to
narrow it, with the filters kept; never a server error, never a file cut short."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Status
from tests.campaign.filings import file_plan, make_report
from tests.campaign.inspection_data import record
from tests.campaign.list_export_files import rows_of, sheet_of
from tests.campaign.obstacle_data import raise_obstacle

# Each download and its list's page.
LISTS = [
    ("campaign:review_queue_excel", "campaign:review_queue"),
    ("campaign:report_queue_excel", "campaign:report_queue"),
    ("campaign:obstacle_list_excel", "campaign:obstacle_list"),
    ("campaign:inspection_list_excel", "campaign:inspection_list"),
]
TOO_LONG = "Danh sách này có hơn {limit} dòng, quá nhiều cho một tệp Excel."


@pytest.fixture
def listed(client, tree, cast, campaign, plan_factory, unit_factory):
    """Three grassroots unions under district A, each with a submitted plan and report, an
    obstacle and a visit; the CSPL board signed in."""
    for _n in range(3):
        unit = unit_factory.create(parent=tree["DA"], kind="grassroots")
        file_plan(plan_factory, unit, campaign, cast["officer_a"], Status.SUBMITTED)
        make_report(unit, campaign, 2025, status=Status.SUBMITTED)
        raise_obstacle(unit, campaign, cast["officer_a"])
        record(unit, campaign, cast["reviewer_a"])
    client.force_login(cast["cspl"])
    return {"campaign": campaign.pk}


def page_count(client, page, query) -> int:
    """The rows the list's page lists, every page of them."""
    return client.get(reverse(page), query).context["page"].paginator.count


@pytest.mark.parametrize(("name", "page"), LISTS)
def test_a_list_longer_than_the_limit_is_refused_on_its_page_with_the_filters_kept(
    client, settings, listed, name, page
):
    count = page_count(client, page, listed)
    assert count == 3  # the rows made above, under the campaign's filter
    settings.LIST_DOWNLOAD_MAX_ROWS = count - 1

    response = client.get(reverse(name), listed)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(page)}?campaign={listed['campaign']}"
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    text = html.unescape(followed.content.decode())
    assert TOO_LONG.format(limit=2) in text
    assert "Hãy thu hẹp danh sách bằng bộ lọc" in text
    assert followed.context["filter"].form["campaign"].value() == str(listed["campaign"])


@pytest.mark.parametrize(("name", "page"), LISTS)
def test_a_list_at_the_limit_is_downloaded_whole(client, settings, listed, name, page):
    settings.LIST_DOWNLOAD_MAX_ROWS = page_count(client, page, listed)
    rows = rows_of(sheet_of(client.get(reverse(name), listed)))
    assert len(rows) == 3


@pytest.mark.parametrize(("name", "page"), LISTS)
def test_refusing_costs_the_queries_of_the_download(client, settings, listed, name, page):
    with CaptureQueriesContext(connection) as downloaded:
        sheet_of(client.get(reverse(name), listed))
    settings.LIST_DOWNLOAD_MAX_ROWS = 2
    with CaptureQueriesContext(connection) as refused:
        assert client.get(reverse(name), listed).status_code == 302
    # The user, their memberships (the scope), the campaign asked for, the rows (at most the
    # limit and one more read).
    assert len(refused) == len(downloaded) <= 4
