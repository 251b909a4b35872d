"""The one workflow: the steps of a submission (a plan or an annual report), and of an obstacle.

    draft ──submit──► submitted ──accept──► accepted ──reopen──► returned
                          │                                         │
                          └──return──► returned ──submit──► submitted

Every step runs in one transaction: lock the row, check the transition and the actor's
right, change the status, record the step with a snapshot of the content and its e-mails
still owed, and leave the notices of a review step; after the commit a worker writes the
e-mails to the outbox and sends them (campaign.notifications). Officers of the unit submit;
reviewers of an upper unit return, accept and reopen. After the lock date a reviewer may
also open a draft report for a unit that never started one (`open_late`), a step recorded
and told as the others, which changes no status.

A submission of a closed unit is history (units.access): no step can be taken on it any
more, whatever its status. A reorganisation that closes the unit records why, with
`record_unit_change` (a Step.UnitChange): a `move` step when the submission went on to the
successor, a `close` step when it was closed with its unit. Those steps change no status
(what was submitted stays submitted, and still counts in its year), have no actor, and
notify nobody. A closed one leaves the review queues and to-do lists because its unit is
closed (campaign.queues, campaign.pending), and its page shows the reason (`closing`).

Obstacles have their own, shorter life, kept here too so that no page changes a status
itself:

    open ──answer──► answered ──close──► closed
                      │    ▲
                      └────┘ answer again

A unit raises one (`raise_obstacle`), a reviewer of the unit answers it (`answer_obstacle`), the
unit or a reviewer closes it once answered (`close_obstacle`). An answer and a closing write
with a conditional UPDATE, and are told in the same transaction.

An inspection's recommendations are followed up by the reviewers of its unit
(`follow_up_inspection`: pending, in progress, met) and marked done by the unit, or by the
unit carrying its work on once it merged away (`mark_inspection_done`); each writes only
its own fields, under the row's lock.
"""

import datetime
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign import notifications
from campaign.models import (
    AnnualReport,
    IndicatorValue,
    Inspection,
    Obstacle,
    Status,
    Step,
    Submission,
)
from units.access import FILE, REVIEW, Scope
from units.dataversion import bump_data_version
from units.models import User

Action = Step.Action
UnitChange = Step.UnitChange

# action: (allowed source states, target state, who may act)
TRANSITIONS = {
    Action.SUBMIT: ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED, "officer"),
    Action.RETURN: ({Status.SUBMITTED}, Status.RETURNED, "reviewer"),
    Action.ACCEPT: ({Status.SUBMITTED}, Status.ACCEPTED, "reviewer"),
    Action.REOPEN: ({Status.ACCEPTED}, Status.RETURNED, "reviewer"),
}
NEEDS_REASON = {Action.RETURN, Action.REOPEN}
# The step as its button names it: an action's label names the state it leads to
# ("Submitted"), which a refusal cannot say the user tried.
STEP_NAMES = {
    Action.SUBMIT: pgettext_lazy("workflow step", "Submit for review"),
    Action.RETURN: pgettext_lazy("workflow step", "Return"),
    Action.ACCEPT: pgettext_lazy("workflow step", "Accept"),
    Action.REOPEN: pgettext_lazy("workflow step", "Reopen"),
}
CHANGED_SINCE = _(
    "It changed after you opened it: someone acted on it or the unit saved it. Check it "
    "again below before you act."
)


class TransitionError(ValidationError):
    """The step is not possible in the submission's current state."""


class ConflictError(Exception):
    """Someone else saved the submission since this user loaded it.

    `current`, when given: what the caller shows of what they saved (an inspection's
    follow-up version, the inspection with its done mark as saved)."""

    def __init__(self, current=None):
        super().__init__(current)
        self.current = current


