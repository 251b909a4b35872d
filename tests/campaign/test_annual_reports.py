"""Annual report pages: who may open and act on them, filing and validation of every kind of
indicator, the workflow with its history and diff, conflicts, the reviewer queue, query counts
and the notification e-mail."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from campaign import workflow
from campaign.forms import ValuesForm
from campaign.models import (
    MAX_FIGURE,
    MAX_TEXT_VALUE,
    AnnualReport,
    Attachment,
    Campaign,
    Indicator,
    IndicatorValue,
    Period,
    Status,
    Step,
)
from tests.campaign.annual import (
    COMPLETE,
    YEAR,
    annual_campaign,
    edit_data,
    local,
    make_report,
    narrative,
    state,
    stored_figures,
    vi,
)
from tests.campaign.filings import START_LADDER
from tests.factories import MembershipFactory, UserFactory
from tests.pages import count_queries, html, login, messages_of
from units.models import Membership

S = Status
A = Step.Action
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


@pytest.fixture
def report_a1(tree, cast, campaign):
    """A complete draft report of grassroots A1 (officer_a1's unit, under district A)."""
    return make_report(tree["A1"], campaign, figures=COMPLETE)


# --- helpers -------------------------------------------------------------------------------------
def filing(**overrides):
    """What the new-report form posts: the narrative and every figure."""
    data = narrative()
    data.update(
        {"value_sessions": "12", "value_participants": "1.234", "value_other_forms": "Pa nô"}
    )
    data.update(overrides)
    return data


def set_status(report, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()


def start_url(campaign, unit, year=YEAR):
    return reverse("campaign:report_start", args=[campaign.pk, unit.pk, year])


# --- the permission ladder -----------------------------------------------------------------------
REPORT_URLS = ["detail", "edit_get", "edit_post", "submit", "return", "accept", "reopen"]
# The state each request needs to succeed for someone allowed to make it.
NEEDS = {"return": S.SUBMITTED, "accept": S.SUBMITTED, "reopen": S.ACCEPTED}


def request_report_url(client, report, what):
    if what == "detail":
        return client.get(reverse("campaign:report_detail", args=[report.pk]))
    if what == "edit_get":
        return client.get(reverse("campaign:report_edit", args=[report.pk]))
    if what == "edit_post":
        return client.post(
            reverse("campaign:report_edit", args=[report.pk]),
            edit_data(report, results="Kết quả đã sửa", value_sessions="15"),
        )
    return client.post(
        reverse(f"campaign:report_{what}", args=[report.pk]),
        {"reason": "Bổ sung số liệu", "confirmed": "yes"},
    )


def assert_succeeded(response, report, what):
    report_url = reverse("campaign:report_detail", args=[report.pk])
    stored = AnnualReport.objects.get(pk=report.pk)
    if what == "detail":
        assert response.status_code == 200
        assert response.context["report"] == report
    elif what == "edit_get":
        assert response.status_code == 200
        assert response.context["form"].instance == report
    elif what == "edit_post":
        assert response.status_code == 302 and response.url == report_url
        assert stored.results == "Kết quả đã sửa"
        assert stored_figures(report)["sessions"] == 15
    else:
        expected = {
            "submit": S.SUBMITTED,
            "return": S.RETURNED,
            "accept": S.ACCEPTED,
            "reopen": S.RETURNED,
        }[what]
        assert response.status_code == 302 and response.url == report_url
        assert stored.status == expected


OFFICER = dict.fromkeys(["detail", "edit_get", "edit_post", "submit"], 200) | dict.fromkeys(
    ["return", "accept", "reopen"], 403
)
REVIEWER = dict.fromkeys(["detail", "return", "accept", "reopen"], 200) | dict.fromkeys(
    ["edit_get", "edit_post", "submit"], 403
)
LADDER = {
    "outsider": dict.fromkeys(REPORT_URLS, 404),
    "officer_b1": dict.fromkeys(REPORT_URLS, 404),  # another district's officer: IDOR
    "reviewer_b": dict.fromkeys(REPORT_URLS, 404),  # another district's reviewer
    "standing": {"detail": 200} | dict.fromkeys(REPORT_URLS[1:], 403),
    "officer_a1": OFFICER,
    "second_officer_a1": OFFICER,
    # The district's officer sees A1's report but files only for units below with no officer
    # of their own (A1 has one): tests/campaign/test_on_behalf_rule.py.
    "officer_a": {"detail": 200} | dict.fromkeys(REPORT_URLS[1:], 403),
    "reviewer_a": REVIEWER,
    "cspl": REVIEWER,
}


@pytest.mark.parametrize("what", REPORT_URLS)
def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_report_url(
    client, report_a1, what
):
    set_status(report_a1, NEEDS.get(what, S.DRAFT))
    before = state(report_a1)
    response = request_report_url(client, report_a1, what)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert state(report_a1) == before


@pytest.mark.parametrize("what", REPORT_URLS)
@pytest.mark.parametrize("who", list(LADDER))
def test_every_report_url_answers_each_role_as_the_ladder_says(
    client, people, report_a1, who, what
):
    set_status(report_a1, NEEDS.get(what, S.DRAFT))
    before = state(report_a1)
    response = request_report_url(login(client, people[who]), report_a1, what)
    expected = LADDER[who][what]
    if expected == 200:
        assert_succeeded(response, report_a1, what)
    else:
        assert response.status_code == expected
        assert state(report_a1) == before


@pytest.mark.parametrize("what", ["submit", "return", "accept", "reopen"])
def test_the_report_workflow_urls_do_not_answer_get(client, cast, report_a1, what):
    response = login(client, cast["cspl"]).get(
        reverse(f"campaign:report_{what}", args=[report_a1.pk])
    )
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["campaign:report_detail", "campaign:report_edit"])
def test_a_report_that_does_not_exist_is_not_found(client, cast, report_a1, name):
    response = login(client, cast["officer_a1"]).get(reverse(name, args=[report_a1.pk + 999]))
    assert response.status_code == 404


def test_a_district_officer_cannot_reach_another_districts_report_by_its_number(
    client, tree, cast, campaign
):
    theirs = make_report(tree["B1"], campaign, figures=COMPLETE)
    before = state(theirs)
    login(client, cast["officer_a"])
    assert client.get(reverse("campaign:report_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("campaign:report_edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("campaign:report_edit", args=[theirs.pk]), edit_data(theirs, results="Sửa trộm")
    )
    assert response.status_code == 404
    assert client.post(reverse("campaign:report_submit", args=[theirs.pk])).status_code == 404
    assert state(theirs) == before


def test_a_grassroots_officer_cannot_reach_its_districts_own_report(client, tree, cast, campaign):
    # A role reaches down the tree, never up it.
    district = make_report(tree["DA"], campaign, figures=COMPLETE)
    login(client, cast["officer_a1"])
    assert client.get(reverse("campaign:report_detail", args=[district.pk])).status_code == 404
    assert client.post(reverse("campaign:report_submit", args=[district.pk])).status_code == 404
    assert AnnualReport.objects.get(pk=district.pk).status == S.DRAFT


def test_a_district_reviewer_does_not_review_its_own_districts_report(client, tree, cast, campaign):
    district = make_report(tree["DA"], campaign, status=S.SUBMITTED, figures=COMPLETE)
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:report_accept", args=[district.pk])
    )
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=district.pk).status == S.SUBMITTED


