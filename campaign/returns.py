"""Why a plan or annual report is back in its unit's hands: the reason its page and its
edit form show at the top, as a banner, while it is returned."""

from collections.abc import Sequence

from campaign.models import Status, Step, Submission

# The steps that hand a submission back to its unit, with a reason.
BACK_TO_UNIT = (Step.Action.RETURN, Step.Action.REOPEN)


def return_step(submission: Submission, steps: Sequence[Step] | None = None) -> Step | None:
    """The step that returned (or reopened) `submission`, while it is returned; else None.

    `steps` are its steps in order when the caller has them (no query); otherwise the last
    such step is read, with its actor (one query).
    """
    if submission.pk is None or submission.status != Status.RETURNED:
        return None
    if steps is not None:
        found = [step for step in steps if step.action in BACK_TO_UNIT]
        return found[-1] if found else None
    return (
        submission.steps.filter(action__in=BACK_TO_UNIT)
        .select_related("actor")
        .order_by("at", "pk")
        .last()
    )
