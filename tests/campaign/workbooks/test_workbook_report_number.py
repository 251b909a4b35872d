"""A report saved again from a workbook keeps the register number and the signing block
typed on its page (the workbook has no column for them)."""

from campaign.models import AnnualReport, Period
from tests.campaign.workbooks.helpers import (
    columns,
    confirm,
    download_reports,
    fill,
    pending,
    upload_reports,
)

SIGNING = {
    "signer_block": "TM. Ban Chấp hành",
    "signer_title": "Chủ tịch",
    "signer_name": "Nguyễn Văn An",
}


def test_a_workbook_saving_the_report_again_keeps_its_number_and_signing_block(
    client, tree, cast, campaign, year
):
    report = AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Bản đầu.",
        self_assessment=AnnualReport.Assessment.GOOD,
        doc_number="12/BC-CĐCS",
        **SIGNING,
    )
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {"proposals": "Đề xuất mới."}}, columns(campaign, year))
    preview = pending(upload_reports(client, campaign, tree["A1"], year, filled))
    assert preview.preview["errors"] == []
    confirm(client, preview)
    report.refresh_from_db()
    assert report.proposals == "Đề xuất mới."
    assert report.doc_number == "12/BC-CĐCS"
    assert {name: getattr(report, name) for name in SIGNING} == SIGNING
    history = report.history.first()
    assert history.proposals == "Đề xuất mới."
    assert history.doc_number == "12/BC-CĐCS"
    assert {name: getattr(history, name) for name in SIGNING} == SIGNING