def submission_submit(
    submission: Submission,
    *,
    user: User,
    scope: Scope | None = None,
    items: list[IndicatorValue] | None = None,
    attachments: list[str] | None = None,
    save: Callable[[], None] | None = None,
    locked: bool = False,
    expected_version: int | None = None,
) -> Step:
    """Submit for review. `scope` is the user's access scope when the caller already has
    it (a view's `Scope.for_request`), which saves loading the memberships again.

    `items`: what the submission holds, when the caller has it in memory (a report's
    figures with their indicators): checked for completeness and recorded in the step's
    snapshot without reading it back; `attachments`, the names of its files, likewise
    (read when not given). A submission not saved yet (a unit's report typed and
    submitted in one request) comes with `save`, which writes it and its items: the step
    writes it once, already submitted; created in this transaction, nobody else can see it,
    so there is nothing to lock or read back. `locked`: the caller locked its row in this
    transaction (`save_if_unchanged`), and `submission` is current: it is not read again.
    `expected_version`: the version the user's page showed; the step is refused (a
    ValidationError with the code "changed") when the submission is no longer at it. So
    are the other steps given one.
    """
    if submission._state.adding and save is None:
        raise ValueError("A submission not saved yet is submitted with `save`.")
    return _step(
        submission,
        Action.SUBMIT,
        user,
        scope=scope,
        items=items,
        attachments=attachments,
        save=save,
        caller_locked=locked,
        expected_version=expected_version,
    )


def submission_return(
    submission: Submission,
    *,
    user: User,
    reason: str,
    scope: Scope | None = None,
    expected_version: int | None = None,
) -> Step:
    return _step(
        submission, Action.RETURN, user, reason, scope=scope, expected_version=expected_version
    )


def submission_accept(
    submission: Submission,
    *,
    user: User,
    scope: Scope | None = None,
    expected_version: int | None = None,
) -> Step:
    return _step(submission, Action.ACCEPT, user, scope=scope, expected_version=expected_version)


def submission_reopen(
    submission: Submission,
    *,
    user: User,
    reason: str,
    scope: Scope | None = None,
    expected_version: int | None = None,
) -> Step:
    return _step(
        submission, Action.REOPEN, user, reason, scope=scope, expected_version=expected_version
    )


def check_step(submission: Submission, action: str, scope: Scope) -> None:
    """Raise PermissionDenied if the user may not take `action` on `submission`, and
    TransitionError if its current state or its filing period does not allow it."""
    _sources, _target, actor = TRANSITIONS[action]
    if not _may_act(scope, actor, submission.unit):
        raise PermissionDenied
    if submission.closed_with_unit(scope.today):
        raise TransitionError(
            _(
                "%(unit)s has closed: its submissions are kept as history and can no longer "
                "be submitted, returned, accepted or reopened."
            )
            % {"unit": submission.unit.name}
        )
    if submission.status not in _sources_for(submission, action):
        raise TransitionError(
            _("“%(action)s” is not possible while the submission is “%(status)s”.")
            % {"status": submission.get_status_display(), "action": STEP_NAMES[action]}
        )
    if action == Action.SUBMIT and not submission.filing_open():
        raise TransitionError(
            _("The filing period is closed. Ask a reviewer of an upper unit to reopen it.")
        )


def allowed_actions(submission: Submission, scope: Scope) -> list[str]:
    """The actions `scope`'s user may take on `submission` now (no query)."""
    actions = []
    if submission.closed_with_unit(scope.today):
        return actions
    for action, (_sources, _target, actor) in TRANSITIONS.items():
        if submission.status not in _sources_for(submission, action):
            continue
        if action == Action.SUBMIT and not submission.filing_open():
            continue
        if _may_act(scope, actor, submission.unit):
            actions.append(action)
    return actions


@transaction.atomic
def open_late(report: AnnualReport, *, user: User, scope: Scope) -> Step:
    """Open `report`, new, as a draft after its period's lock date, for a unit that never
    started it, and record the step (Step.Opening.OPEN_LATE) as any other: with its
    snapshot, the notices and the e-mails owed to those who file it, who can file it now.

    The report is marked reopened now, which is what keeps its filing open past the lock
    date (AnnualReport.filing_open); from then on it goes through the steps above. The
    caller checked that the year is locked and that the unit owes the report. Raises
    PermissionDenied when `user` does not review its unit, and IntegrityError when the unit
    has a report of that year already (opened a moment ago by someone else): nothing is
    written then.
    """
    if scope.user != user or not scope.can_review(report.unit):
        raise PermissionDenied
    now = timezone.now()
    report.status = Status.DRAFT
    report.reopened_at = now
    report.save(force_insert=True)
    acting_from = scope.acting_from(report.unit, REVIEW)
    # Just made, it holds no figure and no file: its snapshot needs no query.
    return _record(
        report,
        Step.Opening.OPEN_LATE,
        Status.DRAFT,
        user,
        acting_from,
        now,
        items=[],
        attachments=[],
    )


