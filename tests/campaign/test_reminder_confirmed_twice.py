"""The confirmation of a second reminder the same day, sent twice (a retry after a lost
answer, a second tap once the button is free again), reminds the units once more, not twice
more: the page asked about one more reminder."""

import re

import pytest

from campaign.models import Notice, Reminder
from tests.campaign.manual_reminders import again_campaign, remind


@pytest.fixture
def campaign(tree):
    return again_campaign(tree)


def confirmation(page):
    """The fields the confirmation page sends, as a browser would send them back."""
    return dict(re.findall(r'<input type="hidden" name="(again|asked)" value="([^"]*)"', page))


def test_the_confirmation_sent_twice_reminds_once_more(client, tree, cast, campaign):
    client.force_login(cast["cspl"])
    remind(client, campaign, [tree["A1"]])
    asked = remind(client, campaign, [tree["A1"], tree["B1"]])
    fields = confirmation(asked.content.decode())
    assert fields["again"] == "yes"
    first = remind(client, campaign, [tree["A1"], tree["B1"]], **fields)
    assert first.status_code == 302
    client.get(first.url)  # its message read
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["A1", "A1", "B1"]
    told = Notice.objects.filter(recipient=cast["officer_a1"]).count()

    second = remind(client, campaign, [tree["A1"], tree["B1"]], **fields)
    assert second.status_code == 302
    assert sorted(Reminder.objects.values_list("unit__code", flat=True)) == ["A1", "A1", "B1"]
    assert Notice.objects.filter(recipient=cast["officer_a1"]).count() == told
    messages = [str(m) for m in client.get(second.url).context["messages"]]
    assert messages == ["Các thư đôn đốc này đã được gửi; không gửi lại lần nữa."]


def test_a_new_confirmation_page_still_reminds_again(client, tree, cast, campaign):
    client.force_login(cast["cspl"])
    remind(client, campaign, [tree["A1"]])
    fields = confirmation(remind(client, campaign, [tree["A1"]]).content.decode())
    remind(client, campaign, [tree["A1"]], **fields)
    # Asked again on a page drawn after that: a deliberate third reminder.
    fields = confirmation(remind(client, campaign, [tree["A1"]]).content.decode())
    assert remind(client, campaign, [tree["A1"]], **fields).status_code == 302
    assert Reminder.objects.filter(unit=tree["A1"]).count() == 3
