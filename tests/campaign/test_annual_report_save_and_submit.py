"""Saving and submitting an annual report in one request: all or nothing, the input kept on
a refusal, and its query counts."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from campaign import workflow
from campaign.models import (
    AnnualReport,
    Indicator,
    IndicatorValue,
    Period,
    Status,
    Step,
)
from tests.campaign.annual import (
    YEAR,
    add_indicators,
    annual_campaign,
    edit_data,
    filing,
    make_report,
    narrative,
    start_url,
    state,
    stored_figures,
    vi,
)
from tests.pages import html, login

S = Status
A = Step.Action
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


SAVE_AND_SUBMIT = {"save_and_submit": "1"}


def history_types(report):
    """The history rows of the report's figures, as (indicator code, type) pairs."""
    rows = IndicatorValue.history.filter(report_id=report.pk).select_related("indicator")
    return sorted((row.indicator.code, row.history_type) for row in rows)


def test_a_new_report_is_saved_and_submitted_in_one_request(
    client, tree, cast, campaign, django_capture_on_commit_callbacks
):
    login(client, cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(campaign, tree["A1"]), {**filing(), **SAVE_AND_SUBMIT})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.status == S.SUBMITTED and report.timeliness == "on_time"
    assert stored_figures(report) == {"sessions": 12, "participants": 1234, "other_forms": "Pa nô"}
    assert list(report.steps.values_list("action", flat=True)) == [A.SUBMIT]
    # The step's snapshot holds the figures just written, for the diff after a return: the
    # same as read back from the database.
    assert report.steps.get().snapshot["items"]["participants"]["value"] == "1234"
    assert report.steps.get().snapshot == report.snapshot()
    # Written once, already submitted: one history row of the report, not a draft and an
    # update.
    assert list(report.history.values_list("status", "history_type")) == [(S.SUBMITTED, "+")]
    # Each figure has its history row, by the officer, written in bulk with the values.
    assert history_types(report) == [("other_forms", "+"), ("participants", "+"), ("sessions", "+")]
    assert set(IndicatorValue.history.values_list("history_user", flat=True)) == {
        cast["officer_a1"].pk
    }
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    page = html(client.get(response.url))
    assert vi("The annual report was submitted for review.") in page


def test_save_and_submit_with_a_missing_figure_saves_nothing_and_keeps_the_input(
    client, tree, cast, campaign
):
    login(client, cast["officer_a1"])
    data = {**filing(value_participants="", results="Bản chưa đủ số liệu"), **SAVE_AND_SUBMIT}
    response = client.post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert vi("Fill in: %(names)s.", names="Số lượt người tham dự") in errors
    assert response.context["report"].pk is None  # the page offers no link to a lost report
    assert not AnnualReport.objects.exists()
    assert not IndicatorValue.history.exists() and not Step.objects.exists()
    page = html(response)
    assert vi("The report was neither saved nor submitted; what you typed is still below.") in page
    assert "Bản chưa đủ số liệu" in page


def test_save_and_submit_with_a_missing_figure_marks_that_input(client, tree, cast, campaign):
    # The message at the top names the figure; on a phone its input is screens below, so it
    # is marked there too (and first_error.js takes the focus to it). Filled ones are not.
    login(client, cast["officer_a1"])
    data = {**filing(value_participants="", results="Bản chưa đủ số liệu"), **SAVE_AND_SUBMIT}
    response = client.post(start_url(campaign, tree["A1"]), data)
    values = response.context["values"]
    assert values.errors == {"value_participants": [vi("Fill this in to submit the report.")]}
    page = html(response)
    assert re.search(r'name="value_participants"[^>]*class="[^"]*is-invalid', page)
    assert not re.search(r'name="value_sessions"[^>]*class="[^"]*is-invalid', page)


