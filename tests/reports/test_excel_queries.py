"""The dashboard's Excel download, the whole view, costs the same queries however many units,
reports and obstacles its area holds: nothing is read row by row. (The workbook's builder
alone is checked in test_excel.py.)"""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils.http import urlencode

from campaign.models import AnnualReport, Indicator, IndicatorValue, Obstacle, Period
from tests.pages import count_queries
from tests.reports.world import TODAY, YEAR, S, build_world, local
from units import dataversion
from units.models import Unit

pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version", "fresh_cache")
# The sheets' titles, in Vietnamese.
EVERY_UNIT, OBSTACLES = "Từng đơn vị", "Vướng mắc chưa trả lời"


def grow(world, cast, per_district):
    """`per_district` grassroots unions more under each of DA, DB and SE, each with an
    accepted report of the year (a whole number and a text) and an open obstacle; their
    codes."""
    period = Period.objects.get(campaign=world.campaign, year=YEAR)
    sessions, texts = (
        Indicator.objects.get(campaign=world.campaign, code=code)
        for code in ("sessions", "other_forms")
    )
    added = []
    for district in ("DA", "DB", "SE"):
        for n in range(per_district):
            code = world.add(district, f"{district}X{n}", Unit.Kind.GRASSROOTS)
            added.append(code)
            unit = world.units[code]
            report = AnnualReport.objects.create(
                unit=unit,
                campaign=world.campaign,
                year=YEAR,
                period=period,
                status=S.ACCEPTED,
                first_submitted_at=local(period.due_on, 9),
                submitted_at=local(period.due_on, 9),
                results="Đã tổ chức tuyên truyền.",
                self_assessment="good",
            )
            IndicatorValue.objects.create(report=report, indicator=sessions, int_value=n)
            IndicatorValue.objects.create(report=report, indicator=texts, text_value=f"Pa nô {n}")
            Obstacle.objects.create(
                unit=unit,
                campaign=world.campaign,
                subject=f"Vướng mắc {code}",
                text="Xin hướng dẫn.",
                status=Obstacle.Status.OPEN,
                raised_by=cast["officer_a"],
                answer_by=TODAY,
            )
            world.obstacles.append((code, world.campaign.pk, Obstacle.Status.OPEN, TODAY))
    return added


@pytest.mark.parametrize("tree_mode", ["then", "today"])
def test_the_excel_download_costs_the_same_queries_for_a_small_and_a_large_area(
    client, tree, cast, tree_mode
):
    world = build_world(tree, cast, 5, per_parent=(0, 1))
    client.force_login(cast["cspl"])
    params = {"campaign": world.campaign.pk, "year": YEAR, "unit": tree["PV"].pk}
    url = f"{reverse('reports:dashboard_excel')}?{urlencode({**params, 'tree': tree_mode})}"
    client.get(url)  # the session is in the cache from now on
    queries, listed, added = [], [], []
    for per_district in (0, 40):
        added += grow(world, cast, per_district)
        dataversion.bump_data_version()  # every cached figure is out of reach: a cold download
        count, response = count_queries(client, url)
        queries.append(count)
        workbook = openpyxl.load_workbook(BytesIO(response.content))
        codes = {row[1] for row in workbook[EVERY_UNIT].iter_rows(min_row=2, values_only=True)}
        assert set(added) <= codes
        listed.append(workbook[OBSTACLES].max_row - 1)
        open_ones = [o for o in world.obstacles if o[1:3] == (world.campaign.pk, "open")]
        assert listed[-1] == len(open_ones)
    assert listed[1] == listed[0] + 120
    assert queries[1] == queries[0]
