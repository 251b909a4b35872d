"""The bell and the list of notices: the unread count on every page, the list newest first,
opening one (marked read, then its page), marking all read, and nobody else's notices."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import notices, workflow
from campaign.models import Notice
from campaign.reminders import send_manual_reminders
from tests.factories import UserFactory
from units.models import Membership, Operation, Reorganisation
from units.reorganisations import reorganisation_apply

LIST = reverse("campaign:notice_list")
READ_ALL = reverse("campaign:notice_read_all")
HOME = reverse("units:home")


def leave(user, unit, n=1, *, key="event", read=False, minutes_ago=0, url=None):
    """`n` accepted-plan notices for `user` about `unit`, the newest last."""
    made = []
    for i in range(n):
        made.append(
            Notice.objects.create(
                recipient=user,
                key=f"{key}-{i}",
                kind=Notice.Kind.ACCEPTED,
                unit=unit,
                url=url or reverse("units:unit_detail", args=[unit.pk]),
                params={"what": "plan", "unit": f"{unit.name} #{i}"},
                created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago + n - i),
                read_at=timezone.now() if read else None,
            )
        )
    return made


def bell(page):
    """The bell's link in the menu bar: (its aria-label, its badge or None)."""
    found = re.search(r'<a class="notice-bell[^"]*" href="[^"]+" aria-label="([^"]+)"', page)
    assert found, "no bell on the page"
    badge = re.search(r'<span class="notice-count[^"]*"[^>]*>([^<]+)</span>', page)
    return found.group(1), badge.group(1) if badge else None


# --- the bell ----------------------------------------------------------------------------------
def test_the_bell_shows_the_unread_count_with_a_vietnamese_label(client, cast, tree):
    officer = cast["officer_a1"]
    leave(officer, tree["A1"], 3)
    leave(officer, tree["A1"], 2, key="old", read=True)
    leave(cast["officer_b1"], tree["B1"], 5)  # someone else's
    client.force_login(officer)
    assert bell(client.get(HOME).content.decode()) == ("Thông báo: 3 chưa đọc", "3")


def test_the_bell_without_unread_notices_has_no_badge(client, cast, tree):
    leave(cast["officer_a1"], tree["A1"], 2, read=True)
    client.force_login(cast["officer_a1"])
    label, badge = bell(client.get(HOME).content.decode())
    assert (label, badge) == ("Thông báo: không có thông báo chưa đọc", None)


def test_the_bell_stops_counting_at_99(client, cast, tree):
    leave(cast["officer_a1"], tree["A1"], 101)
    client.force_login(cast["officer_a1"])
    assert bell(client.get(LIST).content.decode()) == ("Thông báo: 99+ chưa đọc", "99+")


def test_an_anonymous_visitor_has_no_bell(client):
    assert 'class="notice-bell' not in client.get(reverse("login")).content.decode()


def test_the_bell_costs_one_query(cast, tree, django_assert_num_queries):
    leave(cast["officer_a1"], tree["A1"], 30)
    from campaign.context_processors import Bell

    ring = Bell(cast["officer_a1"])
    with django_assert_num_queries(1):  # the unread notices, counted up to the cap
        assert (ring.unread, ring.shown, ring.unread) == (30, "30", 30)


# --- the list ----------------------------------------------------------------------------------
def listed(response):
    assert response.status_code == 200
    return [
        (entry["notice"].pk, entry["notice"].read_at is None)
        for entry in response.context["entries"]
    ]


def test_the_list_shows_the_users_notices_newest_first_unread_marked(client, cast, tree):
    officer = cast["officer_a1"]
    older = leave(officer, tree["A1"], 2, key="old", read=True, minutes_ago=60)
    newer = leave(officer, tree["A1"], 2, key="new")
    leave(cast["officer_b1"], tree["B1"], 3)
    client.force_login(officer)
    response = client.get(LIST)
    assert listed(response) == [
        (newer[1].pk, True),
        (newer[0].pk, True),
        (older[1].pk, False),
        (older[0].pk, False),
    ]
    page = response.content.decode()
    assert page.count("notice-unread") == 2
    assert "Kế hoạch triển khai của CĐCS A1 #1 đã được chấp nhận" in page
    assert "Đánh dấu tất cả là đã đọc" in page
    assert '<nav aria-label="Đường dẫn"' in page  # as every other page names its breadcrumb


