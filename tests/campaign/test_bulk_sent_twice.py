"""A bulk confirmation sent twice (a retry after a lost answer, a second tap once the button
is free again) is not reported as items changed by someone else: the second finds them done,
by the same reviewer, and says so."""

from django.urls import reverse

from campaign.models import Plan, Status, Step

S = Status


def send(client, action, plans, **data):
    """The confirmation's POST, followed to the page it leads to, with its messages."""
    items = [f"{plan.pk}:{plan.version}" for plan in plans]
    url = reverse("campaign:bulk_review", args=["plans", action])
    response = client.post(url, {"item": items, **data}, follow=True)
    return response, [str(message) for message in response.context["messages"]]


def test_a_bulk_return_sent_twice_says_the_items_are_already_returned(client, cast, submitted):
    plans = [submitted["A1"], submitted["A2"]]
    client.force_login(cast["reviewer_a"])
    send(client, "return", plans, reason="Thiếu chữ ký.")
    second, messages = send(client, "return", plans, reason="Thiếu chữ ký.")
    # Not "nothing was returned, your reason is kept": both were, by the first send.
    assert second.status_code == 200
    assert second.redirect_chain == [(reverse("campaign:review_queue"), 302)]
    assert not any("thay đổi sau khi bạn xác nhận" in m for m in messages)
    assert len(messages) == 1 and "CĐCS A1" in messages[0] and "CĐCS A2" in messages[0]
    assert "đã được thực hiện" in messages[0]
    for plan in plans:
        assert plan.steps.filter(action=Step.Action.RETURN).count() == 1
        assert Plan.objects.get(pk=plan.pk).status == S.RETURNED


def test_a_bulk_accept_sent_twice_says_the_items_are_already_accepted(client, cast, submitted):
    plans = [submitted["A1"], submitted["A2"]]
    client.force_login(cast["reviewer_a"])
    send(client, "accept", plans)
    _response, messages = send(client, "accept", plans)
    assert len(messages) == 1 and "đã được thực hiện" in messages[0]


def test_an_item_another_reviewer_acted_on_is_still_refused(client, cast, submitted):
    a1 = submitted["A1"]
    client.force_login(cast["cspl"])
    send(client, "accept", [a1])
    client.force_login(cast["reviewer_a"])
    _response, messages = send(client, "accept", [a1])
    assert len(messages) == 1 and "thay đổi sau khi bạn xác nhận" in messages[0]