def record_unit_change(submission: Submission, change: str, reason: str) -> Step:
    """Record in `submission`'s history that a reorganisation moved it to the successor of
    its closing unit (UnitChange.MOVE) or closed it with its unit (UnitChange.CLOSE), and
    why.

    Called inside the reorganisation's transaction, after the change: the status stays as
    it was, the step has no actor (the decision is in `reason`) and nobody is notified.
    """
    change = UnitChange(change)
    return Step.objects.create(
        submission=submission,
        action=change,
        from_status=submission.status,
        to_status=submission.status,
        actor=None,
        at=timezone.now(),
        reason=reason,
        snapshot=_snapshot(submission),
    )


def raise_obstacle(obstacle: Obstacle, *, user: User) -> Obstacle:
    """Save `obstacle`, new, as raised now by `user`, and e-mail the reviewers who answer
    it, in the caller's transaction. The caller checked that `user` files for its unit (the
    form offers no other)."""
    obstacle.raised_by = user
    obstacle.raised_at = timezone.now()
    obstacle.save()
    notifications.notify_obstacle_raised(obstacle)
    return obstacle


def answer_obstacle(
    obstacle: Obstacle,
    *,
    user: User,
    scope: Scope,
    answer: str,
    shown: datetime.datetime | None,
) -> bool:
    """Answer `obstacle` (or replace its answer) as `user`, a reviewer of its unit, and
    tell those who hear of it (`notifications.notify_obstacle_answered`) in the same
    transaction. Returns whether it was saved; `obstacle` is then current.

    `shown`: when the answer the user's page showed was given (None: it showed none). The
    UPDATE is conditional, so nothing is written, and False returned, when the obstacle was
    closed meanwhile (a late answer does not reopen it), when this very answer is saved
    already (a second tap, a reload: nobody is told twice), or when a colleague answered
    after the page was drawn (theirs is not replaced unread). The caller reads which.
    Raises PermissionDenied when `user` does not review the obstacle's unit.
    """
    if scope.user != user or not scope.can_review(obstacle.unit):
        raise PermissionDenied
    S = Obstacle.Status
    same_answer_shown = Q(answered_at=shown) if shown else Q(answered_at__isnull=True)
    now = timezone.now()
    with transaction.atomic():
        updated = (
            Obstacle.objects.filter(
                same_answer_shown, pk=obstacle.pk, status__in=[S.OPEN, S.ANSWERED]
            )
            .exclude(status=S.ANSWERED, answer=answer)
            .update(answer=answer, answered_by=user, answered_at=now, status=S.ANSWERED)
        )
        if not updated:
            return False
        obstacle.status, obstacle.answer = S.ANSWERED, answer
        obstacle.answered_by, obstacle.answered_at = user, now
        notifications.notify_obstacle_answered(obstacle, now)
        # A conditional UPDATE sends no signal, and the rollup counts obstacles by status.
        bump_data_version()
    return True


def close_obstacle(
    obstacle: Obstacle, *, user: User, scope: Scope, shown: datetime.datetime | None
) -> bool:
    """Close `obstacle`, answered, as `user`, who files for its unit or reviews it, and tell
    those who hear of it in the same transaction. Returns whether it was closed; `obstacle`
    is then current.

    `shown`: when the answer the user's page showed was given; the obstacle is closed only
    if its answer is still that one (None: not checked, for a request from no page of the
    portal). The UPDATE is conditional, so nothing is written, and False returned, when the
    obstacle is not answered (open, or closed already) or was answered again since: the
    caller reads which. Raises PermissionDenied when `user` may not close it.
    """
    by_reviewer = scope.can_review(obstacle.unit)
    if scope.user != user or not (by_reviewer or scope.can_file_for(obstacle.unit)):
        raise PermissionDenied
    S = Obstacle.Status
    same_answer = {"answered_at": shown} if shown else {}
    now = timezone.now()
    with transaction.atomic():
        updated = Obstacle.objects.filter(pk=obstacle.pk, status=S.ANSWERED, **same_answer).update(
            status=S.CLOSED, closed_at=now, closed_by=user
        )
        if not updated:
            return False
        obstacle.status, obstacle.closed_at, obstacle.closed_by = S.CLOSED, now, user
        # A reviewer's closing ends the unit's question without the unit having settled it:
        # its officers learn so by e-mail. The unit closing its own says the answer settled
        # it. Either way the reviewer who gave the answer, if another closed it, learns so in
        # the portal.
        if by_reviewer:
            notifications.notify_obstacle_closed(obstacle)
        else:
            notifications.notify_obstacle_closed_by_unit(obstacle)
        bump_data_version()  # no signal from a conditional UPDATE either
    return True


