"""The e-mails a report's submission and return send, and what the report page and form say
of a campaign without figures to type."""

import pytest
from django.core import mail
from django.urls import reverse

from campaign.models import (
    Indicator,
    Status,
)
from tests.campaign.annual import (
    annual_campaign,
    make_report,
    set_status,
)
from tests.pages import html, login

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def test_a_submitted_report_is_mailed_to_the_district_reviewer_with_its_address(
    client, cast, report_a1, django_capture_on_commit_callbacks, settings
):
    login(client, cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaign:report_submit", args=[report_a1.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    message = mail.outbox[0]
    assert "CĐCS A1" in message.subject
    url = settings.SITE_URL.rstrip("/") + reverse("campaign:report_detail", args=[report_a1.pk])
    assert url in message.body


def test_a_returned_report_is_mailed_to_the_units_officers_with_the_reason(
    client, cast, report_a1, django_capture_on_commit_callbacks
):
    set_status(report_a1, S.SUBMITTED)
    login(client, cast["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("campaign:report_return", args=[report_a1.pk]), {"reason": "Thiếu số liệu"}
        )
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]
    assert "Thiếu số liệu" in mail.outbox[0].body


@pytest.mark.parametrize("asked", ["none", "all_computed"])
def test_a_report_of_a_campaign_without_figures_to_type_says_so_on_its_page_and_form(
    client, tree, cast, campaign, asked
):
    # Its page showed a table of headers with no row, and its form a "Số liệu" heading
    # over nothing; the printed report already said that the campaign asks for none.
    campaign.indicators.all().delete()
    if asked == "all_computed":
        # Grassroots unions file their plans in this campaign: the portal counts them.
        Indicator.objects.create(
            campaign=campaign,
            code="own_plans",
            name="Số CĐCS có kế hoạch riêng",
            source=Indicator.Source.PLANS,
            counted_kind="grassroots",
        )
        assert "grassroots" in campaign.addressed_kinds
    report = make_report(tree["A1"], campaign)
    login(client, cast["officer_a1"])
    said = "Kế hoạch phát động không yêu cầu đơn vị báo cáo số liệu."

    page = html(client.get(reverse("campaign:report_detail", args=[report.pk])))
    form = html(client.get(reverse("campaign:report_edit", args=[report.pk])))

    figures = page[page.index(">Số liệu</h2>") : page.index(">Đánh giá</h2>")]
    assert said in figures and "<table" not in figures
    figures = form[form.index(">Số liệu</legend>") : form.index(">Đánh giá</legend>")]
    assert said in figures and "<input" not in figures


def test_a_report_with_figures_to_type_does_not_say_the_campaign_asks_for_none(
    client, tree, cast, campaign, report_a1
):
    login(client, cast["officer_a1"])
    said = "Kế hoạch phát động không yêu cầu đơn vị báo cáo số liệu."
    assert said not in html(client.get(reverse("campaign:report_detail", args=[report_a1.pk])))
    assert said not in html(client.get(reverse("campaign:report_edit", args=[report_a1.pk])))
