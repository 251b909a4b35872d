"""The reviewer queue: whose plans each reviewer sees, the filters, pages and query count."""

import datetime
import html
import re

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from campaign.listing import PAGE_SIZE
from campaign.models import Status
from tests.campaign.filings import file_plan
from units.models import Unit

S = Status
URL = reverse("campaign:review_queue")


@pytest.fixture
def filed(tree, cast, campaign, other_campaign, plan_factory):
    """Every unit below the province has submitted its plan for the first campaign; for the
    second, A1's plan is a draft and A2's and B1's are accepted."""
    officer = cast["officer_a1"]
    plans = {
        code: file_plan(plan_factory, tree[code], campaign, officer)
        for code in ("A1", "A2", "DA", "B1", "S1")
    }
    plans["A1 draft"] = file_plan(plan_factory, tree["A1"], other_campaign, officer, S.DRAFT)
    plans["A2 accepted"] = file_plan(plan_factory, tree["A2"], other_campaign, officer, S.ACCEPTED)
    plans["B1 accepted"] = file_plan(plan_factory, tree["B1"], other_campaign, officer, S.ACCEPTED)
    return plans


def listed(response):
    """The listed plans as (unit code, status), in page order."""
    assert response.status_code == 200
    return [(plan.unit.code, plan.status) for plan in response.context["page"].object_list]


def codes(response):
    return sorted(code for code, _status in listed(response))


def open_queue(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


# --- who sees what -------------------------------------------------------------------------------
def test_a_district_reviewer_sees_the_submitted_plans_of_its_grassroots_unions_only(
    client, cast, filed
):
    response = open_queue(client, cast["reviewer_a"])
    assert codes(response) == ["A1", "A2"]
    assert {status for _code, status in listed(response)} == {S.SUBMITTED}
    page = response.content.decode()
    assert "CĐCS A1" in page and "CĐCS B1" not in page


def test_the_cspl_board_sees_every_submitted_plan_below_the_province_with_districts_own(
    client, cast, filed
):
    response = open_queue(client, cast["cspl"])
    assert codes(response) == ["A1", "A2", "B1", "DA", "S1"]


@pytest.mark.parametrize("who", ["officer_a1", "officer_a", "officer_b1", "standing", "outsider"])
def test_only_reviewers_open_the_queue(client, cast, filed, who):
    assert open_queue(client, cast[who]).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, filed):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- filters --------------------------------------------------------------------------------------
def test_the_status_filter_shows_the_accepted_plans_when_asked(client, cast, filed):
    response = open_queue(client, cast["cspl"], status=S.ACCEPTED)
    assert sorted(listed(response)) == [("A2", S.ACCEPTED), ("B1", S.ACCEPTED)]


def test_only_the_plans_waiting_for_review_are_ticked_to_be_reviewed_together(client, cast, filed):
    # An accepted or returned plan cannot be accepted or returned again: no tick, and the
    # page's title says what it lists.
    with translation.override("vi"):
        waiting = open_queue(client, cast["cspl"]).content.decode()
        accepted = open_queue(client, cast["cspl"], status=S.ACCEPTED).content.decode()
        reports = client.get(reverse("campaign:report_queue"), {"status": "returned"})
    assert 'name="item"' in waiting and "Kế hoạch chờ xem xét" in waiting
    assert 'name="item"' not in accepted and "chờ xem xét" not in accepted
    assert "formaction=" in waiting and "formaction=" not in accepted
    page = reports.content.decode()
    assert "<h1" in page and "chờ xem xét</h1>" not in page and 'name="item"' not in page


def test_an_empty_status_shows_plans_in_any_status_within_the_reviewers_subtree(
    client, cast, filed
):
    response = open_queue(client, cast["reviewer_a"], status="")
    assert sorted(listed(response)) == [
        ("A1", S.DRAFT),
        ("A1", S.SUBMITTED),
        ("A2", S.ACCEPTED),
        ("A2", S.SUBMITTED),
    ]
    assert len(listed(open_queue(client, cast["cspl"], status=""))) == len(filed)