# The fields of an inspection its reviewers follow up, and those its unit marks done with:
# each side saves only its own, the other may be saving meanwhile.
FOLLOW_UP_FIELDS = ["follow_up", "follow_up_note", "recommendations_due_on"]
DONE_FIELDS = ["done_note", "done_by", "done_at"]


@transaction.atomic
def follow_up_inspection(
    inspection: Inspection, *, user: User, scope: Scope, values: dict, expected_version: int
) -> bool:
    """Save the reviewers' follow-up of `inspection` (`values` of FOLLOW_UP_FIELDS) as
    `user`, a reviewer of its unit, if nobody saved one since the follow-up's version
    `expected_version` that the user's page showed. Returns True when saved, False when
    this very follow-up was saved already (a second tap, a retry after a lost answer):
    nothing to save again and no colleague's save to warn about.

    The version is compared under the row's lock, so of two reviewers saving from the same
    page one is refused (ConflictError, with the version found as its `current`) instead
    of silently overwriting the other. Raises PermissionDenied when `user` does not review
    the unit, TransitionError when the visit made no recommendation to follow up.
    """
    if scope.user != user or not scope.can_review(inspection.unit):
        raise PermissionDenied
    refusal = follow_up_refusal(inspection)
    if refusal:
        raise TransitionError(refusal)
    saved = (
        Inspection.objects.select_for_update()
        .values("follow_up_version", *FOLLOW_UP_FIELDS)
        .get(pk=inspection.pk)
    )
    current = saved.pop("follow_up_version")
    if current != expected_version:
        if saved == {name: values[name] for name in FOLLOW_UP_FIELDS}:
            return False
        raise ConflictError(current)
    for name in FOLLOW_UP_FIELDS:
        setattr(inspection, name, values[name])
    inspection.follow_up_version = expected_version + 1
    inspection.save(update_fields=[*FOLLOW_UP_FIELDS, "follow_up_version"])
    return True


@transaction.atomic
def mark_inspection_done(
    inspection: Inspection,
    *,
    user: User,
    scope: Scope,
    note: str,
    shown: datetime.datetime | None,
) -> bool:
    """Mark the recommendations of `inspection` done, with `note`, as `user`, who files for
    its unit or, once it merged away, for the unit carrying its work on
    (`Scope.can_carry_on`). Returns True when marked, False when this very note is saved already (a
    second tap, a reload): it is saved once.

    Checked under the row's lock, as a reviewer's follow-up saved meanwhile waits for it:
    raises TransitionError (its message says why) when the visit made no recommendation or
    the reviewers have recorded them met, and ConflictError (with the inspection as saved
    as its `current`) when a colleague marked them done after `shown`, the time of
    the mark the user's page showed (None: it showed none), so theirs is not replaced
    unread. Raises PermissionDenied when `user` does not carry on the unit's work.
    """
    if scope.user != user or not scope.can_carry_on(inspection.unit):
        raise PermissionDenied
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    refusal = done_refusal(current)
    if refusal:
        raise TransitionError(refusal)
    if current.done_at is not None and current.done_note == note:
        return False
    if current.done_at != shown:
        raise ConflictError(current)
    inspection.done_note, inspection.done_by, inspection.done_at = note, user, timezone.now()
    inspection.save(update_fields=DONE_FIELDS)
    return True


