"""The preview lists exactly what applying then does, and changes nothing itself; its page
costs the same queries however many units the tree holds and the reorganisation moves."""

import datetime

from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory
from tests.pages import count_queries
from units.models import Membership, Unit, UnitState
from units.reorganisations import reorganisation_apply, reorganisation_preview

JULY = datetime.date(2025, 7, 1)


def state_of_the_database():
    return (
        sorted(Unit.objects.values_list("code", "path", "name", "kind", "closed_on", "successor")),
        sorted(
            UnitState.objects.values_list(
                "unit__code", "valid_from", "valid_until", "path", "is_open", "name"
            )
        ),
        sorted(Membership.objects.values_list("user__username", "unit__code", "role")),
    )


def parent_code(code):
    unit = Unit.objects.get(code=code)
    return Unit.objects.get(path=unit.path[: -Unit.steplen]).code if unit.depth > 1 else ""


def test_the_preview_is_what_applying_does(tree, cast, reorganise, admin_user):
    act = reorganise(
        JULY,
        {
            "action": "create",
            "code": "CX",
            "name": "Công đoàn xã X",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "rename", "unit_code": "S1", "name": "CĐCS S1 mới"},
        {"action": "move", "unit_code": "S1", "target_code": "DB"},
        {"action": "split", "unit_code": "DA", "target_code": "CX", "children_codes": "A1"},
        {"action": "split", "unit_code": "DA", "target_code": "DB", "children_codes": "A2"},
        {"action": "merge", "unit_code": "SE", "target_code": "PV", "move_members": True},
    )
    before = state_of_the_database()
    preview = reorganisation_preview(act)
    assert state_of_the_database() == before  # rolled back, every bit of it

    applied = reorganisation_apply(reorganisation=act, user=admin_user)
    assert applied.as_json() == preview.as_json()

    # And what it lists is what the tree now says.
    assert {o["code"] for o in preview.opened} == {"CX"}
    assert Unit.objects.get(code="CX").is_open_on(JULY)
    assert {c["code"]: c["successor"] for c in preview.closed} == {"DA": "", "SE": "PV"}
    for code, successor in (("DA", None), ("SE", "PV")):
        unit = Unit.objects.get(code=code)
        assert unit.closed_on == JULY
        assert (unit.successor.code if unit.successor else None) == successor
    assert {m["code"]: m["to"] for m in preview.moved} == {"S1": "DB", "A1": "CX", "A2": "DB"}
    for code, to in (("S1", "DB"), ("A1", "CX"), ("A2", "DB")):
        assert parent_code(code) == to
    assert [(r["code"], r["to"]) for r in preview.renamed] == [("S1", "CĐCS S1 mới")]
    assert Unit.objects.get(code="S1").name == "CĐCS S1 mới"
    # The merged sector stands under its successor from the day, closed.
    assert parent_code("SE") == "PV"
    assert UnitState.objects.placed_on(JULY).get(unit__code="SE").is_open is False
    assert UnitState.objects.overlapping() == []


def test_the_preview_page_costs_the_same_queries_for_3_and_for_30_units_below(
    client, tree, cast, reorganise, admin_user
):
    # District A merges into a new commune union and takes its units below with it; district
    # B, untouched, grows as much. Each unit below has its officer.
    act = reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {
            "action": "merge",
            "unit_code": "DA",
            "target_code": "XA",
            "move_children": True,
            "move_members": True,
        },
    )
    client.force_login(admin_user)
    url = reverse("units:reorganisation_detail", args=[act.pk])
    queries = {}
    for count in (3, 30):
        for code in ("DA", "DB"):
            parent = Unit.objects.get(code=code)
            while parent.numchild < count:
                unit = UnitFactory.create(parent=parent)
                MembershipFactory(unit=unit, role=Membership.Role.OFFICER)
                parent = Unit.objects.get(code=code)
        queries[count], response = count_queries(client, url)
        district_a = Unit.objects.get(code="DA")
        below_a = set(Unit.objects.get_children(district_a).values_list("code", flat=True))
        sections = {section["title"]: section["rows"] for section in response.context["sections"]}
        moving = sections["Đơn vị chuyển trực thuộc"]
        assert len(moving) == len(below_a) == count
        assert {row.split(" – ")[0] for row in moving} == below_a
    assert queries[30] == queries[3]