def test_an_officer_without_the_reviewer_role_cannot_return_even_without_a_reason(
    client, cast, report_a1
):
    set_status(report_a1, S.SUBMITTED)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_return", args=[report_a1.pk])
    )
    assert response.status_code == 403
    assert AnnualReport.objects.get(pk=report_a1.pk).status == S.SUBMITTED


def test_an_anonymous_visitor_cannot_start_a_report(client, tree, campaign):
    for response in (
        client.get(start_url(campaign, tree["A1"])),
        client.post(start_url(campaign, tree["A1"]), filing()),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("who", list(START_LADDER))
def test_starting_a_report_answers_each_role_as_the_ladder_says(
    client, people, tree, campaign, who
):
    login(client, people[who])
    response = client.get(start_url(campaign, tree["A1"]))
    assert response.status_code == START_LADDER[who]
    response = client.post(start_url(campaign, tree["A1"]), filing())
    if START_LADDER[who] == 200:
        report = AnnualReport.objects.get()
        assert response.status_code == 302 and response.url == report.get_absolute_url()
        assert (report.unit, report.year, report.status) == (tree["A1"], YEAR, S.DRAFT)
    else:
        assert response.status_code == START_LADDER[who]
        assert not AnnualReport.objects.exists()


def test_starting_a_report_a_unit_already_has_opens_that_report(client, cast, report_a1):
    response = login(client, cast["officer_a1"]).get(start_url(report_a1.campaign, report_a1.unit))
    assert response.status_code == 302 and response.url == report_a1.get_absolute_url()


def test_the_province_that_issues_the_campaign_files_no_report_for_it(client, tree, campaign):
    officer = UserFactory(username="officer_pv")
    MembershipFactory(user=officer, unit=tree["PV"], role=Membership.Role.OFFICER)
    login(client, officer)
    assert client.get(start_url(campaign, tree["PV"])).status_code == 404
    assert client.post(start_url(campaign, tree["PV"]), filing()).status_code == 404
    assert not AnnualReport.objects.exists()


def test_starting_a_report_for_a_campaign_that_does_not_exist_is_not_found(client, tree, cast):
    response = login(client, cast["officer_a1"]).get(
        reverse("campaign:report_start", args=[999_999, tree["A1"].pk, YEAR])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("last_year", "year"), [(None, 2014), (2030, 2031)], ids=["before the first", "after the last"]
)
def test_starting_a_report_for_a_year_the_campaign_does_not_run_is_refused(
    client, tree, cast, campaign, last_year, year
):
    Campaign.objects.filter(pk=campaign.pk).update(last_year=last_year)
    login(client, cast["officer_a1"])
    response = client.get(start_url(campaign, tree["A1"], year))
    assert response.status_code == 404
    assert f"{year}" in html(response)
    assert client.post(start_url(campaign, tree["A1"], year), filing()).status_code == 404
    assert not AnnualReport.objects.exists()
    assert not Period.objects.filter(year=year).exists()


@pytest.mark.parametrize("code", ["B1", "DA", "DB", "PV"])
def test_an_officer_cannot_start_a_report_for_a_unit_outside_its_subtree(
    client, tree, cast, campaign, code
):
    login(client, cast["officer_a1"])
    assert client.get(start_url(campaign, tree[code])).status_code == 404
    assert client.post(start_url(campaign, tree[code]), filing()).status_code == 404
    assert not AnnualReport.objects.exists()


# --- the list of the officer's reports and the queue ---------------------------------------------
def test_the_report_list_offers_only_the_units_the_officer_files_for(client, tree, cast, campaign):
    make_report(tree["B1"], campaign, figures=COMPLETE)
    response = login(client, cast["officer_a1"]).get(reverse("campaign:report_list"))
    assert response.status_code == 200
    assert [row["unit"].code for row in response.context["rows"]] == ["A1"]
    assert response.context["year"] == YEAR
    assert start_url(campaign, tree["A1"]) in html(response)
    assert start_url(campaign, tree["B1"]) not in html(response)


def test_an_anonymous_visitor_is_sent_from_the_report_list_to_the_login_page(client, campaign):
    response = client.get(reverse("campaign:report_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_report_list_shows_nothing_to_a_user_without_a_role(client, cast, campaign):
    response = login(client, cast["outsider"]).get(reverse("campaign:report_list"))
    assert response.status_code == 200
    assert response.context["rows"] == []


@pytest.mark.parametrize(
    ("who", "to_queue", "to_dashboard"),
    [("cspl", True, True), ("standing", False, True), ("outsider", False, False)],
)
def test_the_report_list_points_a_user_who_files_for_nothing_to_their_own_pages(
    client, cast, campaign, who, to_queue, to_dashboard
):
    page = html(login(client, cast[who]).get(reverse("campaign:report_list")))
    query = f"?campaign={campaign.pk}&amp;year={YEAR}"
    assert (reverse("campaign:report_queue") + query in page) is to_queue
    assert (reverse("reports:dashboard") + query in page) is to_dashboard


def test_the_report_list_ignores_a_year_the_campaign_does_not_run(client, cast, campaign):
    login(client, cast["officer_a1"])
    for year in ("1999", "abc", "99999"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": year}
        )
        assert response.status_code == 200
        assert response.context["year"] == YEAR
    assert not Period.objects.filter(year=1999).exists()


QUEUE_LADDER = {
    "outsider": 403,
    "officer_b1": 403,
    "officer_a1": 403,
    "officer_a": 403,
    "standing": 403,
    "reviewer_a": 200,
    "reviewer_b": 200,
    "cspl": 200,
}


def test_an_anonymous_visitor_is_sent_from_the_queue_to_the_login_page(client):
    response = client.get(reverse("campaign:report_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", list(QUEUE_LADDER))
def test_only_reviewers_open_the_report_queue(client, people, campaign, who):
    response = login(client, people[who]).get(reverse("campaign:report_queue"))
    assert response.status_code == QUEUE_LADDER[who]


@pytest.fixture
def queue_reports(tree, campaign):
    """Reports in various states across the tree, by a short name."""
    return {
        "a1": make_report(tree["A1"], campaign, status=S.SUBMITTED, figures=COMPLETE),
        "a2_draft": make_report(tree["A2"], campaign, figures=COMPLETE),
        "a2_2023": make_report(tree["A2"], campaign, 2023, status=S.SUBMITTED),
        "a1_accepted_2022": make_report(tree["A1"], campaign, 2022, status=S.ACCEPTED),
        "da": make_report(tree["DA"], campaign, status=S.SUBMITTED, figures=COMPLETE),
        "b1": make_report(tree["B1"], campaign, status=S.SUBMITTED, figures=COMPLETE),
    }


def queued(response):
    assert response.status_code == 200
    return sorted(f"{r.unit.code}-{r.year}" for r in response.context["page"].object_list)


def test_a_district_reviewer_queues_only_its_grassroots_submitted_reports(
    client, cast, queue_reports
):
    response = login(client, cast["reviewer_a"]).get(reverse("campaign:report_queue"))
    # Not A2's draft, not the accepted one, not B1 (another district), not DA's own report.
    assert queued(response) == ["A1-2024", "A2-2023"]
    page = html(response)
    assert reverse("campaign:report_detail", args=[queue_reports["a1"].pk]) in page
    assert reverse("campaign:report_detail", args=[queue_reports["b1"].pk]) not in page


def test_another_districts_reviewer_queues_none_of_district_as_reports(
    client, people, queue_reports
):
    response = login(client, people["reviewer_b"]).get(reverse("campaign:report_queue"))
    assert queued(response) == ["B1-2024"]


def test_the_province_reviewer_queues_every_submitted_report_below_it(client, cast, queue_reports):
    response = login(client, cast["cspl"]).get(reverse("campaign:report_queue"))
    assert queued(response) == ["A1-2024", "A2-2023", "B1-2024", "DA-2024"]


def test_the_report_queue_filters_by_year(client, cast, queue_reports):
    login(client, cast["reviewer_a"])
    assert queued(client.get(reverse("campaign:report_queue"), {"year": "2023"})) == ["A2-2023"]
    assert queued(client.get(reverse("campaign:report_queue"), {"year": "2024"})) == ["A1-2024"]
    # Another status, asked for explicitly, with the year.
    response = client.get(reverse("campaign:report_queue"), {"year": "2022", "status": S.ACCEPTED})
    assert queued(response) == ["A1-2022"]


def test_an_invalid_year_filter_matches_nothing_and_says_why(client, cast, queue_reports):
    response = login(client, cast["reviewer_a"]).get(
        reverse("campaign:report_queue"), {"year": "abc"}
    )
    assert queued(response) == []
    assert "year" in response.context["filter"].form.errors


def test_the_year_filter_is_a_list_of_the_campaigns_years(client, cast, campaign, queue_reports):
    response = login(client, cast["reviewer_a"]).get(reverse("campaign:report_queue"))
    select = re.search(r'<select name="year"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, "the year is picked from a list"
    offered = re.findall(r'<option value="(\d*)"', select.group(1))
    this_year = timezone.localdate().year
    assert offered == ["", *(str(y) for y in range(this_year, campaign.first_year - 1, -1))]
    # A year not in the list (typed into the address) is refused with a message.
    response = client.get(reverse("campaign:report_queue"), {"year": "2023.5"})
    assert queued(response) == []
    assert response.context["filter"].form.errors["year"] == [
        "Giá trị “2023.5” không hợp lệ: hãy chọn một trong các giá trị cho phép."
    ]


# --- filing through the pages --------------------------------------------------------------------
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
    data = filing(results="", self_assessment="")
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"results", "self_assessment"}
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


# --- validation of every kind of indicator -------------------------------------------------------
# (name, field, typed, error shown in English)
INVALID_FIGURES = [
    ("negative", "value_sessions", "-1", "The value must be greater than or equal to 0."),
    (
        "above the bound",
        "value_participants",
        str(MAX_FIGURE + 1),
        # The limit is grouped as the page's language (Vietnamese) writes it.
        "The value must be less than or equal to 10.000.000.",
    ),
    ("huge", "value_participants", "9" * 30, "less than or equal to 10.000.000"),
    ("not a number", "value_sessions", "abc", "Enter a whole number."),
    ("a fraction", "value_sessions", "1.5", "Enter a whole number."),
    ("a decimal comma", "value_sessions", "1,5", "Enter a whole number."),
    ("badly grouped", "value_participants", "12.34", "Enter a whole number."),
    # Django read these as 1 and 12: a thousand typed with a zero too many became one.
    ("a zero too many", "value_participants", "1.0000", "Enter a whole number."),
    ("zeros after a dot", "value_participants", "1.00", "Enter a whole number."),
    ("a zero after a dot", "value_sessions", "12.0", "Enter a whole number."),
    # int() read these as 12 and 1234: a figure is typed with 0–9 (full-width ones are read).
    ("arabic-indic digits", "value_sessions", "١٢", "Type the number with the digits 0 to 9."),
    ("persian digits", "value_participants", "۱.۲۳۴", "Type the number with the digits 0 to 9."),
    (
        "text too long",
        "value_other_forms",
        "x" * (MAX_TEXT_VALUE + 1),
        "Type at most",
    ),
]


def figure_errors(response, field):
    with translation.override("en"):
        return [str(error) for error in response.context["values"].errors[field]]


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [case[1:] for case in INVALID_FIGURES],
    ids=[case[0] for case in INVALID_FIGURES],
)
def test_an_invalid_figure_in_a_new_report_is_explained_kept_and_nothing_saved(
    client, tree, cast, campaign, field, typed, error
):
    data = filing(**{field: typed}, results="Kết quả gõ dở")
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert list(response.context["values"].errors) == [field]
    assert any(error in message for message in figure_errors(response, field))
    page = html(response)
    assert escape(typed) in page and "Kết quả gõ dở" in page
    assert 'class="form-control is-invalid"' in page
    assert f'id="id_{field}-error"' in page
    assert not AnnualReport.objects.exists() and not IndicatorValue.objects.exists()


def test_a_refused_form_says_so_at_its_top_and_a_saved_figure_reads_as_typed(
    client, cast, report_a1
):
    # A long form's errors were only under their fields, out of sight on a phone; a saved
    # 1200 read "1200" in the form and "1.200" everywhere else.
    login(client, cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report_a1.pk])
    refused = client.post(
        edit, edit_data(report_a1, value_sessions="mười", value_participants="1.250")
    )
    assert 'id="form-errors"' in html(refused) and 'value="mười"' in html(refused)
    # A figure typed grouped comes back as typed, not read back as "1250".
    assert 'value="1.250"' in html(refused)
    IndicatorValue.objects.filter(report=report_a1, indicator__code="participants").update(
        int_value=1200
    )
    form = html(client.get(edit))
    assert 'value="1.200"' in form and 'id="form-errors"' not in form


def test_a_refused_form_s_message_links_each_field_to_fix_in_the_page_s_order(
    client, cast, report_a1
):
    # The message at the top said only "correct the fields marked in red": on a phone the
    # officer scrolled three screens to find them. It names each and leads to its input.
    login(client, cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report_a1.pk])
    refused = client.post(
        edit,
        edit_data(report_a1, doc_number="x" * 500, value_sessions="mười", results=""),
    )
    summary = html(refused).split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    hrefs = re.findall(r'href="#([^"]+)"', summary)
    # The report's number, above the figures, then the figure, then the assessment.
    assert hrefs == ["id_doc_number", "id_value_sessions", "id_results"]
    for name in hrefs:
        assert f'id="{name}"' in html(refused)


def test_the_note_on_unusual_figures_is_listed_where_it_stands_under_the_figures(
    client, cast, report_a1
):
    login(client, cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report_a1.pk])
    refused = client.post(edit, edit_data(report_a1, flags_note="x" * 2001, results=""))
    summary = html(refused).split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', summary) == ["id_flags_note", "id_results"]


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [case[1:] for case in INVALID_FIGURES],
    ids=[case[0] for case in INVALID_FIGURES],
)
def test_an_invalid_figure_in_an_edit_is_explained_kept_and_nothing_changed(
    client, cast, report_a1, field, typed, error
):
    before = state(report_a1)
    data = edit_data(report_a1, **{field: typed}, results="Đang sửa")
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    assert any(error in message for message in figure_errors(response, field))
    assert escape(typed) in html(response) and "Đang sửa" in html(response)
    assert state(report_a1) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0", 0),
        ("1.234", 1234),
        ("1 234", 1234),
        ("1.234.567", 1234567),
        (" 42 ", 42),
        (str(MAX_FIGURE), MAX_FIGURE),
        ("", None),
        # As an input method left in full-width mode types them.
        ("１２３", 123),
        ("１．２３４", 1234),
    ],
)
def test_whole_numbers_are_read_as_vietnamese_users_write_them(
    client, tree, cast, campaign, typed, stored
):
    response = login(client, cast["officer_a1"]).post(
        start_url(campaign, tree["A1"]), filing(value_participants=typed)
    )
    assert response.status_code == 302
    assert stored_figures(AnnualReport.objects.get())["participants"] == stored


