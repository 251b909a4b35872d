"""Filing on behalf (nhập hộ) in the access scope: an officer files for their own unit, and
for a unit below it only while that unit has no active officer of its own. The querysets and
the single checks answer alike."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaign.models import AnnualReport, Plan
from campaign.pending import plan_items, report_items
from tests.factories import MembershipFactory, UserFactory
from units.access import FILE, Scope
from units.models import Membership, Unit

Role = Membership.Role


def codes(units):
    return sorted(unit.code for unit in units)


def test_the_district_officer_files_for_a_unit_below_with_no_officer_only(cast, tree):
    scope = Scope(cast["officer_a"])
    assert scope.can_file_for(tree["DA"])
    assert scope.can_file_for(tree["A2"])  # no officer of its own
    assert not scope.can_file_for(tree["A1"])  # officer_a1 files for it
    assert scope.can_see(tree["A1"])  # but its documents stay in sight
    assert codes(scope.units(FILE)) == ["A2", "DA"]
    assert codes(scope.filing_units) == ["A2", "DA"]


def test_an_inactive_officer_does_not_count(cast, tree):
    cast["officer_a1"].is_active = False
    cast["officer_a1"].save()
    scope = Scope(cast["officer_a"])
    assert scope.can_file_for(tree["A1"])
    assert codes(scope.units(FILE)) == ["A1", "A2", "DA"]


def test_an_officer_added_later_takes_the_filing_over(cast, tree):
    assert Scope(cast["officer_a"]).can_file_for(tree["A2"])
    MembershipFactory(user=UserFactory(username="officer_a2"), unit=tree["A2"], role=Role.OFFICER)
    scope = Scope(cast["officer_a"])
    assert not scope.can_file_for(tree["A2"])
    assert codes(scope.units(FILE)) == ["DA"]


def test_a_reviewer_or_viewer_at_the_unit_does_not_stop_filing_on_behalf(cast, tree):
    MembershipFactory(user=UserFactory(username="viewer_a2"), unit=tree["A2"], role=Role.VIEWER)
    assert Scope(cast["officer_a"]).can_file_for(tree["A2"])


def test_a_unit_below_an_officered_unit_may_still_be_filed_for_from_above(cast, tree):
    # The rule looks at the unit's own officers only: the province's officer files for A2,
    # which has none, though district A has one.
    officer_pv = UserFactory(username="officer_pv")
    MembershipFactory(user=officer_pv, unit=tree["PV"], role=Role.OFFICER)
    scope = Scope(officer_pv)
    assert scope.can_file_for(tree["A2"]) and scope.can_file_for(tree["SE"])
    assert not scope.can_file_for(tree["DA"]) and not scope.can_file_for(tree["B1"])
    assert scope.filing_on_behalf_from(tree["A2"]) == tree["PV"]
    assert scope.filing_on_behalf_from(tree["PV"]) is None


def test_the_unit_filed_from_is_the_nearest_officer_role_above(cast, tree):
    MembershipFactory(user=cast["officer_a"], unit=tree["PV"], role=Role.OFFICER)
    scope = Scope(cast["officer_a"])
    assert scope.filing_on_behalf_from(tree["A2"]) == tree["DA"]
    assert scope.filing_on_behalf_from(tree["DA"]) is None
    assert Scope(cast["officer_a1"]).filing_on_behalf_from(tree["A1"]) is None


def test_a_closed_unit_below_is_filed_for_by_nobody(cast, tree):
    Unit.objects.filter(pk=tree["A2"].pk).update(closed_on=datetime.date(2020, 1, 1))
    tree["A2"].refresh_from_db()
    scope = Scope(cast["officer_a"])
    assert not scope.can_file_for(tree["A2"])
    assert codes(scope.units(FILE)) == ["DA"]


@pytest.mark.parametrize("who", ["officer_a", "officer_a1", "officer_b1", "cspl", "outsider"])
def test_querysets_and_single_checks_agree(cast, tree, who):
    MembershipFactory(user=UserFactory(username="officer_s1"), unit=tree["S1"], role=Role.OFFICER)
    officer_pv = UserFactory(username="officer_pv")
    MembershipFactory(user=officer_pv, unit=tree["PV"], role=Role.OFFICER)
    for user in (cast[who], officer_pv):
        scope = Scope(user)
        by_query = codes(scope.units(FILE))
        by_check = codes(unit for unit in tree.values() if scope.can_file_for(unit))
        assert by_query == by_check == codes(scope.filing_units)


def test_get_with_file_follows_the_rule(cast, tree, campaign, plan_factory):
    plan_a1 = plan_factory(tree["A1"], campaign, cast["officer_a1"])
    plan_a2 = plan_factory(tree["A2"], campaign, cast["officer_a"])
    scope = Scope(cast["officer_a"])
    assert scope.get(Plan.objects.all(), FILE, pk=plan_a2.pk) == plan_a2
    with pytest.raises(PermissionDenied):
        scope.get(Plan.objects.all(), FILE, pk=plan_a1.pk)
    assert list(scope.filter(Plan.objects.all(), FILE)) == [plan_a2]
    attachments = scope.filter(plan_a2.attachments.model.objects.all(), FILE, "plan__unit")
    assert [a.plan_id for a in attachments] == [plan_a2.pk]


def test_single_checks_ask_once_per_unit(cast, tree, django_assert_num_queries):
    scope = Scope(cast["officer_a"])
    with django_assert_num_queries(2):  # A1's officers, A2's officers
        for _ in range(3):
            scope.can_file_for(tree["A1"])
            scope.can_file_for(tree["A2"])
    with django_assert_num_queries(0):
        scope.can_file_for(tree["DA"])  # its own unit: no question
        scope.can_file_for(tree["B1"])  # outside: no question


def test_filing_units_costs_one_query_whatever_the_number_of_units(
    cast, tree, django_assert_num_queries
):
    for n in range(15):
        Unit.objects.add_child(
            Unit.objects.get(pk=tree["DA"].pk),
            {"code": f"AX{n}", "name": f"CĐCS AX{n}", "kind": Unit.Kind.GRASSROOTS},
        )
    scope = Scope(cast["officer_a"])
    with django_assert_num_queries(1):
        units = scope.filing_units
        assert scope.filing_units is units  # kept
    assert len(units) == 17  # DA, A2 and the 15 new ones; not A1


def test_the_officers_to_do_list_names_the_units_filed_on_behalf(
    client, cast, tree, campaign, django_assert_max_num_queries
):
    today = datetime.date(2015, 7, 1)
    scope = Scope(cast["officer_a"])
    items = plan_items(scope, today)
    titles = [item["title"] for item in items]
    assert any("CĐCS A2" in title for title in titles)
    assert not any("CĐCS A1" in title for title in titles)
    for n in range(10):
        Unit.objects.add_child(
            Unit.objects.get(pk=tree["DA"].pk),
            {"code": f"AX{n}", "name": f"CĐCS AX{n}", "kind": Unit.Kind.GRASSROOTS},
        )
    # The memberships, the units filed for, the campaigns (with their issuers' areas), their
    # plans: the same whatever the number of units filed for.
    with django_assert_max_num_queries(5):
        many = plan_items(Scope(cast["officer_a"]), today)
    assert len(many) == len(items) + 10
    with django_assert_max_num_queries(6):
        report_items(Scope(cast["officer_a"]), today)


def test_the_report_list_offers_the_units_filed_on_behalf(client, cast, tree, campaign):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_list"), {"campaign": campaign.pk})
    assert [row["unit"].code for row in response.context["rows"]] == ["DA", "A2"]
    assert not AnnualReport.objects.exists()
