"""An operation's field that was filled in but refused says why, once: not also that the
operation needs the field, which reads as if nothing had been typed there."""

import pytest
from django.urls import reverse

from tests.units.reorganisations import JULY

NEEDED = "Thao tác này cần trường này."


@pytest.fixture
def draft(tree, reorganise):
    return reorganise(JULY, {"action": "rename", "unit_code": "A1", "name": "CĐCS A1 mới"})


@pytest.mark.parametrize(
    ("field", "typed", "refusal"),
    [
        ("code", "VL-ĐỒNG", "Mã chỉ gồm chữ cái không dấu"),
        ("name", "Tên\u202eabc", "ký tự điều khiển không nhìn thấy được (U+202E)"),
    ],
    ids=["code with marks", "name with a direction override"],
)
def test_a_refused_field_gets_its_own_message_only(
    client, admin_user, draft, field, typed, refusal
):
    client.force_login(admin_user)
    data = {"position": 2, "action": "create", "code": "XB", "name": "Công đoàn xã B"}
    data |= {"kind": "commune", "target_code": "PV", field: typed}

    response = client.post(reverse("units:operation_add", args=[draft.pk]), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert refusal in page
    assert NEEDED not in page
    assert draft.operations.count() == 1


def test_a_field_left_empty_is_still_asked_for(client, admin_user, draft):
    client.force_login(admin_user)
    data = {"position": 2, "action": "create", "code": "XB", "kind": "commune"}

    response = client.post(reverse("units:operation_add", args=[draft.pk]), data)

    assert NEEDED in response.content.decode()
    assert draft.operations.count() == 1
