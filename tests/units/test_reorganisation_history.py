"""An effective date in the past changes nothing before it."""

import datetime

from tests.units.conftest import JULY
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
