"""The web pages of the units app, each up the permission ladder."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.pages import login
from units.reorganisations import reorganisation_apply


# --- home ------------------------------------------------------------------------------------
def test_home_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("units:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_lists_each_unit_once_with_every_role_held_there(client, cast, tree):
    from units.models import Membership

    Membership.objects.create(user=cast["officer_a"], unit=tree["DA"], role="viewer")
    response = login(client, cast["officer_a"]).get(reverse("units:home"))
    assert response.status_code == 200
    entries = response.context["my_units"]
    assert [entry["unit"].code for entry in entries] == ["DA"]
    assert len(entries[0]["roles"]) == 2
    assert "LĐLĐ huyện A" in response.content.decode()


def test_home_lists_a_unit_closed_by_a_reorganisation_last_with_its_closing_day(client, cast, tree):
    import datetime

    from django.utils import timezone

    from units.models import Membership

    user = cast["officer_a"]  # officer of district A
    Membership.objects.create(user=user, unit=tree["SE"], role="viewer")
    closed = timezone.localdate() - datetime.timedelta(days=3)
    tree["DA"].close(closed)
    response = login(client, user).get(reverse("units:home"))
    entries = response.context["my_units"]
    assert [entry["unit"].code for entry in entries] == ["SE", "DA"]
    assert [entry["closed_on"] for entry in entries] == [None, closed]
    page = response.content.decode()
    assert page.count("Đơn vị ngừng hoạt động từ ngày") == 1
    assert f"Đơn vị ngừng hoạt động từ ngày {closed:%d/%m/%Y}" in page


def test_home_tells_a_user_without_roles_what_to_do(client, cast):
    response = login(client, cast["outsider"]).get(reverse("units:home"))
    assert response.status_code == 200
    assert response.context["my_units"] == []


def test_home_shows_the_administrator_where_the_work_is(client, db):
    # Not "ask the administrator to add you": they are the administrator.
    staff = UserFactory(username="quantri", is_staff=True)
    with translation.override("vi"):
        page = login(client, staff).get(reverse("units:home")).content.decode()
    assert reverse("units:reorganisation_list") in page and reverse("admin:index") in page
    assert "Hãy đề nghị quản trị viên" not in page


def test_home_costs_a_fixed_number_of_queries(client, cast, tree, django_assert_max_num_queries):
    from units.models import Membership

    user = cast["cspl"]
    for code in ("DA", "DB", "SE", "A1"):
        Membership.objects.create(user=user, unit=tree[code], role="viewer")
    login(client, user)
    # user, memberships with their units; then the pending work of the apps above
    # for a reviewer: plans waiting, annual reports waiting, open and overdue obstacles,
    # visits the units marked done; the bell's unread notices; for a viewer, the committee's
    # desk: the campaigns, the summaries delivered (and how many unread, when there are
    # any), the latest notices
    with django_assert_max_num_queries(12):
        client.get(reverse("units:home"))


# --- unit page: anonymous, outsider, other subtree, own subtree --------------------------------
def test_unit_page_ladder(client, cast, tree):
    url = reverse("units:unit_detail", args=[tree["A1"].pk])
    assert client.get(url).status_code == 302
    assert login(client, cast["outsider"]).get(url).status_code == 404
    assert login(client, cast["officer_b1"]).get(url).status_code == 404
    assert login(client, cast["officer_a1"]).get(url).status_code == 200
    assert login(client, cast["standing"]).get(url).status_code == 200


def test_unit_page_shows_children_and_only_visible_ancestors(client, cast, tree):
    response = login(client, cast["officer_a"]).get(
        reverse("units:unit_detail", args=[tree["DA"].pk])
    )
    assert [c.code for c in response.context["children"]] == ["A1", "A2"]
    assert response.context["ancestors"] == []  # the province lies outside the officer's scope
    # A code such as "BT-CT-03" is read whole: a phone's narrow column never breaks it at a
    # hyphen.
    page = response.content.decode()
    assert '<td class="text-nowrap">A1</td>' in page and '<td class="text-nowrap">A2</td>' in page
    response = login(client, cast["cspl"]).get(reverse("units:unit_detail", args=[tree["A1"].pk]))
    assert [a.code for a in response.context["ancestors"]] == ["PV", "DA"]


def test_unit_page_says_merged_for_a_unit_merged_and_closed_otherwise(client, cast, tree):
    # "Giải thể" (dissolved) read wrong for a federation that merged into another.
    day = datetime.date(2025, 3, 1)
    tree["A1"].close(day, successor=tree["A2"])
    tree["B1"].close(day)
    with translation.override("vi"):
        da = login(client, cast["cspl"]).get(reverse("units:unit_detail", args=[tree["DA"].pk]))
        db = client.get(reverse("units:unit_detail", args=[tree["DB"].pk]))
    assert "đã sáp nhập" in da.content.decode() and "giải thể" not in da.content.decode()
    assert "đã ngừng hoạt động" in db.content.decode()


# --- contacts: reviewers only ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),  # sees nothing
        ("officer_b1", 404),  # another subtree
        ("officer_a", 403),  # sees district A, but an officer does not review
        ("standing", 403),  # a viewer does not review either
        ("reviewer_a", 200),
        ("cspl", 200),
    ],
)
def test_contacts_ladder(client, cast, tree, who, expected):
    url = reverse("units:unit_contacts", args=[tree["DA"].pk])
    assert login(client, cast[who]).get(url).status_code == expected


@pytest.mark.parametrize(
    ("who", "unit", "shown"),
    [
        ("reviewer_a", "DA", True),  # the reviewer's own unit: the page opens for it
        ("reviewer_a", "A1", True),
        ("cspl", "PV", True),
        ("officer_a", "DA", False),
        ("standing", "PV", False),
    ],
)
def test_a_unit_page_links_to_the_contacts_when_they_open(client, cast, tree, who, unit, shown):
    # A reviewer's own unit (the province's board at the province) showed no link.
    login(client, cast[who])
    contacts = reverse("units:unit_contacts", args=[tree[unit].pk])
    page = client.get(reverse("units:unit_detail", args=[tree[unit].pk])).content.decode()
    assert (contacts in page) is shown
    assert (client.get(contacts).status_code == 200) is shown


def test_a_unit_with_none_below_offers_its_own_officers_by_that_name(client, cast, tree):
    # "Officers of the units below" on a grassroots union's page led to a page titled so,
    # listing the union's own officers alone.
    login(client, cast["reviewer_a"])
    with translation.override("vi"):
        page = client.get(reverse("units:unit_detail", args=[tree["A1"].pk])).content.decode()
        contacts = client.get(reverse("units:unit_contacts", args=[tree["A1"].pk]))
        district = client.get(reverse("units:unit_detail", args=[tree["DA"].pk]))
    assert ">Cán bộ của đơn vị</a>" in page and "Cán bộ các đơn vị trực thuộc" not in page
    assert "Cán bộ của CĐCS A1</h1>" in contacts.content.decode()
    assert ">Cán bộ các đơn vị trực thuộc</a>" in district.content.decode()


def test_contacts_are_refused_to_anonymous_visitors(client, tree):
    response = client.get(reverse("units:unit_contacts", args=[tree["DA"].pk]))
    assert response.status_code == 302


def test_contacts_list_the_officers_of_the_subtree(client, cast, tree):
    response = login(client, cast["reviewer_a"]).get(
        reverse("units:unit_contacts", args=[tree["DA"].pk])
    )
    listed = {(m.user.username, m.unit.code) for m in response.context["officers"]}
    assert listed == {("officer_a", "DA"), ("officer_a1", "A1")}


def test_contacts_leave_out_the_officers_of_closed_units(client, cast, tree):
    # Listed twice before: at the unit they work for now and at the one that closed.
    tree["A1"].close(datetime.date(2025, 3, 1), successor=tree["A2"])
    response = login(client, cast["reviewer_a"]).get(
        reverse("units:unit_contacts", args=[tree["DA"].pk])
    )
    listed = {(m.user.username, m.unit.code) for m in response.context["officers"]}
    assert listed == {("officer_a", "DA")}


def test_an_ended_units_page_offers_no_contacts_and_its_contacts_say_why(
    client, cast, tree, reorganise, admin_user
):
    # District A ends on 01/07/2025, its grassroots unions handed to district B. Its page
    # offered "Cán bộ của đơn vị", which led its former reviewer to "no officer is registered
    # in these units yet": as if nobody had been set up, when nobody works there any more.
    act = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "move", "unit_code": "A1", "target_code": "DB"},
        {"action": "move", "unit_code": "A2", "target_code": "DB"},
        {"action": "close", "unit_code": "DA"},
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    login(client, cast["reviewer_a"])
    contacts = reverse("units:unit_contacts", args=[tree["DA"].pk])
    detail = reverse("units:unit_detail", args=[tree["DA"].pk])
    with translation.override("vi"):
        page = client.get(detail).content.decode()
        response = client.get(contacts)
    assert contacts not in page
    assert response.status_code == 200  # an old bookmark still opens, and says why
    html = response.content.decode()
    assert "Chưa có cán bộ nào" not in html
    assert "đã ngừng hoạt động từ ngày 01/07/2025" in html
    assert f'href="{detail}#former-children"' in html


def test_contacts_read_as_cards_on_a_phone_every_cell_labelled(client, cast, tree):
    # Four columns squeezed the names to a word a line on a phone and left the phone
    # number beyond the screen's edge: each officer is a card (table-stack), each cell
    # named by its column.
    page = login(client, cast["reviewer_a"]).get(
        reverse("units:unit_contacts", args=[tree["DA"].pk])
    )
    html = page.content.decode()
    assert "table-stack" in re.search(r"<table[^>]*>", html).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    assert len(rows) == 2  # officer_a at DA, officer_a1 at A1
    for row in rows:
        labels = re.findall(r'<td[^>]*data-label="([^"]+)"', row)
        assert labels == ["Đơn vị", "Cán bộ", "Thư điện tử", "Điện thoại"]


def test_contacts_cost_the_same_queries_for_a_bigger_subtree(
    client, cast, tree, django_assert_num_queries
):
    from tests.factories import MembershipFactory, UnitFactory, UserFactory

    login(client, cast["cspl"])
    url = reverse("units:unit_contacts", args=[tree["PV"].pk])
    # user, scope memberships (with the unit: the user's own), the officers with user and
    # unit, the bell
    with django_assert_num_queries(4):
        client.get(url)
    for n in range(10):
        unit = UnitFactory.create(parent=tree["DB"])
        MembershipFactory(user=UserFactory(username=f"extra{n}"), unit=unit)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["officers"]) == 13


# --- error pages -------------------------------------------------------------------------------
def test_error_pages_speak_vietnamese(client, cast, tree):
    login(client, cast["officer_a"])
    not_found = client.get(reverse("units:unit_detail", args=[tree["B1"].pk]))
    assert "Không tìm thấy trang" in not_found.content.decode()
    forbidden = client.get(reverse("units:unit_contacts", args=[tree["DA"].pk]))
    assert "Bạn không có quyền" in forbidden.content.decode()


def test_the_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Đã xảy ra lỗi hệ thống" in html


def test_an_unhandled_error_gets_the_friendly_500_page(client, cast, monkeypatch):
    from units import views

    def boom(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", lambda *a, **k: boom(None))
    client.raise_request_exception = False
    response = login(client, cast["officer_a"]).get(reverse("units:home"))
    assert response.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in response.content.decode()


# --- login and logout --------------------------------------------------------------------------
def test_login_rotates_the_session_and_logout_ends_it(client, cast):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    response = client.post(
        reverse("login"), {"username": "officer_a", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after and (before is None or before.value != after)
    assert client.get(reverse("units:home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("units:home")).status_code == 302


def test_a_wrong_password_is_refused_in_vietnamese(client, cast):
    response = client.post(reverse("login"), {"username": "officer_a", "password": "nope"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert response.context["form"]["username"].value() == "officer_a"  # typed input kept


def test_the_navigation_adapts_to_the_role(client, cast, tree):
    queue = f'href="{reverse("campaign:review_queue")}"'
    assert queue in login(client, cast["reviewer_a"]).get(reverse("units:home")).content.decode()
    assert queue not in login(client, cast["officer_a"]).get(reverse("units:home")).content.decode()


def test_english_is_one_switch_away(client, cast):
    login(client, cast["officer_a"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Your units and roles" in client.get(reverse("units:home")).content.decode()


def test_static_files_come_from_the_bootstrap_package(client, cast):
    html = login(client, cast["officer_a"]).get(reverse("units:home")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    # Nothing is loaded from another host (a random CSRF token may well contain "cdn").
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, cast):
    login(client, cast["officer_a"])
    html = client.get(reverse("units:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đơn vị và vai trò của bạn" in html


def test_unit_page_shows_where_the_unit_stood_over_time(client, cast, tree, reorganise, admin_user):
    r = reorganise(
        datetime.date(2025, 7, 1), {"action": "move", "unit_code": "A1", "target_code": "DB"}
    )
    reorganisation_apply(reorganisation=r, user=admin_user)
    with translation.override("vi"):
        page = login(client, cast["cspl"]).get(reverse("units:unit_detail", args=[tree["A1"].pk]))
    html = page.content.decode()
    history = html[html.index('id="history"') :]
    # Newest first: under district B from 01/07/2025, under district A until the day before.
    assert history.index(tree["DB"].name) < history.index(tree["DA"].name)
    assert "01/07/2025" in history and "30/06/2025" in history


def test_a_units_page_costs_the_same_queries_for_more_units_below_and_moved_away(
    client, cast, tree, reorganise, admin_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    url = reverse("units:unit_detail", args=[tree["DA"].pk])
    login(client, cast["cspl"])

    def cost():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    def grow(count, moved, effective_on):
        # Units below district A: `moved` of them handed on to district B, listed among the
        # units that stood below A; of the others, every third one merged into the next.
        added = [UnitFactory.create(parent=tree["DA"]) for _ in range(count)]
        moves = [
            {"action": "move", "unit_code": unit.code, "target_code": "DB"}
            for unit in added[:moved]
        ]
        act = reorganise(effective_on, *moves, number=f"{count}/QĐ-LĐLĐ")
        reorganisation_apply(reorganisation=act, user=admin_user)
        staying = added[moved:]
        for n, unit in enumerate(staying[:-1]):
            if n % 3 == 2:
                unit.close(effective_on + datetime.timedelta(days=30), successor=staying[n + 1])

    grow(4, 1, datetime.date(2025, 7, 1))
    cost()  # the session in the cache
    few, response = cost()
    assert len(response.context["former_children"]) == 1
    grow(16, 5, datetime.date(2025, 9, 1))
    many, response = cost()
    assert len(response.context["children"]) == 2 + 3 + 11
    assert "text-bg-light" in response.content.decode()  # the merged ones say so
    assert len(response.context["former_children"]) == 6
    assert many == few


def test_a_units_page_says_where_the_units_that_stood_below_it_went(
    client, cast, tree, reorganise, admin_user, django_assert_max_num_queries
):
    # District A ends on 01/07/2025: A1 goes to district B renamed, A2 is dissolved.
    act = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "move", "unit_code": "A1", "target_code": "DB"},
        {"action": "rename", "unit_code": "A1", "name": "CĐCS A1 mới"},
        {"action": "close", "unit_code": "A2"},
        {"action": "close", "unit_code": "DA"},
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    url = reverse("units:unit_detail", args=[tree["DA"].pk])
    with translation.override("vi"):
        login(client, cast["cspl"])
        client.get(url)
        with django_assert_max_num_queries(12):
            html = client.get(url).content.decode()
    former = html[html.index('id="former-children"') : html.index('id="history"')]
    body = former[former.index("<tbody>") :]
    rows = re.findall(r"<tr>(.*?)</tr>", re.sub(r"\s+", " ", body))
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    # A2 is closed and stays below A: still listed among its units, not here.
    assert text == ["CĐCS A1 30/06/2025 CĐCS A1 mới, trực thuộc LĐLĐ huyện B"]
    assert f'href="{reverse("units:unit_detail", args=[tree["DB"].pk])}"' in former


def test_a_units_page_names_no_unit_that_went_outside_the_readers_scope(
    client, cast, tree, reorganise, admin_user
):
    act = reorganise(
        datetime.date(2025, 7, 1), {"action": "move", "unit_code": "A1", "target_code": "DB"}
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    with translation.override("vi"):
        login(client, cast["reviewer_a"])
        html = client.get(reverse("units:unit_detail", args=[tree["DA"].pk])).content.decode()
    assert 'id="former-children"' not in html and "CĐCS A1" not in html


def test_a_parent_s_move_adds_no_row_that_reads_like_the_one_before(
    client, cast, tree, reorganise, admin_user
):
    # District A moves under the sector: A1's record gets a new era (its path changed), but
    # name, kind and parent read the same, and two identical rows looked like a mistake.
    act = reorganise(
        datetime.date(2025, 7, 1), {"action": "move", "unit_code": "DA", "target_code": "SE"}
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    assert tree["A1"].states.count() == 2
    with translation.override("vi"):
        html = (
            login(client, cast["cspl"])
            .get(reverse("units:unit_detail", args=[tree["A1"].pk]))
            .content.decode()
        )
    # One era to show: the page lists no history, as for a unit that never changed.
    assert 'id="history"' not in html
    # Renamed on the same day as well, it has two rows to show again.
    renamed = reorganise(
        datetime.date(2025, 8, 1),
        {"action": "rename", "unit_code": "A1", "name": "CĐCS A1 mới"},
        number="57/QĐ-LĐLĐ",
    )
    reorganisation_apply(reorganisation=renamed, user=admin_user)
    with translation.override("vi"):
        html = client.get(reverse("units:unit_detail", args=[tree["A1"].pk])).content.decode()
    history = html[html.index('id="history"') :]
    body = history[history.index("<tbody>") : history.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", re.sub(r"\s+", " ", body))
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert text == [
        "01/08/2025 nay CĐCS A1 mới CĐCS LĐLĐ huyện A",
        "— 31/07/2025 CĐCS A1 CĐCS LĐLĐ huyện A",
    ]


def test_a_parent_outside_the_readers_scope_is_said_to_be_one_not_left_blank(
    client, cast, tree, reorganise, admin_user
):
    act = reorganise(
        datetime.date(2025, 7, 1), {"action": "move", "unit_code": "A1", "target_code": "DB"}
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    with translation.override("vi"):
        login(client, cast["officer_a1"])
        html = client.get(reverse("units:unit_detail", args=[tree["A1"].pk])).content.decode()
    history = html[html.index('id="history"') :]
    body = history[history.index("<tbody>") : history.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", re.sub(r"\s+", " ", body))
    under = [re.findall(r"<td[^>]*>(.*?)</td>", row)[-1] for row in rows]
    # Under district B, then under district A: neither in an officer's scope, neither named,
    # and neither read as "under nothing".
    assert len(under) == 2
    assert all("một đơn vị ngoài phạm vi của bạn" in cell for cell in under)
    assert tree["DA"].name not in history and tree["DB"].name not in history
