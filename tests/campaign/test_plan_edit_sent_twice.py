"""The plan's edit page sent twice (a second tap on a slow line, a retry after a lost
answer): the second copy is what the first saved, not someone else's save to warn about,
and nothing is added twice."""

import uuid

from django.urls import reverse

from tests.campaign.filings import make_plan
from tests.campaign.plans import activity, edit_data
from tests.pages import login

SAVED_MEANWHILE = "Một người khác đã lưu kế hoạch này sau khi bạn mở"


def test_the_edit_page_sent_twice_saves_once_and_says_so(client, tree, cast, campaign):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=1)
    data = edit_data(plan, [activity(audience="Đoàn viên tổ mới")], summary="Tóm tắt đã sửa.")
    data["once"] = str(uuid.uuid4())  # the token the page was drawn with
    url = reverse("campaign:plan_edit", args=[plan.pk])
    officer = login(client, cast["officer_a1"])

    assert officer.post(url, data).status_code == 302
    again = officer.post(url, data, follow=True)

    page = again.content.decode()
    assert SAVED_MEANWHILE not in page
    assert again.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "Biểu mẫu này đã được gửi" in page
    plan.refresh_from_db()
    assert plan.summary == "Tóm tắt đã sửa."
    assert sorted(plan.activities.values_list("audience", flat=True)) == [
        "Đoàn viên công đoàn 0",
        "Đoàn viên tổ mới",
    ]


def test_the_same_page_sent_again_with_other_words_is_still_refused(client, tree, cast, campaign):
    # Back to the edit page after saving, changed, and saved again: what it sends now is
    # not what the plan holds, so it is refused with the words kept, as any outdated page.
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=1)
    data = edit_data(plan, summary="Tóm tắt đã sửa.")
    data["once"] = str(uuid.uuid4())
    url = reverse("campaign:plan_edit", args=[plan.pk])
    officer = login(client, cast["officer_a1"])
    assert officer.post(url, data).status_code == 302

    refused = officer.post(url, {**data, "summary": "Tóm tắt sửa lần hai."})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert SAVED_MEANWHILE in page and "Tóm tắt sửa lần hai." in page
    plan.refresh_from_db()
    assert plan.summary == "Tóm tắt đã sửa."


def test_an_edit_that_removed_an_activity_sent_twice_is_told_apart(client, tree, cast, campaign):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    data = edit_data(plan)
    data["activities-1-DELETE"] = "on"
    data["once"] = str(uuid.uuid4())
    url = reverse("campaign:plan_edit", args=[plan.pk])
    officer = login(client, cast["officer_a1"])
    assert officer.post(url, data).status_code == 302

    again = officer.post(url, data, follow=True)

    assert again.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "Biểu mẫu này đã được gửi" in again.content.decode()
    assert plan.activities.count() == 1
