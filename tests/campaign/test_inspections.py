"""Inspection and supervision visits: who may see and record them, the follow-up, the list
filters, the date of the visit and bad input."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from campaign.models import MAX_NARRATIVE, Inspection
from tests.campaign.inspection_data import form_data, record
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from units.models import Membership

K = Inspection.Kind
F = Inspection.FollowUp
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LIST = reverse("campaign:inspection_list")
CREATE = reverse("campaign:inspection_create")


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


@pytest.fixture
def people(cast, tree):
    """The cast plus a reviewer of district B, whose subtree holds neither A1 nor A2."""
    reviewer_b = UserFactory(username="reviewer_b")
    MembershipFactory(user=reviewer_b, unit=tree["DB"], role=Membership.Role.REVIEWER)
    return {**cast, "reviewer_b": reviewer_b}


@pytest.fixture
def inspection_a1(tree, people, campaign):
    return record(tree["A1"], campaign, people["cspl"], recommendations="Lưu hồ sơ đầy đủ.")


def listed(response):
    assert response.status_code == 200
    return sorted(inspection.unit.code for inspection in response.context["page"].object_list)


# --- the permission ladder -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("campaign:inspection_list", "get"),
        ("campaign:inspection_create", "get"),
        ("campaign:inspection_create", "post"),
        ("campaign:inspection_detail", "get"),
        ("campaign:inspection_follow_up", "post"),
    ],
)
def test_every_inspection_page_sends_an_anonymous_visitor_to_the_login_page(
    client, inspection_a1, name, method
):
    args = (
        [inspection_a1.pk]
        if name in ("campaign:inspection_detail", "campaign:inspection_follow_up")
        else []
    )
    data = {"follow_up": F.MET} if method == "post" else None
    response = getattr(client, method)(reverse(name, args=args), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    inspection_a1.refresh_from_db()
    assert inspection_a1.follow_up == F.PENDING
    assert Inspection.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),
        ("officer_b1", 404),
        ("reviewer_b", 404),
        ("standing", 200),
        ("officer_a1", 200),
        ("officer_a", 200),
        ("reviewer_a", 200),
        ("cspl", 200),
    ],
)
def test_a_visit_to_a1_opens_only_inside_a1s_scope(client, people, inspection_a1, who, expected):
    client.force_login(people[who])
    response = client.get(reverse("campaign:inspection_detail", args=[inspection_a1.pk]))
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert "A1 đã tổ chức tuyên truyền đúng kế hoạch." in page
        assert "05/10/2026" in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 403),
        ("standing", 403),
        ("officer_a1", 403),
        ("officer_a", 403),
        ("reviewer_a", 200),
        ("cspl", 200),
    ],
)
def test_only_a_reviewer_may_open_the_form_to_record_a_visit(
    client, people, campaign, who, expected
):
    client.force_login(people[who])
    assert client.get(CREATE).status_code == expected


@pytest.mark.parametrize("who", ["outsider", "standing", "officer_a"])
def test_a_non_reviewer_posting_a_visit_is_refused_and_nothing_is_saved(
    client, tree, people, campaign, who
):
    client.force_login(people[who])
    assert client.post(CREATE, form_data(tree["A1"], campaign)).status_code == 403
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),
        ("officer_b1", 404),
        ("reviewer_b", 404),
        ("standing", 403),
        ("officer_a1", 403),
        ("officer_a", 403),
        ("reviewer_a", 302),
        ("cspl", 302),
    ],
)
def test_only_a_reviewer_above_the_unit_updates_the_follow_up(
    client, people, inspection_a1, who, expected
):
    client.force_login(people[who])
    response = client.post(
        reverse("campaign:inspection_follow_up", args=[inspection_a1.pk]),
        {"follow_up": F.MET, "follow_up_note": "Đã bổ sung biên bản.", "version": 1},
    )
    assert response.status_code == expected
    inspection_a1.refresh_from_db()
    if expected == 302:
        assert response.url == reverse("campaign:inspection_detail", args=[inspection_a1.pk])
        assert (inspection_a1.follow_up, inspection_a1.follow_up_note) == (
            F.MET,
            "Đã bổ sung biên bản.",
        )
    else:
        assert (inspection_a1.follow_up, inspection_a1.follow_up_note) == (F.PENDING, "")


def test_the_follow_up_refuses_a_get(client, people, inspection_a1):
    client.force_login(people["cspl"])
    url = reverse("campaign:inspection_follow_up", args=[inspection_a1.pk])
    assert client.get(url).status_code == 405


def test_a_district_reviewer_may_not_update_the_follow_up_of_a_visit_to_its_own_district(
    client, tree, people, campaign
):
    own = record(tree["DA"], campaign, people["cspl"])
    client.force_login(people["reviewer_a"])
    detail = client.get(reverse("campaign:inspection_detail", args=[own.pk]))
    assert detail.status_code == 200
    assert detail.context["can_follow_up"] is False
    response = client.post(
        reverse("campaign:inspection_follow_up", args=[own.pk]), {"follow_up": F.MET}
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.follow_up == F.PENDING


def test_the_follow_up_form_is_shown_to_the_reviewer_only(client, people, inspection_a1):
    url = reverse("campaign:inspection_follow_up", args=[inspection_a1.pk])
    detail = reverse("campaign:inspection_detail", args=[inspection_a1.pk])
    client.force_login(people["reviewer_a"])
    assert url in client.get(detail).content.decode()
    client.force_login(people["officer_a1"])
    assert url not in client.get(detail).content.decode()


# --- who sees what in the list -------------------------------------------------------------------
@pytest.fixture
def everywhere(tree, people, campaign):
    return {
        code: record(tree[code], campaign, people["cspl"])
        for code in ("DA", "A1", "A2", "B1", "S1")
    }


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("outsider", []),
        ("officer_a1", ["A1"]),
        ("officer_b1", ["B1"]),
        ("officer_a", ["A1", "A2", "DA"]),
        ("reviewer_a", ["A1", "A2", "DA"]),
        ("reviewer_b", ["B1"]),
        ("cspl", ["A1", "A2", "B1", "DA", "S1"]),
        ("standing", ["A1", "A2", "B1", "DA", "S1"]),
    ],
)
def test_the_list_shows_the_visits_in_the_users_scope(client, people, everywhere, who, codes):
    client.force_login(people[who])
    assert listed(client.get(LIST)) == codes


def test_the_list_shows_the_latest_visit_first_with_its_date_as_dd_mm_yyyy(
    client, tree, people, campaign
):
    early = record(tree["A1"], campaign, people["cspl"], visited_on=datetime.date(2026, 3, 2))
    late = record(tree["A1"], campaign, people["cspl"], visited_on=datetime.date(2026, 9, 14))
    client.force_login(people["officer_a1"])
    response = client.get(LIST)
    assert list(response.context["page"].object_list) == [late, early]
    page = response.content.decode()
    assert "14/09/2026" in page and "02/03/2026" in page


def test_the_list_filters_by_kind_follow_up_and_campaign(
    client, tree, people, campaign, other_campaign
):
    record(tree["A1"], campaign, people["cspl"], kind=K.INSPECTION)
    record(tree["A2"], campaign, people["cspl"], kind=K.SUPERVISION, follow_up=F.MET)
    record(tree["B1"], other_campaign, people["cspl"], kind=K.SUPERVISION, follow_up=F.IN_PROGRESS)
    client.force_login(people["cspl"])
    assert listed(client.get(LIST, {"kind": K.INSPECTION})) == ["A1"]
    assert listed(client.get(LIST, {"kind": K.SUPERVISION})) == ["A2", "B1"]
    assert listed(client.get(LIST, {"follow_up": F.MET})) == ["A2"]
    assert listed(client.get(LIST, {"follow_up": F.PENDING})) == ["A1"]
    assert listed(client.get(LIST, {"campaign": other_campaign.pk})) == ["B1"]
    assert listed(client.get(LIST, {"campaign": campaign.pk, "kind": K.SUPERVISION})) == ["A2"]


@pytest.mark.parametrize("params", [{"kind": "party"}, {"follow_up": "never"}, {"campaign": "abc"}])
def test_an_invalid_filter_lists_nothing_and_says_why(client, people, everywhere, params):
    client.force_login(people["cspl"])
    response = client.get(LIST, params)
    assert listed(response) == []
    assert set(response.context["filter"].form.errors) == set(params)


def test_the_list_is_paginated_by_25(client, tree, people, campaign):
    for _n in range(26):
        record(tree["A1"], campaign, people["cspl"])
    client.force_login(people["cspl"])
    assert len(client.get(LIST).context["page"].object_list) == 25
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 1


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_visits(
    client, tree, people, campaign, other_campaign
):
    client.force_login(people["cspl"])
    units = [tree[code] for code in ("A1", "A2", "B1")]
    recorders = [people["cspl"], people["reviewer_a"], people["reviewer_b"]]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for n in range(3):
        record(units[n], campaign, recorders[n])
    few = count()
    for n in range(27):
        record(units[n % 3], [campaign, other_campaign][n % 2], recorders[n % 3])
    assert count() == few


# --- recording a visit ---------------------------------------------------------------------------
def test_a_district_reviewer_records_visits_to_its_grassroots_unions_only(
    client, tree, people, campaign
):
    client.force_login(people["reviewer_a"])
    form = client.get(CREATE).context["form"]
    assert [unit.code for unit in form.fields["unit"].queryset] == ["A1", "A2"]
    for code in ("DA", "B1"):
        response = client.post(CREATE, form_data(tree[code], campaign))
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
    assert not Inspection.objects.exists()


def test_the_cspl_board_records_a_visit_and_lands_on_it(client, tree, people, campaign):
    client.force_login(people["cspl"])
    response = client.post(CREATE, form_data(tree["DA"], campaign), follow=True)
    inspection = Inspection.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "campaign:inspection_detail", args=[inspection.pk]
    )
    assert inspection.unit == tree["DA"]
    assert inspection.visited_on == datetime.date(2026, 10, 5)
    assert inspection.kind == K.SUPERVISION
    assert inspection.recorded_by == people["cspl"]
    assert inspection.follow_up == F.PENDING
    page = response.content.decode()
    assert "05/10/2026" in page
    assert "Đơn vị chưa lưu biên bản các buổi tuyên truyền." in page


def test_a_visit_today_in_viet_nam_is_accepted_even_when_utc_is_still_yesterday(
    client, tree, people, campaign, freeze
):
    # 18:00 UTC on 05/10 is 01:00 on 06/10 in Viet Nam.
    freeze(datetime.datetime(2026, 10, 5, 18, 0, tzinfo=datetime.UTC))
    client.force_login(people["cspl"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, visited_on="06/10/2026"))
    assert response.status_code == 302
    assert Inspection.objects.get().visited_on == datetime.date(2026, 10, 6)


def test_a_visit_tomorrow_in_viet_nam_is_refused(client, tree, people, campaign, freeze):
    freeze(datetime.datetime(2026, 10, 5, 16, 59, tzinfo=datetime.UTC))  # 23:59 on 05/10
    client.force_login(people["cspl"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, visited_on="06/10/2026"))
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["visited_on"][0].code == "future"
    assert not Inspection.objects.exists()


def test_a_visit_to_a_unit_closed_by_then_is_refused(client, tree, people, campaign, freeze):
    # The list holds closed units too (a visit made before the closing can be recorded late),
    # marked, and a visit after the closing is refused.
    freeze(datetime.datetime(2026, 10, 6, 2, 0, tzinfo=datetime.UTC))
    tree["A2"].close(datetime.date(2026, 9, 1))
    client.force_login(people["cspl"])
    page = client.get(CREATE).content.decode()
    assert "(ngừng hoạt động từ 01/09/2026)" in page
    response = client.post(CREATE, form_data(tree["A2"], campaign))
    assert response.context["form"].errors.as_data()["unit"][0].code == "closed_unit"
    assert not Inspection.objects.exists()
    before = form_data(tree["A2"], campaign, visited_on="20/08/2026")
    assert client.post(CREATE, before).status_code == 302
    assert Inspection.objects.get().unit == tree["A2"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visited_on": "31/12/2999"}, "visited_on"),
        ({"visited_on": "31/02/2026"}, "visited_on"),
        ({"visited_on": "hôm qua"}, "visited_on"),
        ({"visited_on": ""}, "visited_on"),
        ({"kind": "party"}, "kind"),
        ({"members": ""}, "members"),
        ({"members": "m" * 2001}, "members"),
        ({"findings": ""}, "findings"),
        ({"findings": "f" * (MAX_NARRATIVE + 1)}, "findings"),
        ({"recommendations": "r" * (MAX_NARRATIVE + 1)}, "recommendations"),
        ({"campaign": "999999"}, "campaign"),
    ],
)
def test_bad_input_is_refused_with_the_typed_text_kept(
    client, tree, people, campaign, overrides, field
):
    client.force_login(people["cspl"])
    data = {**form_data(tree["A1"], campaign), **overrides}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Inspection.objects.exists()
    page = response.content.decode()
    for kept in ("visited_on", "members", "findings"):
        if kept != field:
            assert data[kept] in page
    if field == "visited_on" and data["visited_on"]:
        assert f'value="{data["visited_on"]}"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026", "Không có ngày 31/02/2026: tháng 2 năm 2026 chỉ có 28 ngày."),
        ("01.08.2026", "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2025."),
        ("1-8-2026", "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2025."),
    ],
)
def test_a_bad_date_is_explained_in_vietnamese_with_the_form_it_takes(
    client, tree, people, campaign, typed, message
):
    client.force_login(people["cspl"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, visited_on=typed))
    assert message in response.content.decode()


def test_the_form_asks_for_the_date_as_day_month_year(client, people, campaign):
    client.force_login(people["cspl"])
    page = client.get(CREATE).content.decode()
    assert 'placeholder="ngày/tháng/năm"' in page


# --- the follow-up -------------------------------------------------------------------------------
def test_an_invalid_follow_up_is_refused_with_the_note_kept(client, people, inspection_a1):
    client.force_login(people["cspl"])
    response = client.post(
        reverse("campaign:inspection_follow_up", args=[inspection_a1.pk]),
        {"follow_up": "forgotten", "follow_up_note": "Ghi chú đang gõ"},
    )
    assert response.status_code == 400
    assert "follow_up" in response.context["follow_up_form"].errors
    assert "Ghi chú đang gõ" in response.content.decode()
    inspection_a1.refresh_from_db()
    assert (inspection_a1.follow_up, inspection_a1.follow_up_note) == (F.PENDING, "")


def test_a_huge_follow_up_note_is_refused(client, people, inspection_a1):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:inspection_follow_up", args=[inspection_a1.pk]),
        {"follow_up": F.IN_PROGRESS, "follow_up_note": "n" * (MAX_NARRATIVE + 1)},
    )
    assert response.status_code == 400
    assert "follow_up_note" in response.context["follow_up_form"].errors
    inspection_a1.refresh_from_db()
    assert inspection_a1.follow_up == F.PENDING


def test_the_detail_shows_the_updated_follow_up(client, people, inspection_a1):
    client.force_login(people["reviewer_a"])
    client.post(
        reverse("campaign:inspection_follow_up", args=[inspection_a1.pk]),
        {"follow_up": F.IN_PROGRESS, "follow_up_note": "Đang bổ sung hồ sơ.", "version": 1},
    )
    client.force_login(people["officer_a1"])
    response = client.get(reverse("campaign:inspection_detail", args=[inspection_a1.pk]))
    assert response.context["inspection"].follow_up == F.IN_PROGRESS
    assert "Đang bổ sung hồ sơ." in response.content.decode()


def test_a_follow_up_saved_from_an_outdated_page_keeps_the_colleagues_and_the_typed(
    client, people, inspection_a1
):
    # Two reviewers open the visit; the province's saves first. The district's save, from
    # the page read before, silently replaced it.
    url = reverse("campaign:inspection_follow_up", args=[inspection_a1.pk])
    detail = reverse("campaign:inspection_detail", args=[inspection_a1.pk])
    client.force_login(people["reviewer_a"])
    page = client.get(detail).content.decode()
    assert 'name="version" value="1"' in page
    client.force_login(people["cspl"])
    theirs = {"follow_up": F.MET, "follow_up_note": "Đã kiểm tra lại: đủ biên bản.", "version": 1}
    assert client.post(url, theirs).status_code == 302

    client.force_login(people["reviewer_a"])
    mine = {
        "follow_up": F.IN_PROGRESS,
        "follow_up_note": "Còn thiếu biên bản quý III.",
        "version": 1,
    }
    response = client.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Một người khác đã lưu phần theo dõi sau khi bạn mở trang này" in page
    assert "Còn thiếu biên bản quý III.</textarea>" in page  # what was typed, in the form
    assert "Đã kiểm tra lại: đủ biên bản." in page  # what the colleague saved, on the page
    assert response.context["inspection"].follow_up == F.MET
    inspection_a1.refresh_from_db()
    assert (inspection_a1.follow_up, inspection_a1.follow_up_note) == (
        F.MET,
        "Đã kiểm tra lại: đủ biên bản.",
    )
    assert inspection_a1.follow_up_version == 2

    # Saving again from here, having seen theirs, is a decision: it is saved.
    again = response.context["follow_up_form"].data
    assert again["version"] == "2"
    assert client.post(url, {**mine, "version": again["version"]}).status_code == 302
    inspection_a1.refresh_from_db()
    assert inspection_a1.follow_up_note == "Còn thiếu biên bản quý III."
    assert inspection_a1.follow_up_version == 3


def test_a_follow_up_posted_without_a_version_is_refused_with_the_text_kept(
    client, people, inspection_a1
):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:inspection_follow_up", args=[inspection_a1.pk]),
        {"follow_up": F.IN_PROGRESS, "follow_up_note": "Ghi chú đang gõ"},
    )
    assert response.status_code == 409
    assert "Ghi chú đang gõ</textarea>" in response.content.decode()
    inspection_a1.refresh_from_db()
    assert (inspection_a1.follow_up, inspection_a1.follow_up_version) == (F.PENDING, 1)


def test_an_empty_list_says_whether_a_filter_hides_them(client, people):
    client.force_login(people["officer_a1"])
    page = client.get(LIST).content.decode()
    assert "Chưa ghi nhận đợt kiểm tra nào." in page
    page = client.get(LIST, {"kind": "inspection"}).content.decode()
    assert "Không có đợt kiểm tra nào khớp với bộ lọc." in page


def breadcrumb_to_list(page):
    """Where the page's breadcrumb leads back to the list of visits."""
    [crumb] = re.findall(r'<li class="breadcrumb-item"><a href="([^"]*)">Kiểm tra</a>', page)
    return html.unescape(crumb)


