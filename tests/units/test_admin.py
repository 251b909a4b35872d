"""Staff keep the tree in the admin: add a child unit, move a unit, never delete one."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from units.models import Unit


@pytest.fixture
def staff_client(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def form_data(**overrides):
    data = {
        "code": "NEW",
        "name": "CĐCS Mới thành lập",
        "short_name": "",
        "kind": "grassroots",
        "opened_on": "",
        "closed_on": "",
        "successor": "",
        "treebeard_position": "first-child",
        "treebeard_ref_node": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_staff_add_a_child_unit(staff_client, tree):
    response = staff_client.post(
        reverse("admin:units_unit_add"), form_data(treebeard_ref_node=tree["DB"].pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Unit.objects.get(code="NEW")
    assert Unit.objects.get_parent(new) == tree["DB"]
    assert Unit.objects.get(pk=tree["DB"].pk).numchild == 2


def test_staff_move_a_unit_with_its_subtree(staff_client, tree):
    district = tree["DA"]
    data = form_data(
        code="DA", name=district.name, kind="district", treebeard_ref_node=tree["SE"].pk
    )
    response = staff_client.post(reverse("admin:units_unit_change", args=[district.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get_parent(Unit.objects.get(code="DA")) == tree["SE"]
    assert Unit.objects.get(code="A1").path.startswith(Unit.objects.get(code="SE").path)


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
