"""The campaign, plan and report the fuzz tests start from (on top of tests/conftest.py)."""

import pytest
from django.utils import timezone

from campaign.models import AnnualReport, Indicator, IndicatorValue, Period, Theme
from tests.campaign.filings import make_plan
from tests.factories import CampaignFactory


@pytest.fixture
def campaign(tree):
    """A running campaign with three content items and two whole-number and one text
    indicator."""
    campaign = CampaignFactory(issuer=tree["PV"], slug="fuzz-campaign")
    two = Theme.objects.create(campaign=campaign, number="2", title="Nội dung hai")
    Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    Theme.objects.create(campaign=campaign, parent=two, number="2.1", title="Ý hai chấm một")
    for order, (code, kind) in enumerate(
        [("sessions", "integer"), ("participants", "integer"), ("other_forms", "text")]
    ):
        Indicator.objects.create(
            campaign=campaign, code=code, name=f"Chỉ tiêu {code}", kind=kind, order=order
        )
    return campaign


@pytest.fixture
def year():
    # The current year's report is open for filing all year (it locks in January).
    return timezone.localdate().year


@pytest.fixture
def plan_a1(tree, cast, campaign):
    """A draft plan of grassroots A1, with one activity and a scan."""
    return make_plan(tree["A1"], campaign, cast["officer_a1"])


@pytest.fixture
def report_a1(tree, campaign, year):
    """A draft annual report of grassroots A1 with every figure filled in."""
    report = AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Tổ chức các buổi tuyên truyền CCHC.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )
    for indicator in campaign.indicators.all():
        if indicator.kind == Indicator.Kind.INTEGER:
            IndicatorValue.objects.create(report=report, indicator=indicator, int_value=12)
        else:
            IndicatorValue.objects.create(report=report, indicator=indicator, text_value="Pa nô")
    return report
