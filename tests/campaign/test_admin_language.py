"""The admin's own words that Django leaves in English: the search icon's text, the yes/no
icons' text and the model permissions' names."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from campaign.models import Reminder

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