def test_the_kind_filter_keeps_plans_of_that_kind_of_unit(client, cast, filed):
    assert codes(open_queue(client, cast["cspl"], kind="district")) == ["DA"]
    assert codes(open_queue(client, cast["cspl"], kind="grassroots")) == ["A1", "A2", "B1", "S1"]


def test_the_parent_filter_keeps_the_units_below_that_parent(client, tree, cast, filed):
    response = open_queue(client, cast["cspl"], parent=tree["DA"].pk)
    assert codes(response) == ["A1", "A2"]


def test_the_parent_choices_are_the_upper_units_the_reviewer_reaches(client, tree, cast, filed):
    field = open_queue(client, cast["reviewer_a"]).context["filter"].form.fields["parent"]
    assert list(field.queryset) == [tree["DA"]]
    field = open_queue(client, cast["cspl"]).context["filter"].form.fields["parent"]
    assert [unit.code for unit in field.queryset] == ["PV", "DA", "DB", "SE"]


def test_the_parent_choices_leave_out_an_upper_unit_whose_subtree_closed(client, tree, cast, filed):
    # District B and its union closed (as Bến Tre's old province, all of whose units
    # closed): the queue leaves their plans out, so "under district B" always listed nothing.
    tree["B1"].close(datetime.date(2025, 7, 1))
    tree["DB"].close(datetime.date(2025, 7, 1))
    field = open_queue(client, cast["cspl"]).context["filter"].form.fields["parent"]
    # Recounted from the tree: units with a unit open below them.
    today = timezone.localdate()
    with_open_units_below = [
        unit.code
        for unit in tree.values()
        if any(
            other.path.startswith(unit.path) and other.pk != unit.pk and other.is_open_on(today)
            for other in type(unit).objects.all()
        )
    ]
    assert sorted(unit.code for unit in field.queryset) == sorted(with_open_units_below)
    assert "DB" not in with_open_units_below
    # A reviewer whose only role is at a unit that closed reviews nothing: nothing offered.
    tree["DA"].close(datetime.date(2025, 7, 1))
    field = open_queue(client, cast["reviewer_a"]).context["filter"].form.fields["parent"]
    assert list(field.queryset) == []


@pytest.mark.parametrize("parent", ["DB", "A1", "missing", "not-a-number"])
def test_a_parent_outside_the_choices_lists_nothing_and_says_why(client, tree, cast, filed, parent):
    # django-filter on its own would drop the invalid field and list the whole scope.
    value = {"missing": 999_999, "not-a-number": "x"}.get(parent) or tree[parent].pk
    response = open_queue(client, cast["reviewer_a"], parent=value)
    assert response.status_code == 200
    assert "parent" in response.context["filter"].form.errors
    assert listed(response) == []
    page = response.content.decode()
    assert "LĐLĐ huyện B" not in page and "CĐCS B1" not in page


def test_an_unknown_status_lists_nothing_and_says_why(client, cast, filed):
    response = open_queue(client, cast["cspl"], status="lost")
    assert "status" in response.context["filter"].form.errors
    assert listed(response) == []


def test_the_campaign_filter_keeps_that_campaigns_plans(client, cast, filed, other_campaign):
    response = open_queue(client, cast["cspl"], campaign=other_campaign.pk, status="")
    assert sorted(listed(response)) == [("A1", S.DRAFT), ("A2", S.ACCEPTED), ("B1", S.ACCEPTED)]


def test_filters_combine(client, tree, cast, filed, other_campaign):
    response = open_queue(
        client,
        cast["cspl"],
        parent=tree["DA"].pk,
        status="",
        kind="grassroots",
        campaign=other_campaign.pk,
    )
    assert sorted(listed(response)) == [("A1", S.DRAFT), ("A2", S.ACCEPTED)]


# --- pages and queries ----------------------------------------------------------------------------
def many_plans(tree, cast, campaign, plan_factory, unit_factory, count):
    """`count` submitted plans, on grassroots unions added under districts A and B."""
    for n in range(count):
        parent = tree["DA"] if n % 2 else tree["DB"]
        unit = unit_factory.create(parent=parent)
        file_plan(plan_factory, unit, campaign, cast["officer_a"])


