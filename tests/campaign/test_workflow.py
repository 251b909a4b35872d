"""The submission workflow: every transition, legal and illegal, and who may take it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign import workflow
from campaign.models import Plan, Status, Step

S = Status
A = Step.Action

STATES = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED]
LEGAL = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.RETURNED, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, A.REOPEN): S.RETURNED,
}
ACT = {
    A.SUBMIT: lambda plan, cast: workflow.submission_submit(plan, user=cast["officer_a1"]),
    A.RETURN: lambda plan, cast: workflow.submission_return(
        plan, user=cast["reviewer_a"], reason="Thiếu lịch cụ thể"
    ),
    A.ACCEPT: lambda plan, cast: workflow.submission_accept(plan, user=cast["reviewer_a"]),
    A.REOPEN: lambda plan, cast: workflow.submission_reopen(
        plan, user=cast["cspl"], reason="Cần bổ sung số liệu"
    ),
}


def set_status(plan, status):
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("action", list(A))
def test_every_transition_is_legal_or_refused(plan_a1, cast, source, action):
    set_status(plan_a1, source)
    version = plan_a1.version
    target = LEGAL.get((source, action))
    if target is None:
        with pytest.raises(workflow.TransitionError):
            ACT[action](plan_a1, cast)
        plan_a1.refresh_from_db()
        assert plan_a1.status == source and plan_a1.version == version
        assert not Step.objects.exists()
    else:
        step = ACT[action](plan_a1, cast)
        plan_a1.refresh_from_db()
        assert plan_a1.status == target
        assert plan_a1.version == version + 1
        assert (step.action, step.from_status, step.to_status) == (action, source, target)


def test_the_full_cycle_records_who_when_and_why(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Bổ sung hoạt động")
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["cspl"])
    steps = list(plan_a1.steps.order_by("at", "pk"))
    assert [(s.action, s.actor.username) for s in steps] == [
        ("submit", "officer_a1"),
        ("return", "reviewer_a"),
        ("submit", "officer_a1"),
        ("accept", "cspl"),
    ]
    assert steps[1].reason == "Bổ sung hoạt động"
    assert all(s.at for s in steps)
    plan_a1.refresh_from_db()
    assert plan_a1.status == S.ACCEPTED and not plan_a1.is_editable
    assert plan_a1.submitted_at == steps[2].at


@pytest.mark.parametrize("action", [A.RETURN, A.REOPEN])
def test_a_return_or_reopen_needs_a_reason(plan_a1, cast, action):
    set_status(plan_a1, S.SUBMITTED if action == A.RETURN else S.ACCEPTED)
    function = workflow.submission_return if action == A.RETURN else workflow.submission_reopen
    with pytest.raises(ValidationError) as error:
        function(plan_a1, user=cast["reviewer_a"], reason="   ")
    assert "reason" in error.value.message_dict
    plan_a1.refresh_from_db()
    assert plan_a1.status != S.RETURNED


@pytest.mark.parametrize(
    "who", ["officer_a1", "officer_a", "standing", "outsider", "officer_b1", "reviewer_a", "cspl"]
)
def test_who_may_review(plan_a1, cast, who):
    set_status(plan_a1, S.SUBMITTED)
    if who in ("reviewer_a", "cspl"):
        workflow.submission_accept(plan_a1, user=cast[who])
        assert Plan.objects.get(pk=plan_a1.pk).status == S.ACCEPTED
    else:
        with pytest.raises(PermissionDenied):
            workflow.submission_accept(plan_a1, user=cast[who])
        assert Plan.objects.get(pk=plan_a1.pk).status == S.SUBMITTED


def test_a_reviewer_outside_the_subtree_cannot_act(plan_b1, cast):
    set_status(plan_b1, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        workflow.submission_return(plan_b1, user=cast["reviewer_a"], reason="x")


def test_a_reviewer_does_not_review_their_own_unit(tree, cast, campaign, plan_factory):
    plan = plan_factory(tree["DA"], campaign, cast["officer_a"])
    workflow.submission_submit(plan, user=cast["officer_a"])
    with pytest.raises(PermissionDenied):
        workflow.submission_accept(plan, user=cast["reviewer_a"])
    workflow.submission_accept(plan, user=cast["cspl"])


@pytest.mark.parametrize("who", ["reviewer_a", "cspl", "standing", "officer_b1", "outsider"])
def test_only_the_units_officers_submit(plan_a1, cast, who):
    with pytest.raises(PermissionDenied):
        workflow.submission_submit(plan_a1, user=cast[who])
    assert Plan.objects.get(pk=plan_a1.pk).status == S.DRAFT


def test_an_upper_units_officer_may_submit_for_a_unit_below(tree, campaign, plan_factory, cast):
    # The district officer files for its grassroots units that have no officer of their own.
    plan_a2 = plan_factory(tree["A2"], campaign, cast["officer_a"])
    workflow.submission_submit(plan_a2, user=cast["officer_a"])
    assert Plan.objects.get(pk=plan_a2.pk).status == S.SUBMITTED


def test_an_incomplete_plan_cannot_be_submitted(tree, cast, campaign, plan_factory):
    plan = plan_factory(tree["A2"], campaign, cast["officer_a"], activities=0, attach=False)
    with pytest.raises(ValidationError) as error:
        workflow.submission_submit(plan, user=cast["officer_a"])
    assert len(error.value.messages) == 2
    assert Plan.objects.get(pk=plan.pk).status == S.DRAFT


def test_allowed_actions_follow_state_and_role(plan_a1, cast):
    from units.access import Scope

    assert workflow.allowed_actions(plan_a1, Scope(cast["officer_a1"])) == [A.SUBMIT]
    assert workflow.allowed_actions(plan_a1, Scope(cast["reviewer_a"])) == []
    set_status(plan_a1, S.SUBMITTED)
    assert workflow.allowed_actions(plan_a1, Scope(cast["reviewer_a"])) == [A.RETURN, A.ACCEPT]
    assert workflow.allowed_actions(plan_a1, Scope(cast["officer_a1"])) == []
    set_status(plan_a1, S.ACCEPTED)
    assert workflow.allowed_actions(plan_a1, Scope(cast["cspl"])) == [A.REOPEN]


def test_the_diff_shows_what_changed_between_the_returned_and_resubmitted_versions(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Sửa số người")
    plan_a1.refresh_from_db()
    plan_a1.signer = "Phó Chủ tịch công đoàn"
    plan_a1.save()
    first = plan_a1.activities.first()
    first.expected_participants = 120
    first.save()
    added = plan_a1.activities.create(method="contest", audience="Nữ CNVCLĐ", planned_quarter=4)
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    steps = list(plan_a1.steps.order_by("at", "pk"))
    changes = workflow.changes_since_return(plan_a1, steps)
    assert ("signer", "Chủ tịch công đoàn", "Phó Chủ tịch công đoàn") in changes["fields"]
    assert changes["changed"] == [(str(first.pk), [("expected_participants", "50", "120")])]
    assert [item["audience"] for item in changes["added"]] == [added.audience]
    assert changes["removed"] == []


def test_there_is_no_diff_before_a_return(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert workflow.changes_since_return(plan_a1, list(plan_a1.steps.all())) is None


def test_every_change_is_kept_in_the_history(plan_a1):
    plan_a1.summary = "Bản sửa"
    plan_a1.save()
    activity = plan_a1.activities.first()
    before = activity.history.count()
    activity.audience = "Toàn thể đoàn viên"
    activity.save()
    assert [h.summary for h in plan_a1.history.order_by("history_date")][-1] == "Bản sửa"
    assert activity.history.count() == before + 1
    assert activity.history.first().audience == "Toàn thể đoàn viên"
    pk = activity.pk
    activity.delete()
    assert type(activity).history.filter(id=pk).latest("history_date").history_type == "-"


def test_a_diff_orders_changed_items_keyed_by_digits_and_by_words():
    # A report's figures are keyed by indicator code: "1" beside "sessions" compared an int
    # with a str, and the report's page after a resubmission was a 500.
    old = {"items": {"sessions": {"value": "1"}, "10": {"value": "1"}, "2": {"value": "1"}}}
    new = {"items": {"sessions": {"value": "2"}, "10": {"value": "2"}, "2": {"value": "2"}}}
    changed = workflow.diff_snapshots(old, new)["changed"]
    assert [key for key, _changes in changed] == ["2", "10", "sessions"]