def test_a_text_figure_up_to_the_limit_is_kept_and_an_empty_one_is_allowed(
    client, tree, cast, campaign
):
    login(client, cast["officer_a1"])
    longest = "ê" * MAX_TEXT_VALUE
    response = client.post(start_url(campaign, tree["A1"]), filing(value_other_forms=longest))
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert stored_figures(report)["other_forms"] == longest
    response = client.post(
        reverse("campaign:report_edit", args=[report.pk]), edit_data(report, value_other_forms="")
    )
    assert response.status_code == 302
    assert stored_figures(report)["other_forms"] == ""


def test_an_empty_whole_number_can_be_saved_in_a_draft_but_not_submitted(
    client, tree, cast, campaign
):
    login(client, cast["officer_a1"])
    response = client.post(start_url(campaign, tree["A1"]), filing(value_sessions=""))
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert stored_figures(report)["sessions"] is None
    response = client.post(reverse("campaign:report_submit", args=[report.pk]), follow=True)
    missing = vi("Fill in: %(names)s.", names="Số buổi tuyên truyền")
    assert messages_of(response, "error") == [missing]
    assert AnnualReport.objects.get(pk=report.pk).status == S.DRAFT


def test_the_form_errors_are_in_vietnamese_by_default(client, tree, cast, campaign):
    response = login(client, cast["officer_a1"]).post(
        start_url(campaign, tree["A1"]), filing(value_sessions="abc")
    )
    with translation.override("vi"):
        expected = translation.gettext("Enter a whole number.")
    assert expected != "Enter a whole number."
    assert escape(expected) in html(response)