def follow_up_refusal(inspection: Inspection) -> str:
    """Why `inspection` has no follow-up to save ("": it has)."""
    if not inspection.has_recommendations:
        return _("This visit made no recommendation: there is nothing to follow up.")
    return ""


def done_refusal(inspection: Inspection) -> str:
    """Why the recommendations of `inspection` cannot be marked done now ("": they can)."""
    if not inspection.has_recommendations:
        return _("This visit made no recommendation to carry out.")
    if inspection.follow_up == Inspection.FollowUp.MET:
        return _("The reviewers have already recorded the recommendations as met.")
    return ""


def closing(
    submission: Submission, steps: Sequence[Step], day: datetime.date | None = None
) -> dict | None:
    """Why `submission` is closed, for its page: None while its unit is open, else
    {"on": the closing day, "reason": the reason its `close` step recorded, or "" when the
    unit was closed by hand}. `steps` are its steps in order (no query)."""
    if not submission.closed_with_unit(day):
        return None
    step = next((s for s in reversed(steps) if s.action == UnitChange.CLOSE), None)
    return {"on": submission.unit.closed_on, "reason": step.reason if step else ""}


@transaction.atomic
def save_if_unchanged(
    submission: Submission, *, expected_version: int, fields: list[str]
) -> Submission:
    """Save `fields` of `submission` only if nobody saved it since `expected_version`.

    The row is locked first, so of two concurrent saves from the same version exactly one
    wins; the other raises ConflictError without writing anything. Call it inside the
    transaction that also saves the items and attachments, so a conflict leaves nothing
    half-written.
    """
    model = type(submission)
    # With what `is_editable` reads; only the submission's own row is locked (see _step).
    locked = (
        model.objects.select_for_update(of=("self",))
        .select_related(*model.WORKFLOW_RELATED)
        .get(pk=submission.pk)
    )
    if locked.version != expected_version or not locked.is_editable:
        raise ConflictError
    submission.status = locked.status
    submission.version = expected_version + 1
    submission.save(update_fields=[*fields, "version", "updated_at"])
    return submission


def changes_since_return(submission: Submission, steps: Sequence[Step]) -> dict | None:
    """What changed between the version last returned and the one submitted after it.

    `steps` are the submission's steps in order (already fetched, so this costs no query).
    Returns None when there is nothing to compare, otherwise
    {"fields": [(name, old, new)], "added": [item], "removed": [item],
     "changed": [(item_key, [(name, old, new)])], "since": the return's or reopening's
     action}.
    """
    returned_at = None
    for index, step in enumerate(steps):
        if step.action in (Action.RETURN, Action.REOPEN):
            returned_at = index
    if returned_at is None:
        return None
    resubmitted = next((s for s in steps[returned_at + 1 :] if s.action == Action.SUBMIT), None)
    if resubmitted is None:
        return None
    return {
        **diff_snapshots(steps[returned_at].snapshot, resubmitted.snapshot),
        "since": steps[returned_at].action,
    }


def diff_snapshots(old, new):
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    fields = [
        (name, old_fields.get(name, ""), new_fields.get(name, ""))
        for name in dict.fromkeys([*old_fields, *new_fields])
        if _lines(old_fields.get(name, "")) != _lines(new_fields.get(name, ""))
    ]
    old_items, new_items = old.get("items", {}), new.get("items", {})
    added = [new_items[key] for key in new_items if key not in old_items]
    removed = [old_items[key] for key in old_items if key not in new_items]
    changed = []
    for key in new_items.keys() & old_items.keys():
        before, after = old_items[key], new_items[key]
        item_changes = [
            (name, before.get(name, ""), after.get(name, ""))
            for name in dict.fromkeys([*before, *after])
            if before.get(name, "") != after.get(name, "")
        ]
        if item_changes:
            changed.append((key, item_changes))
    # Activities are keyed by their number, a report's figures by their indicator's code,
    # which may be digits too ("1") beside letters ("sessions"): numbers first, in order.
    changed.sort(key=lambda pair: (0, int(pair[0]), "") if pair[0].isdigit() else (1, 0, pair[0]))
    return {"fields": fields, "added": added, "removed": removed, "changed": changed}


