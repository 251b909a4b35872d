"""Which years an Excel template of annual reports can be made and uploaded for: those whose
figures have begun, as on the report's own page."""

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.models import AnnualReport, Period, WorkbookUpload
from tests.campaign.workbooks.helpers import columns, download_reports, fill, reports_url

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # on 01/12/2024, 2025's figures start on 15/12/2024


def test_next_years_template_is_refused_before_its_figures_begin_and_writes_no_period(
    client, cast, tree, campaign, clock
):
    # The report's page refused 2025 on 01/12/2024, but its Excel template was made, which
    # wrote 2025's period (every trend then showed an empty 2025) and let units file it
    # from the workbook before its figures had begun.
    client.force_login(cast["officer_a"])
    for name in ("download", "upload"):
        response = client.get(reports_url(name, campaign, tree["DA"], YEAR + 1))
        assert response.status_code == 404
        assert f"Năm {YEAR + 1} chưa bắt đầu" in response.content.decode()
    this_year = download_reports(client, campaign, tree["DA"], YEAR)
    response = client.post(
        reports_url("upload", campaign, tree["DA"], YEAR + 1),
        {"file": SimpleUploadedFile("bao-cao.xlsx", this_year)},
    )
    assert response.status_code == 404
    assert not Period.objects.filter(campaign=campaign, year=YEAR + 1).exists()
    assert not WorkbookUpload.objects.exists()


def test_next_years_template_is_made_once_its_figures_have_begun(
    client, cast, tree, campaign, clock
):
    clock.moment = datetime.datetime(YEAR, 12, 16, 9, tzinfo=LOCAL)
    client.force_login(cast["officer_a1"])
    content = download_reports(client, campaign, tree["A1"], YEAR + 1)
    filled = fill(
        content,
        {"A1": {"value_sessions": 2, "results": "Hai buổi.", "self_assessment": "Tốt"}},
        columns(campaign, YEAR + 1),
    )
    response = client.post(
        reports_url("upload", campaign, tree["A1"], YEAR + 1),
        {"file": SimpleUploadedFile("bao-cao.xlsx", filled)},
    )
    assert response.status_code == 302
    upload = WorkbookUpload.objects.get()
    assert client.post(f"/excel/uploads/{upload.pk}/confirm/").status_code == 302
    assert AnnualReport.objects.get(unit=tree["A1"]).year == YEAR + 1