# --- no lost update ------------------------------------------------------------------------------
def test_a_save_from_an_outdated_version_is_refused_and_the_input_kept(
    client, cast, report_a1, second_officer_a1
):
    url = reverse("campaign:report_edit", args=[report_a1.pk])
    first, second = cast["officer_a1"], second_officer_a1
    opened = login(client, first).get(url).context["form"].initial["version"]
    assert opened == report_a1.version

    theirs = edit_data(report_a1, results="Bản của người thứ hai", value_sessions="20")
    login(client, second)
    assert client.post(url, theirs).status_code == 302
    saved = state(report_a1)
    assert saved[2] == "Bản của người thứ hai" and saved[3]["sessions"] == 20

    mine = dict(theirs, results="Bản của người thứ nhất", value_sessions="31", version=str(opened))
    login(client, first)
    response = client.post(url, mine)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert state(report_a1) == saved
    page = html(response)
    assert "Bản của người thứ nhất" in page and 'value="31"' in page
    # The form now carries the version the user was warned about: saving again overwrites.
    again = dict(mine, version=response.context["form"]["version"].value())
    assert again["version"] == str(saved[1])
    assert client.post(url, again).status_code == 302
    assert state(report_a1)[2:4] == ("Bản của người thứ nhất", {**saved[3], "sessions": 31})


