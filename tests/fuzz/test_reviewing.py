"""Fuzzing the reviewer's forms: the reason of a return, and the summary report to the
Standing Committee (creating and editing a draft), as the CSPL board's reviewer."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from campaign import workflow
from campaign.models import MAX_NARRATIVE, Status, Step
from reports.models import DOCUMENT_FIELDS, MAX_RECIPIENTS, NARRATIVE_FIELDS, SummaryReport
from tests.fuzz import strategies as fz
from tests.fuzz.helpers import assert_text_stored, post_and_check

LIMITS = {
    "number_code": 40,  # the number itself is given at issue
    "place": 100,
    "parent_body": 255,
    "issuing_body": 255,
    "subject": 500,
    "addressee": 255,
    "signer_block": 100,
    "signer_title": 100,
    "signer_name": 150,
    "recipients": MAX_RECIPIENTS,
    **dict.fromkeys(NARRATIVE_FIELDS, MAX_NARRATIVE),
}
# What a draft cannot be saved without; the rest may stay empty until it is issued
# (`SummaryReport.issue_problems`).
REQUIRED = {"issuing_body", "subject"}
INCLUDE = [value for value, _label in SummaryReport.Include.choices]


@pytest.fixture
def submitted_plan(cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    return plan_a1


@pytest.fixture
def summary(tree, cast, campaign):
    return SummaryReport.objects.create(
        campaign=campaign,
        year=2024,
        unit=tree["PV"],
        issuing_body="LĐLĐ tỉnh Thử nghiệm",
        subject="Kết quả thực hiện kế hoạch năm 2024",
        created_by=cast["cspl"],
    )


@given(reason=fz.hostile_text(5000))
def test_a_return_keeps_the_reason_as_typed_or_is_refused_in_vietnamese(
    vi_client, cast, submitted_plan, reason
):
    plan_a1 = submitted_plan
    vi_client.force_login(cast["reviewer_a"])

    def state():
        plan_a1.refresh_from_db()
        return plan_a1.status, plan_a1.version, Step.objects.count()

    def saved(response):
        plan_a1.refresh_from_db()
        if plan_a1.status == Status.RETURNED:
            step = Step.objects.filter(action=Step.Action.RETURN).get()
            assert_text_stored(step.reason, reason, 5000)
        else:
            # The workflow refused the step itself: a message says why, nothing changed.
            assert plan_a1.status == Status.SUBMITTED

    url = reverse("campaign:plan_return", args=[plan_a1.pk])
    post_and_check(vi_client, url, {"reason": reason}, state, saved)


def summary_state():
    return sorted(
        SummaryReport.objects.values_list(
            "pk", "version", "year", "include", *DOCUMENT_FIELDS, *NARRATIVE_FIELDS
        )
    )


@given(
    data=st.fixed_dictionaries(
        {
            "campaign": fz.hostile_choice(["CAMPAIGN"]),
            "year": fz.hostile_choice(["2015", "2024", "YEAR"]) | fz.hostile_number(),
            "unit": fz.hostile_choice(["PV", "A1"]),
            "include": fz.hostile_choice(INCLUDE),
        }
    )
)
def test_a_new_summary_report_is_created_or_refused_in_vietnamese(
    vi_client, tree, cast, campaign, year, data
):
    keys = {
        "CAMPAIGN": str(campaign.pk),
        "PV": str(tree["PV"].pk),
        "A1": str(tree["A1"].pk),
        "YEAR": str(year),
    }
    data = {name: keys.get(value, value) for name, value in data.items()}
    vi_client.force_login(cast["cspl"])

    def saved(response):
        summary = SummaryReport.objects.get()
        assert response.url == reverse("reports:summary_edit", args=[summary.pk])
        assert summary.campaign == campaign
        assert campaign.runs_in(summary.year)
        assert summary.include in INCLUDE
        for name, limit in LIMITS.items():
            assert len(getattr(summary, name)) <= limit, name

    post_and_check(vi_client, reverse("reports:summary_create"), data, summary_state, saved)


@given(
    data=st.fixed_dictionaries(
        {
            **{name: fz.hostile_text(limit) for name, limit in LIMITS.items()},
            "dated_on": fz.hostile_date(),
            "include": fz.hostile_choice(INCLUDE),
            "version": st.just("1") | fz.hostile_number(),
        }
    )
)
def test_an_edited_summary_draft_is_saved_as_typed_or_left_as_it_was(
    vi_client, cast, summary, data
):
    vi_client.force_login(cast["cspl"])

    def saved(response):
        summary.refresh_from_db()
        assert summary.version == 2
        for name, limit in LIMITS.items():
            assert_text_stored(getattr(summary, name), data[name], limit, name in REQUIRED)
        assert datetime.date(2000, 1, 1) <= summary.dated_on <= datetime.date(2100, 12, 31)

    url = reverse("reports:summary_edit", args=[summary.pk])
    post_and_check(vi_client, url, data, summary_state, saved)
