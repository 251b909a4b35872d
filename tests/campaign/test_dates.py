"""Dates that cannot be real are refused with a clear message, and what was typed is kept:
a plan dated in the future or before its campaign, an activity outside the campaign's
years, an inspection before its campaign."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.forms import PLAN_AHEAD_YEARS
from campaign.models import Inspection, Plan
from tests.campaign.plans import activity, edit_data, formset, header

# Uploads go to each test's own folder (the `media` of tests/conftest.py).
pytestmark = pytest.mark.usefixtures("media")


def start(client, cast, campaign, tree, doc_date, **row):
    client.force_login(cast["officer_a1"])
    data = {**header(doc_date=doc_date), **formset([activity(**row)])}
    return client.post(reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]), data)


def errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_plan_dated_in_the_future_is_refused_and_the_date_kept(client, cast, campaign, tree):
    response = start(client, cast, campaign, tree, "15/03/2099")
    assert response.status_code == 200
    assert not Plan.objects.exists()
    [message] = errors(response, "doc_date")
    assert "15/03/2099 là một ngày trong tương lai" in message
    assert timezone.localdate().strftime("%d/%m/%Y") in message
    assert 'value="15/03/2099"' in response.content.decode()
    # The rest of what was typed is kept too.
    assert 'value="05/KH-CĐCS"' in response.content.decode()


def test_a_plan_dated_before_its_campaign_was_issued_is_refused(client, cast, campaign, tree):
    response = start(client, cast, campaign, tree, "01/01/2015")
    [message] = errors(response, "doc_date")
    assert "trước ngày ban hành kế hoạch phát động (10/06/2015)" in message
    assert not Plan.objects.exists()


def test_a_plan_dated_today_or_on_the_campaigns_day_is_accepted(client, cast, campaign, tree):
    response = start(client, cast, campaign, tree, "10/06/2015")
    assert response.status_code == 302
    [plan] = Plan.objects.all()
    assert (plan.unit, plan.doc_date) == (tree["A1"], datetime.date(2015, 6, 10))
    plan.delete()
    today = timezone.localdate()
    assert start(client, cast, campaign, tree, today.strftime("%d/%m/%Y")).status_code == 302
    [plan] = Plan.objects.all()
    assert (plan.unit, plan.doc_date) == (tree["A1"], today)


def test_editing_a_plan_into_the_future_is_refused_and_nothing_changes(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    response = client.post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]),
        edit_data(plan_a1, doc_date="15/03/2099"),
    )
    assert response.status_code == 200
    assert errors(response, "doc_date")
    plan_a1.refresh_from_db()
    assert plan_a1.doc_date == datetime.date(2015, 7, 1)


def test_an_activity_before_the_campaign_is_refused(client, cast, campaign, tree):
    response = start(client, cast, campaign, tree, "01/07/2015", planned_on="31/12/2014")
    assert response.status_code == 200
    [row] = response.context["formset"].forms
    assert "trước ngày ban hành kế hoạch phát động" in row.errors["planned_on"][0]
    assert 'value="31/12/2014"' in response.content.decode()


def test_an_activity_years_ahead_of_an_open_ended_campaign_is_refused(client, cast, campaign, tree):
    year = timezone.localdate().year + PLAN_AHEAD_YEARS + 1
    response = start(client, cast, campaign, tree, "01/07/2015", planned_on=f"15/03/{year}")
    [row] = response.context["formset"].forms
    assert "hãy kiểm tra lại năm" in row.errors["planned_on"][0]


def test_an_activity_after_the_campaigns_last_year_is_refused(client, cast, campaign, tree):
    campaign.last_year = 2020
    campaign.save()
    response = start(client, cast, campaign, tree, "01/07/2015", planned_on="15/03/2021")
    [row] = response.context["formset"].forms
    assert "sau năm 2020" in row.errors["planned_on"][0]


def test_an_inspection_before_its_campaign_is_refused_and_the_input_kept(
    client, cast, campaign, tree
):
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:inspection_create"),
        {
            "unit": tree["A1"].pk,
            "campaign": campaign.pk,
            "visited_on": "01/05/2015",
            "kind": Inspection.Kind.INSPECTION,
            "members": "Trưởng đoàn",
            "findings": "Đơn vị đã triển khai.",
            "recommendations": "",
        },
    )
    assert response.status_code == 200
    assert not Inspection.objects.exists()
    [message] = response.context["form"].errors["visited_on"]
    assert "trước ngày ban hành kế hoạch" in message
    assert 'value="01/05/2015"' in response.content.decode()
