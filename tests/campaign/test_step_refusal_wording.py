"""A step refused because the plan or report has moved on (a second tab, a colleague) names
the step the user tried, not the state the step leads to."""

from django.urls import reverse

from campaign import workflow
from tests.pages import login, messages_of


def test_a_plan_submitted_by_a_colleague_meanwhile_names_the_step(
    client, cast, plan_a1, second_officer_a1
):
    # The same officer's own earlier submit is "already done" (test_step_sent_twice.py).
    version = plan_a1.version
    workflow.submission_submit(plan_a1, user=second_officer_a1)

    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_submit", args=[plan_a1.pk]), {"version": version}, follow=True
    )

    assert messages_of(response) == [
        "Không thể thực hiện “Gửi xem xét” khi hồ sơ đang ở trạng thái “Đã gửi”."
    ]


def test_a_plan_accepted_by_a_colleague_meanwhile_names_the_step(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    version = plan_a1.version
    workflow.submission_accept(plan_a1, user=cast["cspl"])

    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:plan_accept", args=[plan_a1.pk]),
        {"version": version, "confirmed": "yes"},
        follow=True,
    )

    assert messages_of(response) == [
        "Không thể thực hiện “Chấp nhận” khi hồ sơ đang ở trạng thái “Đã chấp nhận”."
    ]
