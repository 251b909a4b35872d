"""Taking a workflow step from a reviewer's or officer's POST, for plans and annual reports."""

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaign import workflow
from campaign.forms import ReasonForm
from campaign.models import Step, Submission
from units.access import Scope, parse_pk

Action = Step.Action


def act_on(
    request: HttpRequest,
    submission: Submission,
    action: str,
    done: Mapping[str, str],
    render_with_reason_errors: Callable[[ReasonForm], HttpResponse],
) -> HttpResponse:
    """Take a workflow step from a POST; shared by plans and annual reports.

    `done` maps actions to success messages; `render_with_reason_errors(form)` shows the
    submission's page again when the reason is missing, keeping what the reviewer typed.
    """
    scope = Scope.for_request(request)
    # The role comes first: someone who may not take the step learns nothing more (403),
    # whatever else is wrong with the request.
    try:
        workflow.check_step(submission, action, scope)
    except workflow.TransitionError as error:
        if _taken_by_this_page(request, submission, action):
            # The same page sent twice (a retry after a lost answer, a second tap once the
            # button is free again): the first sending took the step.
            messages.info(
                request,
                _("This was already done when you sent this page before: nothing was done twice."),
            )
            return redirect(submission)
        if action in workflow.NEEDS_REASON and request.POST.get("reason", "").strip():
            # Its state changed since the page (another reviewer accepted it): the page
            # again, as it is now, with the reason the reviewer typed.
            reason_form = ReasonForm(request.POST)
            reason_form.is_valid()
            reason_form.add_error(None, error)
            return _reason_again(request, reason_form, render_with_reason_errors)
        messages.error(request, error.messages[0])
        return redirect(submission)
    # The version the user's page showed (each step's form carries it): a step on a
    # submission someone changed since is refused, whatever the order of the clicks.
    version = parse_pk(request.POST.get("version"))
    if action == Action.ACCEPT and request.POST.get("confirmed") != "yes":
        # Accepting locks the submission: the reviewer confirms on a page of its own first,
        # which carries on the version the reviewer read.
        return render(
            request,
            "campaign/confirm_accept.html",
            {
                "submission": submission,
                "action_url": request.path,
                "version": submission.version if version is None else version,
            },
        )
    reason_form = ReasonForm(request.POST) if action in workflow.NEEDS_REASON else None
    if reason_form is not None and not reason_form.is_valid():
        return _reason_again(request, reason_form, render_with_reason_errors)
    reason = reason_form.cleaned_data["reason"] if reason_form else ""
    user = request.user
    steps = {
        Action.SUBMIT: lambda: workflow.submission_submit(
            submission, user=user, scope=scope, expected_version=version
        ),
        Action.RETURN: lambda: workflow.submission_return(
            submission, user=user, reason=reason, scope=scope, expected_version=version
        ),
        Action.ACCEPT: lambda: workflow.submission_accept(
            submission, user=user, scope=scope, expected_version=version
        ),
        Action.REOPEN: lambda: workflow.submission_reopen(
            submission, user=user, reason=reason, scope=scope, expected_version=version
        ),
    }
    try:
        step = steps[action]()
    except ValidationError as error:
        if reason_form is not None and getattr(error, "code", None) == "changed":
            # The page again, as it is now, with the reason the reviewer typed.
            reason_form.add_error(None, error)
            return _reason_again(request, reason_form, render_with_reason_errors)
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done[step.action])
    return redirect(submission)


def _taken_by_this_page(request, submission, action) -> bool:
    """Whether `submission`'s last step is `action`, taken by this user (with the same
    reason) from the version this POST's page showed, and nothing since: the page was sent
    before. Needs the version the page carried."""
    version = parse_pk(request.POST.get("version"))
    if version is None or submission.version != version + 1:
        return False
    last = submission.steps.order_by("at", "pk").last()
    if last is None or last.action != action or last.actor_id != request.user.pk:
        return False
    if action not in workflow.NEEDS_REASON:
        return True
    form = ReasonForm(request.POST)
    return form.is_valid() and form.cleaned_data["reason"].strip() == last.reason


def _reason_again(request, reason_form, render_with_reason_errors):
    """The page again with the reason's errors, and the reason typed. On a phone the form
    sits far below the top: a message at the top says what is wrong, and the reason's box
    takes the focus, which brings it into view."""
    for error in reason_form.non_field_errors():
        messages.error(request, error)
    for error in reason_form.errors.get("reason", []):
        messages.error(
            request, _("Check the reason in the box below: %(problem)s") % {"problem": error}
        )
    # static/js/first_error.js leaves a field marked so where the page put it.
    reason_form.fields["reason"].widget.attrs.update({"autofocus": True, "data-error-focus": ""})
    return render_with_reason_errors(reason_form)


def kept_reason(reason_form: ReasonForm | None, actions: list[str]) -> str:
    """The reason typed for a return or reopen that could not be taken, when the page drawn
    now has no box to show it in (another reviewer returned the submission meanwhile, so
    neither step is offered): the page shows it to copy rather than losing it. Empty when
    nothing was typed or a box shows it."""
    if reason_form is None or not reason_form.is_bound:
        return ""
    if workflow.NEEDS_REASON.intersection(actions):
        return ""
    return (reason_form.data.get("reason") or "").strip()
