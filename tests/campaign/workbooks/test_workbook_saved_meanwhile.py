"""A template filled in while a colleague saves the same report or plan on the portal: the
upload must not write the template's older values back over that save. Each template holds
the versions it was made from; a row (or a plan) saved since then is refused, with what to
do, and nothing is written."""

import pytest
from django.urls import reverse

from campaign import workbook_checks, workbooks
from campaign.models import Activity, AnnualReport, Plan, WorkbookUpload
from campaign.workbooks import FIRST_ROW
from tests.campaign.filings import make_plan
from tests.campaign.workbooks.helpers import (
    columns,
    confirm,
    download_reports,
    draft_report,
    edit,
    fill,
    pending,
    template,
    upload_plan,
    upload_reports,
)

SAVED_MEANWHILE = "được lưu trên cổng sau khi tải mẫu này về"


def web_save(client, report, sessions):
    response = client.post(
        reverse("campaign:report_edit", args=[report.pk]),
        {
            "version": str(report.version),
            "results": report.results,
            "self_assessment": report.self_assessment,
            "value_sessions": str(sessions),
            "value_participants": "",
            "value_other_forms": "",
        },
    )
    assert response.status_code == 302


def test_a_report_row_saved_on_the_portal_since_the_download_is_refused(
    client, tree, cast, campaign, year
):
    report = draft_report(tree["A1"], campaign, year)
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], year)
    web_save(client, report, 15)  # a colleague, on the portal

    # The template only changes the proposals; its empty sessions would undo the 15.
    filled = fill(content, {"A1": {"proposals": "Đề xuất mới."}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["A1"], year, filled))
    assert any(SAVED_MEANWHILE in error for error in preview.preview["errors"])
    assert not preview.can_confirm
    confirm(client, preview)
    report.refresh_from_db()
    assert report.values.get(indicator__code="sessions").int_value == 15
    assert report.proposals == ""

    # A template downloaded now goes through.
    fresh = download_reports(client, campaign, tree["A1"], year)
    filled = fill(fresh, {"A1": {"proposals": "Đề xuất mới."}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["A1"], year, filled))
    assert preview.preview["errors"] == []
    confirm(client, preview)
    report.refresh_from_db()
    assert report.proposals == "Đề xuất mới."
    assert report.values.get(indicator__code="sessions").int_value == 15


@pytest.mark.usefixtures("a1_without_officer")
def test_a_report_started_on_the_portal_since_the_download_is_not_overwritten(
    client, tree, cast, campaign, year
):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)  # A1 had no report
    draft_report(tree["A1"], campaign, year, "Bắt đầu trên cổng.")
    filled = fill(
        content,
        {
            "A1": {"results": "Từ bảng tính.", "self_assessment": "Tốt"},
            "A2": {"results": "A2.", "self_assessment": "Tốt"},
        },
        columns(campaign, year),
    )
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    (error,) = preview.preview["errors"]  # A1's row only: A2's is fine
    assert error.startswith("Trang Báo cáo, ô A") and SAVED_MEANWHILE in error
    assert AnnualReport.objects.get(unit=tree["A1"]).results == "Bắt đầu trên cổng."


def test_a_plan_saved_on_the_portal_since_the_download_is_refused(client, tree, cast, campaign):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    client.force_login(cast["officer_a1"])
    content = template(client, plan)
    first = plan.activities.order_by("pk").first()
    # A colleague's save on the plan page: a figure changed, the plan's version moved on.
    Activity.objects.filter(pk=first.pk).update(expected_participants=80)
    Plan.objects.filter(pk=plan.pk).update(version=plan.version + 1)

    edited = edit(content, plan, {FIRST_ROW + 1: {"audience": "Người lao động"}})
    preview = pending(upload_plan(client, plan, edited))
    assert any(SAVED_MEANWHILE in error for error in preview.preview["errors"])
    assert not preview.can_confirm
    client.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    first.refresh_from_db()
    assert first.expected_participants == 80
    # A template downloaded now goes through: its changes are the officer's own.
    plan = Plan.objects.get(pk=plan.pk)
    edited = edit(template(client, plan), plan, {FIRST_ROW + 1: {"audience": "Người lao động"}})
    preview = pending(upload_plan(client, plan, edited))
    assert preview.preview["errors"] == [] and preview.can_confirm
    client.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    assert plan.activities.order_by("pk")[1].audience == "Người lao động"
    first.refresh_from_db()
    assert first.expected_participants == 80


def test_a_template_made_before_templates_carried_versions_is_refused(client, tree, cast, campaign):
    # Made as the portal made them before: the same metadata, no versions in it.
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=1)
    layout = workbook_checks.plan_layout(plan, list(campaign.themes.all()))
    meta = {
        "kind": layout.kind,
        "sheet": layout.sheet,
        "campaign": campaign.pk,
        "unit": plan.unit_id,
        "plan": plan.pk,
    }
    content = workbooks.build(layout, meta, [{"method": "Hội nghị", "audience": "Đoàn viên"}])
    client.force_login(cast["officer_a1"])
    response = upload_plan(client, plan, content)
    assert "Mẫu này được tạo bởi phiên bản cũ của cổng thông tin" in response.content.decode()
    assert not WorkbookUpload.objects.exists()
