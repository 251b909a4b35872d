"""The impossible is refused with a message, every refusal at once, and nothing changes."""

import datetime

import pytest
from django.utils import translation

from tests.units.reorganisations import JULY
from units.models import Unit, UnitState
from units.reorganisations import ReorganisationError, reorganisation_apply


def refusals(reorganisation, user):
    with pytest.raises(ReorganisationError) as raised:
        reorganisation_apply(reorganisation=reorganisation, user=user)
    reorganisation.refresh_from_db()
    assert reorganisation.status == "draft"
    return raised.value.errors


def test_merging_into_its_own_subtree_is_refused(tree, reorganise, admin_user):
    r = reorganise(JULY, {"action": "merge", "unit_code": "DA", "target_code": "A1"})
    [(position, message)] = refusals(r, admin_user)
    assert position == 1 and "DA" in message and "A1" in message
    assert Unit.objects.get(code="DA").closed_on is None


def test_moving_under_itself_or_below_is_refused(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {"action": "move", "unit_code": "PV", "target_code": "A1"},
        {"action": "move", "unit_code": "DA", "target_code": "DA"},
    )
    assert [p for p, _m in refusals(r, admin_user)] == [1, 2]


def test_merging_into_a_closed_unit_is_refused(tree, reorganise, admin_user):
    Unit.objects.get(code="A2").close(datetime.date(2025, 3, 1))
    r = reorganise(JULY, {"action": "merge", "unit_code": "A1", "target_code": "A2"})
    [(_p, message)] = refusals(r, admin_user)
    assert "A2" in message and "01/03/2025" in message


@pytest.mark.parametrize(
    "operation",
    [
        {"action": "merge", "unit_code": "A1", "target_code": "A2"},  # A2 as the successor
        {"action": "rename", "unit_code": "A2", "name": "CĐCS A2 mới"},  # A2 itself
    ],
    ids=["merge into it", "rename it"],
)
def test_a_unit_merged_away_is_refused_naming_the_unit_that_took_its_work(
    tree, reorganise, admin_user, operation
):
    # "Dissolved on …" sent the user looking for a unit that had only changed name: the
    # message names the unit its work went to.
    Unit.objects.get(code="A2").close(datetime.date(2025, 3, 1), successor=tree["A1"])
    r = reorganise(JULY, operation)
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    assert "A2" in message and "đã sáp nhập vào A1" in message and "01/03/2025" in message
    assert "giải thể" not in message


def test_a_successor_of_an_incompatible_kind_is_refused(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {"action": "merge", "unit_code": "A1", "target_code": "DB"},  # grassroots → district
        {"action": "merge", "unit_code": "DA", "target_code": "B1"},  # district → grassroots
    )
    assert [p for p, _m in refusals(r, admin_user)] == [1, 2]


def test_an_effective_date_before_the_unit_opened_is_refused(tree, reorganise, admin_user):
    Unit.objects.filter(code="B1").update(opened_on=datetime.date(2025, 9, 1))
    r = reorganise(JULY, {"action": "rename", "unit_code": "B1", "name": "CĐCS B1 mới"})
    [(_p, message)] = refusals(r, admin_user)
    assert "01/09/2025" in message


def test_operating_on_a_unit_closed_at_the_date_is_refused(tree, reorganise, admin_user):
    Unit.objects.get(code="B1").close(datetime.date(2025, 1, 1))
    r = reorganise(JULY, {"action": "rename", "unit_code": "B1", "name": "CĐCS B1 mới"})
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    # The words the unit page and pickers use for a closed unit: a district ended by the
    # 2025 reform was not "dissolved" (giải thể).
    assert message == "Vào ngày 01/07/2025, B1 – CĐCS B1 đã ngừng hoạt động (từ ngày 01/01/2025)."


@pytest.mark.parametrize(
    "operation",
    [
        {"action": "merge", "unit_code": "A1", "target_code": "B1"},
        {"action": "move", "unit_code": "A1", "target_code": "DB"},
    ],
)
def test_a_dissolved_unit_named_to_take_units_or_work_says_what_to_name_instead(
    tree, reorganise, admin_user, operation
):
    if operation["target_code"] == "DB":
        Unit.objects.get(code="B1").close(datetime.date(2025, 1, 1))
    Unit.objects.get(code=operation["target_code"]).close(datetime.date(2025, 1, 1))
    r = reorganise(JULY, operation)
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    code = operation["target_code"]
    assert message.startswith(f"Vào ngày 01/07/2025, {code} – ")
    assert message.endswith(
        "đã ngừng hoạt động (từ ngày 01/01/2025). Hãy ghi một đơn vị đang hoạt động vào ngày đó."
    )


