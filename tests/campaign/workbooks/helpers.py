"""Helpers of the Excel template tests: download, fill in (with openpyxl, as a user's
spreadsheet program would), upload a template and confirm the upload."""

import re
import zipfile
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign import workbook_checks
from campaign.models import (
    AnnualReport,
    Indicator,
    IndicatorValue,
    Period,
    Status,
    WorkbookUpload,
)
from campaign.workbooks import FIRST_ROW


def reports_url(name, campaign, unit, year):
    return reverse(f"campaign:workbook_reports_{name}", args=[campaign.pk, unit.pk, year])


def download_reports(client, campaign, unit, year) -> bytes:
    response = client.get(reports_url("download", campaign, unit, year))
    assert response.status_code == 200, response.status_code
    return response.content


def columns(campaign, year):
    """Column number by key, as the template lays them out."""
    layout = workbook_checks.report_layout(
        campaign, year, workbook_checks.typed_indicators(campaign)
    )
    return {key: number for number, key in enumerate(layout.keys, start=1)}


def fill(content: bytes, rows: dict, columns: dict, key_column="code") -> bytes:
    """The workbook `content` with cells set: `rows` maps the value of the key column (a
    unit code) to {column key: value}. Saved by openpyxl, as a script would."""
    workbook = load_workbook(BytesIO(content))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        key = row[columns[key_column] - 1].value
        for column_key, value in rows.get(key, {}).items():
            cell = row[columns[column_key] - 1]
            cell.value = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, url, content: bytes, name="bao-cao.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def pending(response) -> WorkbookUpload:
    """The upload a successful POST redirected to the preview of."""
    assert response.status_code == 302, (response.status_code, _errors(response))
    pk = response.url.rstrip("/").split("/")[-1]
    return WorkbookUpload.objects.get(pk=pk)


def upload_reports(client, campaign, unit, year, content):
    return upload(client, reports_url("upload", campaign, unit, year), content)


def confirm(client, pending_upload):
    return client.post(reverse("campaign:workbook_confirm", args=[pending_upload.pk]))


def template(client, plan):
    response = client.get(reverse("campaign:workbook_plan_download", args=[plan.pk]))
    assert response.status_code == 200
    return response.content


def edit(content, plan, rows):
    """`content` with cells set by sheet row number: {row: {column key: value}}."""
    keys = workbook_checks.plan_layout(plan, list(plan.campaign.themes.all())).keys
    book = load_workbook(BytesIO(content))
    sheet = book.worksheets[0]
    for row, values in rows.items():
        for key, value in values.items():
            sheet.cell(row, keys.index(key) + 1, value)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_plan(client, plan, content):
    return upload(client, reverse("campaign:workbook_plan_upload", args=[plan.pk]), content)


def _errors(response):
    form = response.context and response.context.get("form")
    return form.errors if form is not None else None


def with_computed_value(content: bytes, cell: str, value: str) -> bytes:
    """`content` with the formula in `cell` of the first sheet carrying `value` as its last
    computed result, as Excel or LibreOffice would save it (openpyxl writes none)."""
    return rewrite(
        content,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>\s*)<v\s*(?:/>|></v>)',
            lambda match: f"{match.group(1)}<v>{value}</v>",
            xml,
        ),
    )


def rewrite(content: bytes, part: str, change) -> bytes:
    """`content` (a zip) with `part`'s text changed by `change`; the other parts as they
    were."""
    source = zipfile.ZipFile(BytesIO(content))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                changed = change(data.decode())
                assert changed != data.decode(), f"nothing changed in {part}"
                data = changed.encode()
            target.writestr(info, data)
    return buffer.getvalue()


def draft_report(unit, campaign, year, results="Bản đầu."):
    """A draft report of `unit`, started on the portal, with its narrative filled in."""
    return AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results=results,
        self_assessment=AnnualReport.Assessment.GOOD,
    )


def filed_report(unit, campaign, year, status, **figures):
    """A report of `unit` for `year`, stored directly in `status`, with `figures` by
    indicator code: a whole number or None for a whole-number indicator, a text for a text
    one."""
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        status=status,
        first_submitted_at=None if status == Status.DRAFT else timezone.now(),
        results="Đã tuyên truyền.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )
    for code, figure in figures.items():
        indicator = campaign.indicators.get(code=code)
        if indicator.kind == Indicator.Kind.INTEGER:
            IndicatorValue.objects.create(report=report, indicator=indicator, int_value=figure)
        else:
            IndicatorValue.objects.create(report=report, indicator=indicator, text_value=figure)
    return report
