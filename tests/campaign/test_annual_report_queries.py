"""Query counts of the annual report pages: the same whatever the report holds, its number of
indicators, steps and scans, or the length of the queue."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from campaign import workflow
from campaign.models import (
    AnnualReport,
    Attachment,
    Indicator,
    IndicatorValue,
    Status,
)
from tests.campaign.annual import (
    COMPLETE,
    add_indicators,
    annual_campaign,
    make_report,
)
from tests.pages import count_queries, html, login

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def busy_report(tree, cast, campaign, indicators):
    """A report with `indicators` figures, returned once and resubmitted."""
    Indicator.objects.filter(campaign=campaign).exclude(code="sessions").delete()
    add_indicators(campaign, indicators - 1)
    figures = {i.code: 7 if i.kind == "integer" else "Văn bản" for i in campaign.indicators.all()}
    report = make_report(tree["A1"], campaign, figures=figures)
    workflow.submission_submit(report, user=cast["officer_a1"])
    workflow.submission_return(report, user=cast["reviewer_a"], reason="Bổ sung")
    IndicatorValue.objects.filter(report=report, int_value=7).update(int_value=8)
    workflow.submission_submit(report, user=cast["officer_a1"])
    return report


# (The session comes from the cache.) User, the user's memberships (scope), the report with unit,
# campaign and period, its figures, its attached scans, its steps with their actors, the
# campaign's indicators, the units merged into the report's unit in its year and the figures of
# last year (beside this year's for the reviewer); the bell's unread notices.
DETAIL_QUERIES = 10
# For a reviewer of the report's unit, one more: the next report waiting for them
# (campaign.queues.next_waiting).
REVIEWER_DETAIL_QUERIES = DETAIL_QUERIES + 1


@pytest.mark.parametrize("indicators", [2, 20])
def test_the_report_page_costs_the_same_queries_whatever_it_holds(
    client, tree, cast, campaign, django_assert_num_queries, indicators
):
    report = busy_report(tree, cast, campaign, indicators)
    login(client, cast["cspl"])
    ContentType.objects.get_for_model(AnnualReport)  # cached for the process once looked up
    with django_assert_num_queries(REVIEWER_DETAIL_QUERIES):
        response = client.get(reverse("campaign:report_detail", args=[report.pk]))
    assert response.status_code == 200
    assert len(response.context["figures"]) == indicators
    integers = campaign.indicators.filter(kind="integer").count()
    assert len(response.context["changes"]) == integers  # each whole number went 7 → 8


@pytest.mark.parametrize("who", ["officer_a1", "standing"])
def test_the_report_page_looks_for_no_next_report_for_officers_and_viewers(
    client, tree, cast, campaign, django_assert_num_queries, who
):
    report = busy_report(tree, cast, campaign, 2)
    login(client, cast[who])
    ContentType.objects.get_for_model(AnnualReport)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("campaign:report_detail", args=[report.pk]))
    assert response.status_code == 200 and response.context["next_waiting"] is None


# (The session comes from the cache; the campaign's indicators from the process, once read:
# campaign.measures.) User, memberships (scope), the report with unit, campaign and period, the
# report's figures, its attached scans, the units merged into the unit in the report's year and
# the figures of last year (under each input); the bell's unread notices.
EDIT_QUERIES = 8


@pytest.mark.parametrize("indicators", [2, 20])
def test_the_edit_page_costs_the_same_queries_whatever_the_number_of_indicators(
    client, tree, cast, campaign, django_assert_num_queries, indicators, measures_read
):
    Indicator.objects.filter(campaign=campaign).exclude(code="sessions").delete()
    add_indicators(campaign, indicators - 1)
    figures = {i.code: 3 if i.kind == "integer" else "Chữ" for i in campaign.indicators.all()}
    report = make_report(tree["A1"], campaign, figures=figures)
    login(client, cast["officer_a1"])
    measures_read(campaign)
    with django_assert_num_queries(EDIT_QUERIES):
        response = client.get(reverse("campaign:report_edit", args=[report.pk]))
    assert response.status_code == 200
    rows = response.context["values"].rows()
    assert len(rows) == indicators
    assert all(field.value() in (3, "Chữ") for _indicator, field, _shown in rows)


def test_the_report_pages_cost_the_same_queries_for_more_steps_and_scans(
    client, tree, cast, campaign, second_officer_a1
):
    # Returned and sent again by two officers, returned by two reviewers from two units, with
    # a scan attached each time: the page lists every step with its actor and unit, and the
    # scans.
    report = make_report(tree["A1"], campaign, figures=COMPLETE)
    officers = [cast["officer_a1"], second_officer_a1]
    reviewers = [cast["reviewer_a"], cast["cspl"]]

    def another_round(n):
        Attachment.objects.create(
            report=report,
            file=f"attachments/bao-cao-{n}.pdf",
            original_name=f"bao-cao-{n}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=officers[n % 2],
        )
        workflow.submission_submit(report, user=officers[n % 2])
        workflow.submission_return(report, user=reviewers[n % 2], reason=f"Bổ sung lần {n}")

    ContentType.objects.get_for_model(AnnualReport)  # cached for the process once looked up
    detail = reverse("campaign:report_detail", args=[report.pk])
    edit = reverse("campaign:report_edit", args=[report.pk])
    another_round(0)
    login(client, cast["cspl"])
    few_detail, _response = count_queries(client, detail)
    login(client, cast["officer_a1"])
    count_queries(client, edit)  # the campaign's indicators read once for the process
    few_edit, _response = count_queries(client, edit)
    for n in range(1, 8):
        another_round(n)
    login(client, cast["cspl"])
    many_detail, response = count_queries(client, detail)
    assert len(response.context["steps"]) == 16
    assert html(response).count("bao-cao-") == 8
    login(client, cast["officer_a1"])
    many_edit, response = count_queries(client, edit)
    assert html(response).count("bao-cao-") == 8
    assert (many_detail, many_edit) == (few_detail, few_edit)


def test_the_report_queue_costs_the_same_queries_for_3_or_30_reports(
    client, tree, cast, campaign, unit_factory
):
    # Units with no officer of their own, half of their reports filed on behalf by their
    # district: the queue names who entered each.
    def file_reports(count):
        for n in range(count):
            district = tree["DA"] if n % 2 else tree["DB"]
            unit = unit_factory.create(parent=district)
            on_behalf = {"entered_by": cast["officer_a"], "entered_from": district} if n % 2 else {}
            make_report(unit, campaign, status=S.SUBMITTED, figures=COMPLETE, **on_behalf)

    login(client, cast["cspl"])
    url = reverse("campaign:report_queue")
    file_reports(3)
    count_queries(client, url)  # the session in the cache
    few, response = count_queries(client, url)
    assert len(response.context["page"].object_list) == 3
    file_reports(27)
    many, response = count_queries(client, url)
    assert len(response.context["page"].object_list) == 25  # a page
    assert "nhập hộ" in html(response)
    assert many == few
