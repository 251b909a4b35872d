"""Who files, is reminded, is told and is counted for the units of a district federation
ended by a reorganisation, as on 1 July 2025: a commune union takes its grassroots unions,
the district's people keep their roles there, read-only (README, "The tree over time").

One rule decides who files for a unit (units.access, FILE): its own officers, else officers
of an open unit above it. Reminders, review steps and obstacle answers reach those people
(campaign.notifications.filers: the nearest of them), never a role left at the ended unit.
"""

import datetime

import pytest
from django.urls import reverse

from campaign import notifications
from campaign.models import AnnualReport, Notice, Obstacle, Status
from campaign.pending import report_items
from campaign.reminders import outstanding_units
from tests.campaign.filings import make_report
from tests.campaign.obstacle_data import raise_obstacle
from tests.factories import MembershipFactory, UserFactory
from units.access import Scope
from units.models import Membership, Unit, User
from units.reorganisations import reorganisation_apply

JULY = datetime.date(2025, 7, 1)
TODAY = datetime.date(2026, 12, 5)  # a fortnight before the 2026 reports are due
Role = Membership.Role


@pytest.fixture
def today(freeze):
    """Today is TODAY, 09:00 in Viet Nam, for the portal's every read of the time."""
    freeze.on(TODAY)
    return TODAY


@pytest.fixture
def ended(tree, cast, campaign, reorganise, admin_user, today):
    """District A ended on 1 July 2025; commune union CA took A1 and A2. Its officer and
    reviewer kept their roles at DA and were given none at CA."""
    act = reorganise(
        JULY,
        {"action": "create", "code": "CA", "name": "Công đoàn xã A", "kind": "commune",
         "target_code": "PV"},
        {"action": "split", "unit_code": "DA", "target_code": "CA", "children_codes": "A1,A2"},
    )  # fmt: skip
    reorganisation_apply(reorganisation=act, user=admin_user)
    units = {code: Unit.objects.get(code=code) for code in ("PV", "DA", "CA", "A1", "A2")}
    assert not units["DA"].is_open_on(today) and units["A2"].path.startswith(units["CA"].path)
    return units


def may_file(unit):
    """Everyone the access rule lets file for `unit`, asked user by user."""
    return {user for user in User.objects.filter(is_active=True) if Scope(user).can_file_for(unit)}


def test_a_grassroots_union_of_the_ended_district_has_nobody_until_its_commune_has_an_officer(
    client, ended, cast, campaign, today
):
    # A2 has no officer: DA's officer filed for it; since DA ended, nobody may, nobody is
    # reminded, and the reviewers' list says so. That is the list being right, not wrong.
    a2 = ended["A2"]
    assert not Scope(cast["officer_a"]).can_file_for(a2)
    assert may_file(a2) == set()
    assert notifications.filers([a2], today) == {}
    client.force_login(cast["cspl"])
    page = client.get(reverse("campaign:late_units"), {"what": "report", "year": 2026})
    row = next(row for row in page.context["rows"] if row.pk == a2.pk)
    assert row.officer_count == 0 and not getattr(row, "on_behalf", False)
    # The commune's new officer files for it, and is the one reminded.
    commune_officer = UserFactory(username="officer_ca")
    MembershipFactory(user=commune_officer, unit=ended["CA"], role=Role.OFFICER)
    assert may_file(a2) == {commune_officer}
    assert notifications.filers([a2], today) == {a2.pk: [commune_officer]}
    page = client.get(reverse("campaign:late_units"), {"what": "report", "year": 2026})
    row = next(row for row in page.context["rows"] if row.pk == a2.pk)
    assert row.officer_count == 1 and row.on_behalf


def test_whoever_is_reminded_may_file_and_a_unit_someone_may_file_for_is_reminded(
    ended, cast, campaign, today
):
    MembershipFactory(user=UserFactory(username="officer_ca"), unit=ended["CA"], role="officer")
    MembershipFactory(user=UserFactory(username="officer_pv"), unit=ended["PV"], role="officer")
    units = list(outstanding_units(campaign, "report", 2026, today))
    assert {unit.code for unit in units} >= {"CA", "A1", "A2", "DB", "B1", "SE", "S1"}
    found = notifications.filers(units, today)
    for unit in units:
        allowed = may_file(unit)
        assert set(found.get(unit.pk, [])) <= allowed, unit.code
        assert bool(found.get(unit.pk)) == bool(allowed), unit.code


def test_an_obstacles_answer_reaches_who_files_for_the_unit_now(
    client, ended, cast, campaign, today
):
    # DA's officer raised it for A2 before DA ended; A2 is CA's now, and CA's officer files
    # for it. The answer went to A2's own officers (none) and the raiser (who no longer sees
    # A2): to nobody. It goes to those who file for A2, as a review step of its report does.
    obstacle = raise_obstacle(ended["A2"], campaign, cast["officer_a"])
    commune_officer = UserFactory(username="officer_ca")
    MembershipFactory(user=commune_officer, unit=ended["CA"], role=Role.OFFICER)
    cspl = cast["cspl"]
    client.force_login(cspl)
    client.post(
        reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": "Theo hướng dẫn."}
    )
    assert Obstacle.objects.get(pk=obstacle.pk).status == Obstacle.Status.ANSWERED
    told = Notice.objects.filter(unit=ended["A2"]).values_list("recipient__username", flat=True)
    assert set(told) == {"officer_ca"}
    assert notifications.obstacle_audience(obstacle) == [commune_officer]


def late_rows(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return [row.pk for row in response.context["rows"]]


def test_a_reviewer_of_the_ended_district_counts_only_what_their_open_unit_reviews(
    client, ended, cast, campaign, today
):
    reviewer = cast["reviewer_a"]  # reviewer of DA, which ended; of CA from July too
    MembershipFactory(user=reviewer, unit=ended["CA"], role=Role.REVIEWER)
    make_report(ended["A1"], campaign, 2026, Status.SUBMITTED)
    # The recount: the open units strictly below CA without a 2026 report sent.
    sent = AnnualReport.objects.filter(
        campaign=campaign, year=2026, status__in=[Status.SUBMITTED, Status.ACCEPTED]
    ).values("unit_id")
    below = Unit.objects.filter(path__startswith=ended["CA"].path).exclude(pk=ended["CA"].pk)
    expected = sorted(below.exclude(pk__in=sent).values_list("pk", flat=True))
    assert expected == [ended["A2"].pk]
    (item,) = [i for i in report_items(Scope(reviewer), today) if "chưa gửi" in i["title"]]
    assert item["title"] == "1 đơn vị bạn phụ trách chưa gửi báo cáo năm 2026"
    assert late_rows(client, reviewer, item["url"]) == expected
    # Kept only at the ended district, the role counts nothing and lists nothing.
    Membership.objects.filter(user=reviewer, unit=ended["CA"]).delete()
    assert not [i for i in report_items(Scope(reviewer), today) if "chưa gửi" in i["title"]]
    assert late_rows(client, reviewer, item["url"]) == []