def test_the_list_is_paginated(client, cast, tree):
    leave(cast["officer_a1"], tree["A1"], 30)
    client.force_login(cast["officer_a1"])
    assert len(listed(client.get(LIST))) == 25
    assert len(listed(client.get(LIST, {"page": 2}))) == 5
    assert len(listed(client.get(LIST, {"page": "x"}))) == 25  # never a 500


def test_an_empty_list_says_what_will_come(client, cast):
    client.force_login(cast["officer_a1"])
    page = client.get(LIST).content.decode()
    assert "Chưa có thông báo nào." in page
    assert "Đánh dấu tất cả là đã đọc" not in page
    # Every kind of notice the portal leaves (Notification.Kind) is among what will come.
    for kind in (
        "trả lại, chấp nhận, mở lại hồ sơ đơn vị đã gửi",  # returned, accepted, reopened
        "mở bản nháp để đơn vị nộp muộn",  # opened late
        "khi có văn bản đôn đốc",  # reminded
        "khi vướng mắc được trả lời hoặc được đóng",  # obstacle answered, obstacle closed
        "khi đến hạn thực hiện kiến nghị sau kiểm tra",  # recommendations due
        "khi có báo cáo tổng hợp gửi đến bạn",  # summary issued
    ):
        assert kind in page, kind


def test_an_empty_list_points_a_reviewer_to_the_review_list(client, cast):
    # Submissions leave reviewers no notice (their queue holds them): an empty list must not
    # leave a reviewer waiting here for what units send.
    client.force_login(cast["reviewer_a"])
    page = client.get(LIST).content.decode()
    assert "Chưa có thông báo nào." in page
    assert "danh sách chờ xem xét" in page
    assert f'href="{reverse("campaign:review_queue")}"' in page
    client.force_login(cast["officer_a1"])
    assert "danh sách chờ xem xét" not in client.get(LIST).content.decode()


def test_the_list_costs_the_same_queries_for_more_notices(
    client, cast, tree, django_assert_num_queries
):
    client.force_login(cast["officer_a1"])
    leave(cast["officer_a1"], tree["A1"], 2, key="few")
    client.get(LIST)  # the session in the cache
    # User, memberships (scope), the paginator's count, the page with the units, the bell.
    with django_assert_num_queries(5):
        client.get(LIST)
    leave(cast["officer_a1"], tree["A1"], 40, key="many")
    with django_assert_num_queries(5):
        assert len(listed(client.get(LIST))) == 25


