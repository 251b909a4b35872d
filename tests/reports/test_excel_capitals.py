"""A cell of the Excel export stands alone: the statuses, and the summary's words for what
was counted, start with a capital, though the same labels are written to go mid-sentence
on the pages ("không thuộc diện báo cáo", "chưa thành lập"). Only the first letter is
raised: "Không thuộc diện báo cáo", never "Không thuộc diện Báo cáo" nor lower-cased."""

import datetime

import pytest
from django.utils import translation

from campaign.models import AnnualReport, Status
from tests.reports.excel_export import (
    ON_TIME,
    download,
    excel_campaign,
    file_reports,
    records,
    report,
    summary,
    workbook_of,
)
from tests.reports.recount import LOCAL, child
from units.models import Unit

# Today is 10/01/2025: 2024's reports are due, not locked yet (world_clock, as for
# test_excel.py).
pytestmark = pytest.mark.usefixtures("fresh_cache", "world_clock")

NOT_FILING = "Không thuộc diện báo cáo"
# The units of FILED (tests/reports/excel_export.py), in the sheet's order: (the category of
# its own report, its report's status). B1's returned report was reopened by a reviewer.
EVERY_UNIT = {
    "DA": ("Đúng hạn", "Đã chấp nhận"),
    "A1": ("Đúng hạn", "Đã chấp nhận"),
    "A2": ("Trễ hạn", "Đã gửi"),
    "A6": (NOT_FILING, "Đã chấp nhận"),  # closed before the cut-off
    "IZ": (NOT_FILING, "Đã chấp nhận"),  # a kind the campaign does not address
    "DB": ("Chưa nộp", None),
    "B1": ("Bị trả lại", "Mở lại"),
    "SE": ("Chưa nộp", "Bản nháp"),
    "S1": ("Trễ hạn", "Đã chấp nhận"),
    "K1": ("Đúng hạn", "Đã chấp nhận"),  # under KZ, which is not listed: it files nothing
}


@pytest.fixture
def campaign(tree):
    return excel_campaign(tree)


@pytest.fixture
def filed(tree, campaign):
    return file_reports(tree, campaign)


@pytest.fixture
def workbook(client, cast, campaign, filed):
    # An industrial-zone union, a kind the campaign does not address, over a grassroots
    # union that reported: listed below the province for its union's figures.
    kz = child(filed["PV"], "KZ", kind=Unit.Kind.INDUSTRIAL_ZONE)
    report(child(kz, "K1"), campaign, Status.ACCEPTED, ON_TIME, sessions=1)
    AnnualReport.objects.filter(unit=filed["B1"]).update(
        reopened_at=datetime.datetime(2024, 12, 22, 9, 0, tzinfo=LOCAL)
    )
    with translation.override("vi"):
        return workbook_of(download(client, cast, unit=filed["PV"].pk))


def test_the_statuses_of_every_unit_start_with_a_capital(workbook):
    rows = records(workbook["Từng đơn vị"])
    found = {
        row["Mã"].value: (row["Trạng thái"].value, row["Trạng thái báo cáo"].value) for row in rows
    }
    assert list(found.items()) == list(EVERY_UNIT.items())


def test_the_own_report_of_each_unit_below_starts_with_a_capital(workbook, filed):
    rows = records(workbook["Theo đơn vị trực thuộc"])
    own = {row["Đơn vị"].value: row["Báo cáo của đơn vị"].value for row in rows}
    # DB filed nothing and SE only a draft; KZ is not expected to file.
    assert own == {
        filed["DA"].name: "Đúng hạn",
        filed["DB"].name: "Chưa nộp",
        filed["SE"].name: "Chưa nộp",
        Unit.objects.get(code="KZ").name: NOT_FILING,
    }


def test_the_summary_says_what_was_counted_with_a_capital(workbook):
    cells = summary(workbook["Tổng hợp"])
    assert (cells["Số liệu từ"].value, cells["Tính trên"].value) == (
        "Báo cáo đã chấp nhận",
        "Cây tổ chức của năm đó",
    )
