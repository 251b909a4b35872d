"""What the Excel template tests share: a campaign with every kind of indicator, the year
open for filing, and helpers to download, fill in (with openpyxl, as a user's spreadsheet
program would) and upload a template."""

import datetime
import re
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign import workbook_checks
from campaign.models import Campaign, Indicator, Theme, WorkbookUpload
from campaign.workbooks import FIRST_ROW, HEADER_ROW


@pytest.fixture
def campaign(tree):
    """A running campaign with two whole-number indicators (one with help text), a text
    one, and three content items."""
    campaign = Campaign.objects.create(
        slug="excel-campaign",
        number="99/KH-LĐLĐ",
        title="Kế hoạch tuyên truyền thử nghiệm",
        issuer=tree["PV"],
        issued_on=datetime.date(2015, 6, 10),
        directive="Kế hoạch số 1/KH-UBND",
        first_year=2015,
        plan_due_on=datetime.date(2015, 7, 31),
    )
    two = Theme.objects.create(campaign=campaign, number="2", title="Nội dung hai")
    Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    Theme.objects.create(campaign=campaign, parent=two, number="2.1", title="Ý hai chấm một")
    Indicator.objects.create(
        campaign=campaign,
        code="sessions",
        name="Số buổi tuyên truyền",
        unit_of_measure="buổi",
        help_text="Đếm cả các buổi lồng ghép vào sinh hoạt công đoàn.",
        order=1,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="participants",
        name="Số lượt người tham dự",
        unit_of_measure="lượt",
        order=2,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="other_forms",
        name="Hình thức khác",
        kind=Indicator.Kind.TEXT,
        order=3,
    )
    return campaign


@pytest.fixture
def year():
    # The current year's report is open for filing all year (it locks in January).
    return timezone.localdate().year


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


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


def header(content: bytes, number: int) -> str:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return sheet.cell(HEADER_ROW, number).value


def upload(client, url, content: bytes, name="bao-cao.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def pending(response) -> WorkbookUpload:
    """The upload a successful POST redirected to the preview of."""
    assert response.status_code == 302, (response.status_code, _errors(response))
    pk = response.url.rstrip("/").split("/")[-1]
    return WorkbookUpload.objects.get(pk=pk)


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
