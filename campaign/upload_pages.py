"""The views of a plan's or annual report's attached files: sending one back as a download
to whoever may see its owner, removing one from an owner its filers may still edit. Each
file is fetched through the access scope (`campaign.attachments.scoped_attachment`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from campaign.attachments import scoped_attachment
from campaign.downloads import stored_file_response
from campaign.models import AnnualReport, Plan
from campaign.uploads import ACCEPTED
from config.http import require_POST, require_safe
from units.access import FILE, SEE

# What each kind of owner is called in lookups, and the page it is shown on.
OWNERS = {
    "plan": (Plan, "campaign:plan_detail"),
    "report": (AnnualReport, "campaign:report_detail"),
}


def _download(request, kind, owner_pk, pk):
    attachment = scoped_attachment(request, kind, owner_pk, pk, SEE)
    content_type = attachment.content_type
    if content_type not in ACCEPTED:
        content_type = "application/octet-stream"
    return stored_file_response(
        attachment.file, filename=attachment.original_name, content_type=content_type
    )


def _delete(request, kind, owner_pk, pk, refusal):
    attachment = scoped_attachment(request, kind, owner_pk, pk, FILE)
    model, detail = OWNERS[kind]
    owner_url = reverse(detail, args=[owner_pk])
    with transaction.atomic():
        # Lock the owner so it cannot be submitted while the file is being removed.
        owner = model.objects.select_for_update().get(pk=owner_pk)
        if not owner.is_editable:
            messages.error(request, refusal)
            return redirect(owner_url)
        storage, stored_name = attachment.file.storage, attachment.file.name
        attachment.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(stored_name) if stored_name else None)
    messages.success(
        request, gettext("The file “%(name)s” was removed.") % {"name": attachment.original_name}
    )
    return redirect(owner_url)


@require_safe
@login_required
def attachment_download(request, plan_pk, pk):
    """Send an attachment to a user who may see its plan, as a download only."""
    return _download(request, "plan", plan_pk, pk)


@login_required
@require_POST
def attachment_delete(request, plan_pk, pk):
    """Remove an attachment of a plan that its unit's officers may still edit."""
    return _delete(
        request,
        "plan",
        plan_pk,
        pk,
        gettext("This plan can no longer be changed, so its files cannot be removed."),
    )


@require_safe
@login_required
def report_attachment_download(request, report_pk, pk):
    """Send an attachment to a user who may see its annual report, as a download only."""
    return _download(request, "report", report_pk, pk)


@login_required
@require_POST
def report_attachment_delete(request, report_pk, pk):
    """Remove an attachment of an annual report that its filers may still edit."""
    return _delete(
        request,
        "report",
        report_pk,
        pk,
        gettext("This report can no longer be changed, so its files cannot be removed."),
    )
