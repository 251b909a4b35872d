"""Each operation of a reorganisation, applied: today's tree and the history from the date."""

import datetime

from tests.units.reorganisations import JULY
from units.models import Membership, Unit, UnitState
from units.reorganisations import reorganisation_apply

BEFORE = JULY - datetime.timedelta(days=1)


def unit(code):
    return Unit.objects.get(code=code)


def state(code, day):
    return UnitState.objects.on(day).select_related("parent").filter(unit__code=code).first()


def area(code, day):
    own = state(code, day)
    return set(UnitState.objects.on(day).in_area(own.path).values_list("unit__code", flat=True))


def test_create_opens_a_unit_on_the_date_under_its_parent(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
    )
    reorganisation_apply(reorganisation=r, user=admin_user)
    created = unit("XA")
    assert (created.kind, created.opened_on, Unit.objects.get_parent(created)) == (
        "commune",
        JULY,
        tree["PV"],
    )
    assert state("XA", BEFORE) is None
    assert state("XA", JULY).parent == tree["PV"]
    r.refresh_from_db()
    assert (r.status, r.applied_by) == ("applied", admin_user)
    assert r.summary["opened"][0]["code"] == "XA"


def test_rename_and_change_kind_start_an_era_on_the_date(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {"action": "rename", "unit_code": "DA", "name": "Công đoàn xã A", "short_name": "CĐ xã A"},
        {"action": "change_kind", "unit_code": "DA", "kind": "commune"},
    )
    reorganisation_apply(reorganisation=r, user=admin_user)
    assert (unit("DA").name, unit("DA").kind) == ("Công đoàn xã A", "commune")
    assert (state("DA", BEFORE).name, state("DA", BEFORE).kind) == ("LĐLĐ huyện A", "district")
    after = state("DA", JULY)
    assert (after.name, after.short_name, after.kind) == ("Công đoàn xã A", "CĐ xã A", "commune")
    # Both operations fall on the same day: one new era, not two.
    assert UnitState.objects.filter(unit=tree["DA"]).count() == 2


def test_move_takes_the_subtree_and_moves_the_areas_from_the_date(tree, reorganise, admin_user):
    r = reorganise(JULY, {"action": "move", "unit_code": "DA", "target_code": "SE"})
    reorganisation_apply(reorganisation=r, user=admin_user)
    assert Unit.objects.get_parent(unit("DA")) == tree["SE"]
    assert unit("A1").path.startswith(unit("SE").path)
    assert area("SE", BEFORE) == {"SE", "S1"}
    assert area("SE", JULY) == {"SE", "S1", "DA", "A1", "A2"}
    assert state("A1", JULY).depth == 4 and state("A1", BEFORE).depth == 3


def test_close_ends_the_unit_on_the_date(tree, reorganise, admin_user):
    r = reorganise(JULY, {"action": "close", "unit_code": "B1"})
    reorganisation_apply(reorganisation=r, user=admin_user)
    assert unit("B1").closed_on == JULY and unit("B1").successor is None
    assert state("B1", BEFORE) is not None and state("B1", JULY) is None


def test_merge_moves_the_open_children_and_the_people_to_the_successor(
    tree, cast, reorganise, admin_user
):
    r = reorganise(
        JULY,
        {
            "action": "merge",
            "unit_code": "DA",
            "target_code": "DB",
            "move_children": True,
            "move_members": True,
        },
    )
    preview = reorganisation_apply(reorganisation=r, user=admin_user)
    da = unit("DA")
    assert (da.closed_on, da.successor) == (JULY, tree["DB"])
    assert area("DB", JULY) == {"DB", "B1", "A1", "A2"}
    assert area("DA", BEFORE) == {"DA", "A1", "A2"}
    # The people of DA get the same roles at DB, and keep theirs at DA (to read its history).
    assert Membership.objects.filter(
        user=cast["officer_a"], unit=tree["DB"], role="officer"
    ).exists()
    assert Membership.objects.filter(user=cast["officer_a"], unit=tree["DA"]).exists()
    assert {(m["user"], m["to"]) for m in preview.memberships_moved} == {
        (str(cast["officer_a"]), "DB"),
        (str(cast["reviewer_a"]), "DB"),
    }
    assert {m["user"] for m in preview.memberships_ending} == {
        str(cast["officer_a"]),
        str(cast["reviewer_a"]),
    }


def test_split_hands_each_child_to_its_successor_and_closes_the_unit(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "split", "unit_code": "DA", "target_code": "DB", "children_codes": "A1"},
        {"action": "split", "unit_code": "DA", "target_code": "XA", "children_codes": "A2"},
    )
    reorganisation_apply(reorganisation=r, user=admin_user)
    assert unit("DA").closed_on == JULY and unit("DA").successor is None
    assert area("DB", JULY) == {"DB", "B1", "A1"}
    assert area("XA", JULY) == {"XA", "A2"}


def test_split_rows_typed_at_one_position_run_in_their_order(tree, reorganise, admin_user):
    # The form lets two rows share a position: the first was taken for the last, closed
    # the district with A2 still below it, and the act was refused.
    r = reorganise(
        JULY,
        {"action": "split", "unit_code": "DA", "target_code": "DB", "children_codes": "A1"},
        {"action": "split", "unit_code": "DA", "target_code": "PV", "children_codes": "A2"},
    )
    r.operations.update(position=1)
    reorganisation_apply(reorganisation=r, user=admin_user)
    assert unit("DA").closed_on == JULY
    assert area("DB", JULY) == {"DB", "B1", "A1"}
    assert "A2" in area("PV", JULY)


def test_a_new_commune_union_takes_grassroots_unions_of_a_district_that_ends(
    tree, reorganise, admin_user
):
    # 01/07/2025: a commune union is set up, the district's unions move under it, it closes.
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "move", "unit_code": "A1", "target_code": "XA"},
        {"action": "move", "unit_code": "A2", "target_code": "XA"},
        {"action": "merge", "unit_code": "DA", "target_code": "XA"},
    )
    preview = reorganisation_apply(reorganisation=r, user=admin_user)
    assert area("XA", JULY) == {"XA", "A1", "A2"}
    assert area("DA", BEFORE) == {"DA", "A1", "A2"}
    assert [c["code"] for c in preview.closed] == ["DA"]
    assert {m["code"] for m in preview.moved} == {"A1", "A2"}
    assert UnitState.objects.overlapping() == []


def test_a_unit_moved_and_closed_the_same_day_keeps_no_empty_era(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {"action": "move", "unit_code": "A2", "target_code": "DB"},
        {"action": "merge", "unit_code": "A2", "target_code": "B1"},
    )
    reorganisation_apply(reorganisation=r, user=admin_user)
    eras = list(
        UnitState.objects.filter(unit=tree["A2"])
        .order_by("valid_from")
        .values_list("valid_until", "is_open", "path")
    )
    # Open where it was until July; from then closed, standing under its successor B1.
    b1 = Unit.objects.get(code="B1")
    assert eras == [(JULY, True, tree["A2"].path), (None, False, Unit.objects.get(code="A2").path)]
    assert eras[1][2].startswith(b1.path) and len(eras[1][2]) == len(b1.path) + Unit.steplen
    assert UnitState.objects.overlapping() == []