def test_the_list_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- opening one -------------------------------------------------------------------------------
def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, cast, tree):
    (notice,) = leave(cast["officer_a1"], tree["A1"])
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == notice.url
    notice.refresh_from_db()
    first = notice.read_at
    assert first is not None
    client.get(reverse("campaign:notice_open", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at == first  # the first reading is kept
    assert bell(client.get(HOME).content.decode())[1] is None


def test_another_users_notice_is_a_404_and_stays_unread(client, cast, tree):
    (notice,) = leave(cast["officer_b1"], tree["B1"])
    for name in ("officer_a1", "cspl", "standing"):
        client.force_login(cast[name])
        assert client.get(reverse("campaign:notice_open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_about_a_unit_no_longer_in_scope_leads_back_to_the_list(client, cast, tree):
    (notice,) = leave(cast["officer_a1"], tree["A1"])
    Membership.objects.filter(user=cast["officer_a1"]).delete()
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:notice_open", args=[notice.pk]), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    page = response.content.decode()
    assert "không còn thuộc các đơn vị bạn được xem" in page
    # The refusal says what to do about it, not only what is wrong.
    assert "hãy đề nghị quản trị viên của Liên đoàn kiểm tra lại vai trò của bạn" in page
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_leaving_the_portal_is_never_followed(client, cast, tree):
    (notice,) = leave(cast["officer_a1"], tree["A1"], url="//elsewhere.example/phish")
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert response["Location"] == LIST


# --- marking all read --------------------------------------------------------------------------
def test_mark_all_read_marks_only_the_users_own(client, cast, tree):
    leave(cast["officer_a1"], tree["A1"], 3)
    leave(cast["officer_b1"], tree["B1"], 2)
    client.force_login(cast["officer_a1"])
    assert client.get(READ_ALL).status_code == 405  # a change: POST only
    response = client.post(READ_ALL, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert notices.unread_count(cast["officer_a1"]) == 0
    assert notices.unread_count(cast["officer_b1"]) == 2


def test_mark_all_read_needs_the_csrf_token(cast, tree):
    from django.test import Client

    leave(cast["officer_a1"], tree["A1"], 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["officer_a1"])
    assert client.post(READ_ALL).status_code == 403
    assert notices.unread_count(cast["officer_a1"]) == 1


@pytest.mark.parametrize("name", ["officer_a1", "standing"])
def test_the_bell_links_to_the_list(client, cast, name):
    client.force_login(cast[name])
    page = client.get(HOME).content.decode()
    assert re.search(rf'<a class="notice-bell[^"]*" href="{LIST}"', page)


def _apply(action, **fields):
    day = datetime.date(2025, 7, 1)
    act = Reorganisation.objects.create(number="8/QĐ", decided_on=day, effective_on=day)
    Operation.objects.create(reorganisation=act, position=1, action=action, **fields)
    reorganisation_apply(reorganisation=act, user=UserFactory(is_staff=True))


def test_a_notice_of_a_plan_moved_away_by_a_merger_no_longer_opens_it(client, cast, plan_a1):
    # A1 merged into A2, and its returned plan went with it: the notice led to a 404.
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu chữ ký")
    [notice] = Notice.objects.filter(recipient=cast["officer_a1"])
    _apply("merge", unit_code="A1", target_code="A2")
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:notice_open", args=[notice.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("campaign:notice_list")


# --- a reminder's link that no longer opens says what changed ---------------------------------
def remind(tree, cast, campaign, code, what="plan"):
    """A reminder by hand to unit `code`, as district A's reviewer sends it in 2015."""
    send_manual_reminders(
        [tree[code]], campaign, what, 2015, cast["reviewer_a"], datetime.date(2015, 8, 5)
    )


def opened(client, user, notice):
    """Open `notice` as `user`: (the page it led to, its text)."""
    client.force_login(user)
    response = client.get(reverse("campaign:notice_open", args=[notice.pk]), follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0], response.content.decode()


NOT_SEEN = "không còn thuộc các đơn vị bạn được xem"


@pytest.mark.parametrize("how", ["close", "merge"])
def test_a_reminder_of_a_unit_closed_since_says_it_closed(client, tree, cast, campaign, how):
    # The link starts writing A1's plan: once A1 closed, it was a 403. Its officer still
    # sees A1's history, yet was told A1 was "no longer in the units you may see", and to
    # have their roles checked.
    remind(tree, cast, campaign, "A1")
    [notice] = Notice.objects.filter(recipient=cast["officer_a1"])
    if how == "close":
        _apply("close", unit_code="A1")
        said = "CĐCS A1 đã ngừng hoạt động từ ngày 01/07/2025: không còn hồ sơ nào phải nộp"
    else:
        _apply("merge", unit_code="A1", target_code="A2")
        said = "CĐCS A1 đã sáp nhập vào CĐCS A2 và ngừng hoạt động từ ngày 01/07/2025"
    where, page = opened(client, cast["officer_a1"], notice)
    assert where == LIST
    assert said in page and "lời đôn đốc này không còn yêu cầu bạn việc gì" in page
    assert NOT_SEEN not in page and "không còn thuộc đơn vị của bạn" not in page
    assert "đơn vị đã ngừng hoạt động" in listed_page(client)


def listed_page(client):
    return client.get(LIST).content.decode()


def test_a_reminder_filed_on_behalf_says_the_unit_now_has_its_own_officer(
    client, tree, cast, campaign
):
    # A2 had no officer: district A's officer was reminded to write its plan for it. Now A2
    # has one, who files for it; district A's officer still sees A2.
    remind(tree, cast, campaign, "A2")
    [notice] = Notice.objects.filter(recipient=cast["officer_a"])
    Membership.objects.create(
        user=UserFactory(username="officer_a2"), unit=tree["A2"], role=Membership.Role.OFFICER
    )
    where, page = opened(client, cast["officer_a"], notice)
    assert where == LIST
    assert "CĐCS A2 nay đã có cán bộ phụ trách riêng" in page and NOT_SEEN not in page
    assert "đơn vị đã có cán bộ phụ trách riêng" in listed_page(client)


def test_a_reminder_to_a_reader_who_no_longer_files_says_so(client, tree, cast, campaign):
    # A1's officer became its viewer: they see A1, and file for it no more.
    remind(tree, cast, campaign, "A1")
    [notice] = Notice.objects.filter(recipient=cast["officer_a1"])
    Membership.objects.filter(user=cast["officer_a1"]).update(role=Membership.Role.VIEWER)
    where, page = opened(client, cast["officer_a1"], notice)
    assert where == LIST
    assert "Bạn không còn nhập hồ sơ cho CĐCS A1" in page and NOT_SEEN not in page
    assert "bạn không còn nhập hồ sơ cho đơn vị này" in listed_page(client)


def move_a1_away(reorganise, admin_user):
    decision = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "create", "code": "TG", "name": "LĐLĐ tỉnh Khác", "kind": "province"},
        {"action": "move", "unit_code": "A1", "target_code": "TG"},
    )
    reorganisation_apply(reorganisation=decision, user=admin_user)


def test_a_reminder_the_campaign_no_longer_asks_for_says_so_rather_than_a_404(
    client, tree, cast, campaign, reorganise, admin_user
):
    # A1 moved under another provincial federation: the province's campaign asks nothing
    # of it, and the reminder's link to start its plan was a 404.
    remind(tree, cast, campaign, "A1", "plan")
    [notice] = Notice.objects.filter(recipient=cast["officer_a1"])
    move_a1_away(reorganise, admin_user)
    client.force_login(cast["officer_a1"])
    assert client.get(notice.url).status_code == 404
    where, page = opened(client, cast["officer_a1"], notice)
    assert where == LIST
    assert (
        "CĐCS A1 không còn phải xây dựng kế hoạch triển khai: lời đôn đốc này không còn yêu cầu"
        in page
    )
    assert NOT_SEEN not in page


def test_a_reminder_of_a_report_owed_before_a_move_still_leads_to_it(
    client, tree, cast, campaign, reorganise, admin_user
):
    # A1 stood under the province at 2015's cut-off: moved away since, it still owes 2015's
    # report (campaign.counting, on that year's tree), and the reminder still leads there.
    remind(tree, cast, campaign, "A1", "report")
    [notice] = Notice.objects.filter(recipient=cast["officer_a1"])
    move_a1_away(reorganise, admin_user)
    where, page = opened(client, cast["officer_a1"], notice)
    # 2015 is locked: the report's page sends its officer to the list of 2015, which says so.
    assert where.startswith(reverse("campaign:report_list"))
    assert "không còn phải gửi báo cáo năm 2015" not in page


def test_a_reminder_still_asked_for_opens_its_page(client, tree, cast, campaign):
    remind(tree, cast, campaign, "A1")
    [notice] = Notice.objects.filter(recipient=cast["officer_a1"])
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert response["Location"] == notice.url
    assert client.get(notice.url).status_code == 200
