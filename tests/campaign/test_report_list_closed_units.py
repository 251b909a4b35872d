"""An officer's report list of a year has a row for a unit of theirs closed since only when
that unit stood on the year's tree (open at its cut-off) or sent a report for it: a district
federation ended on 01/07/2025 is asked nothing for 2026, and had a row there all the same
("Không phải nộp · Đơn vị đã ngừng hoạt động"); its past years keep their rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaign.models import Status
from units.reorganisations import reorganisation_apply

JULY = datetime.date(2025, 7, 1)


@pytest.fixture
def later(today):
    """A year after the closing (2026 or later)."""
    return today.year


@pytest.fixture
def b1_closed(reorganise, admin_user):
    act = reorganise(JULY, {"action": "close", "unit_code": "B1"})
    reorganisation_apply(reorganisation=act, user=admin_user)


def rows(client, campaign, year):
    with translation.override("vi"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": year}
        )
    assert response.status_code == 200
    return [row["unit"].code for row in response.context["rows"]], response.content.decode()


def test_a_unit_closed_before_the_cut_off_has_no_row_that_year_nor_later(
    client, tree, cast, campaign, b1_closed, later
):
    client.force_login(cast["officer_b1"])
    for year in (2025, later):
        codes, page = rows(client, campaign, year)
        assert codes == []
        assert "Đơn vị đã ngừng hoạt động" not in page
        assert "Không phải nộp" not in page
        # Its officer is told why, and where its history stays.
        assert (
            f"CĐCS B1 đã ngừng hoạt động từ ngày 01/07/2025: đơn vị không phải báo cáo năm {year}"
            in page
        )
        assert reverse("campaign:report_start", args=[campaign.pk, tree["B1"].pk, year]) not in page


def test_its_past_years_keep_their_rows(client, tree, cast, campaign, report_factory, b1_closed):
    report = report_factory(tree["B1"], campaign, 2024, Status.ACCEPTED)
    client.force_login(cast["officer_b1"])
    codes, page = rows(client, campaign, 2024)
    assert codes == ["B1"]
    assert report.get_absolute_url() in page
    assert "Đơn vị đã ngừng hoạt động" in page


def test_a_report_it_sent_for_the_year_it_closed_in_keeps_its_row(
    client, tree, cast, campaign, report_factory, reorganise, admin_user
):
    # Sent before the closing, it counts in 2025 (README, "The tree over time").
    report = report_factory(tree["B1"], campaign, 2025, Status.SUBMITTED)
    reorganisation_apply(
        reorganisation=reorganise(JULY, {"action": "close", "unit_code": "B1"}), user=admin_user
    )
    client.force_login(cast["officer_b1"])
    codes, page = rows(client, campaign, 2025)
    assert codes == ["B1"]
    assert report.get_absolute_url() in page


def test_a_unit_open_today_keeps_its_row_beside_a_closed_one(
    client, tree, cast, campaign, b1_closed, later
):
    # officer_a files for district A, and on behalf for A2; B1's officer nothing open.
    client.force_login(cast["officer_a"])
    codes, _page = rows(client, campaign, later)
    assert codes == ["DA", "A2"]


def test_the_later_years_list_costs_no_more_queries_than_a_past_one(
    client, tree, cast, campaign, report_factory, b1_closed, later
):
    report_factory(tree["B1"], campaign, 2024, Status.ACCEPTED)
    client.force_login(cast["officer_b1"])
    counts = {}
    for year in (2024, later, 2024, later):  # the first of each writes its period: warm
        with CaptureQueriesContext(connection) as captured:
            rows(client, campaign, year)
        counts[year] = len(captured)
    assert counts[later] <= counts[2024]
