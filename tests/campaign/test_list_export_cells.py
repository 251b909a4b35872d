"""A list's Excel file is a table to work on: Vietnamese headers, bold and frozen; dates as
real dates shown dd/mm/yyyy; figures as numbers; columns wide enough to read; and a file
name in plain ASCII that says what it holds and when."""

import datetime
import re

from campaign.models import Status
from tests.campaign.filings import file_plan
from tests.campaign.inspection_data import record
from tests.campaign.list_export_files import HEADER_ROW, download, rows_of, sheet_of


def test_a_visits_dates_are_dates_and_the_header_is_frozen(client, tree, cast, campaign):
    record(
        tree["A1"],
        campaign,
        cast["reviewer_a"],
        visited_on=datetime.date(2026, 10, 5),
        recommendations_due_on=datetime.date(2026, 11, 30),
    )
    response = download(client, cast["reviewer_a"], "campaign:inspection_list_excel")

    assert re.fullmatch(
        r'attachment; filename="kiem-tra-giam-sat-\d{4}-\d{2}-\d{2}\.xlsx"',
        response["Content-Disposition"],
    )
    sheet = sheet_of(response)
    (row,) = rows_of(sheet)
    assert row["Ngày kiểm tra"] == datetime.datetime(2026, 10, 5)
    assert row["Hạn thực hiện kiến nghị"] == datetime.datetime(2026, 11, 30)
    dates = [sheet.cell(HEADER_ROW + 1, column) for column in (1, 7)]
    assert [cell.number_format for cell in dates] == ["dd/mm/yyyy", "dd/mm/yyyy"]
    assert sheet.freeze_panes == f"B{HEADER_ROW + 1}"
    assert all(cell.font.bold for cell in sheet[HEADER_ROW])
    assert all(8 <= sheet.column_dimensions[c].width <= 52 for c in "ABCDEFGHI")


def test_a_queues_figures_are_numbers(client, tree, cast, campaign, plan_factory):
    file_plan(plan_factory, tree["A1"], campaign, cast["officer_a1"], Status.SUBMITTED)
    response = download(client, cast["cspl"], "campaign:review_queue_excel")

    assert re.search(
        r'filename="ke-hoach-cho-xem-xet-\d{4}-\d{2}-\d{2}\.xlsx"', response["Content-Disposition"]
    )
    (row,) = rows_of(sheet_of(response))
    assert row["Số ngày chờ"] == 0 and row["Hoạt động"] == 1
    assert isinstance(row["Ngày gửi"], datetime.datetime)