def test_a_save_reaching_a_report_submitted_meanwhile_says_so_and_keeps_the_input(
    client, cast, report_a1, second_officer_a1
):
    data = edit_data(report_a1, results="Sửa muộn", value_sessions="77")
    login(client, second_officer_a1).post(reverse("campaign:report_submit", args=[report_a1.pk]))
    before = state(report_a1)
    assert before[0] == S.SUBMITTED
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    status = vi("Submitted")
    assert vi("This report is “%(status)s” and cannot be changed.", status=status) in error
    assert "Sửa muộn" in html(response) and 'value="77"' in html(response)
    assert state(report_a1) == before


def test_a_report_submitted_while_a_save_is_under_way_is_not_overwritten(
    client, cast, report_a1, second_officer_a1, monkeypatch
):
    # The other officer submits between the moment this save read the report and the
    # moment it writes: the save finds the report locked, says so and keeps the input.
    validate = ValuesForm.is_valid

    def valid_then_submitted_elsewhere(form):
        result = validate(form)
        workflow.submission_submit(
            AnnualReport.objects.get(pk=report_a1.pk), user=second_officer_a1
        )
        return result

    data = edit_data(report_a1, results="Sửa giữa chừng", value_sessions="55")
    monkeypatch.setattr(ValuesForm, "is_valid", valid_then_submitted_elsewhere)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    status = vi("Submitted")
    assert vi("This report is “%(status)s” and cannot be changed.", status=status) in error
    assert 'value="55"' in html(response) and "Sửa giữa chừng" in html(response)
    stored = AnnualReport.objects.get(pk=report_a1.pk)
    assert (stored.status, stored.results) == (S.SUBMITTED, report_a1.results)
    assert stored_figures(report_a1)["sessions"] == COMPLETE["sessions"]


