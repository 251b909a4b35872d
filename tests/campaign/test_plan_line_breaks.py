"""A long text counted as the browser counts it: a text box stops typing at its limit
counting a line break as one character, and sends each one as two ("\r\n"). A summary the
box let the officer type is not refused as longer than the limit."""

from django.urls import reverse

from campaign import workflow
from campaign.models import Plan
from tests.campaign.plans import edit_data
from tests.pages import login

# 5,000 characters in the box: ten paragraphs of 499 letters and a line break each (but the
# last); 5,009 as sent.
SUMMARY = "\r\n".join(["x" * 499] * 9 + ["x" * 500])


def test_a_summary_as_long_as_its_box_allows_is_saved(client, cast, plan_a1):
    assert len(SUMMARY.replace("\r\n", "\n")) == 5000
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan_a1.pk]), edit_data(plan_a1, summary=SUMMARY)
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan_a1.pk).summary == SUMMARY.replace("\r\n", "\n")


def test_a_summary_saved_with_its_line_breaks_as_sent_is_not_shown_as_changed(
    client, cast, plan_a1
):
    # Saved before line breaks were kept as "\n": the return's snapshot has "\r\n".
    Plan.objects.filter(pk=plan_a1.pk).update(summary="Dòng một.\r\nDòng hai.")
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Sửa số người")
    login(client, cast["officer_a1"])
    data = edit_data(plan_a1)
    data["activities-0-expected_participants"] = "60"
    assert client.post(reverse("campaign:plan_edit", args=[plan_a1.pk]), data).status_code == 302
    assert client.post(reverse("campaign:plan_submit", args=[plan_a1.pk])).status_code == 302

    response = client.get(reverse("campaign:plan_detail", args=[plan_a1.pk]))

    assert response.context["changes"]["fields"] == []
