"""The access scope at several depths of the tree: what each role reaches."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from units.access import FILE, REVIEW, SEE, Scope
from units.models import Membership, Unit


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_a_province_reviewer_reaches_the_whole_tree(cast, tree):
    scope = Scope(cast["cspl"])
    assert codes(scope.units(SEE)) == sorted(tree)
    assert codes(scope.units(REVIEW)) == sorted(tree)
    assert codes(scope.units(FILE)) == []


def test_a_district_role_reaches_its_subtree_only(cast):
    scope = Scope(cast["reviewer_a"])
    assert codes(scope.units(SEE)) == ["A1", "A2", "DA"]
    assert codes(scope.units(REVIEW)) == ["A1", "A2", "DA"]


def test_a_grassroots_officer_reaches_only_its_own_unit(cast, tree):
    scope = Scope(cast["officer_a1"])
    assert codes(scope.units(SEE)) == ["A1"]
    assert scope.can_file_for(tree["A1"])
    assert not scope.can_file_for(tree["A2"])
    assert not scope.can_see(tree["DA"])  # the scope never reaches upwards


def test_an_outsider_reaches_nothing(cast, tree):
    scope = Scope(cast["outsider"])
    assert codes(scope.units(SEE)) == []
    assert not any(scope.can_see(unit) for unit in tree.values())


def test_a_sibling_prefix_is_not_mistaken_for_a_subtree(db):
    # Paths are fixed-width steps, so "0001" never matches "00010001"'s sibling "0002…".
    root = Unit.objects.add_root(create_kwargs={"code": "R", "name": "R", "kind": "province"})
    first = Unit.objects.add_child(root, {"code": "C1", "name": "C1", "kind": "district"})
    second = Unit.objects.add_child(root, {"code": "C2", "name": "C2", "kind": "district"})
    user = Membership.objects.create(user=_user("x"), unit=first, role=Membership.Role.OFFICER).user
    scope = Scope(user)
    assert scope.can_see(first)
    assert not scope.can_see(second)


def test_several_roles_combine(cast, tree):
    user = cast["officer_b1"]
    Membership.objects.create(user=user, unit=tree["SE"], role=Membership.Role.VIEWER)
    scope = Scope(user)
    assert codes(scope.units(SEE)) == ["B1", "S1", "SE"]
    assert codes(scope.units(FILE)) == ["B1"]


def test_nested_roles_do_not_duplicate_rows(cast, tree):
    user = cast["cspl"]
    Membership.objects.create(user=user, unit=tree["DA"], role=Membership.Role.REVIEWER)
    assert Scope(user).units(SEE).count() == len(tree)


def test_an_inactive_user_reaches_nothing(cast):
    user = cast["cspl"]
    user.is_active = False
    assert Scope(user).units().count() == 0


def test_get_unit_is_404_outside_and_403_with_the_wrong_role(cast, tree):
    officer = Scope(cast["officer_a"])
    with pytest.raises(Http404):
        officer.get_unit(pk=tree["B1"].pk)  # another subtree: its existence is not revealed
    with pytest.raises(PermissionDenied):
        officer.get_unit(REVIEW, pk=tree["A1"].pk)  # visible, but an officer cannot review
    # A2 has no officer of its own, so the district's officer files for it; A1 has one.
    assert officer.get_unit(FILE, pk=tree["A2"].pk) == tree["A2"]
    with pytest.raises(PermissionDenied):
        officer.get_unit(FILE, pk=tree["A1"].pk)
    with pytest.raises(Http404):
        officer.get_unit(pk=999_999)


def test_filter_scopes_objects_that_belong_to_a_unit(cast, tree):
    memberships = Scope(cast["reviewer_a"]).filter(Membership.objects.all())
    assert {m.unit.code for m in memberships} == {"DA", "A1"}


def test_the_scope_costs_one_query_then_none(cast, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        scope = Scope(cast["cspl"])
    with django_assert_num_queries(0):
        for unit in tree.values():
            assert scope.can_see(unit)
        scope.units()  # lazy: built but not evaluated


def _user(username):
    from tests.factories import UserFactory

    return UserFactory(username=username)


def test_reviewers_review_the_units_below_them_but_not_their_own(cast, tree):
    district = Scope(cast["reviewer_a"])
    assert codes(district.reviewed_units()) == ["A1", "A2"]
    assert district.can_review(tree["A1"]) and not district.can_review(tree["DA"])
    province = Scope(cast["cspl"])
    assert codes(province.reviewed_units()) == sorted(set(tree) - {"PV"})
    assert province.can_review(tree["DA"]) and not province.can_review(tree["PV"])
    assert codes(Scope(cast["officer_a"]).reviewed_units()) == []