def test_the_queue_sorted_by_unit_name_follows_the_vietnamese_alphabet(client, tree, cast, filed):
    # By code point "Ấp Bắc" and "Đồng Khởi" came after "Zô".
    names = {"A1": "Ấp Bắc", "A2": "Dung", "DA": "Đồng Khởi", "B1": "Zô", "S1": "An Bình"}
    for code, name in names.items():
        Unit.objects.filter(pk=tree[code].pk).update(name=name)
    response = open_queue(client, cast["cspl"], sort="unit")
    listed = [plan.unit.name for plan in response.context["page"]]
    assert listed == ["An Bình", "Ấp Bắc", "Dung", "Đồng Khởi", "Zô"]


def test_the_queue_is_paginated_and_the_pages_keep_the_filters(
    client, tree, cast, campaign, plan_factory, unit_factory
):
    assert PAGE_SIZE == 25
    many_plans(tree, cast, campaign, plan_factory, unit_factory, 30)
    first = open_queue(client, cast["cspl"], kind="grassroots")
    assert len(listed(first)) == 25
    [link] = re.findall(r'href="\?([^"]*)"', first.content.decode())
    query = QueryDict(html.unescape(link))
    assert (query["kind"], query["status"], query["page"]) == ("grassroots", S.SUBMITTED, "2")
    second = client.get(URL, query)
    assert len(listed(second)) == 5
    assert not {p.pk for p in first.context["page"]} & {p.pk for p in second.context["page"]}


def test_a_page_past_the_end_shows_the_last_page(
    client, tree, cast, campaign, plan_factory, unit_factory
):
    many_plans(tree, cast, campaign, plan_factory, unit_factory, 30)
    assert len(listed(open_queue(client, cast["cspl"], page=99))) == 5


# (The session comes from the cache.) User, the reviewer's memberships (scope), the count for the
# paginator, the page of plans with unit, campaign and activity count, and the choices of the
# parent and campaign filters; the bell's unread notices.
QUEUE_QUERIES = 7


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_costs_the_same_queries_whatever_the_number_of_plans(
    client, tree, cast, campaign, plan_factory, unit_factory, django_assert_num_queries, count
):
    many_plans(tree, cast, campaign, plan_factory, unit_factory, count)
    client.force_login(cast["cspl"])
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(URL)
    assert len(listed(response)) == min(count, PAGE_SIZE)
    assert all(plan.activity_count == 1 for plan in response.context["page"])


@pytest.mark.parametrize("name", ["campaign:review_queue", "campaign:report_queue"])
def test_an_empty_queue_says_nothing_waits_unless_the_reader_filtered_it(client, cast, name):
    # After a reviewer cleared the queue, "nothing matches these filters" read as if they
    # had filtered something away.
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        empty = client.get(reverse(name)).content.decode()
        filtered = client.get(reverse(name), {"kind": Unit.Kind.SECTOR}).content.decode()
    what = "kế hoạch" if name == "campaign:review_queue" else "báo cáo"
    assert f"Không có {what} nào đang chờ bạn xem xét." in empty
    assert "khớp với bộ lọc" not in empty
    assert f"Không có {what} nào chờ bạn xem xét khớp với bộ lọc này." in filtered


# --- the way back to the queue ----------------------------------------------------------------
def back_links(page: str, url: str) -> list[QueryDict]:
    """The query strings of the links to `url` (the queue's own path, nothing after it but
    a query string) in `page`'s breadcrumb and its "next waiting" box: the page's own way
    back (the menu's link opens the queue afresh)."""
    own = "".join(
        re.findall(
            r'<ol class="breadcrumb">.*?</ol>|<div[^>]*id="next-waiting".*?</div>', page, re.S
        )
    )
    return [
        QueryDict(html.unescape(query))
        for query in re.findall(rf'href="{re.escape(url)}(?:\?([^"#]*))?"', own)
    ]


