"""The new plan form as an officer meets it: the expected participants are typed in a text
box, so what was typed reaches the form and is refused with what was typed kept; the
signing block is the unit's last one, a plan's or a report's; a row not saved yet offers
no "Delete"."""

import datetime

import lxml.html
import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from campaign.models import AnnualReport, Plan, Status
from tests.campaign.filings import make_plan
from tests.campaign.plans import edit_data, plan_data
from tests.pages import login

pytestmark = pytest.mark.usefixtures("media")

WHOLE_NUMBER = "Hãy nhập một số nguyên, ví dụ 1234 hoặc 1.234."
SIGNING = {"signer_block": "TM. Ban Chấp hành", "signer_title": "Phó Chủ tịch"}
NAME = "Trần Thị Bình"


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


# --- the signing block --------------------------------------------------------------------------
def test_a_new_plan_starts_with_the_signing_block_of_the_units_last_report(
    client, cast, campaign, tree, report_factory
):
    # The unit's first plan for this campaign: its reports are where its office signed.
    last = report_factory(tree["A1"], campaign, timezone.localdate().year - 1, Status.ACCEPTED)
    AnnualReport.objects.filter(pk=last.pk).update(signer_name=NAME, **SIGNING)
    html = login(client, cast["officer_a1"]).get(start_url(campaign, tree["A1"])).content.decode()
    shown = {name: inputs(html, name)[0].get("value") for name in Plan.SIGNING_FIELDS}
    assert shown == {**SIGNING, "signer": NAME}


def test_a_new_report_takes_the_signing_block_of_a_plan_signed_after_the_last_report(
    client, cast, campaign, tree, report_factory
):
    year = timezone.localdate().year
    last = report_factory(tree["A1"], campaign, year - 1, Status.ACCEPTED)
    a_month_ago = timezone.now() - datetime.timedelta(days=30)
    AnnualReport.objects.filter(pk=last.pk).update(
        signer_name="Người ký cũ", created_at=a_month_ago, **SIGNING
    )
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"])
    Plan.objects.filter(pk=plan.pk).update(
        signer_block="TM. Ban Thường vụ", signer_title="Chủ tịch", signer=NAME
    )
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])
    html = login(client, cast["officer_a1"]).get(url).content.decode()
    shown = [inputs(html, name)[0].get("value") for name in AnnualReport.SIGNING_FIELDS]
    assert shown == ["TM. Ban Thường vụ", "Chủ tịch", NAME]


# --- "Delete" on rows not saved yet --------------------------------------------------------------
def test_a_new_plans_first_row_offers_no_delete(client, cast, campaign, tree):
    html = login(client, cast["officer_a1"]).get(start_url(campaign, tree["A1"])).content.decode()
    assert inputs(html, "activities-0-expected_participants")
    assert not inputs(html, "activities-0-DELETE")
    assert "DELETE" not in html  # nor the row "Add an activity" copies


def test_a_saved_row_offers_delete_and_the_row_added_below_does_not(client, cast, campaign, tree):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    url = reverse("campaign:plan_edit", args=[plan.pk])
    html = login(client, cast["officer_a1"]).get(url).content.decode()
    assert inputs(html, "activities-0-DELETE") and inputs(html, "activities-1-DELETE")
    assert inputs(html, "activities-2-audience") and not inputs(html, "activities-2-DELETE")
    # A saved row is still deleted when its box is ticked.
    first = plan.activities.order_by("pk").first()
    data = edit_data(plan)
    data["activities-1-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(plan.activities.all()) == [first]


def test_a_row_being_deleted_that_a_colleague_deleted_meanwhile_does_not_come_back(
    client, cast, campaign, tree
):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    first, second = plan.activities.order_by("pk")
    data = edit_data(plan, summary="Tóm tắt mới của tôi.")
    data["activities-1-DELETE"] = "on"
    # A colleague deletes the same activity and saves.
    second.delete()
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)

    url = reverse("campaign:plan_edit", args=[plan.pk])
    refused = login(client, cast["officer_a1"]).post(url, data)
    assert refused.status_code == 200
    # Turned into a new row, it would offer no "Delete" and be made anew at the next save.
    assert refused.context["formset"].total_form_count() == 1
    again = dict(refused.context["formset"].data.lists())
    again["version"] = refused.context["form"].data["version"]
    assert client.post(url, again).status_code == 302
    assert list(plan.activities.all()) == [first]
