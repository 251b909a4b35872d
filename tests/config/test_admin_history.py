"""The admin's change history (each object's "Lịch sử" page, the index's recent actions)
reads in Vietnamese.

Django stores a change message untranslated and words it when it is read
(`django.contrib.admin.utils.construct_change_message`, `LogEntry.get_change_message`): the
labels of the changed fields and the names of the inlines' models are stored in English, as
the forms give them with translation off, and looked up in the catalogue at display time. A
label whose English form is not in the catalogue ("Full name", where Django's holds only
"full name") was shown in English: "Đã thay đổi Full name"."""

import lxml.html
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from campaign.models import Indicator, Reminder
from config.admin_site import InlinesNamedInPortalLanguage
from reports.models import DocumentProfile, SummaryReport
from tests.factories import UserFactory


def forms_saved_in_the_admin(request):
    """(where, form) for each form a superuser saves in the admin: every registered model's
    add and change forms, and the forms of their inlines. A change form is built for the
    model's first row, or a new one if it has none (an inline's form needs a saved row)."""
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.first() or model()
        assert obj.pk or not model_admin.inlines, f"the test saves no {model._meta.label}"
        pages = []
        if model_admin.has_add_permission(request):
            pages.append(("add", None))
        if model_admin.has_change_permission(request, obj):
            pages.append(("change", obj))
        for page, instance in pages:
            where = f"{model._meta.label} ({page})"
            form_class = model_admin.get_form(request, instance, change=instance is not None)
            yield where, form_class(instance=instance)
            for formset_class, inline in model_admin.get_formsets_with_inlines(request, instance):
                formset = formset_class(instance=instance)
                yield f"{where}, {type(inline).__name__}", formset.empty_form


def labels(form) -> list[tuple[str, str]]:
    """(stored, shown) for each field of the form a change can name: the label the change
    message stores for it, as Django words it (`_get_changed_field_labels_from_form`, in
    English), and the label the form shows in Vietnamese. A form's primary key, hidden,
    never changes."""
    pk = form._meta.model._meta.pk.name
    fields = [(name, field) for name, field in form.fields.items() if name != pk]
    with translation.override(None):
        stored = [str(field.label or name) for name, field in fields]
    with translation.override("vi"):
        shown = [str(field.label or name) for name, field in fields]
    return list(zip(stored, shown, strict=True))


def test_every_field_label_and_inline_the_history_stores_is_in_the_catalogue(db, demo_snapshots):
    demo_snapshots.load()  # a row of every model the admin keeps, for its change form
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    missing = {}
    for where, form in forms_saved_in_the_admin(request):
        meta = form._meta.model._meta
        with translation.override(None):
            names = [(str(meta.verbose_name), ""), *labels(form)]
        with translation.override("vi"):
            for stored, shown in names:
                if translation.gettext(stored) == stored:
                    missing.setdefault((stored, shown), []).append(where)
    listed = "\n".join(
        f"{stored!r} (the form: {shown!r}): {'; '.join(where)}"
        for (stored, shown), where in sorted(missing.items())
    )
    assert not missing, f"the history would show these in English:\n{listed}"


def form_values(response, **changes) -> dict:
    """What the admin's change form would send as the browser shows it, with `changes`."""
    form = lxml.html.fromstring(response.content.decode()).get_element_by_id("user_form")
    return {**dict(form.form_values()), **changes}


def test_a_role_given_and_changed_on_a_users_page_reads_in_vietnamese_in_its_history(
    staff_client, cast, tree
):
    # Django stores the added or changed inline row as it names itself with translation
    # off: "Người dùng outsider – Officer – CĐCS A1" (the role's English label).
    user = cast["outsider"]
    page = reverse("admin:units_user_change", args=[user.pk])
    added = staff_client.post(
        page,
        form_values(
            staff_client.get(page),
            **{"memberships-0-unit": tree["A1"].pk, "memberships-0-role": "officer"},
        ),
    )
    assert added.status_code == 302
    [membership] = user.memberships.all()
    changed = staff_client.post(
        page, form_values(staff_client.get(page), **{"memberships-0-role": "reviewer"})
    )
    assert changed.status_code == 302
    history = staff_client.get(
        reverse("admin:units_user_history", args=[user.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert "Đã thêm phân quyền “Người dùng outsider – Cán bộ – CĐCS A1”." in history
    assert (
        "Đã thay đổi Vai trò cho phân quyền “Người dùng outsider – Người duyệt – CĐCS A1”."
        in history
    )
    for english in ("Officer", "Reviewer", "Role"):
        assert english not in history
    membership.refresh_from_db()
    assert membership.role == "reviewer"


def test_every_admin_names_its_inline_rows_so():
    # The site gives it to each ModelAdmin registered, the libraries' too.
    kept = [type(a).__name__ for a in admin.site._registry.values()]
    named = [
        type(a).__name__
        for a in admin.site._registry.values()
        if isinstance(a, InlinesNamedInPortalLanguage)
    ]
    assert named == kept


def test_an_indicator_s_order_reads_in_its_history_as_its_form_names_it():
    # "Order" also heads a reviewer's list's sorting ("Sắp xếp"): the history read
    # "Đã thay đổi Sắp xếp cho chỉ tiêu …". The sorting is a message in context.
    field = Indicator._meta.get_field("order")
    with translation.override("vi"):
        assert translation.gettext("Order") == capfirst(field.verbose_name) == "Thứ tự"
        assert translation.pgettext("how a list is sorted", "Order") == "Sắp xếp"


def test_a_document_profile_s_recipients_read_noi_nhan_in_its_form_and_history(staff_client, tree):
    # The field shared the message "recipients" with a reminder's count of people: the
    # form labelled the places a document goes to "Số người nhận", and its history read
    # "Đã thay đổi Người nhận". The reminder's count is a message in context.
    profile = DocumentProfile.objects.create(unit=tree["PV"], kind=SummaryReport.Kind.BOARD)
    page = reverse("admin:reports_documentprofile_change", args=[profile.pk])
    shown = staff_client.get(page, HTTP_ACCEPT_LANGUAGE="vi")
    form = lxml.html.fromstring(shown.content.decode()).get_element_by_id("documentprofile_form")
    assert form.xpath(".//label[@for='id_recipients']")[0].text_content() == "Nơi nhận:"
    values = {**dict(form.form_values()), "recipients": "Như trên;\nLưu: VT."}
    assert staff_client.post(page, values).status_code == 302
    history = staff_client.get(
        reverse("admin:reports_documentprofile_history", args=[profile.pk]),
        HTTP_ACCEPT_LANGUAGE="vi",
    ).content.decode()
    assert "Đã thay đổi Nơi nhận." in history
    profile.refresh_from_db()
    assert profile.recipients == "Như trên;\nLưu: VT."
    # A reminder's count keeps its words, in the admin's list and on the reminders' log.
    count = Reminder._meta.get_field("recipients")
    with translation.override("vi"):
        assert capfirst(count.verbose_name) == "Số người nhận"
        assert translation.pgettext("how many people a reminder went to", "Recipients") == (
            "Người nhận"
        )
