"""How single cells of a filled-in template are read: what a spreadsheet stores for what a
user typed or computed, never read as something else."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from campaign.models import AnnualReport, IndicatorValue
from tests.campaign.workbooks.helpers import (
    columns,
    download_reports,
    draft_report,
    fill,
    pending,
    reports_url,
    rewrite,
    upload,
)

NARRATIVE = {"results": "Tổ chức 3 buổi.", "self_assessment": "Tốt"}
# "1,234" (a decimal comma in Vietnamese) or "1.5": the message shows how to type one.
WHOLE_NUMBER = "Hãy nhập một số nguyên, ví dụ 1234 hoặc 1.234."


def preview_of(client, tree, campaign, year, content):
    return pending(upload(client, reports_url("upload", campaign, tree["A1"], year), content))


def test_a_fraction_in_a_whole_number_cell_is_refused_not_read_as_thousands(
    client, tree, cast, campaign, year
):
    # Typed "1,234" in a Vietnamese Excel, or =1/8, the file holds the numbers 1.234 and
    # 0.125; the web form reads a typed "1.234" as 1234, grouped. A1's row is row 4.
    client.force_login(cast["officer_a1"])
    by_key = columns(campaign, year)
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(
        content,
        {"A1": {**NARRATIVE, "value_sessions": 0.125, "value_participants": 1.234}},
        by_key,
    )
    preview = preview_of(client, tree, campaign, year, filled)
    sessions = get_column_letter(by_key["value_sessions"])
    participants = get_column_letter(by_key["value_participants"])
    assert preview.preview["errors"] == [
        f"Trang Báo cáo, ô {sessions}4 “Số buổi tuyên truyền (buổi)”: {WHOLE_NUMBER}",
        f"Trang Báo cáo, ô {participants}4 “Số lượt người tham dự (lượt)”: {WHOLE_NUMBER}",
    ]
    assert not preview.can_confirm


def test_a_formula_whose_result_is_an_empty_text_is_an_empty_cell(
    client, tree, cast, campaign, year
):
    # Excel and LibreOffice save =IF(…;"nhiều";"") that came out empty as a text result
    # with no value: nothing to save again, and nothing to refuse.
    client.force_login(cast["officer_a1"])
    by_key = columns(campaign, year)
    letter = get_column_letter(by_key["obstacles"])
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {**NARRATIVE, "obstacles": '=IF(1>2,"nhiều","")'}}, by_key)
    filled = rewrite(
        filled,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(f'<c r="{letter}4"', f'<c r="{letter}4" t="str"', 1),
    )
    preview = preview_of(client, tree, campaign, year, filled)
    assert preview.preview["errors"] == []
    client.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    report = AnnualReport.objects.get(unit=tree["A1"])
    assert (report.results, report.obstacles) == ("Tổ chức 3 buổi.", "")


def test_a_whole_number_too_large_for_excel_to_keep_exact_is_told_the_limit(
    client, tree, cast, campaign, year
):
    # Excel keeps 12345678901234567890 as the number 1.2345678901234567e+19: a whole
    # number, too large, which was refused as "not a whole number".
    client.force_login(cast["officer_a1"])
    by_key = columns(campaign, year)
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(content, {"A1": {**NARRATIVE, "value_sessions": 1.2345678901234567e19}}, by_key)
    preview = preview_of(client, tree, campaign, year, filled)
    sessions = get_column_letter(by_key["value_sessions"])
    assert preview.preview["errors"] == [
        f"Trang Báo cáo, ô {sessions}4 “Số buổi tuyên truyền (buổi)”: "
        "Giá trị phải nhỏ hơn hoặc bằng 10.000.000."
    ]
    assert not preview.can_confirm


def test_a_figure_typed_in_another_scripts_digits_is_refused_full_width_ones_are_read(
    client, tree, cast, campaign, year
):
    # A text cell "١٢" was read as 12 (int() takes any script's digits); "１．２３４", as an
    # input method left in full-width mode types it, is 1.234.
    client.force_login(cast["officer_a1"])
    by_key = columns(campaign, year)
    content = download_reports(client, campaign, tree["A1"], year)
    filled = fill(
        content,
        {"A1": {**NARRATIVE, "value_sessions": "١٢", "value_participants": "１．２３４"}},
        by_key,
    )
    preview = preview_of(client, tree, campaign, year, filled)
    sessions = get_column_letter(by_key["value_sessions"])
    assert preview.preview["errors"] == [
        f"Trang Báo cáo, ô {sessions}4 “Số buổi tuyên truyền (buổi)”: "
        "Hãy nhập số bằng các chữ số từ 0 đến 9."
    ]
    assert not preview.can_confirm

    filled = fill(content, {"A1": {**NARRATIVE, "value_participants": "１．２３４"}}, by_key)
    preview = preview_of(client, tree, campaign, year, filled)
    assert preview.preview["errors"] == []
    client.post(reverse("campaign:workbook_confirm", args=[preview.pk]))
    report = AnnualReport.objects.get(unit=tree["A1"])
    assert report.values.get(indicator__code="participants").int_value == 1234


def test_a_text_that_reads_as_an_excel_error_goes_back_and_forth_as_that_text(
    client, tree, cast, campaign, year
):
    # "#N/A" (not applicable), typed in the web form, was written to the unit's template as
    # Excel's error value, and the template sent back unchanged was refused: "This cell
    # shows an error (#N/A)".
    draft = draft_report(tree["A1"], campaign, year)
    IndicatorValue.objects.create(
        report=draft, indicator=campaign.indicators.get(code="other_forms"), text_value="#N/A"
    )
    client.force_login(cast["officer_a1"])
    by_key = columns(campaign, year)
    content = download_reports(client, campaign, tree["A1"], year)
    cell = load_workbook(BytesIO(content)).worksheets[0].cell(4, by_key["value_other_forms"])
    assert (cell.value, cell.data_type) == ("#N/A", "s")

    preview = preview_of(client, tree, campaign, year, content)
    assert preview.preview["errors"] == []
