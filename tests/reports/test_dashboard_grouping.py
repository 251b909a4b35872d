"""Every count on the dashboard and the committee's desk is grouped as Vietnamese write it
(2.015), like the figures beside it: at province scale the page read "Số liệu tổng hợp từ
1402 báo cáo" above "Đã tính 1.398 trên 2.015 đơn vị", "Đã gửi 4243 lượt đôn đốc" (a line now of
its own: "Thư đôn đốc về năm …"), and the
desk "1234 đơn vị chưa gửi báo cáo". The counts are the rollup's, made large here."""

import dataclasses
import re

import pytest
from django.urls import reverse
from django.utils import translation

from reports import committee, dashboard
from reports.rollup import cached_rollup
from tests.reports.summaries import YEAR, campaign_with_reports

HOME = reverse("units:home")


# Today is 10/01/2025, with a data version of its own and an empty cache.
pytestmark = pytest.mark.usefixtures("world_day")


@pytest.fixture
def large(tree, monkeypatch):
    """The rollup of the province, its counts made those of a large province."""
    campaign = campaign_with_reports(tree)

    def enlarged(*args, **kwargs):
        data = cached_rollup(*args, **kwargs)
        headline = dataclasses.replace(
            data.headline,
            expected=3015,
            on_time=1352,
            late=247,
            returned=0,
            reports=1402,
            flagged=1234,
        )
        return dataclasses.replace(
            data,
            headline=headline,
            reminders_sent=4243,
            obstacles_open=1500,
            obstacles_overdue=1200,
            cache_key=data.cache_key + ":large",
        )

    monkeypatch.setattr(dashboard, "cached_rollup", enlarged)
    monkeypatch.setattr(committee, "cached_rollup", enlarged)
    return campaign


def words(html):
    html = re.sub(r"<(svg|style|script)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_dashboard_groups_every_count(client, cast, tree, large):
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        page = client.get(reverse("reports:dashboard"), {"unit": tree["PV"].pk, "year": YEAR})
    text = words(page.content.decode())
    assert "Số liệu tổng hợp từ 1.402 báo cáo" in text
    assert "1.234 báo cáo đã gửi có số liệu bất thường." in text
    # Obstacles are today's, of every year (the rollup counts them so): the label says so.
    assert "đến hôm nay, mọi năm (quá hạn) 1.500 (1.200)" in text
    # The reminders are the year's, not the obstacles': the line says which year.
    assert f"Thư đôn đốc về năm {YEAR}: đã gửi 4.243 lượt" in text
    assert "3.015 đơn vị Đơn vị Loại" in text  # the grid's count of units


def test_the_committee_desk_groups_the_units_behind(client, cast, large):
    client.force_login(cast["standing"])
    with translation.override("vi"):
        text = words(client.get(HOME).content.decode())
    assert "1.599/3.015 đơn vị đã gửi báo cáo năm" in text
    assert "1.416 đơn vị chưa gửi báo cáo" in text  # 3,015 expected, 1,599 sent
