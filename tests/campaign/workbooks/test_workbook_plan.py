"""A plan's activities through an Excel template: changed, added and removed rows, checked
by the plan page's own formset, saved once the officer confirms."""

import datetime

import pytest
from django.urls import reverse

from campaign.models import Activity, Plan, Status, WorkbookUpload
from campaign.workbooks import FIRST_ROW
from tests.campaign.filings import make_plan
from tests.campaign.workbooks.helpers import edit, pending, template, upload_plan


@pytest.fixture
def plan(tree, cast, campaign):
    return make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)


@pytest.fixture
def officer(client, cast):
    client.force_login(cast["officer_a1"])
    return client


def theme(campaign, number):
    return f"theme_{campaign.themes.get(number=number).pk}"


def test_activities_are_changed_added_and_removed_once_confirmed(officer, plan, campaign):
    first, second = plan.activities.order_by("pk")
    content = edit(
        template(officer, plan),
        plan,
        {
            FIRST_ROW: {"audience": "Toàn thể đoàn viên", theme(campaign, "2.1"): "x"},
            FIRST_ROW + 1: {"delete": "x"},
            FIRST_ROW + 2: {
                "method": "Tọa đàm, nói chuyện chuyên đề",
                theme(campaign, "1"): "x",
                "audience": "Người lao động",
                "planned_on": datetime.datetime(2026, 5, 15),
                "expected_participants": 30,
            },
        },
    )
    preview = pending(upload_plan(officer, plan, content))
    assert preview.preview["errors"] == []
    assert [(group["action"], group["title"]) for group in preview.preview["changes"]] == [
        ("change", f"Hoạt động mã {first.pk}: Hội nghị – Đoàn viên công đoàn 0"),
        ("delete", f"Hoạt động mã {second.pk}: Hội nghị – Đoàn viên công đoàn 1"),
        ("add", f"Dòng {FIRST_ROW + 2}"),
    ]
    assert preview.preview["changes"][0]["rows"] == [
        ["Nội dung tuyên truyền", "1, 2", "1, 2, 2.1"],
        ["Đối tượng", "Đoàn viên công đoàn 0", "Toàn thể đoàn viên"],
    ]
    assert plan.activities.count() == 2  # nothing saved yet

    response = officer.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    activities = list(plan.activities.order_by("pk"))
    assert [a.pk for a in activities][:1] == [first.pk]
    assert len(activities) == 2
    changed, added = activities
    assert changed.audience == "Toàn thể đoàn viên"
    assert sorted(t.number for t in changed.themes.all()) == ["1", "2", "2.1"]
    assert (added.method, added.audience, added.planned_on, added.expected_participants) == (
        Activity.Method.SEMINAR,
        "Người lao động",
        datetime.date(2026, 5, 15),
        30,
    )
    assert [t.number for t in added.themes.all()] == ["1"]
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.status == Status.DRAFT


def test_the_same_file_twice_changes_nothing(officer, plan, campaign):
    content = edit(template(officer, plan), plan, {FIRST_ROW: {"expected_participants": 80}})
    officer.post(
        reverse("campaign:workbook_confirm", args=[pending(upload_plan(officer, plan, content)).pk])
    )
    plan.refresh_from_db()
    version = plan.version
    assert plan.activities.order_by("pk").first().expected_participants == 80
    again = pending(upload_plan(officer, plan, content))
    assert again.preview == {"changes": [], "errors": [], "notes": []}
    assert not again.can_confirm
    # A template downloaded now holds the same: no change either.
    fresh = pending(upload_plan(officer, plan, template(officer, plan)))
    assert fresh.preview["changes"] == []
    plan.refresh_from_db()
    assert plan.version == version


def test_participants_typed_with_grouped_thousands_are_thousands(officer, plan):
    # "1.000" is a thousand as Vietnamese write it; Django's field alone read it as 1.
    content = edit(template(officer, plan), plan, {FIRST_ROW: {"expected_participants": "1.000"}})
    preview = pending(upload_plan(officer, plan, content))
    assert preview.preview["errors"] == []
    officer.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    assert plan.activities.order_by("pk").first().expected_participants == 1000