def test_a_plan_opened_from_a_filtered_queue_leads_back_to_it_as_the_reviewer_left_it(
    client, tree, cast, campaign, plan_factory, unit_factory
):
    # The plan's breadcrumb led to the campaign and its "queue" link to the queue's first
    # page unfiltered: a reviewer working through the grassroots unions sorted by name, on
    # page 2, started again from the top of everything after each plan.
    many_plans(tree, cast, campaign, plan_factory, unit_factory, 30)
    left = {"kind": "grassroots", "sort": "unit", "page": "2"}
    listed_there = open_queue(client, cast["cspl"], **left).context["page"].object_list
    plan = listed_there[0]
    page = client.get(plan.get_absolute_url()).content.decode()
    links = back_links(page, URL)
    assert links and all(
        (query.get("kind"), query.get("sort"), query.get("page")) == ("grassroots", "unit", "2")
        for query in links
    )
    # The link leads to the same rows.
    again = client.get(URL, links[0])
    assert list(again.context["page"].object_list) == list(listed_there)


def test_the_queue_opened_without_filters_is_the_way_back_after_it(client, cast, filed):
    client.force_login(cast["cspl"])
    client.get(URL, {"kind": "grassroots"})
    client.get(URL)
    page = client.get(filed["A1"].get_absolute_url()).content.decode()
    assert back_links(page, URL) and all(not query for query in back_links(page, URL))


def test_an_annual_report_opened_from_a_filtered_queue_leads_back_to_it(
    client, tree, cast, campaign, report_factory, today
):
    queue = reverse("campaign:report_queue")
    reports = [
        report_factory(tree[code], campaign, today.year - 1, status=S.SUBMITTED)
        for code in ("A1", "A2", "B1")
    ]
    client.force_login(cast["cspl"])
    client.get(queue, {"parent": tree["DA"].pk, "sort": "recent"})
    page = client.get(reports[0].get_absolute_url()).content.decode()
    links = back_links(page, queue)
    assert links and all(
        (query.get("parent"), query.get("sort")) == (str(tree["DA"].pk), "recent")
        for query in links
    )
    with translation.override("vi"):
        page = client.get(reports[0].get_absolute_url()).content.decode()
    # The breadcrumb names the queue, not the officers' list of reports.
    assert "Xem xét: báo cáo năm</a>" in page


def test_reopening_the_queue_as_it_was_left_writes_nothing_more(
    client, tree, cast, campaign, plan_factory, unit_factory, django_assert_num_queries
):
    many_plans(tree, cast, campaign, plan_factory, unit_factory, 3)
    client.force_login(cast["cspl"])
    client.get(URL, {"kind": "grassroots"})
    with django_assert_num_queries(QUEUE_QUERIES):
        client.get(URL, {"kind": "grassroots"})


@pytest.mark.parametrize("name", ["campaign:review_queue", "campaign:report_queue"])
def test_a_queue_filtered_to_nothing_offers_to_clear_its_filters(client, cast, name):
    # On a phone the filters fold behind a button: the empty list said nothing matched and
    # left the reviewer to find the way to widen it.
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        empty = client.get(reverse(name)).content.decode()
        filtered = client.get(reverse(name), {"kind": Unit.Kind.SECTOR}).content.decode()
        other = client.get(reverse(name), {"status": S.ACCEPTED}).content.decode()
    clear = f'<a href="{reverse(name)}">Bỏ các bộ lọc</a>'
    assert clear not in empty
    assert clear in filtered and clear in other


def test_the_report_queue_names_each_report_s_campaign(
    client, tree, cast, campaign, other_campaign, report_factory, today
):
    # With two campaigns one unit has two reports of a year; the plans' queue said whose
    # campaign each plan was, the reports' queue only the unit and the year.
    for each in (campaign, other_campaign):
        report_factory(tree["A1"], each, today.year - 1, status=S.SUBMITTED)
    client.force_login(cast["cspl"])

    with translation.override("vi"):
        page = client.get(reverse("campaign:report_queue")).content.decode()

    named = re.findall(r'data-label="Kế hoạch phát động">([^<]*)</td>', page)
    assert sorted(html.unescape(name) for name in named) == sorted(
        [campaign.reference, other_campaign.reference]
    )