def test_save_and_submit_of_a_draft_with_a_figure_cleared_saves_nothing_and_keeps_the_input(
    client, cast, report_a1
):
    before = stored_figures(report_a1)
    login(client, cast["officer_a1"])
    data = {**edit_data(report_a1, results="Bản sửa"), "value_participants": "", **SAVE_AND_SUBMIT}
    response = client.post(reverse("campaign:report_edit", args=[report_a1.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert vi("Fill in: %(names)s.", names="Số lượt người tham dự") in errors
    report_a1.refresh_from_db()
    assert report_a1.status == S.DRAFT and report_a1.results != "Bản sửa"
    assert stored_figures(report_a1) == before and not Step.objects.exists()
    assert "Bản sửa" in html(response)


def test_a_returned_report_is_corrected_and_resubmitted_in_one_request(
    client, cast, report_a1, django_capture_on_commit_callbacks
):
    workflow.submission_submit(report_a1, user=cast["officer_a1"])
    workflow.submission_return(report_a1, user=cast["reviewer_a"], reason="Sửa số buổi")
    login(client, cast["officer_a1"])
    before = history_types(report_a1)
    data = {**edit_data(report_a1, value_sessions="14"), **SAVE_AND_SUBMIT}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaign:report_edit", args=[report_a1.pk]), data)
    assert response.status_code == 302
    report_a1.refresh_from_db()
    assert report_a1.status == S.SUBMITTED
    assert stored_figures(report_a1)["sessions"] == 14
    # Only the changed figure gets a history row.
    assert sorted(set(history_types(report_a1)) - set(before)) == [("sessions", "~")]
    assert len(history_types(report_a1)) == len(before) + 1
    changes = workflow.changes_since_return(report_a1, list(report_a1.steps.order_by("at", "pk")))
    assert changes["changed"] == [("sessions", [("value", "12", "14")])]


def test_save_and_submit_from_an_outdated_version_is_refused_and_nothing_submitted(
    client, cast, report_a1, second_officer_a1
):
    url = reverse("campaign:report_edit", args=[report_a1.pk])
    stale = {**edit_data(report_a1, results="Bản cũ"), **SAVE_AND_SUBMIT}
    login(client, second_officer_a1)
    assert client.post(url, edit_data(report_a1, results="Bản mới hơn")).status_code == 302
    saved = state(report_a1)
    login(client, cast["officer_a1"])
    response = client.post(url, stale)
    assert response.status_code == 200
    assert vi(str(_conflict_message())) in html(response)
    assert state(report_a1) == saved and saved[0] == S.DRAFT


def _conflict_message():
    from campaign.annual_reports import _CONFLICT

    return _CONFLICT


# (The session comes from the cache, the campaign's indicators and rules from the process:
# campaign.measures.) User, memberships (scope, with the unit), the period with its campaign,
# whether the year owes the unit its report (campaign.counting.expects, on that year's tree: one
# query, as no row the page loads tells where the unit stood at the cut-off), the units merged
# into the unit in the year and the figures of last year (the flags); then the step's
# transaction (a savepoint here): the report written once, already submitted, and its history row,
# the figures and their history rows (one insert each), the step, owing its e-mails (the worker
# finds the reviewers and writes them: campaign.notifications). (On PostgreSQL one more: the data
# version, units.dataversion.) 25 before the report was written once and its e-mails by the worker;
# before the one-request submit, saving then submitting took 28 + 15 queries with 8 figures.
SAVE_AND_SUBMIT_QUERIES = 13


@pytest.mark.parametrize("indicators", [2, 20])
def test_save_and_submit_costs_the_same_queries_whatever_the_number_of_indicators(
    client, tree, cast, campaign, django_assert_num_queries, indicators, measures_read
):
    Indicator.objects.filter(campaign=campaign).exclude(code="sessions").delete()
    add_indicators(campaign, indicators - 1)
    data = {**narrative(), **SAVE_AND_SUBMIT}
    for indicator in campaign.indicators.all():
        data[f"value_{indicator.code}"] = "5" if indicator.kind == "integer" else "Chữ"
    login(client, cast["officer_a1"])
    ContentType.objects.get_for_model(AnnualReport)  # cached for the process once looked up
    Period.objects.for_year(campaign, YEAR)  # opened by the first report of the year
    measures_read(campaign)
    with django_assert_num_queries(SAVE_AND_SUBMIT_QUERIES):
        response = client.post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.status == S.SUBMITTED and report.values.count() == indicators
    assert IndicatorValue.history.filter(report_id=report.pk).count() == indicators


# (Session from the cache, indicators and rules from the process.) User, memberships, the report
# with its unit, campaign, period and name then, its figures (for the form, and compared with on
# save), the units merged into the unit in the year and the figures of last year; then the
# transaction (savepoints here, where the test runs in a transaction): the report locked with its
# period and its version checked, its update and history row, the changed figures and their history
# rows, and the submit step: checked from what the save holds (the row is locked, the figures in
# memory), the names of its files for the step's snapshot, the status update and its history row,
# the step. (On PostgreSQL one more: the data version.) 23 before the step took the locked report
# and its figures from the save.
RESUBMIT_QUERIES = 21


@pytest.mark.parametrize("indicators", [2, 20])
def test_save_and_submit_of_a_draft_costs_the_same_queries_whatever_the_number_of_indicators(
    client, tree, cast, campaign, django_assert_num_queries, indicators, measures_read
):
    Indicator.objects.filter(campaign=campaign).exclude(code="sessions").delete()
    add_indicators(campaign, indicators - 1)
    figures = {i.code: 3 if i.kind == "integer" else "Chữ" for i in campaign.indicators.all()}
    report = make_report(tree["A1"], campaign, figures=figures)
    data = {**edit_data(report), **SAVE_AND_SUBMIT}
    data.update({f"value_{code}": "4" for code, value in figures.items() if value == 3})
    login(client, cast["officer_a1"])
    ContentType.objects.get_for_model(AnnualReport)  # cached for the process once looked up
    measures_read(campaign)
    with django_assert_num_queries(RESUBMIT_QUERIES):
        response = client.post(reverse("campaign:report_edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    assert set(stored_figures(report).values()) <= {4, "Chữ"}
    # The step recorded, from memory, what the database now holds.
    assert report.steps.get(action=A.SUBMIT).snapshot == report.snapshot()
