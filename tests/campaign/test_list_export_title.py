"""Above a list's table in its Excel file: what the list is, the filters applied, as the
filter form names them, and when it was exported."""

from django.utils import timezone

from campaign.models import Status
from tests.campaign.filings import file_plan
from tests.campaign.list_export_files import download, rows_of, sheet_of


def title_lines(client, user, name, **params):
    sheet = sheet_of(download(client, user, name, **params))
    return [sheet.cell(row, 1).value for row in (1, 2, 3)], sheet


def test_the_obstacle_list_names_its_filters_and_the_moment_of_export(client, cast, campaign):
    (title, filters, moment), _sheet = title_lines(
        client, cast["cspl"], "campaign:obstacle_list_excel", status="open", campaign=campaign.pk
    )
    assert title == "Vướng mắc của các đơn vị"
    assert filters == (
        "Bộ lọc: Trạng thái: Chờ trả lời; "
        "Kế hoạch phát động: 99/KH-LĐLĐ – Kế hoạch tuyên truyền thử nghiệm"
    )
    assert moment.startswith(f"Xuất lúc {timezone.localdate():%d/%m/%Y} ")


def test_a_queue_names_its_default_status_and_its_order(client, cast, campaign):
    (title, filters, _moment), _sheet = title_lines(
        client, cast["cspl"], "campaign:review_queue_excel", kind="grassroots", sort="unit"
    )
    assert title == "Kế hoạch chờ xem xét"
    assert filters == "Bộ lọc: Trạng thái: Đã gửi; Loại đơn vị: CĐCS; Sắp xếp: Tên đơn vị"


def test_a_list_without_filters_says_so(client, cast):
    (_title, filters, _moment), _sheet = title_lines(
        client, cast["cspl"], "campaign:inspection_list_excel"
    )
    assert filters == "Bộ lọc: không lọc"


def test_an_invalid_filter_lists_nothing_and_says_so(client, tree, cast, campaign, plan_factory):
    file_plan(plan_factory, tree["A1"], campaign, cast["officer_a1"], Status.SUBMITTED)
    (title, filters, _moment), sheet = title_lines(
        client, cast["cspl"], "campaign:review_queue_excel", status="lost"
    )
    assert title == "Kế hoạch"
    assert filters.startswith("Bộ lọc: có bộ lọc không hợp lệ nên không liệt kê dòng nào")
    assert rows_of(sheet) == []
