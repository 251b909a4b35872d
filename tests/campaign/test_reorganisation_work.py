"""The open work of a closing unit: each open plan or report moves to the successor or is
closed with its unit, with the decision recorded in its history (campaign/reorganisations.py);
a closed one leaves the queues and to-do lists, is read but never acted on, never deleted."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from campaign import workflow
from campaign.models import AnnualReport, Plan, Status, Step
from campaign.pending import plan_items, report_items
from units.access import Scope
from units.reorganisations import reorganisation_apply, reorganisation_preview

JULY = datetime.date(2025, 7, 1)
DECISION = "56/QĐ-LĐLĐ"
Change = Step.UnitChange


def steps_of(submission):
    return list(submission.steps.order_by("at", "pk"))


@pytest.fixture
def dissolve_b1(reorganise):
    return reorganise(JULY, {"action": "close", "unit_code": "B1"})


@pytest.fixture
def merge_a1(reorganise):
    return reorganise(JULY, {"action": "merge", "unit_code": "A1", "target_code": "A2"})


def test_the_open_work_of_a_dissolved_unit_is_closed_with_the_decision_in_its_history(
    tree, cast, campaign, plan_factory, report_factory, dissolve_b1, admin_user
):
    plan = plan_factory(tree["B1"], campaign, cast["officer_b1"])
    report = report_factory(tree["B1"], campaign, 2025, Status.SUBMITTED)

    preview = reorganisation_apply(reorganisation=dissolve_b1, user=admin_user)

    assert {(e["what"], e["outcome"], e["reason"]) for e in preview.submissions} == {
        ("plan", "stays", "dissolved"),
        ("report", "stays", "dissolved"),
    }
    for submission in (Plan.objects.get(pk=plan.pk), AnnualReport.objects.get(pk=report.pk)):
        # Never deleted, never moved, its status kept: a submitted report stays submitted.
        assert submission.unit.code == "B1"
        [step] = steps_of(submission)
        assert (step.action, step.actor) == (Change.CLOSE, None)
        assert step.from_status == step.to_status == submission.status
        assert step.reason == (
            "CĐCS B1 giải thể theo quyết định số 56/QĐ-LĐLĐ, có hiệu lực từ ngày 01/07/2025."
        )
    assert AnnualReport.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_a_district_federation_closed_without_successor_ends_its_activity_not_dissolved(
    client, tree, cast, campaign, plan_factory, reorganise, admin_user
):
    # As the 2025 decisions word it: a district federation "kết thúc hoạt động"; "giải thể"
    # is said of a grassroots union.
    plan = plan_factory(tree["DB"], campaign, cast["officer_b1"], status=Status.SUBMITTED)
    act = reorganise(
        JULY,
        {"action": "move", "unit_code": "B1", "target_code": "DA"},
        {"action": "close", "unit_code": "DB"},
    )
    client.force_login(admin_user)
    url = reverse("units:reorganisation_detail", args=[act.pk])
    for state in ("draft", "applied"):
        if state == "applied":
            reorganisation_apply(reorganisation=act, user=admin_user)
        page = client.get(url).content.decode()
        assert "của DB (Đã gửi): đóng, lý do: đơn vị kết thúc hoạt động" in page
        assert "giải thể" not in page
    [step] = steps_of(Plan.objects.get(pk=plan.pk))
    assert step.reason == (
        "LĐLĐ huyện B kết thúc hoạt động theo quyết định số 56/QĐ-LĐLĐ, có hiệu lực từ ngày "
        "01/07/2025."
    )


def test_merged_work_moves_when_the_successor_has_none_and_is_closed_with_the_reason_otherwise(
    tree, cast, campaign, plan_factory, report_factory, merge_a1, admin_user
):
    plan_a1 = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    plan_factory(tree["A2"], campaign, cast["officer_a1"])  # A2 has its own plan
    this_year = report_factory(tree["A1"], campaign, 2025)
    last_year = report_factory(tree["A1"], campaign, 2024, Status.RETURNED)
    version = this_year.version

    preview = reorganisation_apply(reorganisation=merge_a1, user=admin_user)

    entries = {(e["what"], e["pk"]): e for e in preview.submissions}
    assert (entries["plan", plan_a1.pk]["outcome"], entries["plan", plan_a1.pk]["reason"]) == (
        "stays",
        "successor_has_own",
    )
    moved = entries["report", this_year.pk]
    assert (moved["outcome"], moved["to"], moved["to_name"], moved["reason"]) == (
        "moved",
        "A2",
        "CĐCS A2",
        "",
    )
    assert entries["report", last_year.pk]["reason"] == "past_year"

    [closed] = steps_of(plan_a1)
    assert closed.action == Change.CLOSE
    assert "CĐCS A2 đã có kế hoạch của mình" in closed.reason
    report = AnnualReport.objects.get(pk=this_year.pk)
    assert report.unit.code == "A2" and report.version == version + 1
    [move] = steps_of(report)
    assert (move.action, move.actor) == (Change.MOVE, None)
    assert move.reason == (
        "Từ CĐCS A1, đơn vị đã sáp nhập vào CĐCS A2 theo quyết định số 56/QĐ-LĐLĐ, có hiệu "
        "lực từ ngày 01/07/2025."
    )
    [kept] = steps_of(last_year)
    assert "báo cáo của năm trước khi sắp xếp được giữ lại" in kept.reason
    # The moved report is the successor's work now: its officers file it.
    assert not report.closed_with_unit()


def test_a_chain_of_mergers_in_one_act_moves_the_work_to_the_open_unit_at_its_end(
    tree, cast, campaign, plan_factory, report_factory, reorganise, admin_user
):
    # A1 merges into A2, which merges into B1, in the same decision: A1's work goes on at
    # B1 (as two decisions would have it), not at A2, closed the same day.
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    report = report_factory(tree["A1"], campaign, 2025, Status.SUBMITTED)
    act = reorganise(
        JULY,
        {"action": "merge", "unit_code": "A1", "target_code": "A2"},
        {"action": "merge", "unit_code": "A2", "target_code": "B1"},
    )
    preview = reorganisation_apply(reorganisation=act, user=admin_user)
    assert {(e["what"], e["outcome"], e["to"]) for e in preview.submissions} == {
        ("plan", "moved", "B1"),
        ("report", "moved", "B1"),
    }
    for submission in (Plan.objects.get(pk=plan.pk), AnnualReport.objects.get(pk=report.pk)):
        assert submission.unit.code == "B1" and submission.unit.closed_on is None
        assert not submission.closed_with_unit()


def test_a_chain_ending_in_a_dissolved_unit_closes_the_work_and_says_why(
    client, tree, cast, campaign, plan_factory, reorganise, admin_user
):
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    act = reorganise(
        JULY,
        {"action": "merge", "unit_code": "A1", "target_code": "A2"},
        {"action": "close", "unit_code": "A2"},
    )
    preview = reorganisation_apply(reorganisation=act, user=admin_user)
    assert [(e["outcome"], e["reason"]) for e in preview.submissions] == [
        ("stays", "successor_dissolved")
    ]
    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[act.pk])).content.decode()
    assert "lý do: đơn vị được sáp nhập vào bị giải thể theo cùng quyết định" in page
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.unit.code == "A1"
    # A1 was not dissolved: it merged into A2, which was.
    [step] = steps_of(plan)
    assert step.reason == (
        "CĐCS A1 sáp nhập vào CĐCS A2, đơn vị bị giải thể theo cùng quyết định số 56/QĐ-LĐLĐ, "
        "có hiệu lực từ ngày 01/07/2025."
    )


def test_the_preview_lists_the_outcomes_and_records_nothing(
    tree, cast, campaign, plan_factory, merge_a1
):
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    preview = reorganisation_preview(merge_a1)
    assert [(e["pk"], e["outcome"], e["to"]) for e in preview.submissions] == [
        (plan.pk, "moved", "A2")
    ]
    assert not Step.objects.exists()
    assert Plan.objects.get(pk=plan.pk).unit.code == "A1"


def test_the_preview_page_says_where_each_submission_goes_or_why_it_closes(
    client, tree, cast, campaign, plan_factory, report_factory, reorganise, admin_user
):
    plan_factory(tree["A1"], campaign, cast["officer_a1"])
    plan_factory(tree["A2"], campaign, cast["officer_a1"])
    report_factory(tree["A1"], campaign, 2025)
    plan_factory(tree["B1"], campaign, cast["officer_b1"])
    draft = reorganise(
        JULY,
        {"action": "merge", "unit_code": "A1", "target_code": "A2"},
        {"action": "close", "unit_code": "B1"},
    )
    client.force_login(admin_user)
    url = reverse("units:reorganisation_detail", args=[draft.pk])

    for state in ("draft", "applied"):
        if state == "applied":
            reorganisation_apply(reorganisation=draft, user=admin_user)
        page = client.get(url).content.decode()
        assert "Báo cáo năm 2025 của A1 (Bản nháp): chuyển sang A2 – CĐCS A2" in page
        assert "của A1 (Bản nháp): đóng, lý do: đơn vị kế thừa đã có hồ sơ của mình" in page
        assert "của B1 (Bản nháp): đóng, lý do: đơn vị giải thể" in page


def test_a_closed_submission_leaves_the_queues_and_lists_and_nobody_acts_on_it(
    client, tree, cast, campaign, plan_factory, report_factory, dissolve_b1, admin_user
):
    # A plan returned to the officer (on their to-do list), a report waiting for review.
    plan = plan_factory(tree["B1"], campaign, cast["officer_b1"], status=Status.RETURNED)
    report = report_factory(tree["B1"], campaign, 2025, Status.SUBMITTED)
    cspl = Scope(cast["cspl"])
    assert workflow.allowed_actions(report, cspl) == [Step.Action.RETURN, Step.Action.ACCEPT]
    assert plan_items(Scope(cast["officer_b1"])) and report_items(cspl)

    reorganisation_apply(reorganisation=dissolve_b1, user=admin_user)

    cspl = Scope(cast["cspl"])
    # Nothing waits for review; near a deadline the count of open units still to file stays.
    late_units = reverse("campaign:late_units")
    waiting = [i for i in plan_items(cspl) + report_items(cspl) if late_units not in i["url"]]
    assert waiting == []
    assert plan_items(Scope(cast["officer_b1"])) == []
    client.force_login(cast["cspl"])
    for queue in ("campaign:review_queue", "campaign:report_queue"):
        assert list(client.get(reverse(queue)).context["page"].object_list) == []
    report = AnnualReport.objects.select_related("unit", "period").get(pk=report.pk)
    assert workflow.allowed_actions(report, cspl) == []
    # A reviewer who still has the page open: refused with the reason, nothing changes.
    response = client.post(reverse("campaign:report_accept", args=[report.pk]))
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("CĐCS B1 đã ngừng hoạt động: hồ sơ của đơn vị được lưu làm lịch sử")
    with pytest.raises(workflow.TransitionError):
        workflow.submission_return(report, user=cast["cspl"], reason="Bổ sung")
    assert AnnualReport.objects.get(pk=report.pk).status == Status.SUBMITTED
    assert [s.action for s in steps_of(report)] == [Change.CLOSE]
    # Its officer can no longer submit the returned plan.
    client.force_login(cast["officer_b1"])
    assert client.post(reverse("campaign:plan_submit", args=[plan.pk])).status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Status.RETURNED


@pytest.mark.parametrize("who", ["officer_b1", "cspl"])
def test_the_page_of_a_closed_submission_shows_why_and_offers_nothing(
    client, tree, cast, campaign, plan_factory, report_factory, dissolve_b1, admin_user, who
):
    plan = plan_factory(tree["B1"], campaign, cast["officer_b1"], status=Status.SUBMITTED)
    report = report_factory(tree["B1"], campaign, 2025)
    reorganisation_apply(reorganisation=dissolve_b1, user=admin_user)
    client.force_login(cast[who])
    for name, submission in (("plan_detail", plan), ("report_detail", report)):
        response = client.get(reverse(f"campaign:{name}", args=[submission.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Đã đóng: đơn vị ngừng hoạt động từ ngày 01/07/2025." in page
        assert "CĐCS B1 giải thể theo quyết định số 56/QĐ-LĐLĐ" in page
        assert "Cổng thông tin tự ghi nhận" in page  # the step's author in the timeline
        assert response.context["actions"] == [] and not response.context["can_edit"]


def test_a_unit_closed_by_hand_closes_its_work_too_without_a_decision(client, tree, cast, plan_a1):
    tree["A1"].close(JULY)
    client.force_login(cast["reviewer_a"])
    response = client.get(reverse("campaign:plan_detail", args=[plan_a1.pk]))
    assert response.context["closing"] == {"on": JULY, "reason": ""}
    assert "Đã đóng: đơn vị ngừng hoạt động từ ngày 01/07/2025." in response.content.decode()


def test_an_accepted_submission_of_a_closed_unit_cannot_be_reopened(tree, cast, plan_a1):
    Plan.objects.filter(pk=plan_a1.pk).update(status=Status.ACCEPTED)
    tree["A1"].close(JULY)
    plan = Plan.objects.select_related("unit").get(pk=plan_a1.pk)
    with pytest.raises(workflow.TransitionError):
        workflow.submission_reopen(plan, user=cast["cspl"], reason="Sửa số liệu")
    assert Plan.objects.get(pk=plan.pk).status == Status.ACCEPTED


def test_the_lists_of_the_closed_units_officer_keep_its_work_without_offering_new(
    client, tree, cast, campaign, report_factory, dissolve_b1, admin_user
):
    report_factory(tree["B1"], campaign, 2025, Status.SUBMITTED)
    reorganisation_apply(reorganisation=dissolve_b1, user=admin_user)
    client.force_login(cast["officer_b1"])
    plans = client.get(reverse("campaign:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Đơn vị đã ngừng hoạt động" in plans
    assert reverse("campaign:plan_start", args=[campaign.pk, tree["B1"].pk]) not in plans
    reports = client.get(reverse("campaign:report_list"), {"year": "2025"})
    [row] = reports.context["rows"]
    assert row["report"] is not None
    assert "Đơn vị đã ngừng hoạt động" in reports.content.decode()


def test_work_merged_into_the_issuer_stays_with_its_unit_and_says_why(
    client, tree, cast, campaign, plan_factory, reorganise, admin_user
):
    # The sector union merges into the province that issued the campaign: its submitted plan
    # became the province's own, which the campaign does not ask for and nobody reviews.
    plan = plan_factory(tree["SE"], campaign, cast["officer_a1"])
    Plan.objects.filter(pk=plan.pk).update(status="submitted")
    act = reorganise(
        JULY, {"action": "merge", "unit_code": "SE", "target_code": "PV", "move_children": True}
    )
    preview = reorganisation_apply(reorganisation=act, user=admin_user)
    assert [(e["outcome"], e["reason"]) for e in preview.submissions] == [
        ("stays", "successor_not_addressed")
    ]
    assert Plan.objects.get(pk=plan.pk).unit.code == "SE"
    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[act.pk])).content.decode()
    assert "kế hoạch phát động không yêu cầu đơn vị tiếp nhận nộp" in page
