"""The new plan form as an officer meets it: the expected participants are typed in a text
box, so what was typed reaches the form and is refused with what was typed kept."""

import lxml.html
import pytest
from django.urls import reverse

from campaign.models import Plan
from tests.campaign.plans import plan_data
from tests.pages import login

pytestmark = pytest.mark.usefixtures("media")

WHOLE_NUMBER = "Hãy nhập một số nguyên, ví dụ 1234 hoặc 1.234."


def start_url(campaign, unit):
    return reverse("campaign:plan_start", args=[campaign.pk, unit.pk])


def inputs(html, name):
    return lxml.html.fromstring(html).xpath(f'//input[@name="{name}"]')


# --- expected participants ----------------------------------------------------------------------
def test_the_expected_participants_are_typed_in_a_text_box_with_the_digits_keyboard(
    client, cast, campaign, tree
):
    html = login(client, cast["officer_a1"]).get(start_url(campaign, tree["A1"])).content.decode()
    (box,) = inputs(html, "activities-0-expected_participants")
    # A number box sends "100-150" as empty, which the plan saved as "not known yet".
    assert box.get("type") == "text"
    assert box.get("inputmode") == "numeric"
    assert 'type="number"' not in html  # nor anywhere else on the page


@pytest.mark.parametrize("typed", ["100-150", "-", "khoảng 100"])
def test_expected_participants_that_are_no_number_are_refused_and_shown_back(
    client, cast, campaign, tree, typed
):
    # What the text box sends: the text as typed.
    data = plan_data(**{"activities-0-expected_participants": typed})
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert not Plan.objects.exists()
    html = response.content.decode()
    assert WHOLE_NUMBER in html
    (box,) = inputs(html, "activities-0-expected_participants")
    assert box.get("value") == typed


def test_expected_participants_typed_with_grouped_thousands_are_saved(client, cast, campaign, tree):
    data = plan_data(**{"activities-0-expected_participants": "1.200"})
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 302
    assert Plan.objects.get().activities.get().expected_participants == 1200
