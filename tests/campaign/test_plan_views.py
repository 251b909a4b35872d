"""The plan pages: who may open and act on them, filing, validation, conflicts and history."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaign import workflow
from campaign.models import Activity, Attachment, Campaign, Plan, Status, Step, Theme
from tests.campaign.filings import START_LADDER
from tests.campaign.plans import activity, edit_data, formset, header
from tests.campaign.upload_files import PDF_BYTES
from tests.factories import MembershipFactory, UserFactory
from tests.pages import html, login
from units.models import Membership

pytestmark = pytest.mark.usefixtures("media")

S = Status
A = Step.Action


# --- helpers -------------------------------------------------------------------------------------


def set_status(plan, status):
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()


def state(plan):
    """What a refused request must leave as it was."""
    stored = Plan.objects.get(pk=plan.pk)
    return (
        stored.status,
        stored.version,
        stored.doc_number,
        Step.objects.filter(object_id=plan.pk).count(),
    )


# --- the permission ladder -----------------------------------------------------------------------
PLAN_URLS = ["detail", "edit_get", "edit_post", "submit", "return", "accept", "reopen"]
# The state each request needs to succeed for someone allowed to make it.
NEEDS = {"return": S.SUBMITTED, "accept": S.SUBMITTED, "reopen": S.ACCEPTED}


def request_plan_url(client, plan, what):
    if what == "detail":
        return client.get(reverse("campaign:plan_detail", args=[plan.pk]))
    if what == "edit_get":
        return client.get(reverse("campaign:plan_edit", args=[plan.pk]))
    if what == "edit_post":
        return client.post(
            reverse("campaign:plan_edit", args=[plan.pk]), edit_data(plan, doc_number="77/KH-SỬA")
        )
    # Accepting is confirmed on a page of its own first; this is the confirmed POST.
    data = {"reason": "Bổ sung lịch", "confirmed": "yes"}
    return client.post(reverse(f"campaign:plan_{what}", args=[plan.pk]), data)


def assert_succeeded(response, plan, what):
    plan_url = reverse("campaign:plan_detail", args=[plan.pk])
    stored = Plan.objects.get(pk=plan.pk)
    if what == "detail":
        assert response.status_code == 200
        assert response.context["plan"] == plan
    elif what == "edit_get":
        assert response.status_code == 200
        assert response.context["form"].instance == plan
    elif what == "edit_post":
        assert response.status_code == 302 and response.url == plan_url
        assert stored.doc_number == "77/KH-SỬA"
    else:
        expected = {
            "submit": S.SUBMITTED,
            "return": S.RETURNED,
            "accept": S.ACCEPTED,
            "reopen": S.RETURNED,
        }[what]
        assert response.status_code == 302 and response.url == plan_url
        assert stored.status == expected


OFFICER = dict.fromkeys(["detail", "edit_get", "edit_post", "submit"], 200) | dict.fromkeys(
    ["return", "accept", "reopen"], 403
)
REVIEWER = dict.fromkeys(["detail", "return", "accept", "reopen"], 200) | dict.fromkeys(
    ["edit_get", "edit_post", "submit"], 403
)
LADDER = {
    "outsider": dict.fromkeys(PLAN_URLS, 404),
    "officer_b1": dict.fromkeys(PLAN_URLS, 404),  # another district's officer: IDOR
    "reviewer_b": dict.fromkeys(PLAN_URLS, 404),  # another district's reviewer
    "standing": {"detail": 200} | dict.fromkeys(PLAN_URLS[1:], 403),
    "officer_a1": OFFICER,
    "second_officer_a1": OFFICER,
    # The district's officer sees A1's plan but files only for units below with no officer
    # of their own (A1 has one): tests/campaign/test_on_behalf_rule.py.
    "officer_a": {"detail": 200} | dict.fromkeys(PLAN_URLS[1:], 403),
    "reviewer_a": REVIEWER,
    "cspl": REVIEWER,
}


@pytest.mark.parametrize("what", PLAN_URLS)
def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_plan_url(client, plan_a1, what):
    set_status(plan_a1, NEEDS.get(what, S.DRAFT))
    before = state(plan_a1)
    response = request_plan_url(client, plan_a1, what)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert state(plan_a1) == before


@pytest.mark.parametrize("what", PLAN_URLS)
@pytest.mark.parametrize("who", list(LADDER))
def test_every_plan_url_answers_each_role_as_the_ladder_says(client, people, plan_a1, who, what):
    set_status(plan_a1, NEEDS.get(what, S.DRAFT))
    before = state(plan_a1)
    response = request_plan_url(login(client, people[who]), plan_a1, what)
    expected = LADDER[who][what]
    if expected == 200:
        assert_succeeded(response, plan_a1, what)
    else:
        assert response.status_code == expected
        assert state(plan_a1) == before


@pytest.mark.parametrize("what", ["submit", "return", "accept", "reopen"])
def test_the_workflow_urls_do_not_answer_get(client, cast, plan_a1, what):
    response = login(client, cast["cspl"]).get(reverse(f"campaign:plan_{what}", args=[plan_a1.pk]))
    assert response.status_code == 405


def test_a_plan_that_does_not_exist_is_not_found(client, cast, plan_a1):
    response = login(client, cast["cspl"]).get(
        reverse("campaign:plan_detail", args=[plan_a1.pk + 999])
    )
    assert response.status_code == 404


def test_an_officer_without_the_reviewer_role_cannot_return_even_without_a_reason(
    client, cast, plan_a1
):
    # The role is checked before the reason, so the reply says nothing about the form.
    set_status(plan_a1, S.SUBMITTED)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_return", args=[plan_a1.pk])
    )
    assert response.status_code == 403
    assert Plan.objects.get(pk=plan_a1.pk).status == S.SUBMITTED


def start_url(campaign, unit):
    return reverse("campaign:plan_start", args=[campaign.pk, unit.pk])


def filing(themes=(), rows=None):
    data = header()
    data.update(formset(rows or [activity(themes=[str(t.pk) for t in themes])]))
    return data


def test_an_anonymous_visitor_cannot_start_a_plan(client, tree, campaign):
    response = client.get(start_url(campaign, tree["A1"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(start_url(campaign, tree["A1"]), filing())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Plan.objects.exists()


@pytest.mark.parametrize("who", list(START_LADDER))
def test_starting_a_plan_answers_each_role_as_the_ladder_says(client, people, tree, campaign, who):
    login(client, people[who])
    response = client.get(start_url(campaign, tree["A1"]))
    assert response.status_code == START_LADDER[who]
    response = client.post(start_url(campaign, tree["A1"]), filing())
    if START_LADDER[who] == 200:
        plan = Plan.objects.get()
        assert response.status_code == 302 and response.url == plan.get_absolute_url()
        assert plan.unit == tree["A1"]
    else:
        assert response.status_code == START_LADDER[who]
        assert not Plan.objects.exists()


def test_starting_a_plan_a_unit_already_has_opens_that_plan(client, cast, plan_a1):
    response = login(client, cast["officer_a1"]).get(start_url(plan_a1.campaign, plan_a1.unit))
    assert response.status_code == 302 and response.url == plan_a1.get_absolute_url()


def test_starting_a_plan_someone_started_meanwhile_keeps_the_input_and_links_theirs(
    client, cast, plan_a1, second_officer_a1
):
    # The second officer opened the new-plan page before the first one saved.
    response = login(client, second_officer_a1).post(
        start_url(plan_a1.campaign, plan_a1.unit), filing()
    )
    assert response.status_code == 200
    page = html(response)
    assert "Một người khác vừa tạo kế hoạch của đơn vị này" in page
    assert plan_a1.get_absolute_url() in page
    assert header()["summary"] in page  # what they typed is still there
    assert Plan.objects.get() == plan_a1


def test_a_plan_the_same_officer_started_in_another_tab_says_so(client, cast, plan_a1):
    Plan.objects.filter(pk=plan_a1.pk).update(entered_by=cast["officer_a1"])
    response = login(client, cast["officer_a1"]).post(
        start_url(plan_a1.campaign, plan_a1.unit), filing()
    )
    assert response.status_code == 200
    assert "Bạn vừa tạo kế hoạch của đơn vị này ở một cửa sổ hoặc thẻ khác" in html(response)
    assert header()["summary"] in html(response)


def test_a_plan_of_a_hundred_activities_with_every_content_item_is_saved(
    client, cast, tree, campaign
):
    # About 1,000 fields: Django's default bound refused the request and lost the input.
    themes = [str(theme.pk) for theme in campaign.themes.all()]
    rows = [activity(themes=themes, audience=f"Nhóm {n}") for n in range(100)]
    data = {**header(), **formset(rows)}
    assert sum(len(v) if isinstance(v, list) else 1 for v in data.values()) > 1000
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.activities.count() == 100
    assert all(a.themes.count() == len(themes) for a in plan.activities.all())


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "abc", "²"])
def test_a_content_item_id_that_is_no_id_is_refused_with_a_message(
    client, cast, tree, campaign, value
):
    # Past the database's integer range, SQLite raised OverflowError in the lookup: a 500.
    data = filing(rows=[activity(themes=[value])])
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert "không phải là một giá trị hợp lệ" in html(response)
    assert not Plan.objects.exists()


def test_the_province_that_issues_the_campaign_files_no_plan_for_it(client, tree, campaign):
    officer = UserFactory(username="officer_pv")
    MembershipFactory(user=officer, unit=tree["PV"], role=Membership.Role.OFFICER)
    login(client, officer)
    assert client.get(start_url(campaign, tree["PV"])).status_code == 404
    assert client.post(start_url(campaign, tree["PV"]), filing()).status_code == 404
    assert not Plan.objects.exists()


# --- activities and themes of someone else -------------------------------------------------------
def test_an_activity_of_another_plan_cannot_be_edited_through_this_plans_form(
    client, cast, plan_a1, plan_b1
):
    theirs = plan_b1.activities.get()
    before = (theirs.plan_id, theirs.audience, theirs.expected_participants)
    data = edit_data(plan_a1)
    data.update(
        {
            "activities-0-id": str(theirs.pk),
            "activities-0-audience": "Bị sửa trộm",
            "activities-0-expected_participants": "1",
        }
    )
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), data
    )
    assert response.status_code == 200
    assert "id" in response.context["formset"].errors[0]
    theirs.refresh_from_db()
    assert (theirs.plan_id, theirs.audience, theirs.expected_participants) == before
    assert not Activity.objects.filter(audience="Bị sửa trộm").exists()


def test_an_activity_of_another_plan_cannot_be_claimed_as_a_new_row(client, cast, plan_a1, plan_b1):
    theirs = plan_b1.activities.get()
    data = edit_data(plan_a1, rows=[activity(id=str(theirs.pk), audience="Bị chiếm")])
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), data
    )
    assert response.status_code == 200
    assert "id" in response.context["formset"].errors[1]
    theirs.refresh_from_db()
    assert theirs.plan_id == plan_b1.pk and theirs.audience != "Bị chiếm"
    assert plan_a1.activities.count() == 1


def test_an_activity_of_another_plan_cannot_be_deleted_through_this_plans_form(
    client, cast, plan_a1, plan_b1
):
    theirs = plan_b1.activities.get()
    mine = plan_a1.activities.get()
    data = edit_data(plan_a1)
    # Two stored rows as far as the form can tell: ours, and theirs ticked for deletion.
    data.update(formset([activity(id=str(mine.pk)), activity(id=str(theirs.pk), DELETE="on")], 2))
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), data
    )
    assert response.status_code in (200, 302)
    assert Activity.objects.filter(pk=theirs.pk, plan=plan_b1).exists()
    assert Activity.objects.filter(pk=mine.pk, plan=plan_a1).exists()


def test_a_theme_of_another_campaign_is_refused(client, tree, cast, plan_a1):
    other = Campaign.objects.create(
        slug="other",
        number="1/KH-KHÁC",
        title="Chiến dịch khác",
        issuer=tree["PV"],
        issued_on=datetime.date(2016, 1, 1),
        directive="Khác",
        first_year=2016,
        plan_due_on=datetime.date(2016, 3, 1),
    )
    foreign = Theme.objects.create(campaign=other, number="1", title="Nội dung khác")
    data = edit_data(plan_a1)
    data["activities-0-themes"] = [str(foreign.pk)]
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), data
    )
    assert response.status_code == 200
    assert "themes" in response.context["formset"].errors[0]
    assert not plan_a1.activities.get().themes.filter(pk=foreign.pk).exists()


# --- filing a plan -------------------------------------------------------------------------------
def test_an_officer_files_a_plan_with_activities_and_the_signed_scan_then_submits_it(
    client, tree, cast, campaign
):
    themes = list(campaign.themes.order_by("sort_key"))
    rows = [
        activity(method=Activity.Method.CONFERENCE, themes=[str(themes[0].pk)]),
        activity(
            audience="Công nhân lao động",
            planned_on="15/08/2015",
            planned_quarter="",
            themes=[str(themes[1].pk), str(themes[2].pk)],
        ),
        activity(method=Activity.Method.NEWSLETTER, expected_participants=""),
    ]
    data = header()
    data.update(formset(rows))
    data["file"] = SimpleUploadedFile("Kế hoạch đã ký.pdf", PDF_BYTES)
    login(client, cast["officer_a1"])

    response = client.post(start_url(campaign, tree["A1"]), data)

    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (plan.unit, plan.campaign, plan.status) == (tree["A1"], campaign, S.DRAFT)
    assert (plan.doc_number, plan.doc_date) == ("05/KH-CĐCS", datetime.date(2015, 7, 1))
    activities = list(plan.activities.order_by("pk"))
    assert [a.method for a in activities] == ["conference", "seminar", "newsletter"]
    assert activities[1].planned_on == datetime.date(2015, 8, 15)
    assert activities[1].planned_quarter is None
    assert {t.number for t in activities[1].themes.all()} == {"2", "2.1"}
    assert activities[2].expected_participants is None
    attachment = Attachment.objects.get()
    assert attachment.plan == plan and attachment.content_type == "application/pdf"
    assert attachment.original_name == "Kế hoạch đã ký.pdf"
    assert attachment.uploaded_by == cast["officer_a1"]

    response = client.post(reverse("campaign:plan_submit", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED and plan.submitted_at is not None
    assert list(plan.steps.values_list("action", "actor")) == [("submit", cast["officer_a1"].pk)]


def test_submitting_an_incomplete_plan_explains_what_is_missing(client, tree, cast, campaign):
    login(client, cast["officer_a1"])
    client.post(start_url(campaign, tree["A1"]), filing(), follow=True)  # no scan attached
    plan = Plan.objects.get()
    response = client.post(reverse("campaign:plan_submit", args=[plan.pk]), follow=True)
    assert response.status_code == 200
    assert Plan.objects.get(pk=plan.pk).status == S.DRAFT
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    with translation.override("vi"):
        missing = translation.gettext("Attach the signed scan of the plan.")
    assert missing in html(response)


def test_the_plan_says_what_is_missing_before_the_officer_submits(client, tree, cast, campaign):
    # The form says the scan is needed to submit; the page offers to complete the plan
    # instead of a submit button that would be refused after the officer confirms.
    login(client, cast["officer_a1"])
    form = html(client.get(start_url(campaign, tree["A1"])))
    assert "Cần có trước khi gửi kế hoạch xem xét." in form
    client.post(start_url(campaign, tree["A1"]), filing())  # no scan attached
    plan = Plan.objects.get()
    page = html(client.get(plan.get_absolute_url()))
    assert "Cần bổ sung trước khi gửi xem xét:" in page
    assert "<li>Hãy đính kèm bản quét kế hoạch đã ký.</li>" in page
    assert reverse("campaign:plan_submit", args=[plan.pk]) not in page
    assert f'href="{reverse("campaign:plan_edit", args=[plan.pk])}">Bổ sung kế hoạch</a>' in page

    data = {**edit_data(plan), "file": SimpleUploadedFile("scan.pdf", PDF_BYTES)}
    assert client.post(reverse("campaign:plan_edit", args=[plan.pk]), data).status_code == 302
    page = html(client.get(plan.get_absolute_url()))
    assert "Cần bổ sung trước khi gửi xem xét:" not in page
    assert reverse("campaign:plan_submit", args=[plan.pk]) in page


# --- invalid input -------------------------------------------------------------------------------
# (name, header changes, activity rows, where the error is, text typed that must come back)
INVALID = [
    (
        "empty document number",
        {"doc_number": ""},
        [activity(audience="Đoàn viên ABC")],
        ("form", "doc_number"),
        "Đoàn viên ABC",
    ),
    (
        "impossible date",
        {"doc_date": "31/02/2015"},
        [activity()],
        ("form", "doc_date"),
        "31/02/2015",
    ),
    (
        "activity without a time",
        {},
        [activity(planned_quarter="", audience="Chưa có lịch")],
        ("activity", "planned_on"),
        "Chưa có lịch",
    ),
    (
        "negative participants",
        {},
        [activity(expected_participants="-5")],
        ("activity", "expected_participants"),
        'value="-5"',
    ),
    (
        # int() read it as 40: a figure is typed with 0–9.
        "participants in arabic-indic digits",
        {},
        [activity(expected_participants="٤٠")],
        ("activity", "expected_participants"),
        'value="٤٠"',
    ),
    (
        "too many participants",
        {},
        [activity(expected_participants="10000000")],
        ("activity", "expected_participants"),
        'value="10000000"',
    ),
    (
        "no activity at all",
        {"signer": "Phó Chủ tịch Công đoàn"},
        [],
        ("formset", None),
        "Phó Chủ tịch Công đoàn",
    ),
]


def assert_error_at(response, where):
    kind, field = where
    if kind == "form":
        assert field in response.context["form"].errors
    elif kind == "activity":
        assert field in response.context["formset"].errors[0]
    else:
        assert response.context["formset"].non_form_errors()


@pytest.mark.parametrize(
    ("changes", "rows", "where", "typed"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_filing_is_shown_again_with_the_errors_and_nothing_is_saved(
    client, tree, cast, campaign, media, changes, rows, where, typed
):
    data = header(**changes)
    data.update(
        formset(
            rows or [activity(method="", audience="", planned_quarter="", expected_participants="")]
        )
    )
    data["file"] = SimpleUploadedFile("scan.pdf", PDF_BYTES)
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert_error_at(response, where)
    assert typed in html(response)
    assert (Plan.objects.count(), Activity.objects.count(), Attachment.objects.count()) == (0, 0, 0)
    assert not [path for path in media.rglob("*") if path.is_file()]  # no file stored either


def test_invalid_edits_are_shown_again_and_the_plan_is_left_as_it_was(client, cast, plan_a1):
    before = state(plan_a1)
    activity_before = list(plan_a1.activities.values())
    data = edit_data(
        plan_a1,
        rows=[activity(audience="Hoạt động mới", expected_participants="-5")],
        doc_date="31/02/2015",
        signer="Người ký mới",
    )
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), data
    )
    assert response.status_code == 200
    assert "doc_date" in response.context["form"].errors
    assert "expected_participants" in response.context["formset"].errors[1]
    page = html(response)
    assert "31/02/2015" in page and "Người ký mới" in page and "Hoạt động mới" in page
    assert state(plan_a1) == before
    assert list(plan_a1.activities.values()) == activity_before


def test_participants_are_typed_with_0_to_9_and_full_width_digits_read_as_them(
    client, cast, plan_a1
):
    # int() read "٤٠" as 40 without a word; "１．２５０" is what an input method left in
    # full-width mode types for 1.250.
    login(client, cast["officer_a1"])
    url = reverse("campaign:plan_edit", args=[plan_a1.pk])
    data = edit_data(plan_a1)
    data["activities-0-expected_participants"] = "٤٠"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["formset"].errors[0]["expected_participants"] == [
        "Hãy nhập số bằng các chữ số từ 0 đến 9."
    ]
    assert plan_a1.activities.get().expected_participants == 50
    data["activities-0-expected_participants"] = "１．２５０"
    assert client.post(url, data).status_code == 302
    assert plan_a1.activities.get().expected_participants == 1250


def test_errors_are_in_vietnamese_by_default(client, tree, cast, campaign):
    data = header(doc_number="")
    data.update(formset([activity()]))
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in html(response)


# --- no lost update ------------------------------------------------------------------------------
def test_a_save_from_an_outdated_version_is_refused_and_the_input_kept(
    client, cast, plan_a1, second_officer_a1
):
    url = reverse("campaign:plan_edit", args=[plan_a1.pk])
    first, second = cast["officer_a1"], second_officer_a1
    login(client, first)
    opened = client.get(url).context["form"].initial["version"]
    assert opened == plan_a1.version

    data = edit_data(plan_a1, doc_number="02/KH-NGƯỜI-HAI", signer="Người thứ hai")
    assert data["version"] == str(opened)
    client.force_login(second)
    assert client.post(url, data).status_code == 302
    saved = Plan.objects.get(pk=plan_a1.pk)
    assert saved.doc_number == "02/KH-NGƯỜI-HAI"

    stale = dict(data, doc_number="01/KH-NGƯỜI-MỘT", signer="Người thứ nhất", version=str(opened))
    stale["activities-0-audience"] = "Khán giả của người một"
    client.force_login(first)
    response = client.post(url, stale)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    stored = Plan.objects.get(pk=plan_a1.pk)
    assert (stored.doc_number, stored.signer, stored.version) == (
        "02/KH-NGƯỜI-HAI",
        "Người thứ hai",
        saved.version,
    )
    assert plan_a1.activities.get().audience != "Khán giả của người một"
    page = html(response)
    assert "01/KH-NGƯỜI-MỘT" in page and "Người thứ nhất" in page
    assert "Khán giả của người một" in page


def test_after_a_refused_save_saving_again_is_a_deliberate_overwrite(client, cast, plan_a1):
    url = reverse("campaign:plan_edit", args=[plan_a1.pk])
    stale = edit_data(plan_a1, doc_number="01/KH-MỘT")
    Plan.objects.filter(pk=plan_a1.pk).update(version=plan_a1.version + 1, signer="Người khác")
    response = login(client, cast["officer_a1"]).post(url, stale)
    assert response.status_code == 200
    # The form now carries the version the user has been warned about.
    assert response.context["form"]["version"].value() == str(plan_a1.version + 1)
    again = dict(stale, version=response.context["form"]["version"].value())
    assert client.post(url, again).status_code == 302
    assert Plan.objects.get(pk=plan_a1.pk).doc_number == "01/KH-MỘT"


# --- locked plans --------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED])
def test_a_submitted_or_accepted_plan_is_not_opened_for_editing(client, cast, plan_a1, status):
    set_status(plan_a1, status)
    response = login(client, cast["officer_a1"]).get(
        reverse("campaign:plan_edit", args=[plan_a1.pk])
    )
    assert response.status_code == 302 and response.url == plan_a1.get_absolute_url()
    page = client.get(response.url)
    assert [m.level_tag for m in page.context["messages"]] == ["error"]


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED])
def test_a_save_reaching_a_locked_plan_changes_nothing_and_keeps_the_input(
    client, cast, plan_a1, status
):
    data = edit_data(plan_a1, doc_number="99/KH-MUỘN", rows=[activity(audience="Thêm muộn")])
    set_status(plan_a1, status)
    before = state(plan_a1)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), data
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "99/KH-MUỘN" in html(response)
    assert state(plan_a1) == before
    assert plan_a1.activities.count() == 1


# --- review ---------------------------------------------------------------------------------------
def test_a_return_without_a_reason_is_refused_with_the_reason_error(client, cast, plan_a1):
    set_status(plan_a1, S.SUBMITTED)
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:plan_return", args=[plan_a1.pk]), {"reason": "   "}
    )
    assert response.status_code == 400
    assert "reason" in response.context["reason_form"].errors
    assert "Hãy nêu lý do để đơn vị biết cần sửa gì." in html(response)
    assert Plan.objects.get(pk=plan_a1.pk).status == S.SUBMITTED
    assert not Step.objects.filter(action=A.RETURN).exists()


def test_a_step_the_plans_state_does_not_allow_is_refused_with_a_message(client, cast, plan_a1):
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:plan_accept", args=[plan_a1.pk]), follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Plan.objects.get(pk=plan_a1.pk).status == S.DRAFT


def test_the_plan_page_shows_the_timeline_with_who_and_why(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu lịch cụ thể")
    response = login(client, cast["standing"]).get(
        reverse("campaign:plan_detail", args=[plan_a1.pk])
    )
    assert [s.action for s in response.context["steps"]] == [A.SUBMIT, A.RETURN]
    page = html(response)
    assert "Thiếu lịch cụ thể" in page
    assert str(cast["reviewer_a"]) in page and str(cast["officer_a1"]) in page
    with translation.override("vi"):
        returned = str(A.RETURN.label)
    assert f"<strong>{returned}</strong>" in page


def test_the_plan_page_shows_what_changed_between_the_return_and_the_resubmission(
    client, cast, plan_a1
):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Sửa số văn bản")
    old_number = Plan.objects.get(pk=plan_a1.pk).doc_number
    login(client, cast["officer_a1"])
    data = edit_data(plan_a1, doc_number="13/KH-A1-SỬA")
    data["activities-0-expected_participants"] = "1.250"
    assert client.post(reverse("campaign:plan_edit", args=[plan_a1.pk]), data).status_code == 302
    assert client.post(reverse("campaign:plan_submit", args=[plan_a1.pk])).status_code == 302

    response = client.get(reverse("campaign:plan_detail", args=[plan_a1.pk]))

    changes = response.context["changes"]
    assert [(old, new) for _label, old, new in changes["fields"]] == [(old_number, "13/KH-A1-SỬA")]
    [(name, rows)] = changes["changed"]
    with translation.override("vi"):
        assert name == str(plan_a1.activities.get())  # the activity is named, not numbered
    # Grouped as the page writes numbers, not as the snapshot keeps them ("1250").
    assert [(old, new) for _label, old, new in rows] == [("50", "1.250")]
    page = html(response)
    assert f'<td class="diff-old">{old_number}</td>' in page
    assert '<td class="diff-new">13/KH-A1-SỬA</td>' in page
    assert '<td class="diff-old">50</td><td class="diff-new">1.250</td>' in page


def test_the_plan_page_shows_no_diff_before_any_return(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    response = login(client, cast["reviewer_a"]).get(
        reverse("campaign:plan_detail", args=[plan_a1.pk])
    )
    assert response.context["changes"] is None
    assert 'id="changes"' not in html(response)


# --- query counts ---------------------------------------------------------------------------------
# (The session comes from the cache.) User, the user's memberships (scope), the plan with unit and
# campaign, its activities, their themes, its attachments, its steps with their actors; the
# bell's unread notices.
PLAN_PAGE_QUERIES = 8
# For a reviewer of the plan's unit, one more: the next plan waiting for them
# (campaign.queues.next_waiting).
REVIEWER_PLAN_PAGE_QUERIES = PLAN_PAGE_QUERIES + 1


def busy_plan(plan_factory, tree, cast, campaign, activities):
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"], activities=activities)
    for _ in range(activities // 10):  # a few more scans
        Attachment.objects.create(
            plan=plan,
            file=plan.attachments.first().file.name,
            original_name="thêm.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=cast["officer_a1"],
        )
    if activities > 1:
        workflow.submission_submit(plan, user=cast["officer_a1"])
        workflow.submission_return(plan, user=cast["reviewer_a"], reason="Bổ sung")
        Activity.objects.filter(plan=plan).update(expected_participants=99)
        workflow.submission_submit(plan, user=cast["officer_a1"])
    return plan


@pytest.mark.parametrize("activities", [1, 20])
def test_the_plan_page_costs_the_same_queries_whatever_it_holds(
    client, tree, cast, campaign, plan_factory, django_assert_num_queries, activities
):
    plan = busy_plan(plan_factory, tree, cast, campaign, activities)
    login(client, cast["cspl"])
    # The steps are found through the plan's content type, which Django caches for the
    # process once looked up: look it up now, so both cases start alike.
    ContentType.objects.get_for_model(Plan)
    with django_assert_num_queries(REVIEWER_PLAN_PAGE_QUERIES):
        response = client.get(reverse("campaign:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert len(response.context["plan"].activities.all()) == activities
    if activities > 1:
        assert len(response.context["steps"]) == 3
        assert len(response.context["changes"]["changed"]) == activities


@pytest.mark.parametrize("who", ["officer_a1", "standing"])
def test_the_plan_page_looks_for_no_next_plan_for_officers_and_viewers(
    client, tree, cast, campaign, plan_factory, django_assert_num_queries, who
):
    plan = busy_plan(plan_factory, tree, cast, campaign, activities=20)
    login(client, cast[who])
    ContentType.objects.get_for_model(Plan)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(reverse("campaign:plan_detail", args=[plan.pk]))
    assert response.status_code == 200 and response.context["next_waiting"] is None


# (The session comes from the cache.) User, memberships (scope), the plan with unit and campaign,
# its activities, their themes, the campaign's content items (listed once for every row), the
# plan's attachments; the bell's unread notices.
EDIT_PAGE_QUERIES = 8


@pytest.mark.parametrize("activities", [1, 20])
def test_the_edit_page_lists_the_content_items_once_whatever_the_number_of_activities(
    client, tree, cast, campaign, plan_factory, django_assert_num_queries, activities
):
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"], activities=activities)
    login(client, cast["officer_a1"])
    with django_assert_num_queries(EDIT_PAGE_QUERIES):
        response = client.get(reverse("campaign:plan_edit", args=[plan.pk]))
    formset = response.context["formset"]
    assert len(formset.forms) == activities + 1  # and a blank row to add another
    # Each stored activity covers items 1 and 2: exactly those boxes come back ticked.
    covered = sorted(campaign.themes.filter(number__in=["1", "2"]).values_list("pk", flat=True))
    page = html(response)
    for index in range(activities):
        boxes = re.findall(
            rf'<input type="checkbox"[^>]*name="activities-{index}-themes"[^>]*>', page
        )
        assert len(boxes) == campaign.themes.count()
        ticked = sorted(
            int(re.search(r'value="(\d+)"', box)[1]) for box in boxes if "checked" in box
        )
        assert ticked == covered


@pytest.mark.parametrize("participants", ["0", "-5"])
def test_no_one_expected_is_refused_with_what_to_type(client, cast, plan_a1, participants):
    data = edit_data(plan_a1, rows=[activity(expected_participants=participants)])
    with translation.override("vi"):
        response = login(client, cast["officer_a1"]).post(
            reverse("campaign:plan_edit", args=[plan_a1.pk]), data
        )
    assert response.status_code == 200
    errors = response.context["formset"].errors[1]["expected_participants"]
    assert errors == ["Nhập số người dự kiến tham gia (từ 1 trở lên), hoặc để trống nếu chưa biết."]
    assert plan_a1.activities.count() == 1
