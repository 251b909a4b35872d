""" "Đã gửi": everything the officer's units have sent, its state and who acted last."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import workflow
from campaign.models import IndicatorValue, Obstacle, Period
from campaign.sent import sent_items
from tests.factories import MembershipFactory
from units.access import Scope
from units.models import Membership

HOME = reverse("units:home")
SENT = reverse("campaign:sent_list")


def keep_open(report):
    """A past year's report with its figure filled in, kept open for filing as a reviewer's
    reopening would: ready to submit."""
    Period.objects.filter(pk=report.period_id).update(locks_on="2100-01-01")
    report.period.refresh_from_db()
    for indicator in report.campaign.indicators.all():
        IndicatorValue.objects.create(report=report, indicator=indicator, int_value=3)
    return report


@pytest.fixture
def obstacle_a1(cast, tree, campaign):
    return Obstacle.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        subject="Chưa có tài liệu tuyên truyền",
        text="Đề nghị cấp trên gửi tài liệu.",
        raised_by=cast["officer_a1"],
    )


def test_a_draft_is_not_sent_yet(cast, plan_a1):
    assert sent_items(Scope(cast["officer_a1"])) == []


def test_a_submitted_plan_is_listed_with_its_state_and_who_submitted_it(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    [item] = sent_items(Scope(cast["officer_a1"]))
    assert item["kind"] == "plan"
    assert item["status"] == "submitted"
    assert item["actor"] == cast["officer_a1"]
    assert item["url"] == plan_a1.get_absolute_url()
    client.force_login(cast["officer_a1"])
    html = client.get(HOME).content.decode()
    assert 'id="sent"' in html
    assert f'href="{plan_a1.get_absolute_url()}"' in html
    assert "Đã gửi lúc" in html
    assert f"người thực hiện: {cast['officer_a1']}" in html


def test_after_a_return_the_reviewer_is_the_last_to_have_acted(cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Bổ sung bản quét")
    [item] = sent_items(Scope(cast["officer_a1"]))
    assert item["status"] == "returned"
    assert item["action"] == "Bị trả lại"
    assert item["actor"] == cast["reviewer_a"]


def test_a_reopened_plan_is_labelled_reopened_not_returned(cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    workflow.submission_reopen(plan_a1, user=cast["reviewer_a"], reason="Bổ sung lịch")
    [item] = sent_items(Scope(cast["officer_a1"]))
    assert (item["status_label"], item["action"]) == ("Mở lại", "Đã mở lại")


def test_plans_reports_and_obstacles_come_newest_first(
    cast, tree, campaign, plan_a1, obstacle_a1, report_factory
):
    report = keep_open(report_factory(tree["A1"], campaign, 2016))
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_submit(report, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    items = sent_items(Scope(cast["officer_a1"]))
    assert [item["kind"] for item in items] == ["plan", "report", "obstacle"]
    assert items[0]["status"] == "accepted"
    assert items[2]["title"] == f"Vướng mắc: {obstacle_a1.subject}"
    assert items[2]["actor"] == cast["officer_a1"]
    assert [item["at"] for item in items] == sorted((item["at"] for item in items), reverse=True)


def test_a_closed_obstacle_names_who_closed_it(cast, obstacle_a1):
    closed = timezone.now()
    Obstacle.objects.filter(pk=obstacle_a1.pk).update(
        status=Obstacle.Status.CLOSED,
        answer="Đã gửi tài liệu.",
        answered_by=cast["cspl"],
        answered_at=closed,
        closed_by=cast["officer_a1"],
        closed_at=closed,
    )
    [item] = sent_items(Scope(cast["officer_a1"]))
    assert (item["action"], item["actor"], item["at"]) == ("Đã đóng", cast["officer_a1"], closed)


def test_another_units_submissions_are_not_listed(cast, plan_a1, plan_b1):
    workflow.submission_submit(plan_b1, user=cast["officer_b1"])
    assert sent_items(Scope(cast["officer_a1"])) == []
    assert [i["url"] for i in sent_items(Scope(cast["officer_b1"]))] == [plan_b1.get_absolute_url()]


def test_a_plan_the_officer_submitted_for_a_unit_below_is_listed(
    cast, tree, campaign, plan_factory
):
    # The district's officer files for its grassroots union that has no officer of its own.
    plan_a2 = plan_factory(tree["A2"], campaign, cast["officer_a"])
    workflow.submission_submit(plan_a2, user=cast["officer_a"])
    assert [i["url"] for i in sent_items(Scope(cast["officer_a"]))] == [plan_a2.get_absolute_url()]


def test_a_reviewer_without_an_officer_role_has_no_sent_box(client, cast, plan_a1):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    client.force_login(cast["reviewer_a"])
    assert 'id="sent"' not in client.get(HOME).content.decode()


def test_the_sent_page_lists_everything_with_a_fixed_number_of_queries(
    client, cast, tree, campaign, plan_factory, report_factory, django_assert_max_num_queries
):
    officer = cast["officer_a"]
    for year in range(2015, 2023):
        report = keep_open(report_factory(tree["DA"], campaign, year))
        workflow.submission_submit(report, user=officer)
    for unit in ("DA", "A2"):  # its own plan, and one for a unit with no officer of its own
        workflow.submission_submit(plan_factory(tree[unit], campaign, officer), user=officer)
    client.force_login(officer)
    # Session and user, memberships, plans, reports, obstacles, the last steps, and the
    # content types on first use.
    with django_assert_max_num_queries(9):
        response = client.get(SENT)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 10
    html = response.content.decode()
    assert html.count('class="list-group-item') == 10


def test_the_sent_page_speaks_to_someone_without_an_officer_role(client, cast):
    client.force_login(cast["standing"])
    response = client.get(SENT)
    assert "Bạn không giữ vai trò cán bộ" in response.content.decode()


def test_the_sent_page_needs_a_login(client):
    response = client.get(SENT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_what_the_user_sent_leaves_the_list_with_its_unit_leaving_their_scope(
    client, cast, tree, plan_a1, obstacle_a1
):
    # The officer moved from A1 to B1: A1's plan and obstacle are 404 to them now, and the
    # list showed their titles, states and the reviewer's name with links to those 404s.
    officer = cast["officer_a1"]
    workflow.submission_submit(plan_a1, user=officer)
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason="Thiếu chữ ký")
    assert {item["kind"] for item in sent_items(Scope(officer))} == {"plan", "obstacle"}
    Membership.objects.filter(user=officer, unit=tree["A1"]).delete()
    MembershipFactory(user=officer, unit=tree["B1"], role=Membership.Role.OFFICER)
    assert sent_items(Scope(officer)) == []
    client.force_login(officer)
    assert client.get(plan_a1.get_absolute_url()).status_code == 404
    page = client.get(SENT).content.decode()
    assert plan_a1.get_absolute_url() not in page and obstacle_a1.subject not in page


def test_the_sent_page_names_a_campaign_every_item_shares_once(
    client, cast, campaign, plan_a1, obstacle_a1
):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    client.force_login(cast["officer_a1"])
    html = client.get(SENT).content.decode()
    assert html.count('class="list-group-item') == 2
    assert html.count(campaign.title) == 1