def test_a_new_report_sent_after_the_lock_keeps_the_input_and_saves_nothing(
    client, tree, cast, campaign, clock
):
    # The form was opened on the lock day (19/01) and sent after midnight. Reports are open
    # all of that day: the message said they had locked "from" it ("từ ngày 19/01").
    login(client, cast["officer_a1"])
    clock.moment = local(YEAR + 1, 1, 19, 23, 50)
    assert client.get(start_url(campaign, tree["A1"])).status_code == 200
    clock.moment = local(YEAR + 1, 1, 20, 0, 10)
    response = client.post(start_url(campaign, tree["A1"]), filing(results="Gõ xong lúc nửa đêm"))
    assert response.status_code == 200
    page = html(response)
    assert f"Báo cáo năm {YEAR} đã khóa sau ngày 19/01/{YEAR + 1}" in page
    assert "Gõ xong lúc nửa đêm" in page and 'value="1.234"' in page  # as typed
    assert not AnnualReport.objects.exists()


def test_a_figure_first_given_after_a_return_is_shown_grouped_in_the_changes(
    client, tree, cast, campaign
):
    # A report whose participants had no figure at all when it was returned.
    report = make_report(tree["A1"], campaign, status=S.SUBMITTED, figures={"sessions": 12})
    workflow.submission_return(report, user=cast["reviewer_a"], reason="Thiếu số lượt người")
    login(client, cast["officer_a1"])
    data = edit_data(report, value_participants="2.500", save_and_submit="1")
    assert client.post(reverse("campaign:report_edit", args=[report.pk]), data).status_code == 302
    response = login(client, cast["reviewer_a"]).get(report.get_absolute_url())
    assert ("Số lượt người tham dự", "", "2.500") in response.context["changes"]