def test_operating_on_a_unit_before_it_closes_is_refused(tree, reorganise, admin_user):
    Unit.objects.get(code="B1").close(datetime.date(2025, 9, 1))
    r = reorganise(JULY, {"action": "rename", "unit_code": "B1", "name": "CĐCS B1 mới"})
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    assert message.startswith("B1 – CĐCS B1 ngừng hoạt động từ ngày 01/09/2025, sau ngày này")


def test_a_code_already_used_is_refused(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "A1",
            "name": "Trùng mã",
            "kind": "grassroots",
            "target_code": "DA",
        },
    )
    [(_p, message)] = refusals(r, admin_user)
    assert "A1" in message
    assert Unit.objects.filter(code="A1").count() == 1


def test_a_code_already_used_in_other_capitals_is_refused(tree, reorganise, admin_user):
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "a1",
            "name": "Gần trùng",
            "kind": "grassroots",
            "target_code": "DA",
        },
    )
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    assert message.startswith("Mã “a1” đã được dùng cho ") and "viết là “A1”" in message
    assert not Unit.objects.filter(code="a1").exists()


def test_closing_a_unit_with_open_units_below_is_refused(tree, reorganise, admin_user):
    r = reorganise(JULY, {"action": "close", "unit_code": "DA"})
    [(_p, message)] = refusals(r, admin_user)
    assert "A1" in message and "A2" in message


def test_a_date_before_a_later_change_is_refused(tree, reorganise, admin_user):
    first = reorganise(JULY, {"action": "rename", "unit_code": "A1", "name": "Tên tháng 7"})
    reorganisation_apply(reorganisation=first, user=admin_user)
    earlier = reorganise(
        datetime.date(2025, 3, 1), {"action": "move", "unit_code": "DA", "target_code": "SE"}
    )
    [(_p, message)] = refusals(earlier, admin_user)
    assert "01/07/2025" in message


def test_a_unit_opening_later_below_does_not_block_an_earlier_change_above(
    tree, reorganise, admin_user, unit_factory, today
):
    # Its only era is its opening: nothing of it changes after the date, and sync places
    # it again from its opening when its ancestors move.
    opening = today + datetime.timedelta(days=60)
    unit_factory.create(parent=tree["DA"], code="A9", opened_on=opening)
    rename = reorganise(today, {"action": "rename", "unit_code": "PV", "name": "LĐLĐ tỉnh Mới"})
    reorganisation_apply(reorganisation=rename, user=admin_user)
    move = reorganise(today, {"action": "move", "unit_code": "DA", "target_code": "SE"})
    reorganisation_apply(reorganisation=move, user=admin_user)

    a9 = Unit.objects.get(code="A9")
    [era] = UnitState.objects.filter(unit=a9)
    assert (era.valid_from, era.path, era.parent.code) == (opening, a9.path, "DA")
    assert a9.path.startswith(Unit.objects.get(code="SE").path)


def test_a_later_closing_below_still_blocks_an_earlier_change_above(
    tree, reorganise, admin_user, unit_factory, today
):
    closing = today + datetime.timedelta(days=90)
    unit_factory.create(
        parent=tree["DA"],
        code="A9",
        opened_on=today + datetime.timedelta(days=60),
        closed_on=closing,
    )
    move = reorganise(today, {"action": "move", "unit_code": "DA", "target_code": "SE"})
    [(_p, message)] = refusals(move, admin_user)
    assert "A9" in message and closing.strftime("%d/%m/%Y") in message


def test_a_unit_opened_after_the_date_but_by_now_still_blocks_an_earlier_change_above(
    tree, reorganise, admin_user, unit_factory, today
):
    # Its opening has come: its era happened, and is not placed again.
    opening = today - datetime.timedelta(days=10)
    unit_factory.create(parent=tree["DA"], code="A9", opened_on=opening)
    move = reorganise(
        today - datetime.timedelta(days=30),
        {"action": "move", "unit_code": "DA", "target_code": "SE"},
    )
    [(_p, message)] = refusals(move, admin_user)
    assert "A9" in message and opening.strftime("%d/%m/%Y") in message


def test_every_refusal_is_reported_and_nothing_of_the_good_steps_is_kept(
    tree, reorganise, admin_user
):
    states = UnitState.objects.count()
    r = reorganise(
        JULY,
        {"action": "rename", "unit_code": "A1", "name": "Đổi tên hợp lệ"},
        {"action": "rename", "unit_code": "NOPE", "name": "Không có"},
        {"action": "merge", "unit_code": "DA", "target_code": "A2"},
    )
    assert [p for p, _m in refusals(r, admin_user)] == [2, 3]
    assert Unit.objects.get(code="A1").name == "CĐCS A1"
    assert UnitState.objects.count() == states


