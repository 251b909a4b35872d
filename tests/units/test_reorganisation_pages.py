"""The administrators' reorganisation pages, up the permission ladder, and their forms."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.once import ALREADY, messages_in, sent_twice, token_of
from tests.units.reorganisations import JULY
from units.models import Operation, Reorganisation, SentForm, Unit


@pytest.fixture
def draft(tree, reorganise):
    return reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "merge", "unit_code": "DA", "target_code": "XA", "move_children": True},
    )


def pages(reorganisation):
    pk = reorganisation.pk
    return [
        reverse("units:reorganisation_list"),
        reverse("units:reorganisation_create"),
        reverse("units:reorganisation_detail", args=[pk]),
        reverse("units:reorganisation_edit", args=[pk]),
    ]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, draft):
    for url in pages(draft):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "officer_a", "cspl", "standing"])
def test_people_without_staff_rights_are_refused(client, cast, draft, who):
    client.force_login(cast[who])
    for url in pages(draft):
        assert client.get(url).status_code == 403
    apply = reverse("units:reorganisation_apply", args=[draft.pk])
    assert client.post(apply).status_code == 403
    assert Unit.objects.get(code="DA").closed_on is None


def test_an_administrator_sees_the_list_and_the_preview(client, admin_user, draft):
    client.force_login(admin_user)
    assert "56/QĐ-LĐLĐ" in client.get(reverse("units:reorganisation_list")).content.decode()
    page = client.get(reverse("units:reorganisation_detail", args=[draft.pk])).content.decode()
    assert "Công đoàn xã An" in page
    assert "Đơn vị kết thúc hoạt động" in page or "DA" in page
    assert reverse("units:reorganisation_apply", args=[draft.pk]) in page


def test_an_unknown_reorganisation_is_a_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("units:reorganisation_detail", args=[999])).status_code == 404


def test_recording_a_decision_keeps_what_was_typed_when_a_date_is_wrong(client, admin_user, db):
    client.force_login(admin_user)
    response = client.post(
        reverse("units:reorganisation_create"),
        {"number": "12/QĐ-LĐLĐ", "decided_on": "31/02/2025", "effective_on": "01/07/2025"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "12/QĐ-LĐLĐ" in page and "01/07/2025" in page
    assert "invalid-feedback" in page
    assert not Reorganisation.objects.exists()

    response = client.post(
        reverse("units:reorganisation_create"),
        {"number": "12/QĐ-LĐLĐ", "decided_on": "20/06/2025", "effective_on": "01/07/2025"},
    )
    created = Reorganisation.objects.get()
    assert response.url == reverse("units:reorganisation_detail", args=[created.pk])
    assert (created.created_by, created.effective_on) == (admin_user, JULY)


def test_a_decision_dated_after_today_is_refused(client, admin_user, db, today):
    client.force_login(admin_user)
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(
        reverse("units:reorganisation_create"),
        {
            "number": "13/QĐ-LĐLĐ",
            "decided_on": tomorrow.strftime("%d/%m/%Y"),
            "effective_on": (today + datetime.timedelta(days=30)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 200
    assert "chưa đến" in response.content.decode() and "13/QĐ-LĐLĐ" in response.content.decode()
    assert not Reorganisation.objects.exists()


def test_adding_an_operation_with_a_missing_field_shows_why(client, admin_user, draft):
    client.force_login(admin_user)
    url = reverse("units:operation_add", args=[draft.pk])
    response = client.post(url, {"position": 3, "action": "rename", "unit_code": "B1"})
    assert response.status_code == 200
    assert "Thao tác này cần trường này." in response.content.decode()
    client.post(url, {"position": 3, "action": "rename", "unit_code": "B1", "name": "Tên mới"})
    assert draft.operations.count() == 3


def test_a_new_unit_s_code_with_a_comma_is_refused_and_what_was_typed_kept(
    client, admin_user, draft
):
    # A split lists the codes of the units it moves with commas: "X,1" could never be named.
    client.force_login(admin_user)
    url = reverse("units:operation_add", args=[draft.pk])
    data = {"position": 3, "action": "create", "target_code": "PV", "code": "X,1"}
    response = client.post(url, {**data, "name": "Công đoàn xã Mới", "kind": "commune"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mã chỉ gồm chữ cái không dấu" in page and 'value="Công đoàn xã Mới"' in page
    assert draft.operations.count() == 2


def test_a_province_moved_from_the_top_of_the_tree_says_where_from(
    client, admin_user, tree, reorganise
):
    moved = reorganise(
        JULY,
        {"action": "create", "code": "TW", "name": "Liên đoàn toàn quốc", "kind": "province"},
        {"action": "move", "unit_code": "PV", "target_code": "TW"},
    )
    client.force_login(admin_user)
    with translation.override("vi"):
        page = client.get(reverse("units:reorganisation_detail", args=[moved.pk]))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert re.search(r"PV – [^:<]+: từ cấp cao nhất sang TW", text), re.findall(r"PV –[^<]*", text)


def test_a_refused_reorganisation_shows_its_refusals_and_cannot_be_applied(
    client, admin_user, tree, reorganise
):
    r = reorganise(JULY, {"action": "merge", "unit_code": "DA", "target_code": "A1"})
    client.force_login(admin_user)
    response = client.get(reverse("units:reorganisation_detail", args=[r.pk]))
    page = response.content.decode()
    assert "Không thể sáp nhập" in page
    assert reverse("units:reorganisation_apply", args=[r.pk]) not in page
    response = client.post(reverse("units:reorganisation_apply", args=[r.pk]), follow=True)
    assert "Không thể sáp nhập" in response.content.decode()
    assert Unit.objects.get(code="DA").closed_on is None


def test_a_refusal_names_the_operation_by_its_number_in_the_list(
    client, admin_user, tree, reorganise
):
    # An uploaded file's positions are its line numbers (2, 3…), and a typed position may
    # skip numbers: the refusal of the second operation listed is "Thao tác 2", not "7".
    r = reorganise(JULY, {"action": "rename", "unit_code": "A1", "name": "CĐCS A1 mới"})
    Operation.objects.filter(reorganisation=r).update(position=2)
    Operation.objects.create(
        reorganisation=r, position=7, action="merge", unit_code="DA", target_code="A1"
    )
    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[r.pk])).content.decode()
    assert "<li>Thao tác 2: Không thể sáp nhập" in page
    assert "Thao tác 7" not in page


def test_applying_from_the_page(client, admin_user, draft):
    client.force_login(admin_user)
    response = client.post(reverse("units:reorganisation_apply", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "applied"
    assert Unit.objects.get(code="DA").closed_on == JULY
    # Applied: no more editing (back to its page, which says why), nothing removed.
    detail = reverse("units:reorganisation_detail", args=[draft.pk])
    edit = client.get(reverse("units:reorganisation_edit", args=[draft.pk]))
    assert (edit.status_code, edit["Location"]) == (302, detail)
    op = draft.operations.first()
    delete = reverse("units:operation_delete", args=[draft.pk, op.pk])
    assert client.post(delete)["Location"] == detail
    assert Operation.objects.filter(pk=op.pk).exists()
    assert "XA" in response.content.decode()


def seen_on(client, reorganisation):
    """The preview's digest the reorganisation's page sends back with apply and schedule."""
    page = client.get(reverse("units:reorganisation_detail", args=[reorganisation.pk]))
    return re.search(r'name="seen" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_applying_from_a_page_whose_preview_changed_does_nothing(client, admin_user, draft):
    # Two colleagues on one draft: one reads the preview and taps Apply while the other has
    # just added an operation. The operation nobody confirmed was applied with the rest,
    # and applying cannot be undone.
    client.force_login(admin_user)
    seen = seen_on(client, draft)
    draft.operations.create(position=3, action="close", unit_code="B1")
    apply = reverse("units:reorganisation_apply", args=[draft.pk])
    with translation.override("vi"):
        response = client.post(apply, {"seen": seen}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert Unit.objects.get(code="B1").closed_on is None
    assert not Unit.objects.filter(code="XA").exists()
    assert "đã thay đổi sau khi trang của bạn được mở" in response.content.decode()
    # The page it comes back to shows the new preview; confirmed from there, it applies.
    response = client.post(apply, {"seen": seen_on(client, draft)}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "applied"
    assert Unit.objects.get(code="B1").closed_on == JULY


def test_applying_from_a_page_drawn_before_another_act_changed_the_tree(
    client, admin_user, draft, reorganise
):
    # The operations are the same, but another decision applied meanwhile closed a unit
    # the preview showed moving: what the page said is no longer what would happen.
    client.force_login(admin_user)
    seen = seen_on(client, draft)
    other = reorganise(JULY, {"action": "close", "unit_code": "A2"}, number="57/QĐ-LĐLĐ")
    client.post(reverse("units:reorganisation_apply", args=[other.pk]))
    other.refresh_from_db()
    assert other.status == "applied"
    client.post(reverse("units:reorganisation_apply", args=[draft.pk]), {"seen": seen})
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert Unit.objects.get(code="DA").closed_on is None


def test_scheduling_from_a_stale_page_does_nothing(client, admin_user, tree, reorganise, today):
    r = reorganise(
        today + datetime.timedelta(days=10),
        {"action": "rename", "unit_code": "A1", "name": "Tên mới"},
    )
    client.force_login(admin_user)
    seen = seen_on(client, r)
    Operation.objects.filter(reorganisation=r).update(name="Tên khác")
    client.post(reverse("units:reorganisation_schedule", args=[r.pk]), {"seen": seen})
    r.refresh_from_db()
    assert r.status == "draft"
    client.post(reverse("units:reorganisation_schedule", args=[r.pk]), {"seen": seen_on(client, r)})
    r.refresh_from_db()
    assert r.status == "scheduled"


def test_applying_twice_says_it_was_applied_already(client, admin_user, draft):
    # A second tap on Apply (or a reload that repeats the POST) said only that the act was
    # "no longer open to apply", beside the first tap's success: was it applied or not?
    client.force_login(admin_user)
    apply = reverse("units:reorganisation_apply", args=[draft.pk])
    client.post(apply)
    with translation.override("vi"):
        again = client.post(apply, follow=True)
    draft.refresh_from_db()
    when = timezone.localtime(draft.applied_at)
    assert f"Đợt sắp xếp này đã được áp dụng trước đó, lúc {when:%H:%M %d/%m/%Y}." in (
        messages_in(again)
    )
    assert Unit.objects.filter(code="XA").count() == 1


def test_scheduling_or_cancelling_twice_says_it_is_done(
    client, admin_user, tree, reorganise, today
):
    # The second tap answered "only a draft can be scheduled" or "only a reorganisation not
    # yet in effect can be cancelled", beside the first tap's success.
    r = reorganise(
        today + datetime.timedelta(days=10),
        {"action": "rename", "unit_code": "A1", "name": "Tên mới"},
    )
    client.force_login(admin_user)
    schedule = reverse("units:reorganisation_schedule", args=[r.pk])
    cancel = reverse("units:reorganisation_cancel", args=[r.pk])
    client.post(schedule)
    with translation.override("vi"):
        again = client.post(schedule, follow=True)
    day = r.effective_on.strftime("%d/%m/%Y")
    assert f"Đợt sắp xếp này đã được hẹn áp dụng vào ngày {day}." in messages_in(again)
    client.post(cancel)
    with translation.override("vi"):
        again = client.post(cancel, follow=True)
    assert "Đợt sắp xếp này đã được hủy trước đó." in messages_in(again)
    r.refresh_from_db()
    assert r.status == "cancelled"


def test_applying_and_cancelling_ask_first_in_vietnamese(client, admin_user, draft):
    """Both cannot be undone: the browser asks before sending (static/js/data_confirm.js)."""
    from html import unescape

    client.force_login(admin_user)
    page = unescape(
        client.get(reverse("units:reorganisation_detail", args=[draft.pk])).content.decode()
    )
    assert (
        'data-confirm="Áp dụng quyết định này ngay bây giờ? Các đơn vị sẽ được hợp nhất, chuyển, '
        'thành lập và kết thúc hoạt động đúng như phần xem trước, và không thể hoàn tác.">'
        "Áp dụng</button>"
    ) in page
    assert 'data-confirm="Hủy đợt sắp xếp này?' in page
    assert "/static/js/data_confirm" in page
    # Removing an operation cannot be undone either: one tap beside "Edit" lost it.
    assert re.search(r'data-confirm="Bỏ thao tác “[^”]+ DA” khỏi đợt sắp xếp này\?"', page)


def test_a_split_lists_the_units_it_hands_over_one_by_one(client, admin_user, tree, reorganise):
    split = reorganise(
        JULY,
        {"action": "split", "unit_code": "DA", "target_code": "DB", "children_codes": "A1,A2"},
    )
    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[split.pk])).content.decode()
    assert ">A1, A2</div>" in page


def test_a_future_reorganisation_is_scheduled_then_cancelled(
    client, admin_user, tree, reorganise, today
):
    r = reorganise(
        today + datetime.timedelta(days=10),
        {"action": "rename", "unit_code": "A1", "name": "Tên mới"},
    )
    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[r.pk])).content.decode()
    assert reverse("units:reorganisation_apply", args=[r.pk]) not in page
    client.post(reverse("units:reorganisation_schedule", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == "scheduled"
    client.post(reverse("units:reorganisation_cancel", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == "cancelled"


def test_a_scheduled_reorganisation_goes_back_to_draft_to_be_corrected(
    client, admin_user, tree, reorganise, today
):
    # Before, a typo in a scheduled act meant cancelling it and typing every operation again,
    # and its edit page answered 403 "your role does not permit this".
    r = reorganise(
        today + datetime.timedelta(days=10),
        {"action": "rename", "unit_code": "A1", "name": "Tên mớii"},
    )
    client.force_login(admin_user)
    client.post(reverse("units:reorganisation_schedule", args=[r.pk]))
    edit = reverse("units:reorganisation_edit", args=[r.pk])
    refused = client.get(edit, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("units:reorganisation_detail", args=[r.pk])
    assert "Đưa về bản nháp" in refused.content.decode()
    client.post(reverse("units:reorganisation_unschedule", args=[r.pk]))
    r.refresh_from_db()
    assert (r.status, r.applied_by) == ("draft", None)
    assert client.get(edit).status_code == 200
    again = client.post(reverse("units:reorganisation_unschedule", args=[r.pk]), follow=True)
    assert "Chỉ đợt sắp xếp đã hẹn ngày" in again.content.decode()


def test_an_operation_of_another_reorganisation_is_a_404(client, admin_user, draft, reorganise):
    other = reorganise(JULY, {"action": "close", "unit_code": "B1"})
    op = other.operations.get()
    client.force_login(admin_user)
    url = reverse("units:operation_edit", args=[draft.pk, op.pk])
    assert client.get(url).status_code == 404
    assert Operation.objects.filter(pk=op.pk).exists()


def test_editing_and_removing_an_operation(client, admin_user, draft):
    client.force_login(admin_user)
    op = draft.operations.get(position=1)
    url = reverse("units:operation_edit", args=[draft.pk, op.pk])
    assert client.get(url).status_code == 200
    data = {
        "position": 1,
        "action": "create",
        "code": "XB",
        "name": "Công đoàn xã Bình",
        "kind": "commune",
        "target_code": "PV",
    }
    assert client.post(url, data).status_code == 302
    assert Operation.objects.get(pk=op.pk).code == "XB"
    client.post(reverse("units:operation_delete", args=[draft.pk, op.pk]))
    assert not Operation.objects.filter(pk=op.pk).exists()


def test_removing_an_operation_twice_says_it_is_gone(client, admin_user, draft):
    # The second tap (or a colleague's page) answered a 404 page, as if the link were bad.
    client.force_login(admin_user)
    op = draft.operations.get(position=2)
    delete = reverse("units:operation_delete", args=[draft.pk, op.pk])
    detail = reverse("units:reorganisation_detail", args=[draft.pk])
    assert client.post(delete)["Location"] == detail
    with translation.override("vi"):
        again = client.post(delete, follow=True)
    assert again.redirect_chain == [(detail, 302)]
    assert any("đã được gỡ bỏ" in message for message in messages_in(again))
    assert list(draft.operations.values_list("position", flat=True)) == [1]
    # Editing it from a page drawn before it was removed says so too.
    with translation.override("vi"):
        edit = client.get(reverse("units:operation_edit", args=[draft.pk, op.pk]), follow=True)
    assert edit.redirect_chain == [(detail, 302)]
    assert any("đã bị gỡ bỏ" in message for message in messages_in(edit))


def seen_in(page):
    return re.search(r'name="seen" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_a_decision_edited_from_a_stale_page_keeps_the_colleague_s_change(
    client, admin_user, draft
):
    # Two administrators on one draft: the second to save put back the effective date the
    # first had just corrected, without a word.
    client.force_login(admin_user)
    url = reverse("units:reorganisation_edit", args=[draft.pk])
    seen = seen_in(client.get(url))
    Reorganisation.objects.filter(pk=draft.pk).update(effective_on=datetime.date(2025, 8, 1))
    mine = {
        "number": "56/QĐ-LĐLĐ",
        "decided_on": "20/06/2025",
        "effective_on": "01/07/2025",
        "signer": "Nguyễn Văn A",
        "seen": seen,
    }
    with translation.override("vi"):
        refused = client.post(url, mine)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Người khác đã lưu nội dung này" in page and "Nguyễn Văn A" in page
    draft.refresh_from_db()
    assert (draft.effective_on, draft.signer) == (datetime.date(2025, 8, 1), "")
    # Sent again from the page that said so, it saves: the user chose to.
    assert client.post(url, {**mine, "seen": seen_in(refused)}).status_code == 302
    draft.refresh_from_db()
    assert (draft.effective_on, draft.signer) == (JULY, "Nguyễn Văn A")


def test_an_operation_edited_from_a_stale_page_is_refused(client, admin_user, draft):
    client.force_login(admin_user)
    op = draft.operations.get(position=1)
    url = reverse("units:operation_edit", args=[draft.pk, op.pk])
    seen = seen_in(client.get(url))
    Operation.objects.filter(pk=op.pk).update(name="Công đoàn xã An Hòa")
    data = {
        "position": 1,
        "action": "create",
        "code": "XA",
        "name": "Công đoàn xã An Bình",
        "kind": "commune",
        "target_code": "PV",
        "seen": seen,
    }
    assert client.post(url, data).status_code == 200
    assert Operation.objects.get(pk=op.pk).name == "Công đoàn xã An Hòa"
    # Unchanged meanwhile, the same page saves.
    seen = seen_in(client.get(url))
    assert client.post(url, {**data, "seen": seen}).status_code == 302
    assert Operation.objects.get(pk=op.pk).name == "Công đoàn xã An Bình"


def test_the_preview_says_when_a_rename_clears_or_changes_the_short_name(
    client, admin_user, tree, reorganise
):
    # A rename typed without a short name clears the unit's; the preview said only
    # “CĐCS A1” becomes “CĐCS A1” (a short name alone changed) or nothing of it.
    Unit.objects.filter(code__in=["A1", "A2"]).update(short_name="Cũ")
    r = reorganise(
        JULY,
        {"action": "rename", "unit_code": "A1", "name": "CĐCS A1 mới"},
        {"action": "rename", "unit_code": "A2", "name": "CĐCS A2", "short_name": "Mới"},
    )
    client.force_login(admin_user)
    with translation.override("vi"):
        page = client.get(reverse("units:reorganisation_detail", args=[r.pk])).content.decode()
    assert "A1: “CĐCS A1” đổi thành “CĐCS A1 mới”; tên viết tắt “Cũ” bị xoá" in page
    assert "A2: “CĐCS A2” đổi thành “CĐCS A2”; tên viết tắt: “Cũ” đổi thành “Mới”" in page


def test_the_pages_fit_a_phone(client, admin_user, draft):
    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[draft.pk])).content.decode()
    assert 'name="viewport"' in page and "<table" not in page


# --- sent twice (units/once.py) -----------------------------------------------------------------


def test_a_decision_sent_twice_makes_one_draft(client, admin_user, db):
    # A second tap or a reload that repeats the POST made a second draft of the decision.
    client.force_login(admin_user)
    url = reverse("units:reorganisation_create")
    data = {"number": "12/QĐ-LĐLĐ", "decided_on": "20/06/2025", "effective_on": "01/07/2025"}
    first, second = sent_twice(client, url, data)
    draft = Reorganisation.objects.get()
    detail = reverse("units:reorganisation_detail", args=[draft.pk])
    assert first.url == second.redirect_chain[-1][0] == detail
    assert any(ALREADY in message for message in messages_in(second))
    # A new page is a new form: a second decision is recorded.
    sent_twice(client, url, {**data, "number": "13/QĐ-LĐLĐ"})
    assert Reorganisation.objects.count() == 2


def test_editing_a_decision_needs_no_token(client, admin_user, draft):
    client.force_login(admin_user)
    url = reverse("units:reorganisation_edit", args=[draft.pk])
    assert 'name="once"' not in client.get(url).content.decode()
    data = {"number": "57/QĐ-LĐLĐ", "decided_on": "20/06/2025", "effective_on": "01/07/2025"}
    assert client.post(url, data).status_code == 302
    assert Reorganisation.objects.get().number == "57/QĐ-LĐLĐ"
    assert not SentForm.objects.exists()


def test_an_operation_sent_twice_is_added_once(client, admin_user, draft):
    # The same POST twice added two identical operations.
    client.force_login(admin_user)
    detail = reverse("units:reorganisation_detail", args=[draft.pk])
    url = reverse("units:operation_add", args=[draft.pk])
    data = {"position": 3, "action": "rename", "unit_code": "B1", "name": "CĐCS B1 mới"}
    sent = {**data, "once": token_of(client, detail)}
    first = client.post(url, sent)
    with translation.override("vi"):
        second = client.post(url, sent, follow=True)
    assert first.url == second.redirect_chain[-1][0] == detail
    assert any(ALREADY in message for message in messages_in(second))
    assert draft.operations.filter(action="rename").count() == 1
    # The page drawn after it carries a new token: another operation is added.
    client.post(url, {**data, "position": 4, "once": token_of(client, detail)})
    assert draft.operations.filter(action="rename").count() == 2


def test_a_refused_operation_keeps_its_token(client, admin_user, draft):
    client.force_login(admin_user)
    detail = reverse("units:reorganisation_detail", args=[draft.pk])
    url = reverse("units:operation_add", args=[draft.pk])
    token = token_of(client, detail)
    refused = client.post(
        url, {"position": 3, "action": "rename", "unit_code": "B1", "once": token}
    )
    assert refused.status_code == 200 and f'value="{token}"' in refused.content.decode()
    data = {"position": 3, "action": "rename", "unit_code": "B1", "name": "Tên mới", "once": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert draft.operations.count() == 3
