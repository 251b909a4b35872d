"""An incomplete annual report sent with "Save and submit" is refused naming everything
still missing at once: the results, the self-assessment and the whole-number figures, not
the narrative first and the figures in a second round. Nothing is saved, and what was typed
stays."""

import re

import pytest
from django.urls import reverse

from campaign.models import AnnualReport, IndicatorValue, Status, Step
from tests.campaign.annual import YEAR, annual_campaign, edit_data, make_report, narrative, vi
from tests.pages import html, login, messages_of

# Today is 01/12/2024 (tests/campaign/conftest.py): 2024's reports are open.
pytestmark = pytest.mark.usefixtures("clock")

SAVE_AND_SUBMIT = {"save_and_submit": "1"}
EMPTY = {
    **narrative(results="", shortcomings="", proposals="", self_assessment=""),
    "value_sessions": "",
    "value_participants": "",
    "value_other_forms": "",
}
EVERY_GAP = [
    vi("Write what the unit did this year."),
    vi("Choose a self-assessment level."),
    vi("Fill in: %(names)s.", names="Số buổi tuyên truyền, Số lượt người tham dự"),
    vi("The report was neither saved nor submitted; what you typed is still below."),
]


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def start_url(campaign, unit):
    return reverse("campaign:report_start", args=[campaign.pk, unit.pk, YEAR])


def test_an_empty_new_report_sent_for_review_names_every_gap_at_once(client, tree, cast, campaign):
    login(client, cast["officer_a1"])
    response = client.post(start_url(campaign, tree["A1"]), {**EMPTY, **SAVE_AND_SUBMIT})
    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == EVERY_GAP
    # Each one is marked at its input too, where a phone's reader is taken.
    assert response.context["form"].errors["results"] == [vi("Write what the unit did this year.")]
    assert response.context["form"].errors["self_assessment"] == [
        vi("Choose a self-assessment level.")
    ]
    assert set(response.context["values"].errors) == {"value_sessions", "value_participants"}
    assert not AnnualReport.objects.exists() and not Step.objects.exists()


def test_a_report_with_only_its_figures_missing_is_refused_for_them_alone(
    client, tree, cast, campaign
):
    # The second round of the walk: narrative written, figures still empty.
    login(client, cast["officer_a1"])
    data = {**EMPTY, **narrative(results="Đã viết kết quả."), **SAVE_AND_SUBMIT}
    response = client.post(start_url(campaign, tree["A1"]), data)
    errors = list(response.context["form"].non_field_errors())
    assert errors == EVERY_GAP[2:]
    assert "Đã viết kết quả." in html(response)
    assert not AnnualReport.objects.exists()


def test_a_draft_sent_for_review_with_everything_missing_names_every_gap(
    client, tree, cast, campaign
):
    report = make_report(tree["A1"], campaign, results="", self_assessment="")
    login(client, cast["officer_a1"])
    data = {**edit_data(report), "shortcomings": "Chưa xong.", **SAVE_AND_SUBMIT}
    response = client.post(reverse("campaign:report_edit", args=[report.pk]), data)
    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == EVERY_GAP
    report.refresh_from_db()
    assert report.status == Status.DRAFT and report.version == 1 and report.shortcomings == ""
    assert not IndicatorValue.objects.exists() and not Step.objects.exists()
    assert "Chưa xong." in html(response)


def test_a_draft_submitted_from_its_page_names_every_gap(client, tree, cast, campaign):
    report = make_report(tree["A1"], campaign, results="  ", self_assessment="")
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_submit", args=[report.pk]), follow=True
    )
    assert messages_of(response, "error") == EVERY_GAP[:3]
    assert AnnualReport.objects.get(pk=report.pk).status == Status.DRAFT


def test_a_submit_refused_for_a_figure_typed_wrong_marks_the_gaps_too(client, tree, cast, campaign):
    # The figure typed wrong is refused as typed; the empty ones are named in the same round,
    # not after it is fixed.
    login(client, cast["officer_a1"])
    data = {**EMPTY, "value_sessions": "mười", **SAVE_AND_SUBMIT}
    response = client.post(start_url(campaign, tree["A1"]), data)
    form, values = response.context["form"], response.context["values"]
    assert form.errors["results"] == [vi("Write what the unit did this year.")]
    assert form.errors["self_assessment"] == [vi("Choose a self-assessment level.")]
    assert values.errors["value_participants"] == [vi("Fill this in to submit the report.")]
    assert values.errors["value_sessions"] != [vi("Fill this in to submit the report.")]
    page = html(response)
    assert re.search(r'name="value_participants"[^>]*class="[^"]*is-invalid', page)
    assert 'value="mười"' in page
    assert not AnnualReport.objects.exists()


def test_a_draft_saved_with_a_figure_typed_wrong_asks_for_nothing_else(
    client, tree, cast, campaign
):
    login(client, cast["officer_a1"])
    response = client.post(start_url(campaign, tree["A1"]), {**EMPTY, "value_sessions": "mười"})
    assert set(response.context["form"].errors) == set()
    assert set(response.context["values"].errors) == {"value_sessions"}