def test_participants_in_another_scripts_digits_are_refused_full_width_ones_are_read(officer, plan):
    # int() read "٤٠" as 40; "１．０００" is a thousand typed in full-width mode.
    content = edit(template(officer, plan), plan, {FIRST_ROW: {"expected_participants": "٤٠"}})
    preview = pending(upload_plan(officer, plan, content))
    [error] = preview.preview["errors"]
    assert error.startswith("Trang Hoạt động, ô ") and "Số người dự kiến" in error
    assert error.endswith(": Hãy nhập số bằng các chữ số từ 0 đến 9.")
    assert not preview.can_confirm

    content = edit(
        template(officer, plan), plan, {FIRST_ROW: {"expected_participants": "１．０００"}}
    )
    preview = pending(upload_plan(officer, plan, content))
    assert preview.preview["errors"] == []
    officer.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    assert plan.activities.order_by("pk").first().expected_participants == 1000


def test_a_plan_saved_on_behalf_says_who_entered_it_and_from_where(client, tree, cast, campaign):
    # A2 has no officer of its own: district A's officer keeps its plan, as on the plan page.
    plan = make_plan(tree["A2"], campaign, cast["officer_a"], activities=1)
    client.force_login(cast["officer_a"])
    content = edit(template(client, plan), plan, {FIRST_ROW: {"audience": "Người lao động"}})
    client.post(
        reverse("campaign:workbook_confirm", args=[pending(upload_plan(client, plan, content)).pk])
    )
    plan.refresh_from_db()
    assert (plan.entered_by, plan.entered_from) == (cast["officer_a"], tree["DA"])


def test_rows_are_checked_by_the_plan_forms_rules(officer, plan, campaign):
    content = edit(
        template(officer, plan),
        plan,
        {
            FIRST_ROW: {"method": "Họp bàn", "planned_quarter": 5},
            FIRST_ROW + 2: {"method": "Hội nghị", "audience": "Đoàn viên"},
            FIRST_ROW + 3: {"audience": "Người lao động", "planned_quarter": 2, "delete": "có"},
        },
    )
    preview = pending(upload_plan(officer, plan, content))
    errors = preview.preview["errors"]
    assert errors[0] == (
        "Trang Hoạt động, ô B4 “Hình thức”: Giá trị “Họp bàn” không hợp lệ: "
        "hãy chọn một trong các giá trị “Hội nghị”, “Tọa đàm, nói chuyện chuyên đề”, "
        "“Bản tin”, “Băng rôn, áp phích”, “Loa truyền thanh”, “Mạng xã hội”, “Hội thi”, "
        "“Lồng ghép trong sinh hoạt công đoàn”, “Hình thức khác”."
    )
    assert errors[1] == (
        "Trang Hoạt động, ô H4 “Quý dự kiến”: Giá trị “5” không hợp lệ: "
        "hãy chọn một trong các giá trị “1”, “2”, “3”, “4”."
    )
    assert "Trang Hoạt động, ô G6 “Ngày dự kiến”: Hãy nhập ngày dự kiến hoặc chọn quý." in errors
    # A row marked for removal other than with "x" is refused for that mark alone.
    assert "Trang Hoạt động, ô J7 “Xóa”: Đánh “x” hoặc để trống ô này." in errors
    assert len(errors) == 4
    assert not preview.can_confirm
    assert plan.activities.count() == 2


def test_removing_every_activity_is_refused_as_the_form_refuses_it(officer, plan):
    content = edit(
        template(officer, plan), plan, {FIRST_ROW: {"delete": "x"}, FIRST_ROW + 1: {"delete": "x"}}
    )
    preview = pending(upload_plan(officer, plan, content))
    assert preview.preview["errors"] == ["Hoạt động: Kế hoạch cần có ít nhất một hoạt động."]
    assert plan.activities.count() == 2


def test_a_submitted_plan_takes_no_upload(officer, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Status.SUBMITTED)
    content = template(officer, plan)
    response = upload_plan(officer, plan, content)
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert not WorkbookUpload.objects.exists()


def test_a_plan_submitted_after_the_preview_saves_nothing(officer, plan):
    content = edit(template(officer, plan), plan, {FIRST_ROW: {"audience": "Cán bộ"}})
    preview = pending(upload_plan(officer, plan, content))
    Plan.objects.filter(pk=plan.pk).update(status=Status.SUBMITTED, version=2)
    response = officer.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    assert response.status_code == 302
    assert plan.activities.filter(audience="Cán bộ").count() == 0


def test_another_plans_template_is_refused(officer, plan, tree, cast, campaign):
    other = make_plan(tree["A2"], campaign, cast["officer_a1"])
    cast["officer_a1"].memberships.create(unit=tree["A2"], role="officer")
    content = template(officer, other)
    response = upload_plan(officer, plan, content)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Mẫu này được tạo cho kế hoạch khác. Hãy tải mẫu của kế hoạch này."
    ]
