"""Obstacles: who may see, raise, answer and close them, the answer-by date, the overdue
filter around midnight in Viet Nam, the list filters, the report link and bad input."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from campaign.models import MAX_NARRATIVE, AnnualReport, Notice, Obstacle, Period
from tests.campaign.obstacle_data import answered, form_data, raise_obstacle
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from tests.pages import messages_of
from units.models import Membership, Unit

S = Obstacle.Status
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LIST = reverse("campaign:obstacle_list")
CREATE = reverse("campaign:obstacle_create")


def local(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


@pytest.fixture
def obstacle_a1(tree, people, campaign):
    return raise_obstacle(tree["A1"], campaign, people["officer_a1"])


def make_report(unit, campaign, year=2026):
    return AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Tổ chức 5 buổi tuyên truyền.",
        self_assessment="good",
    )


def listed(response):
    assert response.status_code == 200
    return sorted(obstacle.unit.code for obstacle in response.context["page"].object_list)


# --- the permission ladder -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("campaign:obstacle_list", "get"),
        ("campaign:obstacle_create", "get"),
        ("campaign:obstacle_detail", "get"),
        ("campaign:obstacle_answer", "post"),
        ("campaign:obstacle_close", "post"),
    ],
)
def test_every_obstacle_page_sends_an_anonymous_visitor_to_the_login_page(
    client, obstacle_a1, name, method
):
    url = reverse(name) if name in ("campaign:obstacle_list", "campaign:obstacle_create") else None
    url = url or reverse(name, args=[obstacle_a1.pk])
    response = getattr(client, method)(url, {"answer": "x"} if method == "post" else None)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.OPEN


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
def test_an_obstacle_of_a1_opens_only_inside_a1s_scope(client, people, obstacle_a1, who, expected):
    client.force_login(people[who])
    response = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert obstacle_a1.subject in response.content.decode()


def test_an_obstacle_that_does_not_exist_is_a_404(client, people):
    client.force_login(people["cspl"])
    assert client.get(reverse("campaign:obstacle_detail", args=[999_999])).status_code == 404


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
def test_only_a_reviewer_above_the_unit_answers_its_obstacle(
    client, people, obstacle_a1, who, expected
):
    client.force_login(people[who])
    url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    response = client.post(url, {"answer": "Tính theo lượt người."})
    assert response.status_code == expected
    obstacle_a1.refresh_from_db()
    if expected == 302:
        assert obstacle_a1.status == S.ANSWERED
        assert obstacle_a1.answer == "Tính theo lượt người."
        assert obstacle_a1.answered_by == people[who]
        assert obstacle_a1.answered_at is not None
    else:
        assert obstacle_a1.status == S.OPEN
        assert obstacle_a1.answer == ""


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("outsider", 404),
        ("officer_b1", 404),
        ("reviewer_b", 404),
        ("standing", 403),
        ("officer_a1", 302),
        ("second_officer_a1", 302),
        # The district's officer files only for units below with no officer of their own.
        ("officer_a", 403),
        ("reviewer_a", 302),
        ("cspl", 302),
    ],
)
def test_the_units_officers_and_its_reviewers_close_an_answered_obstacle(
    client, people, obstacle_a1, who, expected
):
    answered(obstacle_a1, people["cspl"])
    client.force_login(people[who])
    response = client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]))
    assert response.status_code == expected
    obstacle_a1.refresh_from_db()
    if expected == 302:
        assert obstacle_a1.status == S.CLOSED
        assert obstacle_a1.closed_at is not None
        assert obstacle_a1.closed_by == people[who]
        # The page says who closed it, as it says who answered it.
        with translation.override("vi"):
            page = client.get(response["Location"]).content.decode()
        assert f"{escape(people[who])} đóng lúc" in page
    else:
        assert obstacle_a1.status == S.ANSWERED
        assert obstacle_a1.closed_at is None
        assert obstacle_a1.closed_by is None


@pytest.mark.parametrize(
    ("who", "expected"),
    [("outsider", 403), ("standing", 403), ("cspl", 403), ("reviewer_a", 403), ("officer_a1", 200)],
)
def test_only_an_officer_may_open_the_form_to_raise_an_obstacle(
    client, people, campaign, who, expected
):
    client.force_login(people[who])
    assert client.get(CREATE).status_code == expected


@pytest.mark.parametrize("name", ["campaign:obstacle_answer", "campaign:obstacle_close"])
def test_answering_and_closing_refuse_a_get(client, people, obstacle_a1, name):
    client.force_login(people["cspl"])
    assert client.get(reverse(name, args=[obstacle_a1.pk])).status_code == 405


def test_a_district_reviewer_may_not_answer_an_obstacle_of_its_own_district(
    client, tree, people, campaign
):
    own = raise_obstacle(tree["DA"], campaign, people["officer_a"])
    client.force_login(people["reviewer_a"])
    assert client.get(reverse("campaign:obstacle_detail", args=[own.pk])).status_code == 200
    response = client.post(
        reverse("campaign:obstacle_answer", args=[own.pk]), {"answer": "Trả lời"}
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == S.OPEN


# --- who sees what in the list -------------------------------------------------------------------
@pytest.fixture
def everywhere(tree, people, campaign):
    return {
        code: raise_obstacle(tree[code], campaign, people["officer_a1"])
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
def test_the_list_shows_the_obstacles_in_the_users_scope(client, people, everywhere, who, codes):
    client.force_login(people[who])
    assert listed(client.get(LIST)) == codes


def test_the_list_shows_the_newest_obstacle_first_with_its_dates_and_status(
    client, tree, people, campaign
):
    old = raise_obstacle(tree["A1"], campaign, people["officer_a1"], raised_at=local(2026, 3, 2))
    new = raise_obstacle(tree["A1"], campaign, people["officer_a1"], raised_at=local(2026, 3, 9))
    client.force_login(people["officer_a1"])
    response = client.get(LIST)
    assert list(response.context["page"].object_list) == [new, old]
    page = response.content.decode()
    assert "09/03/2026" in page and "02/03/2026" in page
    assert new.answer_by.strftime("%d/%m/%Y") in page
    assert 'class="badge obstacle-status-open' in page


def test_the_list_is_paginated_by_25(client, tree, people, campaign):
    for _n in range(27):
        raise_obstacle(tree["A1"], campaign, people["officer_a1"])
    client.force_login(people["cspl"])
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2


# --- the answer-by date and overdue --------------------------------------------------------------
def test_an_obstacle_raised_on_a_friday_is_due_ten_working_days_later(tree, people, campaign):
    obstacle = raise_obstacle(
        tree["A1"], campaign, people["officer_a1"], raised_at=local(2026, 11, 20, 10)
    )
    assert obstacle.answer_by == datetime.date(2026, 12, 4)


def test_the_answer_by_date_counts_from_the_day_in_viet_nam_not_in_utc(
    client, tree, people, campaign, freeze
):
    # 17:30 UTC on Thursday 19/11 is already 00:30 on Friday 20/11 in Viet Nam.
    freeze(datetime.datetime(2026, 11, 19, 17, 30, tzinfo=datetime.UTC))
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("campaign:obstacle_detail", args=[obstacle.pk])
    assert obstacle.answer_by == datetime.date(2026, 12, 4)


@pytest.fixture
def due_on_4_december(tree, people, campaign):
    """Raised Friday 20/11/2026: open ones are due 04/12/2026."""
    raised = local(2026, 11, 20, 10)
    return {
        "open": raise_obstacle(
            tree["A1"], campaign, people["officer_a1"], subject="Còn mở", raised_at=raised
        ),
        "answered": answered(
            raise_obstacle(
                tree["A2"], campaign, people["officer_a"], subject="Đã trả lời", raised_at=raised
            ),
            people["cspl"],
        ),
        "later": raise_obstacle(
            tree["B1"],
            campaign,
            people["officer_b1"],
            subject="Còn hạn",
            raised_at=local(2026, 11, 27, 10),
        ),
    }


def subjects(response):
    assert response.status_code == 200
    return sorted(obstacle.subject for obstacle in response.context["page"].object_list)


def test_an_open_obstacle_is_not_overdue_on_its_answer_by_day(
    client, people, due_on_4_december, freeze
):
    freeze(local(2026, 12, 4, 23, 59))
    client.force_login(people["cspl"])
    response = client.get(LIST, {"overdue": "true"})
    assert subjects(response) == []
    assert "obstacle-overdue" not in response.content.decode()


def test_an_open_obstacle_becomes_overdue_at_midnight_in_viet_nam(
    client, people, due_on_4_december, freeze
):
    # 17:01 UTC on 04/12 is 00:01 on 05/12 in Viet Nam: the UTC date would say "not yet".
    freeze(datetime.datetime(2026, 12, 4, 17, 1, tzinfo=datetime.UTC))
    client.force_login(people["cspl"])
    overdue = client.get(LIST, {"overdue": "true"})
    assert subjects(overdue) == ["Còn mở"]
    assert "obstacle-overdue" in overdue.content.decode()
    assert subjects(client.get(LIST, {"overdue": "false"})) == ["Còn hạn", "Đã trả lời"]
    assert subjects(client.get(LIST)) == ["Còn hạn", "Còn mở", "Đã trả lời"]


def test_an_answered_obstacle_is_never_overdue(client, people, due_on_4_december, freeze):
    freeze(local(2027, 1, 15))
    client.force_login(people["cspl"])
    assert subjects(client.get(LIST, {"overdue": "true"})) == ["Còn hạn", "Còn mở"]


# --- the other list filters ----------------------------------------------------------------------
def test_the_list_filters_by_status(client, people, due_on_4_december):
    client.force_login(people["cspl"])
    assert subjects(client.get(LIST, {"status": S.ANSWERED})) == ["Đã trả lời"]
    assert subjects(client.get(LIST, {"status": S.OPEN})) == ["Còn hạn", "Còn mở"]
    assert subjects(client.get(LIST, {"status": S.CLOSED})) == []


def test_the_list_filters_by_the_kind_of_unit(client, tree, people, everywhere):
    client.force_login(people["cspl"])
    assert listed(client.get(LIST, {"kind": "district"})) == ["DA"]
    assert listed(client.get(LIST, {"kind": "grassroots"})) == ["A1", "A2", "B1", "S1"]


def test_the_list_filters_by_campaign(client, tree, people, campaign, other_campaign):
    raise_obstacle(tree["A1"], campaign, people["officer_a1"], subject="Chiến dịch một")
    raise_obstacle(tree["A1"], other_campaign, people["officer_a1"], subject="Chiến dịch hai")
    client.force_login(people["officer_a1"])
    assert subjects(client.get(LIST, {"campaign": other_campaign.pk})) == ["Chiến dịch hai"]
    assert subjects(client.get(LIST, {"campaign": campaign.pk})) == ["Chiến dịch một"]


@pytest.mark.parametrize(
    "params", [{"status": "bogus"}, {"kind": "planet"}, {"campaign": "999999"}]
)
def test_an_invalid_filter_lists_nothing_and_says_why(client, people, everywhere, params):
    client.force_login(people["cspl"])
    response = client.get(LIST, params)
    assert listed(response) == []
    assert set(response.context["filter"].form.errors) == set(params)
    assert "invalid-feedback" in response.content.decode()


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_obstacles(
    client, tree, people, campaign
):
    client.force_login(people["cspl"])
    units = [tree[code] for code in ("A1", "A2", "B1")]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for unit in units:
        raise_obstacle(unit, campaign, people["officer_a1"])
    few = count()
    for n in range(27):
        raise_obstacle(units[n % 3], campaign, people["officer_b1"])
    assert count() == few


# --- raising one ---------------------------------------------------------------------------------
def test_the_form_offers_the_units_the_officer_files_for_and_starts_on_its_own(
    client, tree, people, campaign
):
    client.force_login(people["officer_a"])
    form = client.get(CREATE).context["form"]
    # Its own unit, and A2, which has no officer of its own (A1 has one).
    assert [unit.code for unit in form.fields["unit"].queryset] == ["DA", "A2"]
    assert form.initial["unit"] == tree["DA"].pk
    assert form.initial["campaign"] == campaign.pk


def test_an_officer_raises_an_obstacle_and_lands_on_it(client, tree, people, campaign):
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign), follow=True)
    obstacle = Obstacle.objects.get()
    assert response.redirect_chain[-1][0] == reverse("campaign:obstacle_detail", args=[obstacle.pk])
    assert obstacle.unit == tree["A1"]
    assert obstacle.campaign == campaign
    assert obstacle.raised_by == people["officer_a1"]
    assert obstacle.status == S.OPEN
    assert obstacle.report is None
    assert "Cách tính số người tham dự" in response.content.decode()


def test_raising_one_says_the_last_day_to_answer_as_the_last_day(client, tree, people, campaign):
    # The answer-by day is itself on time (overdue starts the day after), but the message
    # said "trước ngày" (before the day): the unit read one day less than it is given.
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign), follow=True)
    day = Obstacle.objects.get().answer_by.strftime("%d/%m/%Y")
    assert f"Người duyệt cần trả lời chậm nhất ngày {day}." in response.content.decode()


def test_an_officer_may_not_raise_an_obstacle_for_a_unit_outside_what_it_files_for(
    client, tree, people, campaign
):
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["B1"], campaign))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Obstacle.objects.exists()


def test_an_obstacle_may_point_to_the_units_own_report_of_that_campaign(
    client, tree, people, campaign
):
    report = make_report(tree["A1"], campaign)
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, report=report.pk))
    assert response.status_code == 302
    assert Obstacle.objects.get().report == report
    # Its page links to the report by what it is, not by the campaign's reference.
    with translation.override("vi"):
        page = client.get(response.url).content.decode()
    link = f'<a href="{report.get_absolute_url()}">Báo cáo năm {report.year}</a>'
    assert link in page


def test_a_report_of_another_unit_the_officer_files_for_is_refused(client, tree, people, campaign):
    report_a2 = make_report(tree["A2"], campaign)
    client.force_login(people["officer_a"])
    response = client.post(CREATE, form_data(tree["DA"], campaign, report=report_a2.pk))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["report"]
    # The message is in the user's language, Vietnamese by default.
    assert "thuộc đơn vị hoặc kế hoạch khác" in str(response.context["form"].errors["report"])
    assert not Obstacle.objects.exists()


def test_a_report_of_the_unit_for_another_campaign_is_refused(
    client, tree, people, campaign, other_campaign
):
    report = make_report(tree["A1"], other_campaign)
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, report=report.pk))
    assert list(response.context["form"].errors) == ["report"]
    assert not Obstacle.objects.exists()


def test_a_report_outside_the_officers_scope_cannot_be_named(client, tree, people, campaign):
    report_b1 = make_report(tree["B1"], campaign)
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, report=report_b1.pk))
    assert list(response.context["form"].errors) == ["report"]
    assert not Obstacle.objects.exists()


def test_raising_from_a_report_fills_in_its_unit_campaign_and_report(
    client, tree, people, campaign, other_campaign
):
    report = make_report(tree["A2"], other_campaign)
    client.force_login(people["officer_a"])
    form = client.get(CREATE, {"report": report.pk}).context["form"]
    assert form.initial["unit"] == tree["A2"].pk
    assert form.initial["campaign"] == other_campaign.pk
    assert form.initial["report"] == report.pk


@pytest.mark.parametrize("value", ["b1", "abc", "999999"])
def test_raising_from_a_report_outside_the_scope_or_unknown_is_a_404(
    client, tree, people, campaign, value
):
    report_b1 = make_report(tree["B1"], campaign)
    client.force_login(people["officer_a1"])
    param = str(report_b1.pk) if value == "b1" else value
    assert client.get(CREATE, {"report": param}).status_code == 404


# --- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"text": ""}, "text"),
        ({"text": "y" * (MAX_NARRATIVE + 1)}, "text"),
        ({"subject": "nul\x00byte"}, "subject"),
        # Nothing but invisible characters: listed as a title nobody sees, a link with no text.
        ({"subject": "\u00ad\u200c\u200d"}, "subject"),
        ({"campaign": "999999"}, "campaign"),
        ({"unit": "not-a-number"}, "unit"),
        ({"report": "not-a-number"}, "report"),
    ],
)
def test_bad_input_is_refused_with_the_typed_text_kept(
    client, tree, people, campaign, overrides, field
):
    client.force_login(people["officer_a1"])
    data = {**form_data(tree["A1"], campaign), **overrides}
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Obstacle.objects.exists()
    page = response.content.decode()
    kept = "text" if field != "text" else "subject"
    assert data[kept] in page


def test_an_empty_subject_is_explained_in_vietnamese(client, tree, people, campaign):
    client.force_login(people["officer_a1"])
    response = client.post(CREATE, form_data(tree["A1"], campaign, subject=""))
    assert "Hãy nhập tiêu đề ngắn cho vướng mắc." in response.content.decode()


# --- answering and closing -----------------------------------------------------------------------
def test_a_reviewer_sees_the_answer_form_and_the_officer_does_not(client, people, obstacle_a1):
    answer_url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.force_login(people["reviewer_a"])
    assert (
        answer_url
        in client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])).content.decode()
    )
    client.force_login(people["officer_a1"])
    page = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])).content.decode()
    assert answer_url not in page
    assert reverse("campaign:obstacle_close", args=[obstacle_a1.pk]) not in page  # not answered yet


def test_the_whole_flow_raise_answer_close(client, tree, people, campaign):
    client.force_login(people["officer_a1"])
    client.post(CREATE, form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    detail = reverse("campaign:obstacle_detail", args=[obstacle.pk])

    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": "Tính hai lượt."}
    )
    assert response.url == detail
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer) == (S.ANSWERED, "Tính hai lượt.")

    client.force_login(people["officer_a1"])
    page = client.get(detail).content.decode()
    assert "Tính hai lượt." in page
    assert reverse("campaign:obstacle_close", args=[obstacle.pk]) in page
    client.post(reverse("campaign:obstacle_close", args=[obstacle.pk]))
    obstacle.refresh_from_db()
    assert obstacle.status == S.CLOSED
    assert obstacle.closed_at is not None
    assert (
        reverse("campaign:obstacle_close", args=[obstacle.pk])
        not in client.get(detail).content.decode()
    )


def test_answering_again_updates_the_answer(client, people, obstacle_a1):
    answered(obstacle_a1, people["reviewer_a"])
    client.force_login(people["cspl"])
    form = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])).context[
        "answer_form"
    ]
    assert form.initial["answer"] == "Tính theo từng buổi."
    client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
        {"answer": "Sửa lại.", "shown": form.initial["shown"]},
    )
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.status, obstacle_a1.answer) == (S.ANSWERED, "Sửa lại.")
    assert obstacle_a1.answered_by == people["cspl"]


def test_the_same_answer_sent_twice_tells_the_unit_once(client, people, obstacle_a1):
    # A second tap or a reload of the POST notified the unit again and moved the answer's
    # time; a changed answer is still news.
    client.force_login(people["reviewer_a"])
    url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.post(url, {"answer": "Theo hướng dẫn số 5."})
    obstacle_a1.refresh_from_db()
    first_at = obstacle_a1.answered_at
    response = client.post(url, {"answer": "Theo hướng dẫn số 5."}, follow=True)
    assert messages_of(response, "info") == [
        "Câu trả lời này đã được lưu; đơn vị không được báo lại lần nữa."
    ]
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.answered_at == first_at
    told = Notice.objects.filter(recipient=people["officer_a1"])
    assert told.count() == 1
    client.post(url, {"answer": "Theo hướng dẫn số 6.", "shown": first_at.isoformat()})
    assert told.count() == 2


def test_an_answer_given_after_the_page_was_drawn_is_not_replaced_unread(
    client, people, obstacle_a1
):
    # Reviewers of the district and of the province both answer A1's obstacles: the second
    # answer, typed on a page that showed none, silently replaced the first one.
    detail = reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])
    url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.force_login(people["cspl"])
    stale = client.get(detail).context["answer_form"].initial
    assert stale["shown"] == ""
    client.force_login(people["reviewer_a"])
    client.post(url, {"answer": "Tính theo từng buổi.", "shown": ""})
    client.force_login(people["cspl"])
    response = client.post(url, {"answer": "Tính theo người.", "shown": stale["shown"]})
    assert response.status_code == 409
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.answer, obstacle_a1.answered_by) == (
        "Tính theo từng buổi.",
        people["reviewer_a"],
    )
    page = response.content.decode()
    assert "Một người khác đã trả lời vướng mắc này" in page
    assert "Tính theo từng buổi." in page and "Tính theo người." in page  # theirs and mine
    told = Notice.objects.filter(recipient=people["officer_a1"])
    assert told.count() == 1
    # Sent again from the page that now shows theirs, it replaces it knowingly.
    again = response.context["answer_form"].data
    assert again["shown"] == obstacle_a1.answered_at.isoformat()
    client.post(url, {"answer": again["answer"], "shown": again["shown"]})
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.answer, obstacle_a1.answered_by) == ("Tính theo người.", people["cspl"])
    assert told.count() == 2


@pytest.mark.parametrize("shown", ["hôm qua", "2026-12-06T09:00:00"])
def test_a_damaged_answer_time_is_refused_with_the_answer_kept(client, people, obstacle_a1, shown):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
        {"answer": "Tính theo từng buổi.", "shown": shown},
    )
    assert response.status_code == 400
    assert "dữ liệu ẩn bị hỏng" in response.content.decode()
    assert "Tính theo từng buổi." in response.content.decode()
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.OPEN


@pytest.mark.parametrize("answer", ["", "   ", "z" * (MAX_NARRATIVE + 1)])
def test_an_empty_or_huge_answer_is_refused_and_kept(client, people, obstacle_a1, answer):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]), {"answer": answer}
    )
    assert response.status_code == 400
    assert "answer" in response.context["answer_form"].errors
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.status, obstacle_a1.answer) == (S.OPEN, "")
    if answer.strip():
        assert answer in response.content.decode()


def test_closing_an_open_obstacle_is_refused_until_it_is_answered(client, people, obstacle_a1):
    client.force_login(people["officer_a1"])
    response = client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]), follow=True)
    assert response.status_code == 200
    assert len(messages_of(response, "error")) == 1
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.OPEN
    assert obstacle_a1.closed_at is None


def test_a_closed_obstacle_can_no_longer_be_answered(client, people, obstacle_a1):
    answered(obstacle_a1, people["cspl"])
    Obstacle.objects.filter(pk=obstacle_a1.pk).update(status=S.CLOSED)
    client.force_login(people["reviewer_a"])
    detail = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk]))
    assert detail.context["can_answer"] is False
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]), {"answer": "Muộn"}, follow=True
    )
    assert len(messages_of(response, "error")) == 1
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.status, obstacle_a1.answer) == (S.CLOSED, "Tính theo từng buổi.")


def test_an_answer_changed_after_the_page_was_drawn_is_read_before_closing(
    client, people, obstacle_a1
):
    # The officer closed the obstacle as settled by the answer they had read; the reviewer
    # had meanwhile replaced it, and nothing more could be asked once closed.
    answered(obstacle_a1, people["reviewer_a"])
    detail = reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])
    close = reverse("campaign:obstacle_close", args=[obstacle_a1.pk])
    client.force_login(people["officer_a1"])
    stale = client.get(detail).context["shown"]
    assert f'name="shown" value="{stale}"' in client.get(detail).content.decode()
    client.force_login(people["cspl"])
    client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
        {"answer": "Tính theo người, không theo buổi.", "shown": stale},
    )
    client.force_login(people["officer_a1"])
    response = client.post(close, {"shown": stale}, follow=True)
    assert messages_of(response, "warning") == [
        "Câu trả lời đã được sửa sau khi bạn mở trang này nên vướng mắc chưa được đóng. Hãy "
        "đọc câu trả lời bên dưới, rồi đóng vướng mắc nếu câu trả lời đã giải quyết được vấn đề."
    ]
    assert "Tính theo người, không theo buổi." in response.content.decode()
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.ANSWERED
    client.post(close, {"shown": response.context["shown"]})
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.CLOSED


def test_a_damaged_close_form_closes_nothing(client, people, obstacle_a1):
    answered(obstacle_a1, people["reviewer_a"])
    client.force_login(people["officer_a1"])
    close = reverse("campaign:obstacle_close", args=[obstacle_a1.pk])
    response = client.post(close, {"shown": "hôm qua"}, follow=True)
    assert messages_of(response, "error") == [
        "Trang gửi lên có dữ liệu ẩn bị hỏng. Hãy tải lại trang và nhập lại thay đổi của bạn."
    ]
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.ANSWERED


def test_closing_a_closed_obstacle_again_changes_nothing(client, people, obstacle_a1):
    answered(obstacle_a1, people["cspl"])
    client.force_login(people["officer_a1"])
    client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]))
    closed_at = Obstacle.objects.get(pk=obstacle_a1.pk).closed_at
    response = client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]), follow=True)
    assert response.status_code == 200
    assert Obstacle.objects.get(pk=obstacle_a1.pk).closed_at == closed_at


def test_closing_asks_first_since_it_cannot_be_undone(client, people, obstacle_a1):
    answered(obstacle_a1, people["cspl"])
    client.force_login(people["officer_a1"])
    with translation.override("vi"):
        page = client.get(obstacle_a1.get_absolute_url()).content.decode()
    confirm = 'data-confirm="Đóng vướng mắc này? Sau khi đóng, không trả lời hay sửa được nữa."'
    assert confirm in page
    assert "/static/js/data_confirm" in page


def test_an_empty_list_says_whether_a_filter_hides_them(client, people):
    client.force_login(people["officer_a1"])
    page = client.get(LIST).content.decode()
    assert "Chưa có vướng mắc nào được nêu." in page
    assert "Không có vướng mắc nào khớp với bộ lọc." not in page
    page = client.get(LIST, {"status": "open"}).content.decode()
    assert "Không có vướng mắc nào khớp với bộ lọc." in page
    # An emptied filter form is no filter.
    page = client.get(LIST, {"status": "", "kind": ""}).content.decode()
    assert "Chưa có vướng mắc nào được nêu." in page


def test_the_home_pages_count_leads_to_the_obstacles_the_reviewer_answers(
    client, people, tree, campaign, obstacle_a1
):
    from campaign.pending import report_items
    from units.access import Scope

    # District A raised one of its own: the province answers it, not district A's reviewer,
    # who still sees it in the list.
    raise_obstacle(tree["DA"], campaign, people["officer_a"], subject="Của huyện A")
    reviewer = people["reviewer_a"]
    [item] = [
        i for i in report_items(Scope(reviewer), timezone.localdate()) if "vướng" in i["title"]
    ]
    assert item["title"].startswith("Có 1 vướng mắc chờ trả lời")
    client.force_login(reviewer)
    assert listed(client.get(item["url"])) == ["A1"]
    assert listed(client.get(reverse("campaign:obstacle_list"), {"status": "open"})) == ["A1", "DA"]


def test_the_home_pages_count_names_the_overdue_only_when_there_are_some(
    people, tree, campaign, obstacle_a1
):
    from campaign.pending import report_items
    from units.access import Scope

    def title():
        items = report_items(Scope(people["reviewer_a"]), timezone.localdate())
        return next(i["title"] for i in items if "vướng" in i["title"])

    # It read "Có 1 vướng mắc chờ trả lời, 0 quá hạn".
    assert title() == "Có 1 vướng mắc chờ trả lời"
    late = raise_obstacle(tree["A2"], campaign, people["officer_a"], subject="Quá hạn")
    Obstacle.objects.filter(pk=late.pk).update(
        answer_by=timezone.localdate() - datetime.timedelta(1)
    )
    assert title() == "Có 2 vướng mắc chờ trả lời, 1 quá hạn"


def test_an_answer_reaches_the_raiser_only_while_they_may_see_the_unit(
    client, tree, people, obstacle_a1
):
    # The raiser moved to B1: the obstacle's page is a 404 to them, and its answer reached
    # them by notice and e-mail all the same.
    raiser = obstacle_a1.raised_by
    Membership.objects.filter(user=raiser).delete()
    MembershipFactory(user=raiser, unit=tree["B1"], role=Membership.Role.OFFICER)
    client.force_login(people["reviewer_a"])
    answer = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.post(answer, {"answer": "Theo hướng dẫn số 5."})
    assert not Notice.objects.filter(recipient=raiser).exists()
    assert Notice.objects.filter(recipient=people["second_officer_a1"]).exists()


def test_raising_one_e_mails_the_reviewers_who_answer_it(
    client, tree, people, campaign, freeze, django_capture_on_commit_callbacks
):
    # The reviewers are to answer within ten working days, yet nothing told them an obstacle
    # had come: a submission e-mails them, an obstacle waited for someone to open the list.
    freeze(local(2026, 12, 7, 17, 10))
    client.force_login(people["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    # District A's reviewer answers A1's obstacles: the province's and B's are not told.
    [sent] = mail.outbox
    assert sent.to == [people["reviewer_a"].email]
    assert sent.subject == "[CĐCS A1] Vướng mắc mới: Cách tính số người tham dự"
    link = settings.SITE_URL.rstrip("/") + reverse("campaign:obstacle_detail", args=[obstacle.pk])
    assert sent.body.strip() == (
        "CĐCS A1 đã nêu một vướng mắc lúc 17:10 07/12/2026:\n"
        "\n"
        "Cách tính số người tham dự\n"
        "Một người dự hai buổi thì tính một hay hai lượt?\n"
        "\n"
        f"Kế hoạch phát động: {campaign.reference}\n"
        f"Người nêu: {people['officer_a1']}\n"
        f"Hạn trả lời: {obstacle.answer_by:%d/%m/%Y}\n"
        "\n"
        f"Trả lời tại: {link}\n"
        "\n"
        "Thư này được gửi tự động từ Cổng theo dõi tuyên truyền CCHC của Liên đoàn Lao động "
        "tỉnh Vĩnh Long."
    )
    # Like a submission, it leaves the reviewers no notice: it waits in their list.
    assert not Notice.objects.exists()


def test_an_obstacle_whose_reviewers_have_no_e_mail_address_is_raised_all_the_same(
    client, tree, people, campaign, django_capture_on_commit_callbacks
):
    people["reviewer_a"].email = ""
    people["reviewer_a"].save(update_fields=["email"])
    client.force_login(people["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, form_data(tree["A1"], campaign))
    assert response.status_code == 302
    # The nearest reviewers reachable by e-mail, as for a submission: the province's.
    assert [message.to for message in mail.outbox] == [[people["cspl"].email]]


def test_the_answers_e_mail_says_who_answered_and_when(
    client, tree, people, obstacle_a1, freeze, django_capture_on_commit_callbacks
):
    # The unit read that its obstacle "has been answered", but not by whom: a question about
    # the answer had nobody to go to.
    freeze(local(2026, 12, 8, 14, 5))
    Unit.objects.filter(pk=obstacle_a1.unit_id).update(
        name="Công đoàn cơ sở A1 đầy đủ", short_name="CĐCS A1"
    )
    client.force_login(people["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
            {"answer": "Tính hai lượt."},
        )
    sent = [m for m in mail.outbox if m.to == [people["officer_a1"].email]]
    assert len(sent) == 1
    assert (
        f"\nTính hai lượt.\n\nNgười trả lời: {people['reviewer_a']}, lúc 14:05 08/12/2026.\n"
        in (sent[0].body)
    )
    # Named as every other subject names a unit: by its short name when it has one.
    assert sent[0].subject.startswith("[CĐCS A1] ")


def close_as(client, user, obstacle):
    client.force_login(user)
    return client.post(reverse("campaign:obstacle_close", args=[obstacle.pk]))


def test_a_reviewer_closing_an_obstacle_e_mails_the_units_officers(
    client, people, obstacle_a1, freeze, django_capture_on_commit_callbacks
):
    # Closing told nobody: the unit learned its question was settled for it only by
    # opening the obstacle again.
    answered(obstacle_a1, people["reviewer_a"])
    freeze(local(2026, 12, 9, 8, 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = close_as(client, people["reviewer_a"], obstacle_a1)
    assert response.status_code == 302
    # A1's two officers (the one who raised it among them); not the reviewer who closed it.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["officer_a1"].email, people["second_officer_a1"].email]
    )
    # A notice each too, as every e-mailed event leaves: it reaches an officer without an
    # e-mail address.
    told = Notice.objects.filter(kind=Notice.Kind.OBSTACLE_CLOSED).order_by("recipient__pk")
    assert [notice.recipient for notice in told] == sorted(
        [people["officer_a1"], people["second_officer_a1"]], key=lambda user: user.pk
    )
    with translation.override("vi"):
        assert told[0].text == (
            f"{people['reviewer_a']} đã đóng vướng mắc “{obstacle_a1.subject}” của "
            f"{obstacle_a1.unit.name}"
        )
    sent = mail.outbox[0]
    assert sent.subject == f"[CĐCS A1] Vướng mắc đã được đóng: {obstacle_a1.subject}"
    link = settings.SITE_URL.rstrip("/") + obstacle_a1.get_absolute_url()
    raised = timezone.localtime(obstacle_a1.raised_at).strftime("%d/%m/%Y")
    assert sent.body.strip() == (
        f"Vướng mắc “{obstacle_a1.subject}” do CĐCS A1 nêu ngày {raised} đã được đóng.\n"
        f"Người đóng: {people['reviewer_a']}, lúc 08:30 09/12/2026.\n"
        "\n"
        f"Kế hoạch phát động: {obstacle_a1.campaign.reference}\n"
        "\n"
        f"Xem trên cổng thông tin: {link}\n"
        "\n"
        "Thư này được gửi tự động từ Cổng theo dõi tuyên truyền CCHC của Liên đoàn Lao động "
        "tỉnh Vĩnh Long."
    )


def test_the_closing_reaches_whom_the_answer_reaches_but_the_closer(
    client, tree, people, campaign, django_capture_on_commit_callbacks
):
    # The one who raised it holds a reviewer's role above A1 too, and closes it: they are
    # not told of their own act; A1's officers are. The one who raised another obstacle and
    # moved to B1 since is told of neither its answer nor its closing.
    both = people["officer_a1"]
    MembershipFactory(user=both, unit=tree["DA"], role=Membership.Role.REVIEWER)
    own = answered(raise_obstacle(tree["A1"], campaign, both), people["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, both, own)
    assert [m.to for m in mail.outbox] == [[people["second_officer_a1"].email]]
    mail.outbox.clear()
    mover = UserFactory(username="moved_to_b1")
    MembershipFactory(user=mover, unit=tree["A1"], role=Membership.Role.OFFICER)
    left = answered(raise_obstacle(tree["A1"], campaign, mover), people["cspl"])
    Membership.objects.filter(user=mover).update(unit=tree["B1"])
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, people["cspl"], left)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [both.email, people["second_officer_a1"].email]
    )


def test_the_unit_closing_its_own_obstacle_e_mails_nobody(
    client, people, obstacle_a1, django_capture_on_commit_callbacks
):
    # It settled the question itself: its officers need no telling, the reviewers moved on.
    answered(obstacle_a1, people["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = close_as(client, people["second_officer_a1"], obstacle_a1)
    assert response.status_code == 302
    assert Obstacle.objects.get(pk=obstacle_a1.pk).status == S.CLOSED
    assert mail.outbox == []


def test_the_unit_closing_its_own_obstacle_tells_the_reviewer_who_answered_in_the_portal(
    client, people, obstacle_a1, freeze
):
    # The reviewer who answered learned nothing: the obstacle just left their list, and
    # whether the answer had settled the question, or the unit had given up, was unsaid.
    answered(obstacle_a1, people["reviewer_a"])
    closed_at = freeze(local(2026, 12, 9, 8, 30))
    close_as(client, people["second_officer_a1"], obstacle_a1)
    notice = Notice.objects.get()
    assert notice.recipient == people["reviewer_a"]
    assert notice.kind == Notice.Kind.OBSTACLE_CLOSED
    assert notice.created_at == closed_at and notice.unit == obstacle_a1.unit
    with translation.override("vi"):
        assert notice.text == (
            f"CĐCS A1 đã đóng vướng mắc “{obstacle_a1.subject}” mà bạn đã trả lời"
        )
    # The bell's link opens the obstacle's page for them.
    client.force_login(people["reviewer_a"])
    opened = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert opened["Location"] == obstacle_a1.get_absolute_url()
    assert client.get(opened["Location"]).status_code == 200


def test_another_reviewer_closing_it_tells_the_reviewer_who_answered_in_the_portal(
    client, people, obstacle_a1, freeze, django_capture_on_commit_callbacks
):
    # The CSPL board answered; district A's reviewer closed it. The unit was e-mailed, the
    # answerer told nothing, as before a unit closing its own told them.
    answered(obstacle_a1, people["cspl"])
    closed_at = freeze(local(2026, 12, 9, 8, 30))
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, people["reviewer_a"], obstacle_a1)
    notice = Notice.objects.get(recipient=people["cspl"])
    assert notice.kind == Notice.Kind.OBSTACLE_CLOSED
    assert notice.created_at == closed_at and notice.unit == obstacle_a1.unit
    with translation.override("vi"):
        assert notice.text == (
            f"{people['reviewer_a']} đã đóng vướng mắc “{obstacle_a1.subject}” của CĐCS A1 "
            "mà bạn đã trả lời"
        )
    # A notice, not an e-mail: nothing is asked of them; the unit's e-mails are unchanged.
    assert people["cspl"].email not in [address for m in mail.outbox for address in m.to]
    assert mail.outbox
    client.force_login(people["cspl"])
    opened = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert opened["Location"] == obstacle_a1.get_absolute_url()


@pytest.mark.parametrize("case", ["reviewer_closes", "answerer_moved", "answerer_inactive"])
def test_no_closing_notice_when_a_reviewer_closes_or_the_answerer_cannot_read_it(
    client, tree, people, obstacle_a1, case
):
    answered(obstacle_a1, people["reviewer_a"])
    closer = people["second_officer_a1"]
    if case == "reviewer_closes":
        closer = people["reviewer_a"]  # their own act; the unit is e-mailed instead
    elif case == "answerer_moved":
        # Moved to district B since: the obstacle's page is a 404 to them now.
        Membership.objects.filter(user=people["reviewer_a"]).update(unit=tree["DB"])
    else:
        people["reviewer_a"].is_active = False
        people["reviewer_a"].save()
    assert close_as(client, closer, obstacle_a1).status_code == 302
    assert not Notice.objects.filter(recipient=people["reviewer_a"]).exists()


def test_closing_a_closed_obstacle_again_e_mails_nobody_again(
    client, people, obstacle_a1, django_capture_on_commit_callbacks
):
    answered(obstacle_a1, people["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, people["cspl"], obstacle_a1)
        close_as(client, people["reviewer_a"], obstacle_a1)
    assert len(mail.outbox) == 2  # A1's two officers, once


def breadcrumb_to_list(page):
    """Where the page's breadcrumb leads back to the list of obstacles."""
    [crumb] = re.findall(r'<li class="breadcrumb-item"><a href="([^"]*)">Vướng mắc</a>', page)
    return html.unescape(crumb)


