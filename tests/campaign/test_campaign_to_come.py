"""A campaign issued for the years after next (its first year still to come) has nothing to
show yet. Issued last, it is the newest: the dashboard, its Excel export and the report
list open on it by default, and they were a 404 for every user and a 500 for officers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import Campaign, Period


@pytest.fixture
def to_come(tree, campaign):
    """Issued today, after the running `campaign`, for reports from the year after next."""
    today = timezone.localdate()
    return Campaign.objects.create(
        slug="to-come",
        number="5/KH-LĐLĐ",
        title="Kế hoạch giai đoạn sau",
        issuer=tree["PV"],
        issued_on=today,
        directive="Kế hoạch số 9/KH-UBND",
        first_year=today.year + 2,
        plan_due_on=datetime.date(today.year + 2, 3, 31),
    )


def test_nothing_is_offered_before_its_first_year(to_come):
    assert to_come.years_so_far() == []


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:dashboard_excel"])
def test_the_dashboard_opens_on_the_newest_campaign_that_has_begun(
    client, cast, campaign, to_come, name
):
    client.force_login(cast["cspl"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    if name == "reports:dashboard":
        assert response.context["campaign"] == campaign


def test_asked_for_by_name_the_dashboard_says_it_has_not_begun(client, cast, to_come):
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.get(reverse("reports:dashboard"), {"campaign": to_come.pk})
    assert response.status_code == 404
    assert f"Năm {to_come.first_year} chưa bắt đầu" in response.content.decode()
    assert not Period.objects.filter(campaign=to_come).exists()


def test_the_report_list_opens_on_the_running_campaign_and_explains_the_other(
    client, cast, campaign, to_come
):
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:report_list"))
    assert response.status_code == 200 and response.context["campaign"] == campaign
    with translation.override("vi"):
        response = client.get(reverse("campaign:report_list"), {"campaign": to_come.pk})
    assert response.status_code == 200
    assert (
        f"Kế hoạch này bắt đầu từ năm {to_come.first_year}: chưa có báo cáo nào phải nộp."
        in response.content.decode()
    )
    assert not Period.objects.filter(campaign=to_come).exists()
