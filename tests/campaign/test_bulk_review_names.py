"""After accepting or returning several items at once, the messages name each item as the
queue does: its unit, its year (a report) and its campaign. A unit files one plan and one
report a year for each campaign: "Báo cáo năm 2016 của Công đoàn cơ sở A1" twice told the reviewer
nothing about which was done and which was not."""

from django.contrib.messages import get_messages
from django.urls import reverse

from campaign.models import AnnualReport, Status
from tests.campaign.filings import file_plan
from units.models import Unit

S = Status


def bulk(client, kind, action, items, **data):
    return client.post(
        reverse("campaign:bulk_review", args=[kind, action]),
        {"item": [f"{item.pk}:{item.version}" for item in items], **data},
    )


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def named_in_full(unit):
    """The unit's full name, as the queue lists it, beside a short one."""
    Unit.objects.filter(pk=unit.pk).update(name="Công đoàn cơ sở A1", short_name="CĐCS A1")


def test_a_bulk_accept_names_each_plan_with_its_campaign(
    client, cast, tree, campaign, other_campaign, plan_factory
):
    named_in_full(tree["A1"])
    officer = cast["officer_a1"]
    first = file_plan(plan_factory, tree["A1"], campaign, officer)
    second = file_plan(plan_factory, tree["A1"], other_campaign, officer)
    client.force_login(cast["cspl"])
    [message] = flashed(bulk(client, "plans", "accept", [first, second]))
    assert message == (
        "Đã chấp nhận 2 văn bản: Kế hoạch của Công đoàn cơ sở A1 (99/KH-LĐLĐ); "
        "Kế hoạch của Công đoàn cơ sở A1 (7/KH-LĐLĐ)."
    )


def test_a_bulk_return_names_the_report_done_and_the_one_refused_by_campaign(
    client, cast, tree, campaign, other_campaign, report_factory
):
    named_in_full(tree["A1"])
    done = report_factory(tree["A1"], campaign, 2016, status=S.SUBMITTED)
    changed = report_factory(tree["A1"], other_campaign, 2016, status=S.SUBMITTED)
    client.force_login(cast["cspl"])
    # The unit saves the second campaign's report after the reviewer confirmed.
    AnnualReport.objects.filter(pk=changed.pk).update(version=changed.version + 1)
    messages = flashed(bulk(client, "reports", "return", [done, changed], reason="Bổ sung"))
    assert messages[0] == (
        "Đã trả lại 1 văn bản kèm lý do của bạn: "
        "Báo cáo năm 2016 của Công đoàn cơ sở A1 (99/KH-LĐLĐ)."
    )
    assert messages[1].startswith(
        "Chưa thực hiện với Báo cáo năm 2016 của Công đoàn cơ sở A1 (7/KH-LĐLĐ):"
    )
