"""A unit's history: one era per stretch of time with the same place, kind and names."""

import datetime

import pytest

from units.models import Unit, UnitState

LONG_AGO = datetime.date(2015, 1, 1)


def names_on(day, path=""):
    return {
        s.unit.code: s.name for s in UnitState.objects.on(day).in_area(path).select_related("unit")
    }


def test_every_unit_of_the_tree_has_one_era_from_its_opening(tree):
    states = UnitState.objects.select_related("unit", "parent")
    assert {s.unit.code for s in states} == set(tree)
    assert all(s.valid_until is None for s in states)
    a1 = states.get(unit=tree["A1"])
    assert (a1.parent, a1.path, a1.depth, a1.kind) == (tree["DA"], tree["A1"].path, 3, "grassroots")


def test_on_a_day_the_area_of_a_unit_is_its_subtree_as_it_stood(tree):
    assert set(names_on(LONG_AGO, tree["DA"].path)) == {"DA", "A1", "A2"}
    assert set(names_on(LONG_AGO)) == set(tree)


def test_a_rename_by_hand_starts_a_new_era_today_and_keeps_the_old_name_before(tree, today):
    unit = tree["A1"]
    unit.name = "CĐCS A1 mới"
    unit.save()
    assert names_on(today)["A1"] == "CĐCS A1 mới"
    assert names_on(today - datetime.timedelta(days=1))["A1"] == "CĐCS A1"
    assert UnitState.objects.overlapping() == []


def test_a_move_by_hand_moves_the_area_from_today_only(tree, today):
    Unit.objects.move(tree["A1"], tree["DB"], pos="last-child")
    yesterday = today - datetime.timedelta(days=1)
    assert set(names_on(yesterday, tree["DA"].path)) == {"DA", "A1", "A2"}
    assert set(names_on(today, tree["DA"].path)) == {"DA", "A2"}
    assert set(names_on(today, tree["DB"].path)) == {"DB", "B1", "A1"}
    era = UnitState.objects.on(today).get(unit=tree["A1"])
    assert (era.parent, era.valid_from) == (tree["DB"], today)


def test_a_closed_unit_has_no_era_after_its_closing_day(tree, today):
    unit = Unit.objects.get(code="B1")
    unit.close(today)
    assert "B1" in names_on(today - datetime.timedelta(days=1))
    assert "B1" not in names_on(today)


def test_a_unit_opened_later_has_no_era_before_its_opening(tree, unit_factory):
    unit = unit_factory.create(parent=tree["DA"], code="A3", opened_on=datetime.date(2020, 3, 1))
    assert "A3" not in names_on(datetime.date(2020, 2, 29))
    assert "A3" in names_on(datetime.date(2020, 3, 1))
    assert UnitState.objects.get(unit=unit).valid_from == datetime.date(2020, 3, 1)


def test_overlapping_eras_are_found(tree):
    state = UnitState.objects.get(unit=tree["A2"])
    UnitState.objects.create(
        unit=tree["A2"],
        valid_from=datetime.date(2020, 1, 1),
        **{f: getattr(state, f) for f in ("parent", "path", "depth", "kind", "name", "short_name")},
    )
    assert [(a.unit_id, b.unit_id) for a, b in UnitState.objects.overlapping()] == [
        (tree["A2"].pk, tree["A2"].pk)
    ]


@pytest.mark.django_db
def test_the_area_and_day_read_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(UnitState.objects.on(LONG_AGO).in_area(tree["PV"].path))


def test_a_move_among_siblings_keeps_the_paths_of_the_renumbered_siblings(tree, today):
    # Moving S1 to the left of A1 renumbers A1 and A2: their eras follow.
    Unit.objects.move(Unit.objects.get(code="S1"), Unit.objects.get(code="A1"), pos="left")
    for unit in Unit.objects.all():
        assert UnitState.objects.on(today).get(unit=unit).path == unit.path, unit.code
    assert set(names_on(today, Unit.objects.get(code="DA").path)) == {"DA", "S1", "A1", "A2"}
    assert UnitState.objects.overlapping() == []


