"""The plan's "changed since it was returned" tables name each field as a label does,
with a capital letter, as the annual report's table does."""

from django.urls import reverse

from campaign import workflow
from tests.campaign.plans import edit_data
from tests.pages import login


def test_the_changed_fields_are_named_with_a_capital_letter(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Sửa người ký")
    login(client, cast["officer_a1"])
    data = edit_data(plan_a1, signer="Nguyễn Văn Bình")
    data["activities-0-expected_participants"] = "60"
    assert client.post(reverse("campaign:plan_edit", args=[plan_a1.pk]), data).status_code == 302
    assert client.post(reverse("campaign:plan_submit", args=[plan_a1.pk])).status_code == 302

    page = client.get(reverse("campaign:plan_detail", args=[plan_a1.pk])).content.decode()

    assert '<td>Người ký</td><td class="diff-old">' in page
    assert '<td>Số người dự kiến tham gia</td><td class="diff-old">50</td>' in page
