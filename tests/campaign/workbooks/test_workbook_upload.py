"""Uploading a filled-in template of annual reports: the preview, the confirmation, and what
is saved (the same as the web form saves), once."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import (
    AnnualReport,
    IndicatorValue,
    Period,
    PlausibilityRule,
    Status,
    WorkbookUpload,
)
from tests.campaign.workbooks.helpers import (
    columns,
    confirm,
    download_reports,
    fill,
    pending,
    reports_url,
    upload_reports,
    with_computed_value,
)

FIGURES = {"value_sessions": 12, "value_participants": "1.250", "value_other_forms": "Pa nô"}
NARRATIVE = {
    "results": "Tổ chức 12 buổi tuyên truyền CCHC.\nLồng ghép vào sinh hoạt công đoàn.",
    "obstacles": "Thiếu tài liệu.",
    "self_assessment": "Tốt",
    "flags_note": "Có hội nghị lớn.",
}


def page_text(response):
    return html.unescape(response.content.decode())


def report_fields(report):
    """Everything the report holds that a user typed or the portal derived from it."""
    fields = {
        name: getattr(report, name)
        for name in (
            "results",
            "shortcomings",
            "obstacles",
            "proposals",
            "self_assessment",
            "flags_note",
            "flags",
            "status",
            "version",
            "year",
            "period_id",
            "campaign_id",
            "entered_by_id",  # who typed it, and from which upper unit when on behalf
            "entered_from_id",
        )
    }
    fields["values"] = {
        value.indicator.code: (value.int_value, value.text_value)
        for value in report.values.select_related("indicator")
    }
    return fields


@pytest.mark.usefixtures("a1_without_officer")
def test_a_round_trip_gives_the_report_the_web_form_gives(client, tree, cast, campaign, year):
    # A rule the figures break, so that the flags are compared too.
    PlausibilityRule.objects.create(
        campaign=campaign,
        kind=PlausibilityRule.Kind.MAXIMUM,
        indicator=campaign.indicators.get(code="sessions"),
        limit=10,
    )
    client.force_login(cast["officer_a"])
    # A1 through the web form...
    response = client.post(
        reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year]),
        {
            **{key: str(value) for key, value in FIGURES.items()},
            **NARRATIVE,
            "self_assessment": "good",
            "shortcomings": "",
            "proposals": "",
        },
    )
    assert response.status_code == 302
    # ...and A2 through the district's workbook, with the same values typed in its cells.
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(content, {"A2": {**FIGURES, **NARRATIVE}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    assert preview.preview["errors"] == []
    assert [group["title"] for group in preview.preview["changes"]] == ["A2 – CĐCS A2"]
    response = confirm(client, preview)
    assert response.status_code == 302
    by_form = AnnualReport.objects.get(unit=tree["A1"], campaign=campaign, year=year)
    by_workbook = AnnualReport.objects.get(unit=tree["A2"], campaign=campaign, year=year)
    assert report_fields(by_workbook) == report_fields(by_form)
    assert (by_workbook.entered_by, by_workbook.entered_from) == (cast["officer_a"], tree["DA"])
    assert by_workbook.flags and by_workbook.status == Status.DRAFT
    assert by_workbook.history.count() == by_form.history.count() == 1
    assert not WorkbookUpload.objects.exists()


@pytest.mark.usefixtures("a1_without_officer")
def test_nothing_is_saved_before_the_officer_confirms(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(content, {"A1": {**FIGURES, **NARRATIVE}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    assert not AnnualReport.objects.exists()
    page = page_text(client.get(reverse("campaign:workbook_preview", args=[preview.pk])))
    assert "Chưa có gì được lưu" in page
    assert "A1 – CĐCS A1" in page and "1.250" in page
    assert "các đơn vị cấp dưới mà bạn nhập báo cáo" in page  # the district files for A1
    # A grassroots union's own page names its one report, not "the units below it".
    own = page_text(client.get(reports_url("upload", campaign, tree["A1"], year)))
    assert f"Báo cáo năm {year} của CĐCS A1 (" in own and "cấp dưới" not in own
    assert "Lưu dưới dạng bản nháp" in page
    # Discarding keeps nothing either.
    client.post(reverse("campaign:workbook_discard", args=[preview.pk]))
    assert not AnnualReport.objects.exists()
    assert not WorkbookUpload.objects.exists()


@pytest.mark.usefixtures("a1_without_officer")
def test_uploading_the_same_file_again_changes_nothing(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(
        content,
        {"A1": {**FIGURES, **NARRATIVE}, "A2": {**FIGURES, **NARRATIVE}},
        columns(campaign, year),
    )
    confirm(client, pending(upload_reports(client, campaign, tree["DA"], year, filled)))
    saved = {r.pk: report_fields(r) for r in AnnualReport.objects.all()}
    assert len(saved) == 2
    history = AnnualReport.history.count(), IndicatorValue.history.count()

    again = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    assert again.preview == {"changes": [], "errors": [], "notes": []}
    assert not again.can_confirm
    page = page_text(client.get(reverse("campaign:workbook_preview", args=[again.pk])))
    assert "Không có thay đổi" in page
    assert "Lưu dưới dạng bản nháp" not in page
    response = confirm(client, again)
    assert response.status_code == 302
    assert {r.pk: report_fields(r) for r in AnnualReport.objects.all()} == saved
    assert (AnnualReport.history.count(), IndicatorValue.history.count()) == history


def test_a_changed_report_gets_a_new_version_and_the_preview_shows_old_and_new(
    client, tree, cast, campaign, year
):
    report = AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Kết quả cũ.",
        self_assessment=AnnualReport.Assessment.FAIR,
    )
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="sessions"), int_value=4
    )
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {"value_sessions": 9}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["A1"], year, filled))
    assert preview.preview["changes"] == [
        {"title": "A1 – CĐCS A1", "action": "change", "rows": [["Số buổi tuyên truyền", "4", "9"]]}
    ]
    confirm(client, preview)
    report.refresh_from_db()
    assert report.version == 2
    assert report.results == "Kết quả cũ."
    assert report.values.get(indicator__code="sessions").int_value == 9
    assert report.values.get(indicator__code="sessions").history.first().int_value == 9


@pytest.mark.usefixtures("a1_without_officer")
def test_errors_name_their_sheet_and_cell_in_vietnamese(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    by_key = columns(campaign, year)
    filled = fill(
        content,
        {
            "A1": {**NARRATIVE, "value_sessions": -3},
            "A2": {"value_sessions": 2, "self_assessment": "Xuất sắc"},
        },
        by_key,
    )
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    errors = preview.preview["errors"]
    # The template's rows: DA on row 4, A1 on row 5, A2 on row 6; figures from column D.
    assert errors == [
        "Trang Báo cáo, ô D5 “Số buổi tuyên truyền (buổi)”: Giá trị phải lớn hơn hoặc bằng 0.",
        "Trang Báo cáo, ô K6 “Tự đánh giá”: Giá trị “Xuất sắc” không hợp lệ: "
        "hãy chọn một trong các giá trị “Tốt”, “Khá”, “Trung bình”, “Yếu”.",
    ]
    assert not preview.can_confirm
    page = page_text(client.get(reverse("campaign:workbook_preview", args=[preview.pk])))
    assert "Tệp có 2 lỗi" in page
    assert errors[0] in page
    assert confirm(client, preview).status_code == 302
    assert not AnnualReport.objects.exists()


@pytest.mark.usefixtures("a1_without_officer")
def test_a_submitted_report_is_refused_only_where_the_file_changes_it(
    client, tree, cast, campaign, year
):
    submitted = AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Đã gửi.",
        self_assessment=AnnualReport.Assessment.GOOD,
        status=Status.SUBMITTED,
    )
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    by_key = columns(campaign, year)
    # Left as it was, the submitted report's row is no reason to refuse the others.
    untouched = fill(content, {"A2": {**FIGURES, **NARRATIVE}}, by_key)
    preview = pending(upload_reports(client, campaign, tree["DA"], year, untouched))
    assert preview.preview["errors"] == []
    assert preview.can_confirm
    changed = fill(untouched, {"A1": {"results": "Sửa sau khi gửi."}}, by_key)
    preview = pending(upload_reports(client, campaign, tree["DA"], year, changed))
    assert preview.preview["errors"] == [
        "Trang Báo cáo, ô G5 “Kết quả”: Báo cáo đang ở trạng thái “Đã gửi” nên không sửa được."
    ]
    confirm(client, preview)
    submitted.refresh_from_db()
    assert (submitted.results, submitted.version) == ("Đã gửi.", 1)
    assert not AnnualReport.objects.filter(unit=tree["A2"]).exists()


def test_a_past_year_locked_refuses_a_new_report(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a1"])
    # The upload page says so before the file is filled in, not only its preview after.
    locked = "Báo cáo năm 2016 đã khóa sau ngày 19/01/2017: tệp chỉ sửa được những báo cáo"
    page = client.get(reports_url("upload", campaign, tree["A1"], 2016))
    assert locked in page_text(page)
    assert 'id="year-locked"' not in page_text(
        client.get(reports_url("upload", campaign, tree["A1"], year))
    )
    content = download_reports(client, campaign, tree["A1"], 2016)
    filled = fill(content, {"A1": {**FIGURES, **NARRATIVE}}, columns(campaign, 2016))
    preview = pending(upload_reports(client, campaign, tree["A1"], 2016, filled))
    assert preview.preview["errors"] == [
        "Trang Báo cáo, ô D4 “Số buổi tuyên truyền (buổi)”: Báo cáo năm 2016 đã khóa sau ngày "
        "19/01/2017. Hãy liên hệ người duyệt "
        "của đơn vị cấp trên."
    ]
    assert not AnnualReport.objects.exists()


def test_a_report_saved_after_the_preview_makes_the_confirmation_save_nothing(
    client, tree, cast, campaign, year
):
    report = AnnualReport.objects.create(
        unit=tree["A2"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Bản đầu.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(
        content,
        {"A1": {**FIGURES, **NARRATIVE}, "A2": {"results": "Bản từ Excel."}},
        columns(campaign, year),
    )
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    assert preview.can_confirm
    # Someone saves A2 through the web form meanwhile.
    AnnualReport.objects.filter(pk=report.pk).update(version=2, results="Bản của người khác.")
    response = confirm(client, preview)
    assert response.status_code == 302
    assert response.url == reports_url("upload", campaign, tree["DA"], year)
    report.refresh_from_db()
    assert report.results == "Bản của người khác."
    # All or nothing: A1's new report was not kept either.
    assert not AnnualReport.objects.filter(unit=tree["A1"]).exists()
    assert not WorkbookUpload.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Chưa lưu gì" in message for message in messages)


def test_a_formula_is_used_only_with_its_computed_value_and_the_preview_says_so(
    client, tree, cast, campaign, year
):
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {**NARRATIVE, "value_sessions": "=2*6"}}, columns(campaign, year))
    refused = pending(upload_reports(client, campaign, tree["A1"], year, filled))
    assert len(refused.preview["errors"]) == 1
    assert refused.preview["errors"][0].startswith(
        "Trang Báo cáo, ô D4 “Số buổi tuyên truyền (buổi)”: Ô này chứa công thức"
    )
    computed = with_computed_value(filled, "D4", "12")
    preview = pending(upload_reports(client, campaign, tree["A1"], year, computed))
    assert preview.preview["errors"] == []
    assert preview.preview["notes"] == [
        "Trang Báo cáo, ô D4 “Số buổi tuyên truyền (buổi)”: "
        "dùng kết quả tính gần nhất của công thức trong ô."
    ]
    page = page_text(client.get(reverse("campaign:workbook_preview", args=[preview.pk])))
    assert preview.preview["notes"][0] in page
    confirm(client, preview)
    report = AnnualReport.objects.get(unit=tree["A1"])
    assert report.values.get(indicator__code="sessions").int_value == 12


def test_an_upload_belongs_to_its_user_only(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(content, {"A1": {**FIGURES, **NARRATIVE}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    client.force_login(cast["officer_a1"])
    assert client.get(reverse("campaign:workbook_preview", args=[preview.pk])).status_code == 404
    assert confirm(client, preview).status_code == 404
    assert not AnnualReport.objects.exists()


def test_confirming_needs_a_post_and_an_unexpired_upload(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {**FIGURES, **NARRATIVE}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["A1"], year, filled))
    url = reverse("campaign:workbook_confirm", args=[preview.pk])
    assert client.get(url).status_code == 405
    WorkbookUpload.objects.filter(pk=preview.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.post(url).status_code == 404
    assert not AnnualReport.objects.exists()


@pytest.mark.usefixtures("a1_without_officer")
def test_saving_twice_saves_once_and_the_second_tap_says_why(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(content, {"A1": {**FIGURES, **NARRATIVE}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    assert confirm(client, preview).status_code == 302
    again = confirm(client, preview)
    assert again.status_code == 404
    assert "Tệp tải lên này không còn chờ lưu" in page_text(again)
    assert AnnualReport.objects.count() == 1


@pytest.mark.parametrize(
    "user, code",
    [
        ("officer_b1", 404),  # A1 is outside their unit: not theirs to know of
        ("reviewer_a", 403),  # A1 is in their area, but a reviewer does not file
        ("outsider", 404),
    ],
)
def test_only_officers_who_file_for_the_unit_may_upload(
    client, tree, cast, campaign, year, user, code
):
    # A workbook filled in by A1's own officer, then sent by someone else.
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {**FIGURES, **NARRATIVE}}, columns(campaign, year))
    client.force_login(cast[user])
    assert client.get(reports_url("upload", campaign, tree["A1"], year)).status_code == code
    assert upload_reports(client, campaign, tree["A1"], year, filled).status_code == code
    assert not WorkbookUpload.objects.exists()
    assert not AnnualReport.objects.exists()


def test_the_upload_pages_file_picker_offers_workbooks(client, tree, cast, campaign, year):
    # On a phone the picker then lists .xlsx files first; the content is checked all the same.
    client.force_login(cast["officer_a"])
    response = client.get(reports_url("upload", campaign, tree["DA"], year))
    assert response.status_code == 200
    picker = re.search(r'<input type="file"[^>]*>', response.content.decode())
    assert picker is not None
    assert (
        'accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"'
        in picker.group(0)
    )