def test_the_area_of_a_unit_on_a_day_is_where_it_stood(tree, django_assert_num_queries, today):
    Unit.objects.move(Unit.objects.get(code="A1"), Unit.objects.get(code="DB"), pos="last-child")
    yesterday = today - datetime.timedelta(days=1)
    with django_assert_num_queries(2):
        assert {s.unit_id for s in UnitState.objects.area(tree["DA"], yesterday)} == {
            tree[c].pk for c in ("DA", "A1", "A2")
        }
    assert {s.unit_id for s in UnitState.objects.area(tree["DB"], today)} == {
        tree[c].pk for c in ("DB", "B1", "A1")
    }
    assert list(UnitState.objects.area(tree["DB"], datetime.date(1800, 1, 1))) == []


def test_placed_on_a_day_a_closed_unit_stands_where_its_history_went(tree, today):
    Unit.objects.move(Unit.objects.get(code="A1"), Unit.objects.get(code="DB"), pos="last-child")
    Unit.objects.get(code="A2").close(today)
    states = {s.unit.code: s for s in UnitState.objects.placed_on(today).select_related("unit")}
    assert set(states) == set(tree)
    assert (states["A2"].is_open, states["A2"].valid_from) == (False, today)  # closed era
    assert states["A2"].parent_id == tree["DA"].pk  # closed without successor: stays under DA
    assert states["A1"].parent_id == tree["DB"].pk  # today's era, not yesterday's
    assert "A2" not in {s.unit.code for s in UnitState.objects.on(today).select_related("unit")}
    assert UnitState.objects.overlapping() == []


def test_a_closed_unit_moved_later_stands_where_it_was_moved(tree, today):
    Unit.objects.get(code="A2").close(today - datetime.timedelta(days=10))
    Unit.objects.move(Unit.objects.get(code="A2"), Unit.objects.get(code="DB"), pos="last-child")
    eras = list(
        UnitState.objects.filter(unit=tree["A2"])
        .order_by("valid_from")
        .values_list("is_open", "parent__code", "valid_until")
    )
    assert eras == [
        (True, "DA", today - datetime.timedelta(days=10)),
        (False, "DA", today),
        (False, "DB", None),
    ]


def test_a_unit_not_yet_open_takes_a_correction_from_its_opening(tree, unit_factory, today):
    # Nothing has happened under its old name or place: the era from its opening changes,
    # and its closing era (where its history will stand) with it.
    opening = today + datetime.timedelta(days=30)
    closing = today + datetime.timedelta(days=400)
    unit = unit_factory.create(parent=tree["DA"], code="A3", opened_on=opening, closed_on=closing)
    unit.name = "CĐCS A3 (tên đúng)"
    unit.save()
    Unit.objects.move(Unit.objects.get(code="A3"), tree["DB"], pos="last-child")
    unit.refresh_from_db()
    eras = UnitState.objects.filter(unit=unit).order_by("valid_from")
    assert list(eras.values_list("valid_from", "is_open", "name", "parent__code", "path")) == [
        (opening, True, "CĐCS A3 (tên đúng)", "DB", unit.path),
        (closing, False, "CĐCS A3 (tên đúng)", "DB", unit.path),
    ]
    assert names_on(opening, tree["DB"].path)["A3"] == "CĐCS A3 (tên đúng)"
    assert "A3" not in names_on(opening, tree["DA"].path)
    assert UnitState.objects.overlapping() == []


def test_a_unit_that_opened_keeps_its_first_era_when_renamed(tree, unit_factory, today):
    opening = today - datetime.timedelta(days=30)
    unit = unit_factory.create(parent=tree["DA"], code="A3", opened_on=opening)
    unit.name = "CĐCS A3 mới"
    unit.save()
    assert names_on(opening)["A3"] != "CĐCS A3 mới"
    assert names_on(today)["A3"] == "CĐCS A3 mới"
