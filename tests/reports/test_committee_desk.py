"""The Standing Committee's desk on the home page (reports.committee): where the campaign
stands in their area, the figures recounted independently; the summaries delivered to
them; what is new for them. Nobody without a viewer role gets it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, Notice, Plan, Status
from reports import committee, issuing, summary_tasks
from tests.factories import MembershipFactory, UserFactory
from tests.reports.recount import recounted
from tests.reports.summaries import YEAR, campaign_with_reports, make_summary
from units.models import Membership

Role = Membership.Role
HOME = reverse("units:home")


@pytest.fixture(autouse=True)
def today(world_clock, fresh_version):
    """10/01/2025: the 2024 reports are the ones being collected (summaries.py's YEAR)."""
    return world_clock


@pytest.fixture
def campaign(tree):
    campaign = campaign_with_reports(tree)
    # Plans: district A's accepted, grassroots A1's sent, B1's a draft.
    for code, status in [("DA", Status.ACCEPTED), ("A1", Status.SUBMITTED), ("B1", Status.DRAFT)]:
        # Sent in the campaign's first year: a year's figures count the plans sent by its
        # cut-off.
        sent = (
            None if status == Status.DRAFT else timezone.make_aware(datetime.datetime(2015, 7, 10))
        )
        Plan.objects.create(
            unit=tree[code],
            campaign=campaign,
            doc_number=f"1/KH-{code}",
            doc_date=datetime.date(2015, 7, 1),
            signer="Chủ tịch",
            summary="Triển khai tuyên truyền.",
            status=status,
            submitted_at=sent,
            first_submitted_at=sent,
        )
    return campaign


def desk_of(client, user):
    client.force_login(user)
    page = client.get(HOME).content.decode()
    if 'id="campaign-state"' not in page:
        return None
    return page.split('id="campaign-state"', 1)[1].split('id="my-units"', 1)[0]


def words(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_state_of_the_campaign_is_the_counting_rules_recounted(client, cast, tree, campaign):
    expected = recounted(tree, campaign)["headline"]
    submitted = expected["on_time"] + expected["late"]
    # Plans, counted here from the rows: the expected units whose plan was sent or accepted.
    plans_sent = Plan.objects.filter(campaign=campaign, first_submitted_at__isnull=False).count()
    plans_accepted = Plan.objects.filter(campaign=campaign, status=Status.ACCEPTED).count()
    assert (submitted, expected["included"], plans_sent, plans_accepted) == (4, 3, 2, 1)

    (state,) = committee.campaign_states(committee.Scope(cast["standing"]))
    assert (state.campaign, state.year, state.unit) == (campaign, YEAR, tree["PV"])
    assert state.figures.expected == expected["expected"]
    text = words(desk_of(client, cast["standing"]))
    assert (
        f"{submitted}/{expected['expected']} đơn vị đã gửi báo cáo năm, "
        f"{expected['included']} đã được chấp nhận; {plans_sent}/{expected['expected']} kế "
        f"hoạch đã gửi, {plans_accepted} đã được chấp nhận."
    ) in text
    assert f"Năm {YEAR} tại {tree['PV']}" in text
    dashboard = f"{reverse('reports:dashboard')}?campaign={campaign.pk}&amp;year={YEAR}"
    assert dashboard in desk_of(client, cast["standing"])


def test_the_desk_says_when_reports_are_due_and_links_to_the_units_behind(
    client, cast, tree, campaign, settings
):
    # 10/01/2025: the 2024 reports were due on 20/12/2024. Who is late is what the committee
    # asks first: the units that sent nothing, and those whose report came back.
    expected = recounted(tree, campaign)["headline"]
    assert (expected["missing"], expected["returned"], expected["late"]) == (2, 1, 1)
    part = desk_of(client, cast["standing"])
    text = words(part).replace(" ,", ",")  # a link's end tag before the comma
    assert (
        "Đã quá hạn nộp báo cáo năm (20/12/2024): 2 đơn vị chưa gửi báo cáo, 1 báo cáo bị "
        "trả lại để bổ sung, 1 báo cáo gửi trễ hạn."
    ) in text
    dashboard = f"{reverse('reports:dashboard')}?campaign={campaign.pk}&amp;year={YEAR}"
    query = f"unit={tree['PV'].pk}"
    assert f'{dashboard}&amp;{query}&amp;status=missing#grid"' in part
    assert f'{dashboard}&amp;{query}&amp;status=returned#grid"' in part
    # The list it opens holds those units.
    client.force_login(cast["standing"])
    listed = client.get(
        reverse("reports:dashboard"),
        {"campaign": campaign.pk, "year": YEAR, "unit": tree["PV"].pk, "status": "missing"},
    )
    assert listed.context["grid"]["total"] == expected["missing"]


def test_before_the_due_day_the_desk_gives_it_without_calling_anyone_late(
    client, cast, tree, campaign, freeze
):
    freeze(datetime.datetime(YEAR, 12, 1, 2, tzinfo=datetime.UTC))  # 09:00 in Viet Nam
    text = words(desk_of(client, cast["standing"]))
    assert "Hạn nộp báo cáo năm 20/12/2024: 2 đơn vị chưa gửi báo cáo" in text
    assert "quá hạn" not in text


def test_a_district_viewer_sees_the_districts_area(client, tree, campaign):
    viewer = UserFactory(username="viewer_a")
    MembershipFactory(user=viewer, unit=tree["DA"], role=Role.VIEWER)
    expected = recounted(tree, campaign, top="DA")["headline"]
    (state,) = committee.campaign_states(committee.Scope(viewer))
    assert state.unit == tree["DA"]
    assert (state.figures.expected, state.figures.included) == (
        expected["expected"],
        expected["included"],
    )


def test_a_viewer_role_inside_another_adds_no_line(cast, tree, campaign):
    MembershipFactory(user=cast["standing"], unit=tree["DA"], role=Role.VIEWER)
    states = committee.campaign_states(committee.Scope(cast["standing"]))
    assert [state.unit for state in states] == [tree["PV"]]


def test_newer_campaigns_that_ask_nobody_in_the_area_take_no_line(client, tree, campaign):
    # Three newer campaigns of district B's federation: nobody in district A is asked, and
    # they used to push this campaign, the one district A follows, off the desk.
    viewer = UserFactory(username="viewer_a")
    MembershipFactory(user=viewer, unit=tree["DA"], role=Role.VIEWER)
    for number in range(committee.MAX_CAMPAIGNS):
        Campaign.objects.create(
            slug=f"b-{number}",
            number=f"{number + 2}/KH-LĐLĐ B",
            title=f"Kế hoạch của huyện B {number}",
            issuer=tree["DB"],
            issued_on=campaign.issued_on + datetime.timedelta(days=30 + number),
            directive="Chỉ thị",
            first_year=campaign.first_year,
            plan_due_on=campaign.plan_due_on + datetime.timedelta(days=60),
            addressed_kinds=["grassroots"],
        )
    states = committee.campaign_states(committee.Scope(viewer))
    assert [(state.campaign, state.unit) for state in states] == [(campaign, tree["DA"])]


@pytest.mark.parametrize("name", ["officer_a1", "cspl", "reviewer_a", "outsider"])
def test_nobody_without_a_viewer_role_gets_the_desk(client, cast, campaign, name):
    assert desk_of(client, cast[name]) is None


def test_the_desk_lists_the_summaries_and_what_is_new(
    client, cast, tree, campaign, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(summary_tasks, "enqueue_render", lambda pk: None)
    standing = cast["standing"]
    part = desk_of(client, standing)
    assert "Chưa có báo cáo tổng hợp nào được gửi đến bạn." in part
    assert "Chưa có gì mới." in part

    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        issuing.summary_issue(summary=summary, user=cast["cspl"])
    summary.refresh_from_db()
    other = Notice.objects.create(
        recipient=standing,
        key="other-news",
        kind=Notice.Kind.ACCEPTED,
        unit=tree["PV"],
        url="/",
        params={"what": "plan", "unit": "Huyện A"},
    )
    part = desk_of(client, standing)
    assert 'id="summaries-issued"' in part
    assert summary.get_absolute_url() in part
    inbox, news = part.split('id="whats-new"', 1)
    assert "mới" in words(inbox.split('id="summaries-issued"', 1)[1])
    # The summary was also the newest line of "what is new", through its notice: it is
    # listed once, in the summaries' own section, and the other news stays.
    summary_notice = Notice.objects.get(recipient=standing, kind=Notice.Kind.SUMMARY_ISSUED)
    assert reverse("campaign:notice_open", args=[summary_notice.pk]) not in part
    assert f"báo cáo tổng hợp số {summary.number}" not in words(news)
    assert reverse("campaign:notice_open", args=[other.pk]) in news
    assert "chưa đọc" in words(news)
    assert part.count(summary.get_absolute_url()) == 1
    # The summaries' section is on the page once.
    client.force_login(standing)
    assert client.get(HOME).content.decode().count('id="summaries-issued"') == 1


def test_the_desk_costs_a_fixed_number_of_queries_once_the_figures_are_cached(
    client, cast, tree, campaign, django_assert_num_queries
):
    client.force_login(cast["standing"])
    client.get(HOME)  # the session and the rollup in the cache
    for n in range(20):
        Notice.objects.create(
            recipient=cast["standing"],
            key=f"n{n}",
            kind=Notice.Kind.ACCEPTED,
            unit=tree["PV"],
            url="/",
            params={"what": "plan", "unit": "X"},
        )
    # User, memberships (scope), the bell; the desk: the campaigns, the summaries delivered
    # (none: no count of the unread), the latest notices, the data version keying the cached
    # figures. A viewer has no pending work and the figures come from the cache.
    with django_assert_num_queries(7):
        response = client.get(HOME)
    assert len(re.findall(r'href="/notices/\d+/"', response.content.decode())) == 5


@pytest.mark.parametrize("areas", [("PV",), ("DA", "DB", "SE")])
def test_the_desk_costs_the_same_queries_for_one_area_or_several(
    client, tree, campaign, django_assert_num_queries, areas
):
    # A viewer of areas side by side, none inside another: one line for each, whose cached
    # figures are keyed by the data version read once for the page, not once a line.
    viewer = UserFactory(username="viewer_of_areas")
    for code in areas:
        MembershipFactory(user=viewer, unit=tree[code], role=Role.VIEWER)
    assert [state.unit for state in committee.campaign_states(committee.Scope(viewer))] == [
        tree[code] for code in areas
    ]
    client.force_login(viewer)
    client.get(HOME)  # the session and the rollups in the cache
    with django_assert_num_queries(7):  # as in the test above
        response = client.get(HOME)
    assert response.content.decode().count('href="/dashboard/?campaign=') >= len(areas)
