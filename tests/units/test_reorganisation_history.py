"""An effective date in the past changes nothing before it."""

import datetime

from tests.units.reorganisations import JULY
from units.models import UnitState
from units.reorganisations import reorganisation_apply


def eras():
    return {
        (s.unit.code, s.valid_from, s.valid_until, s.path, s.name, s.kind, s.parent_id)
        for s in UnitState.objects.select_related("unit")
    }


def test_a_past_date_leaves_every_era_before_it_as_it_was(tree, reorganise, admin_user):
    day_before = JULY - datetime.timedelta(days=1)
    before = {
        (s.unit.code, s.path, s.name, s.kind, s.parent_id)
        for s in UnitState.objects.on(day_before).select_related("unit")
    }
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
        {"action": "merge", "unit_code": "DA", "target_code": "XA", "move_children": True},
        {"action": "rename", "unit_code": "B1", "name": "CĐCS B1 (mới)"},
    )
    reorganisation_apply(reorganisation=r, user=admin_user)

    for day in (datetime.date(2015, 1, 1), datetime.date(2024, 12, 14), day_before):
        assert {
            (s.unit.code, s.path, s.name, s.kind, s.parent_id)
            for s in UnitState.objects.on(day).select_related("unit")
        } == before
    # Every era that ended did so on the effective date, and none starts before it.
    changed = UnitState.objects.filter(valid_until__isnull=False)
    assert set(changed.values_list("valid_until", flat=True)) == {JULY}
    assert set(
        UnitState.objects.filter(valid_from__gt=datetime.date(1900, 1, 1)).values_list(
            "valid_from", flat=True
        )
    ) == {JULY}
    assert UnitState.objects.overlapping() == []


def test_a_change_recorded_after_a_later_one_never_takes_a_path_someone_stood_on(
    tree, reorganise, admin_user
):
    # Act 1, effective 20/12/2025: A2, district A's last child, moves to district B. Act 2,
    # recorded afterwards but effective 01/12/2025: a new union A3 under district A, and B1
    # moved there. Both took A2's old path, on which A2 still stood until 20/12.
    d = datetime.date
    later = reorganise(
        d(2025, 12, 20), {"action": "move", "unit_code": "A2", "target_code": "DB"}, number="1"
    )
    reorganisation_apply(reorganisation=later, user=admin_user)
    create = {
        "action": "create",
        "code": "A3",
        "name": "CĐCS A3",
        "kind": "grassroots",
        "target_code": "DA",
    }
    move = {"action": "move", "unit_code": "B1", "target_code": "DA"}
    earlier = reorganise(d(2025, 12, 1), create, move, number="2")
    reorganisation_apply(reorganisation=earlier, user=admin_user)
    # On every day, each path is one unit's.
    for day in (d(2025, 11, 30), d(2025, 12, 1), d(2025, 12, 14), d(2025, 12, 20), d(2026, 1, 1)):
        paths = list(UnitState.objects.on(day).values_list("path", flat=True))
        assert len(paths) == len(set(paths)), day
    on_cutoff = dict(UnitState.objects.on(d(2025, 12, 14)).values_list("unit__code", "path"))
    da = on_cutoff["DA"]
    assert all(on_cutoff[code].startswith(da) for code in ("A1", "A2", "A3", "B1"))