def test_a_visit_opened_from_a_filtered_list_leads_back_to_it(client, tree, people, campaign):
    # The breadcrumb (and the new visit's "Cancel") led to the list unfiltered, first page.
    for _n in range(27):
        record(tree["A1"], campaign, people["cspl"], kind=K.SUPERVISION)
    client.force_login(people["cspl"])
    with translation.override("vi"):
        shown = client.get(LIST, {"kind": K.SUPERVISION, "page": "2"})
        [visit] = shown.context["page"].object_list[:1]
        url = breadcrumb_to_list(client.get(visit.get_absolute_url()).content.decode())
        assert QueryDict(url.split("?", 1)[1]) == QueryDict(f"kind={K.SUPERVISION}&page=2")
        form = client.get(reverse("campaign:inspection_create")).content.decode()
    assert breadcrumb_to_list(form) == url
    assert f'<a class="btn btn-link" href="{escape(url)}">' in form
    # The page the link leads to lists that visit.
    assert visit in client.get(url).context["page"].object_list


def test_a_list_filtered_to_nothing_offers_to_clear_its_filters(client, people, everywhere):
    client.force_login(people["cspl"])
    with translation.override("vi"):
        page = client.get(LIST, {"follow_up": F.MET}).content.decode()
    assert f'<a href="{LIST}">Bỏ các bộ lọc</a>' in page
