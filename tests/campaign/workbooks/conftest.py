"""Fixtures of the Excel template tests: a campaign with every kind of indicator and the
year open for filing (on top of tests/conftest.py's tree and cast)."""

import pytest
from django.utils import timezone

from campaign.models import Indicator, Theme
from tests.factories import CampaignFactory


@pytest.fixture
def campaign(tree):
    """A running campaign with two whole-number indicators (one with help text), a text
    one, and three content items."""
    campaign = CampaignFactory(issuer=tree["PV"], slug="excel-campaign")
    two = Theme.objects.create(campaign=campaign, number="2", title="Nội dung hai")
    Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    Theme.objects.create(campaign=campaign, parent=two, number="2.1", title="Ý hai chấm một")
    Indicator.objects.create(
        campaign=campaign,
        code="sessions",
        name="Số buổi tuyên truyền",
        unit_of_measure="buổi",
        help_text="Đếm cả các buổi lồng ghép vào sinh hoạt công đoàn.",
        order=1,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="participants",
        name="Số lượt người tham dự",
        unit_of_measure="lượt",
        order=2,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="other_forms",
        name="Hình thức khác",
        kind=Indicator.Kind.TEXT,
        order=3,
    )
    return campaign


@pytest.fixture
def year():
    # The current year's report is open for filing all year (it locks in January).
    return timezone.localdate().year


@pytest.fixture(autouse=True)
def media(media):
    """tests/conftest.py's `media` for every test here: uploads and the fixtures'
    attachments go to a throw-away folder."""
    return media


@pytest.fixture
def a1_without_officer(cast):
    """A1's officer is no longer active: the district files for A1 on its behalf, as for A2
    (units/access.py: an officer above files only for units without their own)."""
    cast["officer_a1"].is_active = False
    cast["officer_a1"].save(update_fields=["is_active"])
