"""The admin cannot rewrite what units filed: no old version restored, no workflow field
typed, no year, figure or content item changed under reports and plans that use it."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from campaign.models import (
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Inspection,
    Period,
    Plan,
    Status,
)
from tests.campaign.campaign_admin import errors_of, page_data, row_of
from tests.campaign.filings import make_report

YEAR = 2024


@pytest.fixture
def accepted(tree, campaign):
    report = make_report(tree["A1"], campaign, YEAR)
    report.status = Status.ACCEPTED
    report.save()
    return report


def test_an_old_version_of_a_report_cannot_be_saved_back(staff_client, accepted):
    draft = accepted.history.earliest()
    url = reverse("admin:campaign_annualreport_simple_history", args=[accepted.pk, draft.pk])
    assert staff_client.get(url).status_code == 200  # read, yes
    assert staff_client.post(url, {"status": "draft", "year": YEAR}).status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


@pytest.mark.parametrize("junk", ["abc", "1e5", "Đỗ", "²"])
def test_a_history_address_whose_record_or_version_is_no_id_is_a_404(staff_client, accepted, junk):
    # simple_history looked the text up as a primary key: a ValueError, a 500.
    version = accepted.history.earliest().pk
    base = "/admin/campaign/annualreport"
    for address in (
        f"{base}/{junk}/history/",
        f"{base}/{junk}/history/{version}/",
        f"{base}/{accepted.pk}/history/{junk}/",
    ):
        assert staff_client.get(address).status_code == 404, address
    assert staff_client.get(f"{base}/{accepted.pk}/history/{version}/").status_code == 200


def test_an_inspection_is_read_only_and_its_history_too(staff_client, tree, cast, campaign):
    inspection = Inspection.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        visited_on=datetime.date(2016, 5, 4),
        kind=Inspection.Kind.INSPECTION,
        members="Trưởng đoàn",
        findings="Đơn vị đã triển khai kế hoạch.",
        recommendations="Bổ sung sổ theo dõi.",
        recorded_by=cast["reviewer_a"],
    )
    first = inspection.history.earliest()
    version = reverse("admin:campaign_inspection_simple_history", args=[inspection.pk, first.pk])
    change = reverse("admin:campaign_inspection_change", args=[inspection.pk])
    assert staff_client.post(version, {"findings": "Khác"}).status_code == 403
    assert staff_client.post(change, {"findings": "Khác"}).status_code == 403
    inspection.refresh_from_db()
    assert inspection.findings == "Đơn vị đã triển khai kế hoạch."


def test_an_obstacle_is_answered_on_the_portal_not_in_the_admin(staff_client, tree, cast, campaign):
    obstacle = campaign.obstacles.create(
        unit=tree["A1"], raised_by=cast["officer_a1"], subject="Thiếu tài liệu", text="Chưa có."
    )
    url = reverse("admin:campaign_obstacle_change", args=[obstacle.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"status": "closed", "answer": "x"}).status_code == 403
    assert staff_client.get(reverse("admin:campaign_obstacle_add")).status_code == 403
    obstacle.refresh_from_db()
    assert obstacle.status == obstacle.Status.OPEN


def test_a_plan_cannot_be_added_nor_its_unit_or_workflow_dates_typed(staff_client, plan_a1):
    assert staff_client.get(reverse("admin:campaign_plan_add")).status_code == 403
    url = reverse("admin:campaign_plan_change", args=[plan_a1.pk])
    page = staff_client.get(url)
    fields = page.context["adminform"].form.fields
    for name in ("unit", "campaign", "first_submitted_at", "moved_from", "moved_on"):
        assert name not in fields, name
    data = page_data(page)
    data.update(signer="Phó Chủ tịch", first_submitted_at="01/01/2026", unit="999")
    assert staff_client.post(url, data).status_code == 302
    plan = Plan.objects.get(pk=plan_a1.pk)
    assert (plan.signer, plan.unit_id, plan.first_submitted_at) == (
        "Phó Chủ tịch",
        plan_a1.unit_id,
        None,
    )


def test_a_figure_units_reported_on_cannot_change_what_it_is(staff_client, campaign, accepted):
    url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    data = page_data(staff_client.get(url))
    index = row_of(data, "indicators", "code", "sessions")
    data[f"indicators-{index}-kind"] = Indicator.Kind.TEXT
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response) == [
        "Các đơn vị đã báo cáo chỉ tiêu này: không thể thay đổi bản chất của chỉ tiêu. Hãy "
        "thêm một chỉ tiêu mới."
    ]
    assert campaign.indicators.get(code="sessions").kind == Indicator.Kind.INTEGER
    # Its wording may be corrected.
    data[f"indicators-{index}-kind"] = Indicator.Kind.INTEGER
    data[f"indicators-{index}-name"] = "Số buổi tuyên truyền đã tổ chức"
    assert staff_client.post(url, data).status_code == 302
    assert campaign.indicators.get(code="sessions").name == "Số buổi tuyên truyền đã tổ chức"


def test_a_figure_units_reported_on_cannot_be_deleted(staff_client, campaign, accepted):
    sessions = campaign.indicators.get(code="sessions")
    IndicatorValue.objects.create(report=accepted, indicator=sessions, int_value=5)
    url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    data = page_data(staff_client.get(url))
    data[f"indicators-{row_of(data, 'indicators', 'code', 'sessions')}-DELETE"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    # The admin's own refusal listed every value reported, as "sẽ tự động xóa" (will delete).
    assert errors_of(response) == [
        "Các đơn vị đã báo cáo số liệu của chỉ tiêu này: không thể xóa, nếu không báo cáo "
        "của họ sẽ mất số liệu đó. Hãy giữ chỉ tiêu trong kế hoạch."
    ]
    assert accepted.values.get().indicator == sessions


def test_a_period_with_reports_is_refused_deletion_in_words_that_say_so(
    staff_client, campaign, accepted
):
    url = reverse("admin:campaign_period_delete", args=[accepted.period.pk])
    page = " ".join(staff_client.get(url).content.decode().split())
    # Django's Vietnamese read as if the deletion went ahead, with "quyển" for "quyền".
    assert "quyển" not in page and "sẽ bắt buộc xóa" not in page
    assert f"Không xóa được kỳ báo cáo “{accepted.period}”" in page
    assert staff_client.post(url, {"post": "yes"}).status_code in (200, 403)
    # The change list's "delete selected" action says it the same way.
    chosen = staff_client.post(
        reverse("admin:campaign_period_changelist"),
        {"action": "delete_selected", "_selected_action": [accepted.period.pk]},
    )
    listed = " ".join(chosen.content.decode().split())
    assert "sẽ bắt buộc xóa" not in listed and "Không xóa được các kỳ báo cáo đã chọn" in listed
    assert Period.objects.filter(pk=accepted.period.pk).exists()


def test_a_content_item_plans_cover_cannot_be_deleted(staff_client, campaign, plan_a1):
    url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    data = page_data(staff_client.get(url))
    covered = plan_a1.activities.get().themes.order_by("number").first()
    index = row_of(data, "themes", "id", str(covered.pk))
    data[f"themes-{index}-DELETE"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response) == [
        f"Nội dung {covered.number} đã có trong hoạt động của các kế hoạch: không thể xóa. "
        "Hãy sửa lại câu chữ của nội dung đó."
    ]
    assert plan_a1.activities.get().themes.filter(pk=covered.pk).exists()


def test_an_item_whose_sub_item_plans_cover_cannot_be_deleted(staff_client, campaign, plan_a1):
    # Deleting item 2 deleted its sub-items with it, and took 2.1 out of the plans that
    # covered it, without a word: only the item itself was checked.
    sub_item = campaign.themes.get(number="2.1")
    activity = plan_a1.activities.get()
    activity.themes.set([sub_item])
    url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    data = page_data(staff_client.get(url))
    item = campaign.themes.get(number="2")
    data[f"themes-{row_of(data, 'themes', 'id', str(item.pk))}-DELETE"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response) == [
        "Các nội dung con của nội dung 2 đã có trong hoạt động của các kế hoạch: không thể "
        "xóa nội dung này vì các nội dung con sẽ bị xóa theo. Hãy sửa lại câu chữ của nội "
        "dung đó."
    ]
    assert list(activity.themes.all()) == [sub_item]


def test_the_years_units_reported_for_and_who_is_asked_are_kept(
    staff_client, tree, campaign, accepted
):
    url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    data = page_data(staff_client.get(url))
    data.update(first_year="2025", last_year="2023", issuer=str(tree["DA"].pk))
    data["addressed_kinds"] = ["district"]
    response = staff_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert sorted(form.errors) == ["addressed_kinds", "first_year", "issuer", "last_year"]
    assert form.errors["first_year"] == [
        "Các đơn vị đã gửi báo cáo năm 2024: năm đầu tiên không thể muộn hơn năm đó."
    ]
    campaign.refresh_from_db()
    assert (campaign.first_year, campaign.issuer_id) == (2015, tree["PV"].pk)


def test_a_period_stays_in_its_campaign_s_years_and_keeps_its_year_once_filed(
    staff_client, campaign, accepted
):
    add = reverse("admin:campaign_period_add")
    response = staff_client.post(
        add,
        {
            "campaign": str(campaign.pk),
            "year": "10000",
            "starts_on": "15/12/2023",
            "ends_on": "14/12/2024",
            "due_on": "20/12/2024",
            "locks_on": "19/01/2025",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["year"] == [
        "Kế hoạch thực hiện từ năm 2015: hãy nhập một năm trong khoảng đó."
    ]
    assert not Period.objects.filter(year=10000).exists()
    far = staff_client.post(
        add,
        {
            "campaign": str(campaign.pk),
            "year": "2100",
            "starts_on": "15/12/2099",
            "ends_on": "14/12/2100",
            "due_on": "20/12/2100",
            "locks_on": "19/01/2101",
        },
    )
    assert far.context["adminform"].form.errors["year"] == [
        "Năm 2100 chưa bắt đầu: chưa có báo cáo nào cho năm này."
    ]
    filed = Period.objects.get(campaign=campaign, year=YEAR)
    page = staff_client.get(reverse("admin:campaign_period_change", args=[filed.pk]))
    assert "year" not in page.context["adminform"].form.fields
    assert "campaign" not in page.context["adminform"].form.fields
    assert Campaign.objects.get(pk=campaign.pk).first_year == 2015
    assert AnnualReport.objects.get(pk=accepted.pk).period_id == filed.pk


def test_the_history_and_outbox_pages_speak_vietnamese(staff_client, plan_a1):
    # simple_history has no Vietnamese, Django's admin lacks its newer strings, and the
    # outbox's and steps' fields had no names: the project's catalogue gives them all.
    plan_a1.signer = "Phó Chủ tịch công đoàn"
    plan_a1.save()
    pages = {
        reverse("admin:campaign_plan_history", args=[plan_a1.pk]): [
            "Changed by",
            "Change reason",
            "Object",
            "doc_number",
            ">draft<",
            "entries",
        ],
        reverse("admin:campaign_notification_changelist"): ["To email", "Last error", "Sent at"],
        reverse("admin:campaign_step_changelist"): ["Skip to main content", "Toggle theme"],
    }
    for url, english in pages.items():
        page = staff_client.get(url).content.decode()
        for text in english:
            assert text not in page, (url, text)
    history = staff_client.get(reverse("admin:campaign_plan_history", args=[plan_a1.pk]))
    text = history.content.decode()
    assert (
        "Người sửa" in text
        and "Bản nháp" in text
        and ">None<" not in text.replace(" ", "").replace("\n", "")
    )


def history_rows(client, url) -> list[dict[str, str]]:
    """The rows of the admin history page at `url`, newest first, each as {header: text}."""
    page = client.get(url).content.decode()
    table = page[page.index('id="change-history"') :].split("</table>")[0]

    def text(cell):
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())

    head, body = table.split("<tbody>")
    headers = [text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    return [
        dict(zip(headers, map(text, re.findall(r"<td>(.*?)</td>", row, re.S)), strict=True))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_a_plan_s_and_a_report_s_history_say_who_signed_and_as_what(
    staff_client, plan_a1, accepted
):
    plan_a1.signer_block, plan_a1.signer_title = "TM. BAN CHẤP HÀNH", "CHỦ TỊCH"
    plan_a1.signer = "Nguyễn Văn An"
    plan_a1.save()
    accepted.doc_number = "12/BC-CĐCS"
    accepted.signer_block, accepted.signer_title = "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    accepted.signer_name = "Trần Thị Bình"
    accepted.save()
    plan = history_rows(staff_client, reverse("admin:campaign_plan_history", args=[plan_a1.pk]))
    # Headed by the fields' names, as the change list and the form are.
    assert {name: plan[0][name] for name in list(plan[0])[1:6]} == {
        "Trạng thái": "Bản nháp",
        "Số văn bản": plan_a1.doc_number,
        "Thẩm quyền ký": "TM. BAN CHẤP HÀNH",
        "Chức vụ người ký": "CHỦ TỊCH",
        "Người ký": "Nguyễn Văn An",
    }
    url = reverse("admin:campaign_annualreport_history", args=[accepted.pk])
    report = history_rows(staff_client, url)
    assert {name: report[0][name] for name in list(report[0])[1:6]} == {
        "Trạng thái": "Đã chấp nhận",
        "Số văn bản": "12/BC-CĐCS",
        "Thẩm quyền ký": "KT. CHỦ TỊCH",
        "Chức vụ người ký": "PHÓ CHỦ TỊCH",
        "Họ tên người ký": "Trần Thị Bình",
    }
    # The report's first version, a draft with no signing block yet.
    assert report[-1]["Trạng thái"] == "Bản nháp" and report[-1]["Thẩm quyền ký"] == ""


def test_a_covered_content_item_keeps_its_number_and_place(staff_client, campaign, plan_a1):
    url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    data = page_data(staff_client.get(url))
    covered = plan_a1.activities.get().themes.order_by("number").first()
    index = row_of(data, "themes", "id", str(covered.pk))
    data[f"themes-{index}-number"] = "9"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response) == [
        "Các kế hoạch đã có nội dung này: không thể đổi số thứ tự và vị trí của nội dung. Hãy "
        "sửa câu chữ, hoặc thêm một nội dung mới."
    ]
    covered.refresh_from_db()
    assert covered.number != "9"
    # Its wording may be corrected.
    data[f"themes-{index}-number"] = covered.number
    data[f"themes-{index}-title"] = "Nội dung một, sửa câu chữ"
    assert staff_client.post(url, data).status_code == 302
    covered.refresh_from_db()
    assert covered.title == "Nội dung một, sửa câu chữ"


def test_a_plan_s_history_shows_what_changed_as_the_admin_shows_values(staff_client, plan_a1):
    # simple_history showed each value as Python prints it: "None → 2025-07-24
    # 02:00:00+00:00" (in UTC), and the value stored for a choice.
    plan_a1.status = Status.SUBMITTED
    plan_a1.submitted_at = datetime.datetime(2025, 7, 24, 2, 0, tzinfo=datetime.UTC)
    plan_a1.doc_date = datetime.date(2015, 7, 2)
    plan_a1.save()
    [changed, _created] = history_rows(
        staff_client, reverse("admin:campaign_plan_history", args=[plan_a1.pk])
    )
    assert changed["Thay đổi"] == (
        "Ngày văn bản: 01/07/2015 → 02/07/2015 Trạng thái: Bản nháp → Đã gửi "
        "Ngày gửi: - → 09:00 24/07/2025"
    )


def test_a_change_saved_without_a_user_reads_as_the_system_s(staff_client, cast, plan_a1):
    # simple_history wrote "None" for it, translated "Không" ("no"): "Người sửa: Không".
    plan_a1._history_user = cast["officer_a1"]
    plan_a1.signer = "Nguyễn Văn An"
    plan_a1.save()
    [changed, created] = history_rows(
        staff_client, reverse("admin:campaign_plan_history", args=[plan_a1.pk])
    )
    # The plan was created by a script (make_plan), with no one signed in.
    assert (changed["Người sửa"], created["Người sửa"]) == ("Người dùng officer_a1", "Hệ thống")
