"""The admin's own words that Django leaves in English: the search icon's text, the yes/no
icons' text and the model permissions' names."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from campaign.models import Reminder
from tests.factories import UserFactory
from units.models import Membership, Unit

ENGLISH = re.compile(r'alt="(True|False|None|Search)"|Can (add|change|delete|view) ')


@pytest.fixture
def reminder(tree, campaign):
    return Reminder.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        what="plan",
        year=2015,
        step="due",
        manual=True,
        due_on=campaign.plan_due_on,
    )


def page(client, name, *args):
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "name", ["admin:units_user_changelist", "admin:campaign_reminder_changelist"]
)
def test_a_change_list_s_icons_speak_vietnamese(staff_client, reminder, name):
    html = page(staff_client, name)
    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert 'alt="Có"' in html  # the superuser's staff status, the reminder sent by hand
    assert 'alt="Tìm kiếm"' in html or name.endswith("reminder_changelist")


@pytest.mark.parametrize(
    ("name", "own"),
    [("admin:units_user_change", True), ("admin:auth_group_add", False)],
)
def test_the_permissions_are_named_in_vietnamese(staff_client, tree, name, own):
    from units.models import User

    args = [User.objects.get(username="root").pk] if own else []
    html = page(staff_client, name, *args)
    assert not ENGLISH.search(html), ENGLISH.search(html)
    # Each default permission worded from its model's translated names.
    with translation.override("vi"):
        for permission in Permission.objects.select_related("content_type"):
            meta = permission.content_type.model_class()._meta
            action = permission.codename.split("_")[0]
            verb = {"add": "thêm", "change": "sửa", "delete": "xóa", "view": "xem"}[action]
            model = meta.verbose_name
            label = f"{meta.app_config.verbose_name} | {model} | Được {verb} {model}"
            assert f">{escape(label)}</option>" in html


def read_only(html, label) -> str:
    """What the admin change page `html` shows for the read-only field labelled `label`."""
    found = re.search(
        rf"<label>{re.escape(label)}:</label>\s*<div class=\"readonly\">(.*?)</div>", html, re.S
    )
    assert found, label
    return found.group(1)


def test_a_read_only_yes_or_no_speaks_vietnamese_on_a_page_for_viewing(staff_client, reminder):
    # Reminders are only read in the admin: every field is read-only.
    html = page(staff_client, "admin:campaign_reminder_change", reminder.pk)
    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert 'alt="Có"' in read_only(html, "Gửi thủ công")


def test_a_user_s_yes_or_no_speaks_vietnamese_to_staff_who_may_only_view_users(client, db):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(viewer)
    plain = UserFactory(username="plain")  # active, neither staff nor superuser
    html = page(client, "admin:units_user_change", plain.pk)
    assert not ENGLISH.search(html), ENGLISH.search(html)
    assert 'alt="Có"' in html and 'alt="Không"' in html
    assert 'name="is_active"' not in html  # no checkbox: the page is for viewing


@pytest.mark.parametrize(
    ("model", "field"), [("user", "user_permissions"), ("group", "permissions")]
)
def test_the_permissions_are_named_in_vietnamese_to_staff_who_may_only_view(
    client, db, model, field
):
    from django.contrib.auth.models import Group

    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(viewer)
    granted = Permission.objects.filter(codename__in=["view_unit", "change_membership"])
    if model == "user":
        shown = UserFactory(username="plain")
        shown.user_permissions.set(granted)
    else:
        shown = Group.objects.create(name="Ban CSPL")
        shown.permissions.set(granted)
    html = page(client, f"admin:{shown._meta.app_label}_{model}_change", shown.pk)
    assert not ENGLISH.search(html), ENGLISH.search(html)
    # As the change form's picker words them, one a line, in Permission's order (by model).
    with translation.override("vi"):
        label = capfirst(str(type(shown)._meta.get_field(field).verbose_name))
        membership, unit = Membership._meta.verbose_name, Unit._meta.verbose_name
        app = Unit._meta.app_config.verbose_name
        wanted = [
            f"{app} | {membership} | Được sửa {membership}",
            f"{app} | {unit} | Được xem {unit}",
        ]
    assert read_only(html, label).strip() == "<br>".join(escape(line) for line in wanted)


def test_a_boolean_among_the_read_only_fields_speaks_vietnamese_and_stays_out_of_the_form(
    staff_client, tree, monkeypatch
):
    from units.models import User

    monkeypatch.setattr(admin.site.get_model_admin(User), "readonly_fields", ("is_superuser",))
    other = UserFactory(username="other_root", is_staff=True, is_superuser=True)
    response = staff_client.get(
        reverse("admin:units_user_change", args=[other.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    )
    html = response.content.decode()
    assert not ENGLISH.search(html), ENGLISH.search(html)
    label = User._meta.get_field("is_superuser").verbose_name
    with translation.override("vi"):
        assert 'alt="Có"' in read_only(html, capfirst(str(label)))
    # Shown once, and left out of the form: saving the page cannot clear it.
    assert html.count('class="readonly"><img') == 1
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields and "is_active" in form.fields