def test_cancelling_a_new_report_goes_back_to_the_list_of_its_year(
    client, tree, cast, campaign, clock
):
    # From 15/12 next year's report can be started, while the list still opens on this
    # year's: "Hủy" led there, away from the year the officer had chosen.
    clock.moment = local(YEAR, 12, 16)
    page = html(login(client, cast["officer_a1"]).get(start_url(campaign, tree["A1"], YEAR + 1)))
    back = reverse("campaign:report_list") + f"?campaign={campaign.pk}&amp;year={YEAR + 1}"
    assert f'<a class="btn btn-link" href="{back}">Hủy</a>' in page


def test_after_the_lock_the_list_offers_no_start_and_a_refused_start_keeps_the_year(
    client, tree, cast, campaign, clock
):
    # The list of a locked year offered "Lập báo cáo"; the button only led to the refusal,
    # shown over the list of the year being written now, not the one the officer chose.
    login(client, cast["officer_a1"])
    list_url = reverse("campaign:report_list") + f"?campaign={campaign.pk}&year={YEAR}"
    start = f'href="{start_url(campaign, tree["A1"])}"'
    assert start in html(client.get(list_url))
    clock.moment = local(YEAR + 1, 2, 1)
    page = html(client.get(list_url))
    assert start not in page
    assert "Nay chỉ người duyệt của đơn vị cấp trên mới mở được bản nháp" in page
    response = client.get(start_url(campaign, tree["A1"]))
    assert response.status_code == 302
    assert response.url == list_url
    assert not AnnualReport.objects.exists()


def test_starting_a_report_someone_started_meanwhile_keeps_the_input_and_overwrites_nothing(
    client, tree, cast, campaign, second_officer_a1
):
    # The second officer opened the new-report page before the first saved.
    login(client, second_officer_a1)
    assert client.get(start_url(campaign, tree["A1"])).status_code == 200
    first = make_report(tree["A1"], campaign, figures=COMPLETE, results="Bản đầu tiên")
    response = client.post(
        start_url(campaign, tree["A1"]), filing(results="Bản thứ hai", save_and_submit="1")
    )
    # The form comes back with what they typed and a link to the report that exists;
    # nothing of the second filing overwrote it, and nothing was submitted.
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bản thứ hai" in page and first.get_absolute_url() in page
    assert "Một người khác vừa tạo báo cáo này" in page
    assert "Mở báo cáo người đó đã tạo (thẻ mới)" in page
    assert AnnualReport.objects.get().results == "Bản đầu tiên"
    assert AnnualReport.objects.get().status == Status.DRAFT
    assert not Step.objects.exists()