def test_the_messages_speak_vietnamese(tree, reorganise, admin_user):
    r = reorganise(JULY, {"action": "merge", "unit_code": "DA", "target_code": "A1"})
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    assert "Không thể sáp nhập" in message


@pytest.mark.parametrize(
    "operation",
    [
        {"action": "move", "unit_code": "B1", "target_code": "A1"},
        {"action": "merge", "unit_code": "B1", "target_code": "A1"},
        {
            "action": "create",
            "code": "A9",
            "name": "CĐCS mới",
            "kind": "grassroots",
            "target_code": "A1",
        },
    ],
    ids=["move", "merge", "create"],
)
def test_going_under_a_unit_that_moved_later_is_refused(tree, reorganise, admin_user, operation):
    # A1's district moves on 1 July; a unit put under A1 from 1 March would get the place A1
    # has since July for four months when A1 stood elsewhere.
    later = reorganise(JULY, {"action": "move", "unit_code": "DA", "target_code": "SE"})
    reorganisation_apply(reorganisation=later, user=admin_user)
    eras = list(UnitState.objects.order_by("pk").values_list("unit__code", "valid_from", "path"))
    earlier = reorganise(datetime.date(2025, 3, 1), operation)
    [(position, message)] = refusals(earlier, admin_user)
    assert position == 1 and "A1" in message and "01/07/2025" in message
    assert (
        list(UnitState.objects.order_by("pk").values_list("unit__code", "valid_from", "path"))
        == eras
    )


def test_going_under_a_unit_only_renamed_later_is_allowed(tree, reorganise, admin_user):
    later = reorganise(JULY, {"action": "rename", "unit_code": "DB", "name": "LĐLĐ huyện B mới"})
    reorganisation_apply(reorganisation=later, user=admin_user)
    earlier = reorganise(
        datetime.date(2025, 3, 1), {"action": "move", "unit_code": "A1", "target_code": "DB"}
    )
    reorganisation_apply(reorganisation=earlier, user=admin_user)
    march = UnitState.objects.on(datetime.date(2025, 4, 1))
    a1, db = march.get(unit__code="A1"), march.get(unit__code="DB")
    assert a1.path.startswith(db.path) and a1.parent_id == db.unit_id


def test_an_incompatible_successor_is_refused_with_the_kinds_that_fit(tree, reorganise, admin_user):
    # A sector union's refusal used to list the rules of grassroots and district unions only.
    r = reorganise(JULY, {"action": "merge", "unit_code": "SE", "target_code": "A1"})
    with translation.override("vi"):
        [(_p, message)] = refusals(r, admin_user)
    assert message.endswith("các loại: LĐLĐ tỉnh, CĐ ngành, CĐ Viên chức, CĐ các KCN.")
    assert "công đoàn cơ sở chỉ sáp nhập" not in message


@pytest.mark.parametrize(
    "operation",
    [
        {"action": "move", "unit_code": "DB", "target_code": "A1"},  # a district under a CĐCS
        {"action": "create", "code": "X", "name": "Mới", "kind": "commune", "target_code": "A1"},
        {"action": "create", "code": "P2", "name": "Tỉnh", "kind": "province", "target_code": "SE"},
        {"action": "change_kind", "unit_code": "DA", "kind": "grassroots"},  # A1, A2 below it
    ],
    ids=["under-grassroots", "created-under-grassroots", "province-under-sector", "kind"],
)
def test_a_unit_where_its_kind_cannot_stand_is_refused(tree, reorganise, admin_user, operation):
    paths = dict(Unit.objects.values_list("code", "path"))
    [(position, _message)] = refusals(reorganise(JULY, operation), admin_user)
    assert position == 1
    assert dict(Unit.objects.values_list("code", "path")) == paths


def test_a_code_a_split_lists_twice_that_is_not_below_the_unit_is_refused_once(
    tree, reorganise, admin_user
):
    # Each time it was listed, the same refusal again: a long list pasted twice repeated
    # every wrong code.
    r = reorganise(
        JULY,
        {
            "action": "split",
            "unit_code": "DA",
            "target_code": "DB",
            "children_codes": "A1,B1,A2,B1",
        },
    )
    [(position, message)] = refusals(r, admin_user)
    assert position == 1 and "B1" in message
