"""A form that makes something, sent twice (a second tap after a slow first, a reload that
sends the POST again, a phone that lost the answer), makes it once and leads to it
(units/once.py): an obstacle, a visit, a summary's draft."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from campaign.models import Inspection, Obstacle, Plan
from reports.models import SummaryReport
from tests.campaign import inspection_data, obstacle_data
from tests.campaign.plans import activity, formset, header
from tests.once import ALREADY, messages_in, sent_twice, token_of
from units.models import SentForm


def test_an_obstacle_sent_twice_is_raised_once(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:obstacle_create")
    first, second = sent_twice(client, url, obstacle_data.form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    assert first.url == second.redirect_chain[-1][0] == obstacle.get_absolute_url()
    assert any(ALREADY in message for message in messages_in(second))
    # A new page is a new form: a second obstacle is made.
    sent_twice(client, url, obstacle_data.form_data(tree["A1"], campaign, subject="Câu khác"))
    assert Obstacle.objects.count() == 2


def test_a_visit_sent_twice_is_recorded_once(client, tree, cast, campaign):
    client.force_login(cast["cspl"])
    url = reverse("campaign:inspection_create")
    first, second = sent_twice(client, url, inspection_data.form_data(tree["DA"], campaign))
    inspection = Inspection.objects.get()
    assert first.url == second.redirect_chain[-1][0] == inspection.get_absolute_url()


def test_a_summary_sent_twice_makes_one_draft(client, tree, cast, campaign):
    client.force_login(cast["cspl"])
    url = reverse("reports:summary_create")
    data = {
        "kind": "committee",
        "campaign": campaign.pk,
        "year": 2016,
        "unit": tree["PV"].pk,
        "include": "accepted",
    }
    first, second = sent_twice(client, url, data)
    draft = SummaryReport.objects.get()
    edit = reverse("reports:summary_edit", args=[draft.pk])
    assert first.url == second.redirect_chain[-1][0] == edit


def test_a_refused_form_keeps_its_token_and_a_page_without_one_still_saves(
    client, tree, cast, campaign
):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:obstacle_create")
    token = token_of(client, url)
    refused = client.post(url, {**obstacle_data.form_data(tree["A1"], campaign, subject="")})
    assert refused.status_code == 200 and not Obstacle.objects.exists()
    data = obstacle_data.form_data(tree["A1"], campaign, once=token)
    assert client.post(url, data).status_code == 302
    assert client.post(url, obstacle_data.form_data(tree["A1"], campaign)).status_code == 302
    assert Obstacle.objects.count() == 2  # the second had no token: a page from before


def test_another_users_token_is_theirs_alone(client, tree, cast, campaign, second_officer_a1):
    # A token leads only to what its own user made: another's is a form of their own.
    url = reverse("campaign:obstacle_create")
    client.force_login(cast["officer_a1"])
    data = {**obstacle_data.form_data(tree["A1"], campaign), "once": token_of(client, url)}
    client.post(url, data)
    client.force_login(second_officer_a1)
    theirs = client.post(url, data)
    assert Obstacle.objects.count() == 2
    assert theirs.url == Obstacle.objects.get(raised_by=second_officer_a1).get_absolute_url()
    assert SentForm.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_make_one_obstacle(require_postgres, tree, cast, campaign):
    url = reverse("campaign:obstacle_create")
    setup = Client()
    setup.force_login(cast["officer_a1"])
    data = {**obstacle_data.form_data(tree["A1"], campaign), "once": token_of(setup, url)}
    start = threading.Barrier(2)
    locations = []

    def send():
        client = Client()
        client.force_login(cast["officer_a1"])
        start.wait(5)
        try:
            locations.append(client.post(url, data)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    obstacle = Obstacle.objects.get()
    assert locations == [obstacle.get_absolute_url()] * 2


def test_a_damaged_token_is_no_token_not_an_error_in_english(client, tree, cast, campaign):
    # A page altered on its way back: the form saves as one drawn before tokens did.
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:obstacle_create")
    data = {**obstacle_data.form_data(tree["A1"], campaign), "once": "abc"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Obstacle.objects.count() == 1


def test_a_plan_sent_twice_is_filed_once_and_the_second_leads_to_it(client, tree, cast, campaign):
    # Before, the second post found the plan its first had made and said someone else
    # had started it.
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    themes = [str(campaign.themes.order_by("sort_key").first().pk)]
    first, second = sent_twice(client, url, {**header(), **formset([activity(themes=themes)])})
    plan = Plan.objects.get()
    assert first.url == second.redirect_chain[-1][0] == plan.get_absolute_url()
    assert any(ALREADY in message for message in messages_in(second))
    assert plan.activities.count() == 1
