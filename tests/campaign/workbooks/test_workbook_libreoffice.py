"""Templates opened and saved again by LibreOffice Calc keep their values, their signed
metadata, their validation and their locked cells, and upload as they would from Excel.

Runs Debian's `libreoffice-calc` headless (CI installs it: .ci/setup.sh); skipped with the
reason when it is not installed.
"""

import os
import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign.models import AnnualReport, Status
from campaign.workbooks import FIRST_ROW, META_SHEET
from tests.campaign.filings import make_plan
from tests.campaign.workbooks.helpers import (
    columns,
    download_reports,
    filed_report,
    fill,
    pending,
    reports_url,
    upload,
)

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="LibreOffice is not installed (apt-get install --no-install-recommends "
    "libreoffice-calc); CI installs it",
)


def resaved(content: bytes, tmp_path) -> bytes:
    """`content` opened and saved as .xlsx by LibreOffice, with a profile and a HOME of its
    own so that it neither touches nor waits for another instance."""
    folder = tmp_path / "libreoffice"
    (folder / "out").mkdir(parents=True)
    source = folder / "template.xlsx"
    source.write_bytes(content)
    subprocess.run(
        [
            LIBREOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "out"),
            str(source),
        ],
        env={**os.environ, "HOME": str(folder)},
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = (folder / "out" / "template.xlsx").read_bytes()
    assert result != content  # it really was written again, by LibreOffice
    return result


def validations(sheet):
    return {str(v.sqref).split(":")[0]: v.type for v in sheet.data_validations.dataValidation}


@pytest.mark.usefixtures("a1_without_officer")
def test_a_reports_template_saved_by_libreoffice_uploads_as_it_was_filled(
    client, tree, cast, campaign, year, tmp_path
):
    filed_report(tree["DA"], campaign, year - 1, Status.SUBMITTED, sessions=9)
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    by_key = columns(campaign, year)
    filled = fill(
        content,
        {
            "A1": {
                "value_sessions": 12,
                "value_participants": "1.250",
                "value_other_forms": "Pa nô, áp phích",
                "results": "Tổ chức 12 buổi.\nLồng ghép vào sinh hoạt.",
                "self_assessment": "Khá",
            },
            # A formula: LibreOffice computes it and saves its value with it.
            "A2": {"value_sessions": "=2*3", "results": "Sáu buổi.", "self_assessment": "Tốt"},
        },
        by_key,
    )
    converted = resaved(filled, tmp_path)

    book = load_workbook(BytesIO(converted))
    sheet = book.worksheets[0]
    assert book[META_SHEET].sheet_state in ("hidden", "veryHidden")
    assert sheet.protection.sheet
    assert sheet.cell(FIRST_ROW, by_key["code"]).protection.locked
    assert not sheet.cell(FIRST_ROW, by_key["value_sessions"]).protection.locked
    kinds = validations(sheet)
    letter = {key: sheet.cell(1, number).column_letter for key, number in by_key.items()}
    assert kinds[f"{letter['value_sessions']}{FIRST_ROW}"] == "whole"
    assert kinds[f"{letter['self_assessment']}{FIRST_ROW}"] == "list"
    assert kinds[f"{letter['results']}{FIRST_ROW}"] == "textLength"
    # Last year's figures, for reference, stay beside the table, locked.
    reference = book.worksheets[1]
    assert reference.title == f"Năm {year - 1} (tham khảo)"
    assert reference.protection.sheet
    assert reference.cell(FIRST_ROW, 1).value == "DA"
    assert reference.cell(FIRST_ROW, 3).value == 9
    assert reference.cell(FIRST_ROW, 3).protection.locked

    preview = pending(upload(client, reports_url("upload", campaign, tree["DA"], year), converted))
    assert preview.preview["errors"] == []
    assert preview.preview["notes"] == [
        f"Trang Báo cáo, ô {letter['value_sessions']}6 “Số buổi tuyên truyền (buổi)”: "
        "dùng kết quả tính gần nhất của công thức trong ô."
    ]
    client.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    a1 = AnnualReport.objects.get(unit=tree["A1"])
    assert a1.results == "Tổ chức 12 buổi.\nLồng ghép vào sinh hoạt."
    assert a1.self_assessment == AnnualReport.Assessment.FAIR
    values = {v.indicator.code: v for v in a1.values.select_related("indicator")}
    assert values["sessions"].int_value == 12
    assert values["participants"].int_value == 1250
    assert values["other_forms"].text_value == "Pa nô, áp phích"
    a2 = AnnualReport.objects.get(unit=tree["A2"])
    assert a2.values.get(indicator__code="sessions").int_value == 6

    # The same file again: nothing to change.
    again = pending(upload(client, reports_url("upload", campaign, tree["DA"], year), converted))
    assert again.preview["changes"] == []


def test_a_plan_template_saved_by_libreoffice_changes_nothing_and_keeps_its_lists(
    client, tree, cast, campaign, tmp_path
):
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], activities=2)
    client.force_login(cast["officer_a1"])
    content = client.get(reverse("campaign:workbook_plan_download", args=[plan.pk])).content
    converted = resaved(content, tmp_path)
    sheet = load_workbook(BytesIO(converted)).worksheets[0]
    kinds = validations(sheet)
    assert kinds[f"B{FIRST_ROW}"] == "list"  # the method
    assert kinds[f"G{FIRST_ROW}"] == "date"
    preview = pending(
        upload(client, reverse("campaign:workbook_plan_upload", args=[plan.pk]), converted)
    )
    assert preview.preview == {"changes": [], "errors": [], "notes": []}
