"""With a second campaign, on another topic than the seed's administrative reform (CCHC),
the pages about one campaign's report or figures say which campaign they are about, and
call neither of them "CCHC"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import Status


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
