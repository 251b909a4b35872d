"""The printed copy says the state the plan's page shows: a plan a reviewer reopened is
"Mở lại" on its page, and so on its copy, not "bị trả lại"."""

from django.urls import reverse

from campaign import workflow
from tests.pages import login


def test_a_reopened_plan_prints_as_reopened(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["cspl"])
    workflow.submission_reopen(plan_a1, user=cast["cspl"], reason="Sửa ngày văn bản")
    login(client, cast["officer_a1"])

    detail = client.get(reverse("campaign:plan_detail", args=[plan_a1.pk])).content.decode()
    printed = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()

    assert ">Mở lại</span>" in detail
    assert "Trạng thái trên cổng: mở lại." in printed
