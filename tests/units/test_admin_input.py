"""What staff type in the admin meets the checks of the portal's own forms, and the admin's
history pages are for reading."""

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import translation
from simple_history.admin import SimpleHistoryAdmin

from campaign.admin import HistoryForReading
from units.forms import AdminInlineFormSet, PortalInputMixin
from units.models import Unit, User


def test_every_admin_form_and_inline_checks_its_input(rf, staff_client):
    request = rf.get("/")
    request.user = User.objects.get(username="root")  # staff_client's
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("units", "campaign", "reports"):
            continue  # the libraries' own (groups, axes' records)
        forms = [model_admin.get_form(request, None)]
        for inline in model_admin.get_inline_instances(request, None):
            formset = inline.get_formset(request, None)
            # Duplicate rows named by the columns' labels, not the attributes' names.
            assert issubclass(formset, AdminInlineFormSet), (model.__name__, inline)
            forms.append(formset.form)
        for form in forms:
            assert issubclass(form, PortalInputMixin), (model.__name__, form)
        if isinstance(model_admin, SimpleHistoryAdmin):
            assert isinstance(model_admin, HistoryForReading), model.__name__


def test_every_field_an_admin_page_shows_has_a_name_of_its_own(rf, staff_client):
    # A field without a verbose name is labelled with its English attribute name
    # ("Version", "Content type", "Params") on a Vietnamese page.
    request = rf.get("/")
    request.user = User.objects.get(username="root")  # staff_client's
    unnamed = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("units", "campaign", "reports"):
            continue
        shown = [
            name
            for _title, options in model_admin.get_fieldsets(request, None)
            for line in options["fields"]
            for name in (line if isinstance(line, (list, tuple)) else [line])
        ]
        for name in shown:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # an admin method, labelled by its description
            with translation.override("vi"):
                label = str(field.verbose_name)
            if label == name.replace("_", " "):
                unnamed.append(f"{model.__name__}.{name}")
    assert unnamed == []


def test_a_control_character_in_a_unit_s_name_is_refused(staff_client, tree):
    # It would stop the dashboard's charts (XML cannot hold it) and the PDFs.
    unit = tree["A1"]
    url = reverse("admin:units_unit_change", args=[unit.pk])
    response = staff_client.post(
        url, {"code": unit.code, "name": unit.name, "short_name": "CĐ\x01 A1"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["short_name"] == [
        "Nội dung có một ký tự điều khiển không nhìn thấy được (U+0001) ở ký tự thứ 3; hãy "
        "xoá ký tự đó rồi thử lại."
    ]
    assert Unit.objects.get(pk=unit.pk).short_name == unit.short_name


@pytest.mark.parametrize("bad", ["1.234", "²", "1" * 30])
def test_a_picked_unit_that_is_not_an_id_is_asked_for_again_not_a_500(staff_client, cast, bad):
    # Only a tampered page sends it; the autocomplete widget looked it up to redraw the form.
    response = staff_client.post(
        reverse("admin:units_membership_add"),
        {"user": str(cast["officer_a1"].pk), "unit": bad, "role": "officer"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["unit"] == ["Trường này là bắt buộc."]


def test_a_direction_override_in_a_name_is_refused(staff_client, tree):
    # "\u202e" shows what follows reversed, on a page and in a signed PDF.
    unit = tree["A1"]
    response = staff_client.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {"code": unit.code, "name": "CĐCS \u202eA1", "short_name": unit.short_name},
    )
    assert "(U+202E)" in response.context["adminform"].form.errors["name"][0]
    assert Unit.objects.get(pk=unit.pk).name == unit.name


@pytest.mark.parametrize(
    ("field", "typed", "where"),
    [
        ("name", "CĐCS A\u200d1", "(U+200D) ở ký tự thứ 7, ngay sau “CĐCS A”"),
        ("short_name", "A\u20601", "(U+2060) ở ký tự thứ 2, ngay sau “A”"),
        ("code", "A\u200b1", "(U+200B) ở ký tự thứ 2, ngay sau “A”"),
    ],
)
def test_a_zero_width_character_inside_a_unit_s_name_or_code_is_refused(
    staff_client, tree, field, typed, where
):
    # It looks like "A1" but is another name to search and another code to type again.
    unit = tree["A1"]
    data = {"code": unit.code, "name": unit.name, "short_name": unit.short_name, field: typed}
    response = staff_client.post(reverse("admin:units_unit_change", args=[unit.pk]), data)
    assert response.context["adminform"].form.errors[field] == [
        f"Nội dung có một ký tự không nhìn thấy được {where}; hãy xoá từ có chứa ký tự đó rồi "
        "gõ lại."
    ]
    assert Unit.objects.filter(pk=unit.pk).values(field).get() == {field: getattr(unit, field)}


CODE_RULE = "Mã chỉ gồm chữ cái không dấu (hoặc Đ), chữ số và “-”, “_” hoặc “.”"


@pytest.mark.parametrize("code", ["A1,A2", "A 1", "Ａ1", "-A1"])
def test_a_code_changed_to_one_that_cannot_be_typed_again_is_refused(staff_client, tree, code):
    unit = tree["A1"]
    response = staff_client.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {"code": code, "name": unit.name, "short_name": unit.short_name},
    )
    assert response.context["adminform"].form.errors["code"][0].startswith(CODE_RULE)
    assert Unit.objects.get(pk=unit.pk).code == unit.code


def test_a_code_given_before_the_rule_stays_usable(staff_client, tree):
    unit = tree["A1"]
    Unit.objects.filter(pk=unit.pk).update(code="A 1")
    response = staff_client.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {"code": "A 1", "name": "CĐCS Mới", "short_name": unit.short_name},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).name == "CĐCS Mới"
    staff_client.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {"code": "BT-ĐL.01_a", "name": "CĐCS Mới", "short_name": unit.short_name},
    )
    assert Unit.objects.get(pk=unit.pk).code == "BT-ĐL.01_a"


