"""Filing an annual report through its pages: the form, the whole workflow of filing,
return, resubmission and acceptance with its history and diff, and the required narrative."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import (
    AnnualReport,
    IndicatorValue,
    Period,
    Status,
    Step,
)
from tests.campaign.annual import (
    YEAR,
    annual_campaign,
    edit_data,
    filing,
    make_report,
    set_status,
    start_url,
    state,
    stored_figures,
    vi,
)
from tests.pages import html, login, messages_of

SAVE_AND_SUBMIT = {"save_and_submit": "1"}

S = Status
A = Step.Action
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def test_the_form_shows_the_unit_of_measure_beside_each_figure(client, tree, cast, campaign):
    response = login(client, cast["officer_a1"]).get(start_url(campaign, tree["A1"]))
    page = html(response)
    assert 'name="value_sessions"' in page and 'name="value_participants"' in page
    assert '<span class="input-group-text">buổi</span>' in page
    assert '<span class="input-group-text">lượt người</span>' in page
    assert '<textarea name="value_other_forms"' in page


def test_a_report_goes_through_filing_return_resubmission_and_acceptance(
    client, tree, cast, campaign
):
    officer, reviewer = cast["officer_a1"], cast["reviewer_a"]
    login(client, officer)
    response = client.post(start_url(campaign, tree["A1"]), filing())
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert stored_figures(report) == {"sessions": 12, "participants": 1234, "other_forms": "Pa nô"}
    assert report.period == Period.objects.get(campaign=campaign, year=YEAR)

    assert client.post(reverse("campaign:report_submit", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.timeliness == "on_time"

    login(client, reviewer)
    response = client.post(
        reverse("campaign:report_return", args=[report.pk]), {"reason": "Số lượt người chưa khớp"}
    )
    assert response.status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).status == S.RETURNED

    login(client, officer)
    data = edit_data(report, value_participants="1.300", results="Kết quả sau khi sửa")
    assert client.post(reverse("campaign:report_edit", args=[report.pk]), data).status_code == 302
    assert client.post(reverse("campaign:report_submit", args=[report.pk])).status_code == 302

    login(client, reviewer)
    response = client.get(reverse("campaign:report_detail", args=[report.pk]))
    changes = response.context["changes"]
    # Grouped as the page writes figures: the snapshots hold "1234".
    assert ("1.234", "1.300") in [(old, new) for _name, old, new in changes]
    assert ("Tổ chức 12 buổi tuyên truyền CCHC cho đoàn viên.", "Kết quả sau khi sửa") in [
        (old, new) for _name, old, new in changes
    ]
    page = html(response)
    assert '<td class="diff-old">1.234</td><td class="diff-new">1.300</td>' in page
    assert "Số lượt người chưa khớp" in page  # the reason, in the timeline
    assert "accept" in response.context["actions"]

    # Accepting asks first, on a page of its own; the confirmed POST accepts.
    asked = client.post(reverse("campaign:report_accept", args=[report.pk]))
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.content.decode()
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    accept = reverse("campaign:report_accept", args=[report.pk])
    assert client.post(accept, {"confirmed": "yes"}).status_code == 302
    report.refresh_from_db()
    assert report.status == S.ACCEPTED
    assert list(report.steps.order_by("at", "pk").values_list("action", flat=True)) == [
        A.SUBMIT,
        A.RETURN,
        A.SUBMIT,
        A.ACCEPT,
    ]
    # Every save is kept in the history.
    assert report.history.count() >= 3

    login(client, officer)
    response = client.get(reverse("campaign:report_edit", args=[report.pk]))
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    before = state(report)
    response = client.post(reverse("campaign:report_edit", args=[report.pk]), edit_data(report))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert state(report) == before


def test_the_report_page_shows_figures_with_their_unit_and_grouping(client, cast, report_a1):
    IndicatorValue.objects.filter(report=report_a1, indicator__code="participants").update(
        int_value=1234567
    )
    response = login(client, cast["standing"]).get(
        reverse("campaign:report_detail", args=[report_a1.pk])
    )
    page = html(response)
    # The figure never breaks across lines, nor leaves its unit: the text answers span both
    # year columns, and the figures' column is narrow on a phone.
    assert '<span class="text-nowrap">1.234.567 lượt người</span>' in page
    assert '<span class="text-nowrap">12 buổi</span>' in page
    assert "Pa nô, áp phích" in page


def test_the_report_page_shows_no_diff_before_any_return(client, cast, report_a1):
    set_status(report_a1, S.SUBMITTED)
    response = login(client, cast["reviewer_a"]).get(
        reverse("campaign:report_detail", args=[report_a1.pk])
    )
    assert response.context["changes"] is None
    assert 'id="changes"' not in html(response)


def test_a_return_without_a_reason_is_refused_with_the_reason_error(client, cast, report_a1):
    set_status(report_a1, S.SUBMITTED)
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:report_return", args=[report_a1.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert "reason" in response.context["reason_form"].errors
    assert AnnualReport.objects.get(pk=report_a1.pk).status == S.SUBMITTED
    assert not Step.objects.filter(action=A.RETURN).exists()


def test_a_step_the_reports_state_does_not_allow_is_refused_with_a_message(client, cast, report_a1):
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:report_accept", args=[report_a1.pk]), follow=True
    )
    assert response.status_code == 200
    assert len(messages_of(response, "error")) == 1
    assert AnnualReport.objects.get(pk=report_a1.pk).status == S.DRAFT


def test_submitting_without_every_whole_number_names_the_missing_indicators(
    client, tree, cast, campaign
):
    report = make_report(tree["A1"], campaign, figures={"participants": 5})
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_submit", args=[report.pk]), follow=True
    )
    assert AnnualReport.objects.get(pk=report.pk).status == S.DRAFT
    missing = vi("Fill in: %(names)s.", names="Số buổi tuyên truyền")
    assert messages_of(response, "error") == [missing]
    # The text indicator is optional; a stored but empty figure counts as missing too.
    IndicatorValue.objects.filter(report=report).update(int_value=None)
    with translation.override("en"):
        assert [str(p) for p in report.completeness_problems()] == [
            "Fill in: Số buổi tuyên truyền, Số lượt người tham dự."
        ]


def test_the_narrative_and_the_self_assessment_are_required(client, tree, cast, campaign):
    # On submit; a draft may leave them empty (test_report_draft_partial.py).
    data = {**filing(results="", self_assessment=""), **SAVE_AND_SUBMIT}
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"__all__", "results", "self_assessment"}
    data = filing(self_assessment="excellent")
    response = client.post(start_url(campaign, tree["A1"]), data)
    assert set(response.context["form"].errors) == {"self_assessment"}
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize(
    ("assessment", "label"),
    [("good", "Good"), ("fair", "Fair"), ("average", "Average"), ("weak", "Weak")],
)
def test_each_self_assessment_is_accepted_and_shown(
    client, tree, cast, campaign, assessment, label
):
    login(client, cast["officer_a1"])
    client.post(start_url(campaign, tree["A1"]), filing(self_assessment=assessment))
    report = AnnualReport.objects.get()
    assert report.self_assessment == assessment
    assert vi(label) in html(client.get(report.get_absolute_url()))
