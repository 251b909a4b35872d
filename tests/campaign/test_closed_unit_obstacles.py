"""Obstacles of a closed unit: from its closing day nobody raises one for it, while those it
raised before stay with the reviewers, to be answered (they are history to answer)."""

import datetime

import pytest
from django.urls import reverse

from campaign.models import Obstacle
from campaign.pending import report_items
from tests.factories import MembershipFactory
from units.access import Scope
from units.models import Membership
from units.reorganisations import reorganisation_apply

S = Obstacle.Status
CREATE = reverse("campaign:obstacle_create")


@pytest.fixture
def b1_dissolved(reorganise, admin_user):
    """Apply the decision that dissolves B1 (officer_b1's only unit) from 01/07/2025."""

    def apply():
        decision = reorganise(datetime.date(2025, 7, 1), {"action": "close", "unit_code": "B1"})
        reorganisation_apply(reorganisation=decision, user=admin_user)

    return apply


def obstacle_of(unit, campaign, user):
    return Obstacle.objects.create(
        unit=unit,
        campaign=campaign,
        raised_by=user,
        subject="Cách tính số buổi",
        text="Chưa rõ cách tính số buổi tuyên truyền.",
    )


def form_data(unit, campaign, **fields):
    return {
        "unit": str(unit.pk),
        "campaign": str(campaign.pk),
        "report": "",
        "subject": "Vướng mắc sau sáp nhập",
        "text": "Đơn vị cũ còn kinh phí chưa quyết toán.",
        **fields,
    }


def test_the_officer_of_a_closed_unit_can_no_longer_raise_an_obstacle(
    client, tree, cast, campaign, b1_dissolved
):
    client.force_login(cast["officer_b1"])
    assert client.get(CREATE).status_code == 200
    b1_dissolved()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(tree["B1"], campaign)).status_code == 403
    assert not client.get(reverse("campaign:obstacle_list")).context["can_raise"]
    assert not Obstacle.objects.exists()


def test_an_officer_of_an_open_unit_too_cannot_name_the_closed_one(
    client, tree, cast, campaign, b1_dissolved
):
    officer = cast["officer_b1"]
    MembershipFactory(user=officer, unit=tree["A1"], role=Membership.Role.OFFICER)
    b1_dissolved()
    client.force_login(officer)
    form = client.get(CREATE).context["form"]
    assert [unit.code for unit in form.fields["unit"].queryset] == ["A1"]

    response = client.post(CREATE, form_data(tree["B1"], campaign))

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    page = response.content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in page  # in Vietnamese
    assert "Đơn vị cũ còn kinh phí chưa quyết toán." in page  # what was typed stays
    assert not Obstacle.objects.exists()


def test_an_open_obstacle_of_a_closed_unit_stays_with_the_reviewers_and_is_answered(
    client, tree, cast, campaign, b1_dissolved
):
    obstacle = obstacle_of(tree["B1"], campaign, cast["officer_b1"])
    b1_dissolved()

    # Still on the reviewers' list and to-do list, marked as a closed unit's.
    client.force_login(cast["cspl"])
    listed = client.get(reverse("campaign:obstacle_list"), {"status": "open"})
    assert [o.pk for o in listed.context["page"].object_list] == [obstacle.pk]
    assert "Đơn vị đã ngừng hoạt động" in listed.content.decode()
    assert any("vướng mắc" in str(item["title"]) for item in report_items(Scope(cast["cspl"])))
    detail = client.get(reverse("campaign:obstacle_detail", args=[obstacle.pk]))
    assert detail.context["can_answer"]
    assert "Đơn vị ngừng hoạt động từ ngày 01/07/2025" in detail.content.decode()

    answer = "Quyết toán tại đơn vị kế thừa."
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": answer}
    )
    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer, obstacle.answered_by) == (
        S.ANSWERED,
        answer,
        cast["cspl"],
    )

    # Its officer still reads the answer, but no longer acts for the unit.
    client.force_login(cast["officer_b1"])
    page = client.get(reverse("campaign:obstacle_detail", args=[obstacle.pk]))
    assert page.status_code == 200 and answer in page.content.decode()
    assert not page.context["can_close"]
    assert client.post(reverse("campaign:obstacle_close", args=[obstacle.pk])).status_code == 403

    # The reviewer closes it.
    client.force_login(cast["cspl"])
    client.post(reverse("campaign:obstacle_close", args=[obstacle.pk]))
    assert Obstacle.objects.get(pk=obstacle.pk).status == S.CLOSED


def test_a_reviewer_whose_own_unit_closed_reads_the_obstacle_but_answers_nothing(
    client, tree, cast, campaign, reorganise, admin_user
):
    # District A ends with its units: reviewer_a keeps the role there, to read its history.
    obstacle = obstacle_of(tree["A1"], campaign, cast["officer_a1"])
    decision = reorganise(
        datetime.date(2025, 7, 1),
        *({"action": "close", "unit_code": code} for code in ("A1", "A2", "DA")),
    )
    reorganisation_apply(reorganisation=decision, user=admin_user)

    client.force_login(cast["reviewer_a"])
    detail = client.get(reverse("campaign:obstacle_detail", args=[obstacle.pk]))
    assert detail.status_code == 200
    assert not detail.context["can_answer"] and not detail.context["can_close"]
    answer = client.post(reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": "x"})
    assert answer.status_code == 403
    assert client.post(reverse("campaign:obstacle_close", args=[obstacle.pk])).status_code == 403
    assert Obstacle.objects.get(pk=obstacle.pk).status == S.OPEN
    # The province's reviewers, at an open unit, still answer it.
    assert Scope(cast["cspl"]).can_review(obstacle.unit)