@pytest.mark.parametrize("tampered", ["99999999999999999999", "²", "abc"])
@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("admin:auth_group_add", "permissions"),
        ("admin:units_user_change", "groups"),
        ("admin:units_user_change", "user_permissions"),
    ],
)
def test_a_tampered_id_in_a_many_to_many_picker_is_refused_with_a_message(
    staff_client, page, field, tampered
):
    # A number past the database's integer range reached Django's `pk__in` lookup, where
    # SQLite raised OverflowError: a 500.
    root = User.objects.get(username="root")
    args = [root.pk] if page.endswith("change") else []
    data = {"name": "Nhóm thử", "username": "root", field: [tampered]}
    if page.endswith("change"):
        data.update({"date_joined_0": "01/01/2026", "date_joined_1": "08:00:00"})
    with translation.override("vi"):
        response = staff_client.post(reverse(page, args=args), data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors


@pytest.mark.parametrize("typed", ["abc", "1.5", "99999999999999999999", "-1"])
def test_an_add_page_given_a_unit_that_is_no_id_in_its_address_opens_without_it(
    staff_client, typed
):
    # The admin fills an add form from its address (?unit=…); the unit picker looked the
    # value up to draw itself: ValueError ("abc") or OverflowError (SQLite), a 500.
    response = staff_client.get(f"{reverse('admin:units_membership_add')}?unit={typed}")

    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("unit") is None


@pytest.mark.parametrize(
    "address",
    [
        "/admin/units/membership/?role=%00",
        "/admin/units/unit/?kind__exact=x%00",
        "/admin/campaign/plan/?status__exact=%00",
        "/admin/autocomplete/?app_label=units&model_name=membership&field_name=unit&term=%C4%90%00",
        "/admin/units/user/?q=%00",
    ],
)
def test_a_nul_character_in_an_admin_address_is_the_400_page_not_a_500(staff_client, tree, address):
    # PostgreSQL cannot hold NUL in a query parameter: a change list's filter or a picker's
    # search took it to the database, a ValueError (SQLite answered the page).
    response = staff_client.get(address, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 400
    assert "Hệ thống không đọc được dữ liệu đã gửi" in response.content.decode()
