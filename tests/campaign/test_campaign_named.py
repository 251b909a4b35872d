"""With a second campaign, on another topic than the seed's administrative reform (CCHC),
the pages about one campaign's report or figures say which campaign they are about, and
call neither of them "CCHC"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import Indicator, IndicatorValue, Status


def _heading(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match
    return re.sub(r"\s+", " ", match.group(1)).strip()


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


def test_the_report_form_names_its_campaign(
    client, tree, cast, campaign, other_campaign, today, vi
):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[other_campaign.pk, tree["A1"].pk, today.year])

    page = client.get(url).content.decode()

    # The same unit files a report of this year for each campaign: the form said which
    # only through the address it was opened from.
    assert other_campaign.title in page
    assert campaign.title not in page
    assert _heading(page) == f"Kết quả thực hiện năm {today.year} của {tree['A1'].name}"


def test_a_report_s_heading_does_not_call_another_campaign_cchc(
    client, tree, cast, other_campaign, report_factory, today, vi
):
    report = report_factory(tree["A1"], other_campaign, today.year - 1, status=Status.SUBMITTED)
    client.force_login(cast["cspl"])

    page = client.get(report.get_absolute_url()).content.decode()

    assert _heading(page) == f"Kết quả thực hiện năm {today.year - 1} của {tree['A1'].name}"
    assert other_campaign.title in page


def test_the_dashboard_s_heading_does_not_call_another_campaign_cchc(
    client, tree, cast, other_campaign, today, vi
):
    client.force_login(cast["cspl"])

    page = client.get(
        reverse("reports:dashboard"), {"campaign": other_campaign.pk, "year": today.year - 1}
    ).content.decode()

    assert _heading(page) == f"Tình hình thực hiện tại {tree['PV'].name}, năm {today.year - 1}"
    assert other_campaign.title in page


def test_the_accept_confirmation_names_the_report_s_campaign(
    client, tree, cast, campaign, other_campaign, report_factory, today, vi
):
    # With two campaigns the unit has two reports of a year, both "Báo cáo năm … của …": the
    # page asking to accept one did not say which.
    report_factory(tree["A1"], campaign, today.year - 1, status=Status.SUBMITTED)
    report = report_factory(tree["A1"], other_campaign, today.year - 1, status=Status.SUBMITTED)
    client.force_login(cast["reviewer_a"])

    page = client.post(
        reverse("campaign:report_accept", args=[report.pk]), {"version": report.version}
    ).content.decode()

    assert _heading(page) == "Chấp nhận?"
    assert f"{other_campaign.reference} – {other_campaign.title}" in page
    assert campaign.title not in page and campaign.reference not in page
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED  # asked, not done


@pytest.mark.parametrize("action", ["accept", "return"])
def test_the_bulk_confirmation_names_each_report_s_campaign(
    client, tree, cast, campaign, other_campaign, report_factory, today, vi, action
):
    reports = [
        report_factory(tree["A1"], each, today.year - 1, status=Status.SUBMITTED)
        for each in (campaign, other_campaign)
    ]
    client.force_login(cast["reviewer_a"])

    page = client.get(
        reverse("campaign:bulk_review", args=["reports", action]),
        {"item": [report.pk for report in reports]},
    ).content.decode()

    rows = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)[0].split("</tr>")[:-1]
    assert len(rows) == 2
    for row, report in zip(rows, reports, strict=True):
        assert report.get_absolute_url() in row
        assert report.campaign.reference in row


def _table_head(page: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>.*?</th>", head)]


def test_a_campaign_s_first_year_report_has_no_column_of_the_year_before(
    client, tree, cast, campaign, other_campaign, report_factory, vi
):
    # The second campaign began in 2016: its 2016 report showed a "2015" column of dashes,
    # a year the campaign did not run, as if the unit had not reported then.
    first = other_campaign.first_year
    for each in (campaign, other_campaign):
        Indicator.objects.get_or_create(
            campaign=each, code="sessions", defaults={"name": "Số buổi", "unit_of_measure": "buổi"}
        )
    report = report_factory(tree["A1"], other_campaign, first, status=Status.SUBMITTED)
    IndicatorValue.objects.create(
        report=report, indicator=other_campaign.indicators.get(), int_value=12
    )
    client.force_login(cast["reviewer_a"])

    page = client.get(report.get_absolute_url()).content.decode()

    assert _table_head(page) == ["Chỉ tiêu", str(first)]
    assert str(first - 1) not in _table_head(page)
    assert f"Năm {first} là năm đầu tiên của kế hoạch phát động" in page
    # The first campaign ran the year before: its report of the same year compares with it.
    earlier = report_factory(tree["A1"], campaign, first, status=Status.SUBMITTED)
    assert campaign.first_year < first
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert _table_head(page) == ["Chỉ tiêu", str(first), str(first - 1)]
    assert "năm đầu tiên" not in page


def test_the_annual_reports_list_does_not_call_another_campaign_cchc(
    client, tree, cast, other_campaign, today, vi
):
    client.force_login(cast["officer_a1"])

    page = client.get(
        reverse("campaign:report_list"), {"campaign": other_campaign.pk, "year": today.year - 1}
    ).content.decode()

    # Headed as its menu entry, whichever campaign the picker below it shows.
    assert _heading(page) == "Báo cáo năm"
    assert "CCHC" not in page.split("<main", 1)[1]
