"""Raising an obstacle: the form, the units and reports it may name, and bad input refused
with the typed text kept."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import MAX_NARRATIVE, AnnualReport, Obstacle, Period
from tests.campaign.obstacle_data import form_data
from tests.factories import CampaignFactory

S = Obstacle.Status
CREATE = reverse("campaign:obstacle_create")


@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


def make_report(unit, campaign, year=2026):
    return AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Tổ chức 5 buổi tuyên truyền.",
        self_assessment="good",
    )


def test_the_form_offers_the_units_the_officer_files_for_and_starts_on_its_own(
    client, tree, people, campaign
):
    client.force_login(people["officer_a"])
    form = client.get(CREATE).context["form"]
    # Its own unit, and A2, which has no officer of its own (A1 has one).
    assert [unit.code for unit in form.fields["unit"].queryset] == ["DA", "A2"]
    assert form.initial["unit"] == tree["DA"].pk
    assert form.initial["campaign"] == campaign.pk


def test_an_officer_raises_an_obstacle_and_lands_on_it(client, tree, people, campaign):
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign), follow=True)
    obstacle = Obstacle.objects.get()
    assert response.redirect_chain[-1][0] == reverse("campaign:obstacle_detail", args=[obstacle.pk])
    assert obstacle.unit == tree["A1"]
    assert obstacle.campaign == campaign
    assert obstacle.raised_by == people["officer_a1"]
    assert obstacle.status == S.OPEN
    assert obstacle.report is None
    assert "Cách tính số người tham dự" in response.content.decode()


def test_raising_one_says_the_last_day_to_answer_as_the_last_day(client, tree, people, campaign):
    # The answer-by day is itself on time (overdue starts the day after), but the message
    # said "trước ngày" (before the day): the unit read one day less than it is given.
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign), follow=True)
    day = Obstacle.objects.get().answer_by.strftime("%d/%m/%Y")
    assert f"Người duyệt cần trả lời chậm nhất ngày {day}." in response.content.decode()


def test_an_officer_may_not_raise_an_obstacle_for_a_unit_outside_what_it_files_for(
    client, tree, people, campaign
):
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["B1"], campaign))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Obstacle.objects.exists()


def test_an_obstacle_may_point_to_the_units_own_report_of_that_campaign(
    client, tree, people, campaign
):
    report = make_report(tree["A1"], campaign)
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, report=report.pk))
    assert response.status_code == 302
    assert Obstacle.objects.get().report == report
    # Its page links to the report by what it is, not by the campaign's reference.
    with translation.override("vi"):
        page = client.get(response.url).content.decode()
    link = f'<a href="{report.get_absolute_url()}">Báo cáo năm {report.year}</a>'
    assert link in page


def test_a_report_of_another_unit_the_officer_files_for_is_refused(client, tree, people, campaign):
    report_a2 = make_report(tree["A2"], campaign)
    client.force_login(people["officer_a"])
    response = client.post(CREATE, form_data(tree["DA"], campaign, report=report_a2.pk))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["report"]
    # The message is in the user's language, Vietnamese by default.
    assert "thuộc đơn vị hoặc kế hoạch khác" in str(response.context["form"].errors["report"])
    assert not Obstacle.objects.exists()


def test_a_report_of_the_unit_for_another_campaign_is_refused(
    client, tree, people, campaign, other_campaign
):
    report = make_report(tree["A1"], other_campaign)
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, report=report.pk))
    assert list(response.context["form"].errors) == ["report"]
    assert not Obstacle.objects.exists()


def test_a_report_outside_the_officers_scope_cannot_be_named(client, tree, people, campaign):
    report_b1 = make_report(tree["B1"], campaign)
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, report=report_b1.pk))
    assert list(response.context["form"].errors) == ["report"]
    assert not Obstacle.objects.exists()


def test_raising_from_a_report_fills_in_its_unit_campaign_and_report(
    client, tree, people, campaign, other_campaign
):
    report = make_report(tree["A2"], other_campaign)
    client.force_login(people["officer_a"])
    form = client.get(CREATE, {"report": report.pk}).context["form"]
    assert form.initial["unit"] == tree["A2"].pk
    assert form.initial["campaign"] == other_campaign.pk
    assert form.initial["report"] == report.pk


@pytest.mark.parametrize("value", ["b1", "abc", "999999"])
def test_raising_from_a_report_outside_the_scope_or_unknown_is_a_404(
    client, tree, people, campaign, value
):
    report_b1 = make_report(tree["B1"], campaign)
    client.force_login(people["officer_a1"])
    param = str(report_b1.pk) if value == "b1" else value
    assert client.get(CREATE, {"report": param}).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"text": ""}, "text"),
        ({"text": "y" * (MAX_NARRATIVE + 1)}, "text"),
        ({"subject": "nul\x00byte"}, "subject"),
        # Nothing but invisible characters: listed as a title nobody sees, a link with no text.
        ({"subject": "\u00ad\u200c\u200d"}, "subject"),
        ({"campaign": "999999"}, "campaign"),
        ({"unit": "not-a-number"}, "unit"),
        ({"report": "not-a-number"}, "report"),
    ],
)
def test_bad_input_is_refused_with_the_typed_text_kept(
    client, tree, people, campaign, overrides, field
):
    client.force_login(people["officer_a1"])
    data = {**form_data(tree["A1"], campaign), **overrides}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Obstacle.objects.exists()
    page = response.content.decode()
    kept = "text" if field != "text" else "subject"
    assert data[kept] in page


def test_an_empty_subject_is_explained_in_vietnamese(client, tree, people, campaign):
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, subject=""))
    assert "Hãy nhập tiêu đề ngắn cho vướng mắc." in response.content.decode()