def test_a_new_report_sent_twice_by_its_officer_leads_to_the_first_one(
    client, tree, cast, campaign
):
    # A second tap or a reload: the same officer, the same texts and figures. Before, it
    # said someone else had started the report.
    login(client, cast["officer_a1"])
    data = filing(save_and_submit="1")
    first = client.post(start_url(campaign, tree["A1"]), data)
    second = client.post(start_url(campaign, tree["A1"]), data, follow=True)
    report = AnnualReport.objects.get()
    assert first.url == second.redirect_chain[-1][0] == report.get_absolute_url()
    assert any("Biểu mẫu này đã được gửi trước đó" in m for m in messages_of(second, "info"))
    assert report.status == Status.SUBMITTED and Step.objects.count() == 1
    # The same officer with other figures (a second tab) is told so, input kept.
    third = client.post(start_url(campaign, tree["A1"]), filing(value_sessions="13"))
    assert third.status_code == 200
    assert "Bạn vừa tạo báo cáo này ở một cửa sổ hoặc thẻ khác" in html(third)
    assert "Mở báo cáo bạn đã tạo (thẻ mới)" in html(third)
    assert 'value="13"' in html(third)


# --- query counts --------------------------------------------------------------------------------
def add_indicators(campaign, count):
    for n in range(count):
        kind = Indicator.Kind.TEXT if n % 5 == 4 else Indicator.Kind.INTEGER
        Indicator.objects.create(
            campaign=campaign, code=f"extra_{n}", name=f"Chỉ tiêu {n}", kind=kind, order=10 + n
        )


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


# --- save and submit in one request -------------------------------------------------------------
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


# --- notifications -------------------------------------------------------------------------------
def test_a_submitted_report_is_mailed_to_the_district_reviewer_with_its_address(
    client, cast, report_a1, django_capture_on_commit_callbacks, settings
):
    login(client, cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaign:report_submit", args=[report_a1.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[cast["reviewer_a"].email]]
    message = mail.outbox[0]
    assert "CĐCS A1" in message.subject
    url = settings.SITE_URL.rstrip("/") + reverse("campaign:report_detail", args=[report_a1.pk])
    assert url in message.body


def test_a_returned_report_is_mailed_to_the_units_officers_with_the_reason(
    client, cast, report_a1, django_capture_on_commit_callbacks
):
    set_status(report_a1, S.SUBMITTED)
    login(client, cast["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("campaign:report_return", args=[report_a1.pk]), {"reason": "Thiếu số liệu"}
        )
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]
    assert "Thiếu số liệu" in mail.outbox[0].body


@pytest.mark.parametrize("asked", ["none", "all_computed"])
def test_a_report_of_a_campaign_without_figures_to_type_says_so_on_its_page_and_form(
    client, tree, cast, campaign, asked
):
    # Its page showed a table of headers with no row, and its form a "Số liệu" heading
    # over nothing; the printed report already said that the campaign asks for none.
    campaign.indicators.all().delete()
    if asked == "all_computed":
        # Grassroots unions file their plans in this campaign: the portal counts them.
        Indicator.objects.create(
            campaign=campaign,
            code="own_plans",
            name="Số CĐCS có kế hoạch riêng",
            source=Indicator.Source.PLANS,
            counted_kind="grassroots",
        )
        assert "grassroots" in campaign.addressed_kinds
    report = make_report(tree["A1"], campaign)
    login(client, cast["officer_a1"])
    said = "Kế hoạch phát động không yêu cầu đơn vị báo cáo số liệu."

    page = html(client.get(reverse("campaign:report_detail", args=[report.pk])))
    form = html(client.get(reverse("campaign:report_edit", args=[report.pk])))

    figures = page[page.index(">Số liệu</h2>") : page.index(">Đánh giá</h2>")]
    assert said in figures and "<table" not in figures
    figures = form[form.index(">Số liệu</legend>") : form.index(">Đánh giá</legend>")]
    assert said in figures and "<input" not in figures


def test_a_report_with_figures_to_type_does_not_say_the_campaign_asks_for_none(
    client, tree, cast, campaign, report_a1
):
    login(client, cast["officer_a1"])
    said = "Kế hoạch phát động không yêu cầu đơn vị báo cáo số liệu."
    assert said not in html(client.get(reverse("campaign:report_detail", args=[report_a1.pk])))
    assert said not in html(client.get(reverse("campaign:report_edit", args=[report_a1.pk])))
