"""The new plan page sent again after it made the plan: the same copy leads to the plan
(tests/campaign/test_sent_twice.py); a copy changed since (back to the page, a word
corrected, saved again) keeps what was typed and says the plan exists, as the annual
report's page does, rather than "nothing was made twice" with the correction dropped."""

from django.urls import reverse

from campaign.models import Plan
from tests.campaign.plans import activity, formset, header
from tests.once import ALREADY, messages_in, token_of


def test_the_new_plan_page_sent_again_with_a_correction_keeps_it(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    data = {**header(), **formset([activity()]), "once": token_of(client, url)}
    assert client.post(url, data).status_code == 302

    again = client.post(url, {**data, "summary": "Tóm tắt đã sửa lỗi chính tả."})

    assert again.status_code == 200
    page = again.content.decode()
    assert not any(ALREADY in message for message in messages_in(again))
    assert "Bạn vừa tạo kế hoạch của đơn vị này" in page
    assert "Tóm tắt đã sửa lỗi chính tả." in page
    assert Plan.objects.get().get_absolute_url() in page  # the link to the plan


def test_the_link_to_a_plan_the_officer_started_elsewhere_does_not_say_someone_else_did(
    client, tree, cast, campaign
):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    assert client.post(url, {**header(), **formset([activity()])}).status_code == 302

    # The same new plan page, open in another tab, saved too.
    page = client.post(url, {**header(summary="Từ thẻ khác."), **formset([activity()])})

    text = page.content.decode()
    assert "Bạn vừa tạo kế hoạch của đơn vị này" in text
    assert "Mở kế hoạch bạn đã lập (thẻ mới)" in text
    assert "người khác" not in text


def test_the_link_to_a_plan_a_colleague_started_says_so(
    client, tree, cast, campaign, second_officer_a1
):
    client.force_login(second_officer_a1)
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    assert client.post(url, {**header(), **formset([activity()])}).status_code == 302

    client.force_login(cast["officer_a1"])
    text = client.post(url, {**header(), **formset([activity()])}).content.decode()

    assert "Mở kế hoạch người khác đã lập (thẻ mới)" in text
