"""The summary tests' shared builders: a campaign with reports filed in YEAR (FILED), a
summary document of it, issuing it, and reading the PDF it renders with pdftotext and the
units its appendix lists.

Used by the test_pdf_*.py files, test_summary.py and the other summary, signing and delivery
tests, and by tests/security, tests/faults and tests/e2e. The counting rule recounted over
FILED (`recounted`) is in recount.py.
"""

import datetime
import re
import shutil
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from reports import pdf
from reports.models import SummaryReport
from tests.factories import CampaignFactory
from units.models import Unit, User

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # figures 15/12/2023–14/12/2024, due 20/12/2024
SIGNER = "Phó Chủ tịch Thường trực Liên đoàn"
SUBJECT = "Kết quả thực hiện Kế hoạch tuyên truyền cải cách hành chính năm 2024"
EVERY_TONE = "Ắ Ằ Ẳ Ẵ Ặ ớ ờ ở ỡ ợ ữ ỹ Ỷ đ Đ ơ ư"


def make_campaign(issuer: Unit, slug: str = "cchc-test") -> Campaign:
    """A campaign begun in 2015, with two whole-number indicators (sessions, participants)
    and a text one."""
    campaign = CampaignFactory(issuer=issuer, slug=slug, title="Tuyên truyền cải cách hành chính")
    Indicator.objects.create(
        campaign=campaign, code="sessions", name="Số buổi tuyên truyền", unit_of_measure="buổi"
    )
    Indicator.objects.create(
        campaign=campaign,
        code="participants",
        name="Số lượt người tham dự",
        unit_of_measure="lượt người",
        order=1,
    )
    Indicator.objects.create(
        campaign=campaign, code="other_forms", name="Hình thức khác", kind="text", order=2
    )
    return campaign


def file_report(
    unit: Unit, campaign: Campaign, status: str = Status.ACCEPTED, late: bool = False, **figures
) -> AnnualReport:
    """A report of `unit` in `status`, first sent before (or after, `late`) the due date."""
    sent = None
    if status in (Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED):
        sent = sent_at(late)
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=YEAR,
        period=Period.objects.for_year(campaign, YEAR),
        results="Tổ chức tuyên truyền CCHC.",
        obstacles=figures.pop("obstacles", ""),
        proposals=figures.pop("proposals", ""),
        self_assessment=AnnualReport.Assessment.GOOD,
        status=status,
        submitted_at=sent,
        first_submitted_at=sent,
    )
    for indicator in campaign.indicators.filter(code__in=figures):
        IndicatorValue.objects.create(
            report=report, indicator=indicator, int_value=figures[indicator.code]
        )
    return report


# What `campaign_with_reports` files, by unit: status, late, figures. Accepted, so included:
# DA (12 sessions, 345 participants), DB (7, 889, late) and A1 (3, 40), each report its own
# unit's figures; SE is submitted, not accepted; B1 returned; A2 and S1 missing.
FILED = {
    "DA": (Status.ACCEPTED, False, {"sessions": 12, "participants": 345}),
    "DB": (Status.ACCEPTED, True, {"sessions": 7, "participants": 889}),
    "A1": (Status.ACCEPTED, False, {"sessions": 3, "participants": 40}),
    "SE": (Status.SUBMITTED, False, {"sessions": 500, "participants": 5000}),
    "B1": (Status.RETURNED, False, {"sessions": 600, "participants": 6000}),
}


def campaign_with_reports(tree: dict[str, Unit]) -> Campaign:
    """The campaign with the reports of FILED."""
    campaign = make_campaign(tree["PV"])
    for code, (status, late, figures) in FILED.items():
        file_report(tree[code], campaign, status, late=late, **figures)
    return campaign


def sent_at(late: bool) -> datetime.datetime:
    return datetime.datetime(YEAR, 12, 27 if late else 10, 9, tzinfo=LOCAL)


def make_summary(unit: Unit, campaign: Campaign, author: User, **fields) -> SummaryReport:
    values = {
        "year": YEAR,
        "number": "15/BC-LĐLĐ",
        "place": "Bến Tre",
        "dated_on": datetime.date(2025, 1, 5),
        "kind": SummaryReport.Kind.COMMITTEE,
        "number_code": "BC-LĐLĐ",
        "parent_body": "Tổng LĐLĐ Việt Nam",
        "issuing_body": "Liên đoàn Lao động tỉnh Bến Tre",
        "subject": SUBJECT,
        "addressee": "Kính gửi: Tổng Liên đoàn Lao động Việt Nam",
        "signer_block": "TM. Ban Thường vụ",
        "signer_title": "Phó Chủ tịch",
        "signer_name": SIGNER,
        "recipients": "Như trên;\nThường trực Tỉnh ủy (để báo cáo);\nLưu: VT, Ban CSPL.",
        "general_assessment": "Các cấp công đoàn đã triển khai kế hoạch. " + EVERY_TONE,
        "results": "Nhiều hình thức tuyên truyền phong phú.",
        "shortcomings": "Một số đơn vị nộp báo cáo trễ hạn.",
        "obstacles_proposals": "Thiếu tài liệu tuyên truyền.",
        "direction": "Tiếp tục đẩy mạnh tuyên truyền.",
    }
    values.update(fields)
    return SummaryReport.objects.create(campaign=campaign, unit=unit, created_by=author, **values)


# The fields the edit form posts (reports.summary.SummaryEditForm), written out here.
EDITABLE = [
    "include",
    "number_code",
    "place",
    "parent_body",
    "issuing_body",
    "subject",
    "addressee",
    "signer_block",
    "signer_title",
    "signer_name",
    "recipients",
    "general_assessment",
    "results",
    "shortcomings",
    "obstacles_proposals",
    "direction",
]


def form_data(summary: SummaryReport, **changes) -> dict:
    """The edit form's fields as `summary` holds them, with `changes`."""
    data = {name: getattr(summary, name) for name in EDITABLE}
    data["dated_on"] = summary.dated_on.strftime("%d/%m/%Y")
    data["version"] = summary.version
    data.update(changes)
    return data


def issue(summary: SummaryReport, user: User) -> SummaryReport:
    """Issue `summary` as `reports.issuing.summary_issue` does, without queuing the render."""
    summary.status = SummaryReport.Status.ISSUED
    summary.issued_by = user
    summary.issued_at = timezone.now()
    summary.rollup_snapshot = pdf.freeze(summary)
    summary.save()
    return summary


def pdftotext(content: bytes, tmp_path: Path, *options: str) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is missing: the set-up installs it")
    path = tmp_path / f"doc-{time.monotonic_ns()}.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """`text` without any whitespace: a line wrapped by the layout compares equal."""
    return re.sub(r"\s+", "", text)


def vi(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def appendix_units(context):
    """The units the appendix lists, as (group heading, name, status) in its order."""
    listed = []
    for group in context["appendix"]["groups"]:
        for chunk in group["chunks"]:
            for line in chunk.split("\n"):
                name, figures = line.split("\t")
                status = figures.split(pdf.COLUMN_GAP)[-1]
                listed.append((group["heading"], name.strip(pdf.EM_SPACE), status))
        for listing in group["lists"]:
            for name in listing["names"].removesuffix(".").split("; "):
                listed.append((group["heading"], name, listing["label"]))
    return listed
