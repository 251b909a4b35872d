"""Taking a workflow step from a reviewer's or officer's POST, for plans and annual reports."""

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaign import workflow
from campaign.forms import ReasonForm
from campaign.models import Step, Submission
from units.access import Scope

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
        messages.error(request, error.messages[0])
        return redirect(submission)
    if action == Action.ACCEPT and request.POST.get("confirmed") != "yes":
        # Accepting locks the submission: the reviewer confirms on a page of its own first.
        return render(
            request,
            "campaign/confirm_accept.html",
            {"submission": submission, "action_url": request.path},
        )
    reason_form = ReasonForm(request.POST) if action in workflow.NEEDS_REASON else None
    if reason_form is not None and not reason_form.is_valid():
        return render_with_reason_errors(reason_form)
    reason = reason_form.cleaned_data["reason"] if reason_form else ""
    user = request.user
    steps = {
        Action.SUBMIT: lambda: workflow.submission_submit(submission, user=user, scope=scope),
        Action.RETURN: lambda: workflow.submission_return(
            submission, user=user, reason=reason, scope=scope
        ),
        Action.ACCEPT: lambda: workflow.submission_accept(submission, user=user, scope=scope),
        Action.REOPEN: lambda: workflow.submission_reopen(
            submission, user=user, reason=reason, scope=scope
        ),
    }
    try:
        step = steps[action]()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done[step.action])
    return redirect(submission)