def _lines(text):
    # A text saved before the forms kept line breaks as "\n" has them as the browser sent
    # them, "\r\n": the same text, not a change (units.forms.clean_typed_text).
    return text.replace("\r\n", "\n") if isinstance(text, str) else text


# --- internals ---------------------------------------------------------------------------------
@transaction.atomic
def _step(
    submission,
    action,
    user,
    reason="",
    scope=None,
    items=None,
    attachments=None,
    save=None,
    caller_locked=False,
    expected_version=None,
):
    reason = (reason or "").strip()
    model = type(submission)
    if save is not None or caller_locked:
        locked = submission  # new, or locked by the caller: see submission_submit
    else:
        # Only the submission's own row is locked: locking the joined campaign row too
        # would make every unit's step wait for the others' at a deadline.
        locked = (
            model.objects.select_for_update(of=("self",))
            .select_related(*model.WORKFLOW_RELATED)
            .get(pk=submission.pk)
        )
    if scope is None or scope.user != user:
        scope = Scope(user)
    check_step(locked, action, scope)
    if expected_version is not None and locked.version != expected_version:
        # The page the user acted from showed an earlier version: someone acted on it or
        # saved it since. Checked under the row lock, so of two racing steps one is refused.
        raise ValidationError(CHANGED_SINCE, code="changed")
    _sources, target, actor_kind = TRANSITIONS[action]
    # Checked after the right and the state, so that nobody is asked for a reason for a
    # step they could not take anyway.
    if action in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Give the reason, so the unit knows what to fix.")})
    if action == Action.SUBMIT:
        problems = (
            locked.completeness_problems() if items is None else locked.completeness_problems(items)
        )
        if problems:
            raise ValidationError(problems)
    now = timezone.now()
    source = locked.status
    locked.status = target
    locked.version += 1
    update_fields = ["status", "version", "updated_at"]
    if action == Action.SUBMIT:
        locked.submitted_at = now
        update_fields.append("submitted_at")
        if locked.first_submitted_at is None:
            locked.first_submitted_at = now
            update_fields.append("first_submitted_at")
    elif action == Action.REOPEN or (action == Action.RETURN and not locked.filing_open()):
        # A report returned after its lock date goes back to its unit to be fixed, as a
        # reopened one does: returned alone, it would stay locked in the unit's hands.
        locked.reopened_at = now
        update_fields.append("reopened_at")
    if save is not None:
        save()
    else:
        locked.save(update_fields=update_fields)
    step = _record(
        locked,
        action,
        source,
        user,
        scope.acting_from(locked.unit, FILE if actor_kind == "officer" else REVIEW),
        now,
        reason,
        items,
        attachments,
    )
    # Keep the caller's instance current.
    submission.status, submission.version = locked.status, locked.version
    submission.submitted_at = locked.submitted_at
    submission.first_submitted_at = locked.first_submitted_at
    submission.reopened_at = locked.reopened_at
    return step


def _record(
    submission, action, source, user, actor_unit, now, reason="", items=None, attachments=None
):
    """Record `action`, taken by `user` from `source` to the status `submission` has now,
    with its snapshot and its e-mails owed, and leave its notices (notifications.notify_step),
    in the caller's transaction."""
    step = Step.objects.create(
        submission=submission,
        action=action,
        from_status=source,
        to_status=submission.status,
        actor=user,
        actor_unit=actor_unit,
        at=now,
        reason=reason,
        snapshot=_snapshot(submission, items, attachments),
        emails_pending=True,
    )
    notifications.notify_step(submission, step)
    return step


def _snapshot(submission, items=None, attachments=None):
    # Labels in the snapshot (methods, assessments) must not depend on the language of
    # whoever takes the step, or the diff would show an unchanged value as changed.
    with translation.override(settings.LANGUAGE_CODE):
        if items is None:
            return submission.snapshot()
        return submission.snapshot(items, attachments)


def _sources_for(submission, action):
    sources, _target, _actor = TRANSITIONS[action]
    if action == Action.REOPEN:
        return sources | submission.extra_reopen_sources()
    return sources


def _may_act(scope, actor, unit):
    """Officers act for the units they file for; reviewers for the units below them."""
    return scope.can_file_for(unit) if actor == "officer" else scope.can_review(unit)
