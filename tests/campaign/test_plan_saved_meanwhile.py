"""A plan saved by someone else while an officer typed: the officer's save is refused with
what they typed kept, whatever the other person changed, and saving again goes through."""

import pytest
from django.db.models import F
from django.urls import reverse

from campaign.models import Plan
from tests.campaign.filings import make_plan
from tests.campaign.plans import edit_data
from tests.pages import login

SAVED_MEANWHILE = "Một người khác đã lưu kế hoạch này sau khi bạn mở"


def test_a_row_whose_activity_was_deleted_meanwhile_comes_back_as_a_new_row(
    client, tree, cast, campaign
):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    first, second = plan.activities.order_by("pk")
    data = edit_data(plan, summary="Tóm tắt mới của tôi.")
    data["activities-1-audience"] = "Đoàn viên tổ 2, sửa"
    # A colleague deletes the second activity and saves.
    second.delete()
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)

    url = reverse("campaign:plan_edit", args=[plan.pk])
    refused = login(client, cast["officer_a1"]).post(url, data)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert SAVED_MEANWHILE in page
    assert "không thuộc kế hoạch này" not in page
    assert "Tóm tắt mới của tôi." in page and "Đoàn viên tổ 2, sửa" in page
    plan.refresh_from_db()
    assert plan.summary != "Tóm tắt mới của tôi." and plan.activities.count() == 1

    # Saving again, from the page as drawn, keeps both: the row comes back as new.
    again = dict(refused.context["formset"].data.lists())
    again["version"] = refused.context["form"].data["version"]
    assert login(client, cast["officer_a1"]).post(url, again).status_code == 302
    plan.refresh_from_db()
    assert plan.summary == "Tóm tắt mới của tôi."
    assert sorted(plan.activities.values_list("audience", flat=True)) == [
        first.audience,
        "Đoàn viên tổ 2, sửa",
    ]


@pytest.mark.timeout(60)  # before the fix it never returned
def test_a_tampered_row_count_is_refused_at_once_and_saves_nothing(client, tree, cast, campaign):
    # The stale-page path rebuilt one row per counted row: 10**12 of them held the worker.
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=1)
    data = edit_data(plan, summary="Tóm tắt mới của tôi.")
    data["version"] = "0"
    data["activities-TOTAL_FORMS"] = str(10**12)
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)

    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:plan_edit", args=[plan.pk]), data
    )
    assert response.status_code == 200
    assert "Tóm tắt mới của tôi." in response.content.decode()  # what was typed is kept
    plan.refresh_from_db()
    assert plan.summary != "Tóm tắt mới của tôi."
