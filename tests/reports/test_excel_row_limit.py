"""The dashboard's workbook had no row cap: a national root's sheet of every unit (some
130,000 rows) would pass gunicorn's 30 s. Its sheets now hold at most the rows of a list's
download (settings.LIST_DOWNLOAD_MAX_ROWS); a longer workbook is refused as a long list's
download is: the dashboard, its query kept, says so. Never a 500, never a file cut short."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import Obstacle
from tests.reports.excel_export import (
    FILED,
    YEAR,
    download,
    excel_campaign,
    file_reports,
    records,
    workbook_of,
)
from tests.reports.recount import records_of, recount

pytestmark = pytest.mark.usefixtures("fresh_cache", "world_clock")

TOO_LONG = "Tệp Excel này sẽ có một trang tính hơn"


@pytest.fixture
def campaign(tree):
    return excel_campaign(tree)


@pytest.fixture
def filed(tree, campaign):
    return file_reports(tree, campaign)


def units_listed(filed, campaign):
    """The rows of the sheet of every unit, counted here: the expected units of the province,
    and the units not expected whose report is included all the same (closed after filing,
    of a kind not addressed)."""
    counted = recount(records_of(filed, FILED), "PV", "accepted", campaign.addressed_kinds)
    extra = [code for code in ("A6", "IZ") if FILED[code][0] == "accepted"]
    return counted["headline"]["expected"], counted["headline"]["expected"] + len(extra)


def params(filed, campaign):
    return {
        "campaign": campaign.pk,
        "include": "accepted",
        "tree": "then",
        "unit": filed["PV"].pk,
    }


def refused(response, filed, campaign):
    """That `response` sends the user back to the dashboard with the same query, and the
    message the dashboard then shows."""
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("reports:dashboard")
    sent = {"year": str(YEAR), **{k: str(v) for k, v in params(filed, campaign).items()}}
    assert {k: v[0] for k, v in parse_qs(url.query).items()} == sent
    return url


def test_a_workbook_of_as_many_rows_as_the_limit_is_written(
    client, cast, filed, campaign, settings
):
    expected, rows = units_listed(filed, campaign)
    assert (expected, rows) == (7, 9)
    settings.LIST_DOWNLOAD_MAX_ROWS = rows
    workbook = workbook_of(download(client, cast, **params(filed, campaign)))
    assert len(records(workbook["Từng đơn vị"])) == rows


def test_more_units_expected_than_the_limit_are_refused_before_any_row_is_read(
    client, cast, filed, campaign, settings
):
    expected, _rows = units_listed(filed, campaign)
    settings.LIST_DOWNLOAD_MAX_ROWS = expected - 1
    with translation.override("vi"):
        response = download(client, cast, **params(filed, campaign))
    url = refused(response, filed, campaign)
    with translation.override("vi"):
        page = client.get(f"{url.path}?{url.query}")
    assert page.status_code == 200
    assert f"{TOO_LONG} {expected - 1} dòng" in page.content.decode()


def test_units_listed_beyond_the_expected_ones_count_towards_the_limit(
    client, cast, filed, campaign, settings
):
    """The units not expected that filed are rows too: no file holds one row too many."""
    expected, rows = units_listed(filed, campaign)
    settings.LIST_DOWNLOAD_MAX_ROWS = rows - 1
    assert expected <= rows - 1
    refused(download(client, cast, **params(filed, campaign)), filed, campaign)


def test_a_sheet_of_obstacles_longer_than_the_limit_is_refused(
    client, cast, filed, campaign, settings, tree
):
    _expected, rows = units_listed(filed, campaign)
    settings.LIST_DOWNLOAD_MAX_ROWS = rows
    for n in range(rows + 1):
        Obstacle.objects.create(
            campaign=campaign,
            unit=tree["A1"],
            subject=f"Vướng mắc {n}",
            text="Chưa rõ cách tính.",
            raised_by=cast["cspl"],
            answer_by=datetime.date(2025, 1, 31),
        )
    assert Obstacle.objects.filter(status=Obstacle.Status.OPEN).count() == rows + 1
    refused(download(client, cast, **params(filed, campaign)), filed, campaign)
