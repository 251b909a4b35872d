"""Accepting or returning several items of a review queue at once: a confirmation page
first, then each step through the workflow (same rules, history and e-mails), one
transaction per item, and every item not done named with its reason."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from campaign.models import Plan, Status, Step
from tests.campaign.filings import file_plan

S = Status


def url(action, kind="plans"):
    return reverse("campaign:bulk_review", args=[kind, action])


def confirm(client, action, plans, kind="plans"):
    return client.get(url(action, kind), {"item": [plan.pk for plan in plans]})


def post(client, action, plans, **data):
    items = [f"{plan.pk}:{plan.version}" for plan in plans]
    return client.post(url(action), {"item": items, **data})


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_queue_offers_the_bulk_actions_and_the_days_waiting(client, cast, submitted):
    client.force_login(cast["reviewer_a"])
    response = client.get(reverse("campaign:review_queue"))
    page = response.content.decode()
    assert f'formaction="{url("accept")}"' in page and f'formaction="{url("return")}"' in page
    assert page.count('name="item"') == 2  # A1 and A2
    assert [plan.days_waiting for plan in response.context["page"]] == [0, 0]


def test_a_bulk_return_confirms_then_returns_each_with_the_one_reason(
    client, cast, submitted, django_capture_on_commit_callbacks
):
    client.force_login(cast["reviewer_a"])
    plans = [submitted["A1"], submitted["A2"]]
    page = confirm(client, "return", plans)
    assert page.status_code == 200
    assert [row["item"] for row in page.context["ready"]] == plans
    assert 'name="reason"' in page.content.decode()
    # Where each unit will read it: its own item's page, not this one.
    where = "xem được trên trang kế hoạch hoặc báo cáo của đơn vị mình."
    assert where in page.content.decode() and "ngay trên trang này" not in page.content.decode()
    assert Plan.objects.filter(status=S.RETURNED).count() == 0  # nothing done yet

    # No reason: asked again, nothing done.
    refused = post(client, "return", plans, reason=" ")
    assert refused.status_code == 400
    assert where in refused.content.decode()
    assert Plan.objects.filter(status=S.RETURNED).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "return", plans, reason="Thiếu bản scan có chữ ký.")
    assert response.status_code == 302 and response.url == reverse("campaign:review_queue")
    for plan in plans:
        plan.refresh_from_db()
        assert plan.status == S.RETURNED
        step = plan.steps.get(action=Step.Action.RETURN)
        assert (step.actor, step.reason) == (cast["reviewer_a"], "Thiếu bản scan có chữ ký.")
    # The e-mails a single return sends: A1's officer, and for A2, which has none of its
    # own, district A's officer, who files for it.
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[cast["officer_a1"].email], [cast["officer_a"].email]]
    )
    [message] = flashed(response)
    assert "Đã trả lại 2 văn bản" in message and "CĐCS A1" in message and "CĐCS A2" in message


def test_a_bulk_accept_names_every_item_it_did_not_do(client, cast, submitted, campaign):
    a1, a2, b1 = submitted["A1"], submitted["A2"], submitted["B1"]
    client.force_login(cast["reviewer_a"])
    # The confirmation page leaves out B1 (another district's, not even named).
    page = confirm(client, "accept", [a1, a2, b1])
    assert [row["item"] for row in page.context["rows"]] == [a1, a2]
    assert page.context["missing"] == [b1.pk]
    assert "CĐCS B1" not in page.content.decode()

    # Meanwhile A2 is returned by someone else, and the request names B1 anyway.
    Plan.objects.filter(pk=a2.pk).update(status=S.RETURNED, version=a2.version + 1)
    response = post(client, "accept", [a1, a2, b1])
    assert Plan.objects.get(pk=a1.pk).status == S.ACCEPTED
    assert Plan.objects.get(pk=a2.pk).status == S.RETURNED
    assert Plan.objects.get(pk=b1.pk).status == S.SUBMITTED
    messages = flashed(response)
    assert len(messages) == 3
    assert "Đã chấp nhận 1 văn bản" in messages[0] and "CĐCS A1" in messages[0]
    assert "CĐCS A2" in messages[1] and "thay đổi sau khi bạn xác nhận" in messages[1]
    assert f"mục số {b1.pk}" in messages[2] and "CĐCS B1" not in messages[2]


def test_a_reason_refused_keeps_the_versions_the_reviewer_confirmed(client, cast, submitted):
    a1, a2 = submitted["A1"], submitted["A2"]
    client.force_login(cast["reviewer_a"])
    # The return is posted with an empty reason; meanwhile the unit's A2 changes.
    Plan.objects.filter(pk=a2.pk).update(version=a2.version + 1, summary="Sửa lại")
    again = post(client, "return", [a1, a2], reason="")
    assert again.status_code == 400
    page = again.content.decode()
    # The page sends on the versions confirmed, not those of the moment.
    assert f'value="{a2.pk}:{a2.version}"' in page
    assert f'value="{a2.pk}:{a2.version + 1}"' not in page
    items = re.findall(r'name="item" value="([\d:]+)"', page)
    response = client.post(url("return"), {"item": items, "reason": "Thiếu chữ ký"})
    assert Plan.objects.get(pk=a1.pk).status == S.RETURNED
    assert Plan.objects.get(pk=a2.pk).status == S.SUBMITTED
    assert any("thay đổi sau khi bạn xác nhận" in m for m in flashed(response))


def test_a_state_that_does_not_allow_the_step_is_shown_and_reported(
    client, cast, tree, campaign, plan_factory
):
    draft = file_plan(plan_factory, tree["A1"], campaign, cast["officer_a1"], S.DRAFT)
    client.force_login(cast["reviewer_a"])
    page = confirm(client, "accept", [draft])
    assert page.context["ready"] == []
    assert "Không:" in page.content.decode()
    response = post(client, "accept", [draft])
    [message] = flashed(response)
    assert "Chưa thực hiện với" in message and "CĐCS A1" in message
    assert Plan.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_reviewer_may_not_act_on_their_own_districts_plan(
    client, cast, tree, campaign, plan_factory
):
    own = file_plan(plan_factory, tree["DA"], campaign, cast["officer_a"])
    client.force_login(cast["reviewer_a"])
    response = post(client, "accept", [own])
    [message] = flashed(response)
    assert "bạn không phải người duyệt của đơn vị này" in message
    assert Plan.objects.get(pk=own.pk).status == S.SUBMITTED


def test_only_reviewers_and_only_known_actions(client, cast, submitted):
    client.force_login(cast["officer_a1"])
    assert confirm(client, "accept", [submitted["A1"]]).status_code == 403
    client.force_login(cast["reviewer_a"])
    assert client.get(reverse("campaign:bulk_review", args=["plans", "reopen"])).status_code == 404
    assert client.get(url("accept"), {"item": "x"}).status_code == 404
    assert client.post(url("accept"), {"item": "1"}).status_code == 404


def test_reports_are_accepted_in_bulk_too(client, cast, tree, campaign, report_factory):
    from django.utils import timezone

    reports = []
    for code in ("A1", "A2"):
        report = report_factory(tree[code], campaign, 2015, status=S.SUBMITTED)
        report.submitted_at = timezone.now()
        report.save()
        reports.append(report)
    client.force_login(cast["reviewer_a"])
    page = client.get(url("accept", "reports"), {"item": [r.pk for r in reports]})
    assert len(page.context["ready"]) == 2
    items = [f"{r.pk}:{r.version}" for r in reports]
    client.post(url("accept", "reports"), {"item": items})
    assert {r.status for r in type(reports[0]).objects.filter(pk__in=[r.pk for r in reports])} == {
        S.ACCEPTED
    }


def test_the_queue_sorts_by_a_whitelisted_order(client, cast, submitted):
    client.force_login(cast["cspl"])
    by_unit = client.get(reverse("campaign:review_queue"), {"sort": "unit"})
    names = [plan.unit.name for plan in by_unit.context["page"]]
    assert names == sorted(names)
    recent = client.get(reverse("campaign:review_queue"), {"sort": "recent"})
    assert [p.pk for p in recent.context["page"]] == sorted(
        (p.pk for p in submitted.values()), reverse=True
    )
    odd = client.get(reverse("campaign:review_queue"), {"sort": "unit__name; drop"})
    assert odd.status_code == 200 and odd.context["sort"] == "waiting"


@pytest.mark.parametrize("kind", ["plans", "reports"])
def test_the_confirmation_costs_the_same_queries_for_3_or_30_items(
    client, cast, tree, campaign, plan_factory, report_factory, unit_factory, kind
):
    # Units below both districts; every fourth item already accepted (shown with why it
    # cannot be taken), the others waiting.
    items = []

    def file(count):
        for n in range(count):
            unit = unit_factory.create(parent=tree["DA"] if n % 2 else tree["DB"])
            status = S.ACCEPTED if n % 4 == 3 else S.SUBMITTED
            if kind == "plans":
                items.append(file_plan(plan_factory, unit, campaign, cast["officer_a"], status))
            else:
                items.append(report_factory(unit, campaign, 2015, status=status))

    def cost(action):
        with CaptureQueriesContext(connection) as queries:
            response = confirm(client, action, items, kind)
        assert response.status_code == 200
        assert len(response.context["rows"]) == len(items)
        return len(queries)

    client.force_login(cast["cspl"])
    file(3)
    cost("accept")  # the session in the cache
    few = [cost("accept"), cost("return")]
    file(27)
    assert [cost("accept"), cost("return")] == few


def test_the_queue_page_costs_the_same_queries_for_few_or_many(
    client, cast, tree, campaign, plan_factory, django_assert_max_num_queries
):
    client.force_login(cast["cspl"])
    client.get(reverse("campaign:review_queue"))
    for code in ("A1", "A2", "B1", "S1", "DA", "DB", "SE"):
        file_plan(plan_factory, tree[code], campaign, cast["officer_a1"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaign:review_queue"))
    assert len(response.context["page"]) == 7


def test_flagged_figures_show_in_the_queue_and_before_a_bulk_accept(
    client, cast, tree, campaign, report_factory
):
    # The unusual figures warned the reviewer only on the report's own page: accepted from
    # the list, a flagged report was never seen.
    from django.utils import translation

    report = report_factory(tree["A1"], campaign, 2015, status=S.SUBMITTED)
    flag = {"rule": "jump", "indicator": "sessions", "value": 80, "last": 10, "factor": 5}
    type(report).objects.filter(pk=report.pk).update(
        flags=[flag], flags_note="Năm nay tổ chức thêm hội nghị toàn huyện."
    )
    client.force_login(cast["reviewer_a"])
    with translation.override("vi"):
        queue = client.get(reverse("campaign:report_queue")).content.decode()
        page = client.get(url("accept", "reports"), {"item": [report.pk]}).content.decode()
    assert "1 số liệu bất thường" in queue
    assert "1 số liệu bất thường" in page
    assert "Năm nay tổ chức thêm hội nghị toàn huyện." in page


def test_a_bulk_return_that_returns_nothing_keeps_the_reason(client, cast, submitted):
    # Every item changed after the confirmation page: the reviewer was sent back to the
    # queue, and the reason typed went with nothing.
    a1, a2 = submitted["A1"], submitted["A2"]
    client.force_login(cast["reviewer_a"])
    Plan.objects.filter(pk=a1.pk).update(version=a1.version + 1, summary="Sửa lại")
    Plan.objects.filter(pk=a2.pk).update(status=S.RETURNED, version=a2.version + 1)
    reason = "Thiếu bản scan có chữ ký của chủ tịch công đoàn cơ sở."
    response = post(client, "return", [a1, a2], reason=reason)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"{reason}</textarea>" in page and 'name="reason"' in page
    # A1, changed but still waiting, can be sent again as it is now; A2 cannot.
    assert f'value="{a1.pk}:{a1.version + 1}"' in page and f'value="{a2.pk}:' not in page
    messages = flashed(response)
    assert any("CĐCS A1" in m and "thay đổi sau khi bạn xác nhận" in m for m in messages)
    assert "Chưa trả lại văn bản nào: lý do của bạn vẫn được giữ bên dưới." in messages
    assert Plan.objects.filter(status=S.RETURNED).count() == 1  # A2, by someone else

    # Neither can be returned any more: the reason is shown to copy.
    Plan.objects.filter(pk=a1.pk).update(status=S.ACCEPTED, version=a1.version + 2)
    items = re.findall(r'name="item" value="([\d:]+)"', page)
    response = client.post(url("return"), {"item": items, "reason": reason})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'name="reason"' not in page
    box = page.split('id="kept-text"')[1]
    assert "readonly" in box.split(">")[0] and f">{reason}</textarea>" in box


def test_a_bulk_return_that_returns_some_goes_back_to_the_queue(client, cast, submitted):
    a1, a2 = submitted["A1"], submitted["A2"]
    client.force_login(cast["reviewer_a"])
    Plan.objects.filter(pk=a2.pk).update(version=a2.version + 1)
    response = post(client, "return", [a1, a2], reason="Thiếu chữ ký")
    assert response.status_code == 302 and response.url == reverse("campaign:review_queue")
    assert Plan.objects.get(pk=a1.pk).status == S.RETURNED


# --- the list's filters, kept through the action ----------------------------------------------
QUEUE = reverse("campaign:review_queue")


def test_the_queue_sends_its_filters_with_the_ticked_items(client, cast, campaign, submitted):
    client.force_login(cast["reviewer_a"])
    filters = {"kind": "grassroots", "campaign": campaign.pk, "sort": "unit"}
    page = client.get(QUEUE, filters).content.decode()
    sent = re.search(r'<input type="hidden" name="filters" value="([^"]*)">', page).group(1)
    assert html.unescape(sent) == f"kind=grassroots&campaign={campaign.pk}&sort=unit"


def test_after_a_bulk_action_the_reviewer_is_back_on_the_list_as_filtered(
    client, cast, campaign, submitted
):
    a1, a2 = submitted["A1"], submitted["A2"]
    filters = f"kind=grassroots&campaign={campaign.pk}&sort=unit"
    client.force_login(cast["reviewer_a"])
    page = client.get(url("accept"), {"item": [a1.pk, a2.pk], "filters": filters})
    content = page.content.decode()
    back = f"{QUEUE}?{filters}"
    assert f'href="{html.escape(back)}">' in content  # "Cancel"
    assert f'name="filters" value="{html.escape(filters)}"' in content
    response = post(client, "accept", [a1, a2], filters=filters)
    assert response.status_code == 302 and response.url == back
    assert Plan.objects.get(pk=a1.pk).status == S.ACCEPTED
    # Nothing ticked: back to the same list, with the message.
    nothing = client.get(url("return"), {"filters": filters})
    assert nothing.status_code == 302 and nothing.url == back


@pytest.mark.parametrize(
    "filters", ["https://evil.example/", "//evil.example/x", "/admin/?a=1", "\r\nLocation: /x"]
)
def test_the_filters_sent_back_never_lead_away_from_the_queue(client, cast, submitted, filters):
    client.force_login(cast["reviewer_a"])
    response = post(client, "accept", [submitted["A1"]], filters=filters)
    assert response.status_code == 302
    assert response.url.startswith(f"{QUEUE}?") and "\n" not in response.url
    assert url_has_allowed_host_and_scheme(response.url, allowed_hosts=None)
    assert client.get(response.url).status_code == 200
