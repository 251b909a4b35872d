"""Staff keep the tree in the admin: add a child unit, correct names, never delete one;
moves, closings and kinds go through reorganisations."""

import datetime

import pytest
from django.urls import reverse

from units.models import Unit, UnitState

MEMBERSHIPS = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}


def form_data(**overrides):
    data = {
        "code": "NEW",
        "name": "CĐCS Mới thành lập",
        "short_name": "",
        "kind": "grassroots",
        "opened_on": "",
        "closed_on": "",
        "successor": "",
        "parent": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_staff_add_a_child_unit(staff_client, tree):
    response = staff_client.post(reverse("admin:units_unit_add"), form_data(parent=tree["DB"].pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Unit.objects.get(code="NEW")
    assert Unit.objects.get_parent(new) == tree["DB"]
    assert Unit.objects.get(pk=tree["DB"].pk).numchild == 2


def test_a_code_in_other_capitals_than_one_in_use_is_refused(staff_client, tree):
    response = staff_client.post(
        reverse("admin:units_unit_add"), form_data(code="da", parent=tree["DB"].pk)
    )
    assert response.status_code == 200
    assert "Mã “da” đã được dùng cho LĐLĐ huyện A, viết là “DA”" in response.content.decode()
    assert not Unit.objects.filter(code="da").exists()
    # A unit's own code, in other capitals, is its own to correct.
    response = staff_client.post(
        reverse("admin:units_unit_change", args=[tree["A1"].pk]),
        {"code": "a1", "name": "CĐCS A1", "short_name": "", **MEMBERSHIPS},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=tree["A1"].pk).code == "a1"


def test_a_unit_added_without_its_opening_day_opens_today_and_leaves_past_years_alone(
    staff_client, tree, today
):
    page = staff_client.get(reverse("admin:units_unit_add")).content.decode()
    assert "Để trống: hôm nay." in page
    response = staff_client.post(reverse("admin:units_unit_add"), form_data(parent=tree["DB"].pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Unit.objects.get(code="NEW")
    assert new.opened_on == today
    assert list(UnitState.objects.filter(unit=new).values_list("valid_from", flat=True)) == [today]
    assert not new.is_open_on(today - datetime.timedelta(days=1))


def test_a_unit_added_with_its_founding_day_stands_from_that_day(staff_client, tree):
    response = staff_client.post(
        reverse("admin:units_unit_add"),
        form_data(opened_on="01/07/2015", parent=tree["DB"].pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(code="NEW").opened_on == datetime.date(2015, 7, 1)


def test_staff_correct_a_units_names_but_its_place_kind_and_dates_stay(staff_client, tree):
    # A past closing typed here used to rewrite the unit's eras, leave its units open below
    # it and record no decision (or fail with a 500): those go through a reorganisation.
    district = tree["DA"]
    eras = list(UnitState.objects.order_by("pk").values_list("unit_id", "valid_from", "path"))
    data = form_data(
        code="DA",
        name="LĐLĐ huyện A (tên đúng)",
        kind="grassroots",
        closed_on="01/09/2025",
        parent=tree["SE"].pk,
    )
    url = reverse("admin:units_unit_change", args=[district.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="closed_on"' not in page and 'name="kind"' not in page
    assert reverse("units:reorganisation_create") in page
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = Unit.objects.get(pk=district.pk)
    assert after.name == "LĐLĐ huyện A (tên đúng)"
    assert (after.kind, after.closed_on, after.path) == ("district", None, district.path)
    assert Unit.objects.get(code="A1").closed_on is None
    kept = list(UnitState.objects.order_by("pk").values_list("unit_id", "valid_from", "path"))
    assert kept[: len(eras)] == eras


def test_the_admin_offers_no_way_to_delete_a_unit(staff_client, tree):
    response = staff_client.get(reverse("admin:units_unit_delete", args=[tree["A1"].pk]))
    assert response.status_code == 403
    assert Unit.objects.filter(code="A1").exists()


def test_the_admin_pages_for_users_and_memberships_open(staff_client, cast):
    for name in (
        "admin:units_user_changelist",
        "admin:units_membership_changelist",
        "admin:units_unit_changelist",
    ):
        assert staff_client.get(reverse(name)).status_code == 200
    user = cast["officer_a"]
    assert staff_client.get(reverse("admin:units_user_change", args=[user.pk])).status_code == 200


def test_the_admin_pages_speak_vietnamese_where_their_libraries_do_not(staff_client, tree):
    # Django's own catalogue lacks a few of its newer strings, treebeard and django-axes have
    # none in Vietnamese: the project's catalogue gives them.
    pages = {
        reverse("admin:index"): ["Access attempts", "Access logs", "mô models"],
        reverse("admin:units_unit_changelist"): ["Show counts"],
        reverse("admin:units_unit_add"): ["Parent unit", "top-level"],
        reverse("admin:units_user_add"): [
            "After you’ve created a user",
            "Password-based authentication",
        ],
    }
    for url, english in pages.items():
        page = staff_client.get(url).content.decode()
        for text in english:
            assert text not in page, (url, text)
    refused = staff_client.post(reverse("admin:units_unit_add"), form_data(code="", name=""))
    page = refused.content.decode()
    assert "Please correct the error" not in page and "Vui lòng sửa các lỗi bên dưới." in page
    index = staff_client.get(reverse("admin:index")).content.decode()
    # django-axes' section was headed by its English name.
    assert ">Axes<" not in index and ">Đăng nhập<" in index


def test_the_login_lists_say_which_is_the_lockout_counter_and_which_a_log(staff_client):
    # They read "Các lần đăng nhập sai" and "Các lần đăng nhập thất bại": the same words for
    # the counter that locks a username and address (AccessAttempt) and the log of every
    # failed login (AccessFailureLog); the successful logins' log was "Nhật ký đăng nhập".
    index = staff_client.get(reverse("admin:index")).content.decode()
    labels = {
        "accessattempt": "Bộ đếm đăng nhập sai (khóa đăng nhập)",
        "accessfailurelog": "Nhật ký từng lần đăng nhập sai",
        "accesslog": "Nhật ký đăng nhập thành công",
    }
    for model, label in labels.items():
        assert f'<a href="{reverse(f"admin:axes_{model}_changelist")}">{label}</a>' in index
    assert "đăng nhập thất bại" not in index


def test_a_year_typed_short_is_refused_with_a_message(staff_client, tree):
    # 01/07/0015 for 01/07/2015 used to be saved as the year 15.
    response = staff_client.post(
        reverse("admin:units_unit_add"),
        form_data(opened_on="01/07/0015", parent=tree["DB"].pk),
    )
    assert response.status_code == 200
    assert "Hãy nhập năm trong khoảng từ 1900 đến 2100." in response.content.decode()
    assert not Unit.objects.filter(code="NEW").exists()


def test_a_year_typed_short_under_a_parent_with_an_opening_day_gets_one_message(staff_client, tree):
    Unit.objects.filter(pk=tree["DB"].pk).update(opened_on=datetime.date(2025, 7, 1))
    response = staff_client.post(
        reverse("admin:units_unit_add"),
        form_data(opened_on="01/07/0015", parent=tree["DB"].pk),
    )
    form = response.context["adminform"].form
    # Not also "LĐLĐ huyện B không hoạt động vào ngày 01/07/15, …" on the parent.
    assert form.errors == {"opened_on": ["Hãy nhập năm trong khoảng từ 1900 đến 2100."]}
    assert not Unit.objects.filter(code="NEW").exists()


def test_the_unit_pickers_say_which_unit_by_code_and_closing_date(staff_client, tree):
    # A closed unit keeps its name: the picker says it has closed.
    tree["A1"].closed_on = datetime.date(2025, 6, 30)
    tree["A1"].save()
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "units", "model_name": "membership", "field_name": "unit", "term": "A1"},
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result == {
        "id": str(tree["A1"].pk),
        "text": f"{tree['A1']} (A1) – ngừng hoạt động từ ngày 30/06/2025",
    }


def test_the_membership_list_shows_each_units_code(staff_client, tree, cast):
    page = staff_client.get(reverse("admin:units_membership_changelist")).content.decode()
    assert '<td class="field-unit_code">A1</td>' in page
    assert ">Mã đơn vị</a>" in page


def moved_away_from_district_b(tree):
    """B1, district B's only child, moved to district A in 2025: its path below B stays in
    its history until then."""
    Unit.objects.move_under([tree["B1"]], tree["DA"], effective_on=datetime.date(2025, 7, 1))
    return UnitState.objects.get(unit=tree["B1"], valid_from__lt=datetime.date(2025, 7, 1)).path


def test_a_unit_added_with_a_past_founding_day_takes_no_path_a_unit_held_then(staff_client, tree):
    vacated = moved_away_from_district_b(tree)
    response = staff_client.post(
        reverse("admin:units_unit_add"),
        form_data(opened_on="01/07/2015", parent=tree["DB"].pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Unit.objects.get(code="NEW")
    assert Unit.objects.get_parent(new) == tree["DB"] and new.path != vacated
    for day in (datetime.date(2020, 1, 1), datetime.date(2026, 1, 1)):
        paths = list(UnitState.objects.on(day).values_list("path", flat=True))
        assert len(paths) == len(set(paths)), day
    assert Unit.objects.get(pk=tree["DB"].pk).numchild == 1


def test_a_parent_closed_on_the_opening_day_is_refused_with_a_message(staff_client, tree):
    Unit.objects.filter(pk=tree["DB"].pk).update(closed_on=datetime.date(2020, 1, 1))
    response = staff_client.post(
        reverse("admin:units_unit_add"), form_data(opened_on="01/07/2021", parent=tree["DB"].pk)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "không hoạt động vào ngày 01/07/2021" in page and "CĐCS Mới thành lập" in page
    assert not Unit.objects.filter(code="NEW").exists()


def test_dragging_a_unit_in_the_change_list_moves_nothing_and_says_how(staff_client, tree):
    paths = dict(Unit.objects.values_list("code", "path"))
    response = staff_client.post(
        reverse("admin:units_unit_changelist") + "move/",
        {"node": tree["A1"].pk, "target": tree["DB"].pk, "relation": "child"},
    )
    assert response.status_code == 400
    assert dict(Unit.objects.values_list("code", "path")) == paths
    page = staff_client.get(reverse("admin:units_unit_changelist")).content.decode()
    assert "ghi nhận một đợt sắp xếp" in page


@pytest.mark.parametrize(
    ("kind", "parent", "refusal"),
    [
        ("commune", "A1", "là công đoàn cơ sở: không đơn vị nào có thể trực thuộc"),
        ("province", "DA", "không thể trực thuộc"),
    ],
)
def test_a_place_a_reorganisation_refuses_is_refused_here_too(
    staff_client, tree, kind, parent, refusal
):
    # The admin's form checked only the parent's opening: a commune union went under a
    # grassroots union, a provincial federation under a district.
    response = staff_client.post(
        reverse("admin:units_unit_add"), form_data(code="X1", kind=kind, parent=tree[parent].pk)
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert not Unit.objects.filter(code="X1").exists()


def test_an_open_unit_under_a_parent_that_closes_is_refused(staff_client, tree):
    # Open for ever under a district closed in 2024: on no year's tree after it.
    Unit.objects.filter(pk=tree["DB"].pk).update(closed_on=datetime.date(2024, 3, 1))
    add = reverse("admin:units_unit_add")
    response = staff_client.post(add, form_data(opened_on="01/01/2020", parent=tree["DB"].pk))
    assert response.status_code == 200
    assert "kết thúc hoạt động ngày 01/03/2024" in response.content.decode()
    assert not Unit.objects.filter(code="NEW").exists()
    closing = form_data(opened_on="01/01/2020", closed_on="01/03/2024", parent=tree["DB"].pk)
    assert staff_client.post(add, closing).status_code == 302
    assert Unit.objects.get(code="NEW").closed_on == datetime.date(2024, 3, 1)


def test_renaming_a_unit_not_yet_open_corrects_its_history_from_its_opening(
    staff_client, tree, today
):
    # Its only era starts on its opening day, after today: the rename reached no era, and
    # every year's tree from its opening showed the name it was added with.
    opening = today + datetime.timedelta(days=60)
    add = form_data(opened_on=opening.strftime("%d/%m/%Y"), parent=tree["DB"].pk)
    assert staff_client.post(reverse("admin:units_unit_add"), add).status_code == 302
    new = Unit.objects.get(code="NEW")
    response = staff_client.post(
        reverse("admin:units_unit_change", args=[new.pk]),
        {
            **form_data(),
            "code": "NEW-2",
            "name": "CĐCS Trường Tiểu học Mới",
            "short_name": "CĐCS TH Mới",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    eras = UnitState.objects.filter(unit=new)
    assert list(eras.values_list("valid_from", "valid_until", "name", "short_name")) == [
        (opening, None, "CĐCS Trường Tiểu học Mới", "CĐCS TH Mới")
    ]
    era = UnitState.objects.on(opening).get(unit__code="NEW-2")
    assert (era.path, era.parent_id) == (new.path, tree["DB"].pk)
    assert not UnitState.objects.on(today).filter(unit=new).exists()


def a_merged_unit(successor, **overrides):
    """The add form for a union founded in 2020 under district A and merged in 2025."""
    return form_data(
        opened_on="01/01/2020",
        closed_on="01/09/2025",
        successor=successor.pk,
        parent=Unit.objects.get(code="DA").pk,
        **overrides,
    )


@pytest.mark.parametrize(
    ("change", "overrides", "refusal"),
    [
        # Closed before the new unit: nothing could carry on its work.
        ({"closed_on": datetime.date(2024, 3, 1)}, {}, "Vào ngày 01/09/2025, B1 – "),
        # Not yet founded on the day the new unit closes.
        ({"opened_on": datetime.date(2026, 1, 1)}, {}, "chưa hoạt động vào ngày 01/09/2025"),
        # A grassroots union takes no commune union's work.
        ({}, {"kind": "commune"}, "Không thể sáp nhập NEW – CĐCS Mới thành lập (Công đoàn"),
    ],
    ids=["closed", "not yet open", "grassroots for a commune union"],
)
def test_a_successor_a_recorded_merger_refuses_is_refused_here_too(
    staff_client, tree, change, overrides, refusal
):
    # The add form took any unit as the successor: a closed one, a grassroots union for a
    # commune union, one founded after the new unit closed.
    Unit.objects.filter(code="B1").update(**change)
    response = staff_client.post(
        reverse("admin:units_unit_add"), a_merged_unit(tree["B1"], **overrides)
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert not Unit.objects.filter(code="NEW").exists()


def test_a_unit_added_already_merged_into_an_open_unit_of_a_fitting_kind_is_kept(
    staff_client, tree
):
    response = staff_client.post(reverse("admin:units_unit_add"), a_merged_unit(tree["B1"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Unit.objects.get(code="NEW")
    assert (new.successor, new.closed_on) == (tree["B1"], datetime.date(2025, 9, 1))


def test_a_name_corrected_in_the_admin_corrects_the_history_and_starts_no_era(
    staff_client, tree, reorganise, admin_user, today
):
    # B1 was renamed by a decision in July 2025, with a typo; staff fix the spelling
    # today. The correction is how it was called since July, and a reorganisation dated
    # before today still applies: a new era from today would refuse it as "changed later".
    from units.reorganisations import reorganisation_apply

    july = datetime.date(2025, 7, 1)
    reorganisation_apply(
        reorganisation=reorganise(
            july, {"action": "rename", "unit_code": "B1", "name": "CĐCS Trường THCS Ân Thạnh"}
        ),
        user=admin_user,
    )
    response = staff_client.post(
        reverse("admin:units_unit_change", args=[tree["B1"].pk]),
        {"code": "B1", "name": "CĐCS Trường THCS An Thạnh", "short_name": "", **MEMBERSHIPS},
        follow=True,
    )
    assert "Đã sửa tên trong lịch sử của đơn vị từ ngày 01/07/2025" in response.content.decode()
    eras = list(
        UnitState.objects.filter(unit=tree["B1"])
        .order_by("valid_from")
        .values_list("valid_from", "name")
    )
    assert [name for _day, name in eras] == ["CĐCS B1", "CĐCS Trường THCS An Thạnh"]
    assert eras[1][0] == july  # the renamed era, corrected in place
    yesterday = today - datetime.timedelta(days=1)
    moved = reorganise(yesterday, {"action": "move", "unit_code": "B1", "target_code": "DA"})
    reorganisation_apply(reorganisation=moved, user=admin_user)
    assert Unit.objects.get_parent(Unit.objects.get(code="B1")).code == "DA"
    assert UnitState.objects.overlapping() == []


def test_a_post_to_the_unit_list_without_an_action_shows_the_list(staff_client, tree):
    # treebeard sets the level of the tree it shows on a GET only; a POST (a tampered or
    # replayed form) drew the list without it: AttributeError, a 500.
    url = reverse("admin:units_unit_changelist")
    response = staff_client.post(url, {}, follow=True)

    # Back to the list, as a GET: the tree's top level, the province.
    assert response.redirect_chain == [(url, 302)]
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [tree["PV"]]
    assert tree["PV"].name in response.content.decode()


@pytest.mark.parametrize("parent", ["abc", "1.5", "²"])
def test_the_children_of_a_unit_that_is_no_id_are_a_404(staff_client, tree, parent):
    # treebeard's URL takes any text and looked it up as a primary key: ValueError, a 500.
    response = staff_client.get(f"/admin/units/unit/children/{parent}/")

    assert response.status_code == 404


@pytest.fixture
def closed_units(tree, reorganise, admin_user):
    """District B merged into district A and sector S closed, both on 01/07/2025 (their
    grassroots unions first moved to district A)."""
    from units.reorganisations import reorganisation_apply

    july = datetime.date(2025, 7, 1)
    reorganisation_apply(
        reorganisation=reorganise(
            july,
            {"action": "move", "unit_code": "B1", "target_code": "DA"},
            {"action": "move", "unit_code": "S1", "target_code": "DA"},
            {"action": "merge", "unit_code": "DB", "target_code": "DA"},
            {"action": "close", "unit_code": "SE"},
        ),
        user=admin_user,
    )
    return {code: Unit.objects.get(code=code) for code in ("DA", "DB", "SE")}


def warnings_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_a_role_given_at_a_closed_unit_is_saved_with_what_it_does_and_where_the_work_went(
    staff_client, cast, closed_units
):
    # Kept roles at a closed unit read its history; a new one is allowed for that, but
    # staff more often meant the unit that carries on.
    officer = cast["officer_a1"]
    add = reverse("admin:units_membership_add")
    merged = staff_client.post(
        add, {"user": officer.pk, "unit": closed_units["DB"].pk, "role": "reviewer"}, follow=True
    )
    assert warnings_of(merged) == [
        "LĐLĐ huyện B (DB) đã ngừng hoạt động từ ngày 01/07/2025 và sáp nhập vào LĐLĐ huyện A "
        f"(DA): vai trò Người duyệt vừa giao cho {officer} tại đó chỉ để xem lịch sử của đơn "
        "vị; ở đó không còn ai lập hay xem xét hồ sơ nữa. Để làm việc của năm nay, hãy phân "
        "quyền tại LĐLĐ huyện A (DA)."
    ]
    dissolved = staff_client.post(
        add, {"user": officer.pk, "unit": closed_units["SE"].pk, "role": "officer"}, follow=True
    )
    [note] = warnings_of(dissolved)
    assert note.startswith("CĐ ngành S (SE) đã ngừng hoạt động từ ngày 01/07/2025: vai trò Cán bộ")
    assert "hãy phân quyền tại một đơn vị đang hoạt động" in note
    assert officer.memberships.filter(unit__code__in=["DB", "SE"]).count() == 2
    # An open unit: no warning.
    opened = staff_client.post(
        add, {"user": officer.pk, "unit": closed_units["DA"].pk, "role": "viewer"}, follow=True
    )
    assert warnings_of(opened) == []


def test_a_role_given_at_a_closed_unit_on_the_user_s_page_is_explained_too(
    staff_client, closed_units
):
    response = staff_client.post(
        reverse("admin:units_user_add"),
        {
            "username": "cspl.moi",
            "usable_password": "true",
            "password1": "Mat-khau-CSPL-2026x",
            "password2": "Mat-khau-CSPL-2026x",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-unit": closed_units["DB"].pk,
            "memberships-0-role": "reviewer",
            "memberships-1-unit": closed_units["DA"].pk,
            "memberships-1-role": "reviewer",
        },
        follow=True,
    )
    [note] = warnings_of(response)
    assert "vai trò Người duyệt vừa giao cho cspl.moi tại đó chỉ để xem lịch sử" in note
