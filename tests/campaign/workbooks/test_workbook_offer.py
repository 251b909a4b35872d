"""Which Excel templates of annual reports the list offers: one per unit the user files for
that is not already in the template of a unit above it."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaign import workbook_checks, workbooks
from campaign.models import AnnualReport, Period, Status
from tests.campaign.workbooks.helpers import reports_url


def offered(units):
    return [(unit.code, covered) for unit, covered in workbook_checks.template_areas(units)]


def test_a_unit_below_one_offered_is_in_that_ones_template(tree):
    units = [tree[code] for code in ("B1", "A2", "DA", "PV", "A1", "DB")]
    assert offered(units) == [("PV", 6)]
    assert offered([tree["A2"], tree["A1"], tree["B1"]]) == [("A1", 1), ("A2", 1), ("B1", 1)]


def test_below_a_template_too_long_to_download_each_unit_below_is_offered(tree, monkeypatch):
    # The download refuses a template of more than MAX_ROWS rows and says to take each
    # unit below instead: the list then offers those.
    monkeypatch.setattr(workbooks, "MAX_ROWS", 3)
    units = [tree[code] for code in ("PV", "DA", "A1", "A2", "DB", "B1")]
    assert offered(units) == [("PV", 6), ("DA", 3), ("DB", 2)]


@pytest.mark.usefixtures("a1_without_officer")
def test_the_list_offers_the_districts_template_once_with_its_count(
    client, tree, cast, campaign, year
):
    client.force_login(cast["officer_a"])
    with translation.override("vi"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": year}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "(3 đơn vị: đơn vị này và các đơn vị cấp dưới bạn nhập hộ)" in page
    for name in ("download", "upload"):
        assert reports_url(name, campaign, tree["DA"], year) in page
        for code in ("A1", "A2"):
            assert reports_url(name, campaign, tree[code], year) not in page


@pytest.mark.usefixtures("a1_without_officer")
def test_a_locked_year_offers_a_template_only_for_a_report_reopened(client, tree, cast, campaign):
    # 2016 locked on 19/01/2017: the template could change nothing, the page offered it.
    client.force_login(cast["officer_a"])
    url = reverse("campaign:report_list")
    with translation.override("vi"):
        page = client.get(url, {"campaign": campaign.pk, "year": 2016}).content.decode()
    assert 'id="workbook-links"' not in page
    AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=2016,
        period=Period.objects.for_year(campaign, 2016),
        status=Status.RETURNED,
        reopened_at=timezone.now(),
    )
    with translation.override("vi"):
        page = client.get(url, {"campaign": campaign.pk, "year": 2016}).content.decode()
    assert reports_url("download", campaign, tree["A1"], 2016) in page
    assert reports_url("download", campaign, tree["DA"], 2016) not in page
