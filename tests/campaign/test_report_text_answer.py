"""A report's page on a phone: a text answer ("other forms of propagation") reads from the
left across both year columns, while a figure stays right-aligned in its year's column beside
last year's, on one line with its unit."""

import re

from django.urls import reverse

from tests.campaign.annual import COMPLETE, annual_campaign, make_report


def _row(page: str, name: str) -> str:
    [row] = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S) if name in row]
    return row


def test_a_text_answer_spans_both_year_columns_from_the_left(client, tree, cast):
    campaign = annual_campaign(tree)
    report = make_report(tree["A1"], campaign, figures=COMPLETE)
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:report_detail", args=[report.pk])).content.decode()

    text_cells = re.findall(r"<td([^>]*)>", _row(page, "Hình thức khác"))
    assert text_cells[1:] == [' colspan="2" class="figure-text"']
    assert "Pa nô, áp phích" in _row(page, "Hình thức khác")
    figure_cells = re.findall(r"<td([^>]*)>", _row(page, "Số buổi tuyên truyền"))
    assert figure_cells[1] == ' class="text-end"' and len(figure_cells) == 3
    # The figure and its unit on one line: a unit of two words broke under the number.
    assert '<span class="text-nowrap">12 buổi</span>' in _row(page, "Số buổi tuyên truyền")
