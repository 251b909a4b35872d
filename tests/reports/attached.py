"""Files attached to a plan or an annual report, as an upload stores them, and their
signature check's page: shared by test_attachment_check.py and test_word_signatures.py."""

from django.core.files.base import ContentFile
from django.urls import reverse

from campaign.models import Attachment
from tests.campaign.filings import make_plan


def attach(owner, content, *, user, name="ke-hoach-da-ky.pdf", content_type="application/pdf"):
    """`content` attached to `owner` (a plan or an annual report) as an upload stores it."""
    key = "plan" if owner.__class__.__name__ == "Plan" else "report"
    return Attachment.objects.create(
        **{key: owner},
        file=ContentFile(content, name=name),
        original_name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=user,
    )


def plan_with(tree, campaign, cast, content, **kwargs):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], attach=False)
    return plan, attach(plan, content, user=cast["officer_a1"], **kwargs)


def check_url(plan, attachment):
    return reverse("reports:plan_attachment_check", args=[plan.pk, attachment.pk])


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()
