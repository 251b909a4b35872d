"""A past year lists the units of an area as it stood then: a unit moved out since is
listed (history does not move), but its report is linked only for a reader who may open it,
on today's tree, rather than leading to a 404: the dashboard's grid and the area box beside
an upper unit's report form."""

import datetime

import pytest
from django.urls import reverse

from campaign.models import AnnualReport, Period
from tests.reports.world import YEAR, S, due, local, make_campaign
from units.models import Unit

# Today is 10/01/2025 and every test starts from a data version of its own.
pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version", "fresh_cache")

# After 2024's cut-off (14/12/2024), before today: 2024 stays on district A's tree.
MOVED_ON = datetime.date(2025, 1, 5)


@pytest.fixture
def a1_moved_to_district_b(tree):
    """2024's reports of A1 and A2, both under district A then; A1 moved to district B."""
    campaign = make_campaign(tree["PV"], "moved", datetime.date(2023, 1, 1))
    period = Period.objects.get(campaign=campaign, year=YEAR)
    reports = {
        code: AnnualReport.objects.create(
            unit=tree[code],
            campaign=campaign,
            year=YEAR,
            period=period,
            status=S.SUBMITTED,
            first_submitted_at=local(due(YEAR), 8),
            results="Đã tuyên truyền.",
            self_assessment="fair",
        )
        for code in ("A1", "A2")
    }
    Unit.objects.move_under([tree["A1"]], tree["DB"], effective_on=MOVED_ON)
    return reports


def grid_page(client, user, unit):
    client.force_login(user)
    response = client.get(
        reverse("reports:dashboard"), {"year": YEAR, "unit": unit.pk, "include": "submitted"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_moved_units_report_is_listed_without_a_link_its_former_reviewer_cannot_follow(
    client, tree, cast, a1_moved_to_district_b
):
    moved, stayed = a1_moved_to_district_b["A1"], a1_moved_to_district_b["A2"]
    page = grid_page(client, cast["reviewer_a"], tree["DA"])

    # Both stood under district A at 2024's cut-off: both are listed, by their names then.
    assert "CĐCS A1" in page and "CĐCS A2" in page
    assert reverse("campaign:report_detail", args=[stayed.pk]) in page
    # A1 is district B's now: its report is not district A's reviewer's to open.
    assert client.get(reverse("campaign:report_detail", args=[moved.pk])).status_code == 404
    assert reverse("campaign:report_detail", args=[moved.pk]) not in page


def test_a_reader_of_the_whole_province_keeps_every_link(
    client, tree, cast, a1_moved_to_district_b
):
    page = grid_page(client, cast["cspl"], tree["DA"])

    for report in a1_moved_to_district_b.values():
        assert reverse("campaign:report_detail", args=[report.pk]) in page


def test_the_area_box_of_a_past_report_links_only_what_its_officer_may_open(
    client, tree, cast, a1_moved_to_district_b
):
    # District A's own 2024 report, still a draft: beside its form, the units that stood
    # below district A at the cut-off, A1 among them.
    own = AnnualReport.objects.create(
        unit=tree["DA"],
        campaign=a1_moved_to_district_b["A1"].campaign,
        year=YEAR,
        period=a1_moved_to_district_b["A1"].period,
        status=S.DRAFT,
    )
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_edit", args=[own.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "CĐCS A1" in page
    assert reverse("campaign:report_detail", args=[a1_moved_to_district_b["A2"].pk]) in page
    assert reverse("campaign:report_detail", args=[a1_moved_to_district_b["A1"].pk]) not in page