def test_an_obstacle_opened_from_a_filtered_list_leads_back_to_it(client, tree, people, everywhere):
    # The breadcrumb led to the list unfiltered: a reviewer answering the open obstacles of
    # the grassroots unions one by one had to set the filters again after each.
    client.force_login(people["cspl"])
    with translation.override("vi"):
        client.get(LIST, {"kind": "grassroots", "status": S.OPEN})
        detail = everywhere["A1"].get_absolute_url()
        url = breadcrumb_to_list(client.get(detail).content.decode())
        assert url.startswith(LIST + "?")
        assert QueryDict(url.split("?", 1)[1]) == QueryDict("kind=grassroots&status=open")
        # After answering it, the page it lands on still leads back there.
        answer = reverse("campaign:obstacle_answer", args=[everywhere["A1"].pk])
        landed = client.post(answer, {"answer": "Tính theo lượt người."}, follow=True)
        assert breadcrumb_to_list(landed.content.decode()) == url
        # The list opened afresh is the way back from then on.
        client.get(LIST)
        assert breadcrumb_to_list(client.get(detail).content.decode()) == LIST


def test_a_list_filtered_to_nothing_offers_to_clear_its_filters(client, people, everywhere):
    client.force_login(people["cspl"])
    with translation.override("vi"):
        page = client.get(LIST, {"status": S.CLOSED}).content.decode()
    assert f'<a href="{LIST}">Bỏ các bộ lọc</a>' in page
