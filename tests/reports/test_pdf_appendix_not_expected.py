"""Units below the scope that are not expected to report in the year, yet whose report is
included all the same (closed before the cut-off after filing): the tables by unit below list
them with their mark, and so does the appendix, in the same words, without counting them
among the units expected."""

import datetime
import re

import pytest
from django.utils.text import capfirst

from campaign.models import Status
from reports import pdf
from tests.reports.recount import child, recounted
from tests.reports.summaries import (
    YEAR,
    appendix_units,
    campaign_with_reports,
    file_report,
    flat,
    issue,
    make_campaign,
    make_summary,
    pdftotext,
    vi,
)
from units.models import Unit

CLOSED_ON = datetime.date(YEAR, 6, 30)  # before the cut-off of 14/12/2024


@pytest.fixture
def closed_filers(tree):
    """The tree, with a grassroots union directly below the province and a district with a
    union below it, all closed on 30/06/2024 after filing; and a union opened after the
    cut-off that filed too. Returns (units by code, the campaign, what each filed)."""
    units = dict(tree)
    units["GC"] = child(tree["PV"], "GC", kind=Unit.Kind.GRASSROOTS, closed_on=CLOSED_ON)
    units["DC"] = child(tree["PV"], "DC", kind=Unit.Kind.DISTRICT, closed_on=CLOSED_ON)
    units["C1"] = child(units["DC"], "C1", kind=Unit.Kind.GRASSROOTS, closed_on=CLOSED_ON)
    units["GL"] = child(
        tree["PV"], "GL", kind=Unit.Kind.GRASSROOTS, opened_on=datetime.date(YEAR, 12, 20)
    )
    campaign = make_campaign(tree["PV"])
    filed = {
        "A1": (Status.ACCEPTED, False, {"sessions": 2, "participants": 20}),
        "B1": (Status.RETURNED, False, {"sessions": 9, "participants": 90}),
        "GC": (Status.ACCEPTED, False, {"sessions": 5, "participants": 60}),
        "DC": (Status.ACCEPTED, False, {"sessions": 4, "participants": 1234}),
        "C1": (Status.ACCEPTED, False, {"sessions": 1, "participants": 7}),
        "GL": (Status.ACCEPTED, False, {"sessions": 8, "participants": 80}),
    }
    for code, (status, late, figures) in filed.items():
        file_report(units[code], campaign, status, late=late, **figures)
    return units, campaign, filed


def test_the_appendix_lists_a_unit_below_not_expected_as_the_tables_do(
    closed_filers, cast, tmp_path
):
    units, campaign, filed = closed_filers
    summary = issue(make_summary(units["PV"], campaign, cast["cspl"]), cast["cspl"])
    context = pdf.document_context(summary)

    # Built here: the expected units (open on 14/12/2024, of a kind the campaign addresses,
    # below the province) and, listed for their included report, the units closed before.
    closed = vi("closed by then")
    not_expected = capfirst(vi("does not file"))
    expected = ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]
    wanted = sorted(
        [units[code].name for code in expected]
        + [f"{units[code].name} ({closed})" for code in ("GC", "DC", "C1")]
    )
    listed = appendix_units(context)
    assert sorted(name for _heading, name, _status in listed) == wanted
    statuses = {name: status for _heading, name, status in listed}
    for code in ("GC", "DC", "C1"):
        assert statuses[f"{units[code].name} ({closed})"] == not_expected, code
    # The one opened after the cut-off stood nowhere on the year's tree: neither the tables
    # nor the appendix list it.
    assert not any(units["GL"].name in name for name in [*statuses, *context["children"]])

    # Every unit the tables by unit below list is in the appendix: a heading of a group, or
    # a line. The closed grassroots union is marked alike in both.
    headings = [group["heading"] for group in context["appendix"]["groups"]]
    for row in context["children"]:
        label = row["label"]
        assert label in statuses or any(h.startswith(label) for h in headings), label
    assert f"{units['GC'].name} ({closed})" in [row["label"] for row in context["children"]]

    # Coverage is the counting rule's, recounted on the year's tree (GL not yet on it): the
    # closed units are not expected.
    on_the_tree = {code: unit for code, unit in units.items() if code != "GL"}
    recount = recounted(on_the_tree, campaign, filed=filed)["headline"]
    assert recount["expected"] == len(expected)
    assert context["headline"]["coverage"] == f"{recount['included']}/{recount['expected']}"
    assert context["headline"]["status"][0] == str(len(expected))
    # Each heading still counts only its expected units.
    counted = [re.search(r": (\d+) đơn vị phải báo cáo", h) for h in headings]
    assert sum(int(found[1]) for found in counted if found) == len(expected)
    # The closed district's group expects nobody, and says so in words.
    [closed_district] = [h for h in headings if h.startswith(units["DC"].name)]
    assert closed_district.endswith(": không có đơn vị nào phải báo cáo"), closed_district
    assert not any(": 0 đơn vị" in h for h in headings)
    # The included reports of the closed units are in the totals, so their lines carry
    # their figures: the appendix's lines add up to the totals.
    assert recount["totals"] == {"sessions": 2 + 5 + 4 + 1, "participants": 20 + 60 + 1234 + 7}
    assert context["headline"]["totals"] == ["12", "1.321"]
    # A line: the name, a tab, the figures (a dash for none), the status.
    figures = [
        re.findall(r"[\d.]+|" + pdf.NO_FIGURE, line.split("\t")[1].rsplit(pdf.COLUMN_GAP, 1)[0])
        for group in context["appendix"]["groups"]
        for chunk in group["chunks"]
        for line in chunk.split("\n")
    ]
    sums = [
        sum(int(cells[n].replace(".", "")) for cells in figures if cells[n] != pdf.NO_FIGURE)
        for n in (0, 1)
    ]
    assert sums == [12, 1321]

    html = pdf.render_html(summary)
    appendix_html = html.split('class="appendix-title"')[1]
    assert f"{units['GC'].name} ({closed})\t" in appendix_html
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    appendix = text.split(vi("Appendix").upper())[-1]
    for code, figures in (("GC", r"5\s+60"), ("DC", r"4\s+1\.234"), ("C1", r"1\s+7")):
        line = rf"{re.escape(units[code].name)} \({closed}\)\s+{figures}\s+{not_expected}"
        assert re.search(line, appendix), code


# The appendix's title and note, as the federation reads them. The note's last sentence names
# the lines' own mark and status.
TITLE = "Danh sách đơn vị phải báo cáo, tình trạng và số liệu"
TITLE_WITH_OTHERS = "Danh sách đơn vị phải báo cáo hoặc có báo cáo được tính, tình trạng và số liệu"
WHY_LISTED = (
    "Đơn vị không thuộc diện báo cáo trong năm nhưng có báo cáo vẫn được tính (như đơn vị đã "
    "gửi báo cáo rồi kết thúc hoạt động trước ngày chốt số liệu, có ghi “(đã kết thúc hoạt "
    "động)” sau tên) cũng được liệt kê, với tình trạng “Không thuộc diện báo cáo”, vì số liệu "
    "của đơn vị đó đã được cộng vào số tổng hợp."
)


def appendix_head(html):
    """The appendix's title and its note (the columns' legend, then what the lines are)."""
    title = re.search(r'<p class="appendix-subtitle">([^<]*)</p>', html)[1]
    note = re.search(r'<p class="appendix-note">([^<]*)</p>', html)[1]
    return title, flat(note)


def test_the_appendix_says_why_it_lists_a_unit_not_expected(closed_filers, cast, tmp_path):
    units, campaign, _filed = closed_filers
    summary = issue(make_summary(units["PV"], campaign, cast["cspl"]), cast["cspl"])

    title, note = appendix_head(pdf.render_html(summary))
    assert title == TITLE_WITH_OTHERS
    assert note.endswith(WHY_LISTED), note
    # In the words of the lines it explains: their mark and their status.
    statuses = {
        name: status for _heading, name, status in appendix_units(pdf.document_context(summary))
    }
    closed_line = f"{units['GC'].name} ({vi('closed by then')})"
    assert f"“({vi('closed by then')})”" in note and closed_line in statuses
    assert f"“{statuses[closed_line]}”" in note

    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    appendix = text.split(vi("Appendix").upper())[-1]
    assert TITLE_WITH_OTHERS in appendix
    assert WHY_LISTED in appendix
    assert TITLE not in appendix


def test_an_appendix_of_expected_units_only_keeps_its_title_and_note(tree, cast, tmp_path):
    campaign = campaign_with_reports(tree)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    context = pdf.document_context(summary)
    assert all(status != capfirst(vi("does not file")) for *_, status in appendix_units(context))

    title, note = appendix_head(pdf.render_html(summary))
    assert title == TITLE
    assert note.endswith("là tổng các báo cáo được tính trong khu vực đó."), note
    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    assert TITLE in text and "không thuộc diện báo cáo" not in text.lower()


def test_the_table_by_unit_below_says_a_unit_does_not_file_as_the_appendix_does(tree, cast):
    # Both are cells of their own: the table wrote the page's mid-sentence words
    # ("không thuộc diện báo cáo") where the appendix's lines start with a capital.
    campaign = make_campaign(tree["PV"])
    district = child(tree["PV"], "DC", kind=Unit.Kind.DISTRICT, closed_on=CLOSED_ON)
    below = child(district, "C1", kind=Unit.Kind.GRASSROOTS, closed_on=CLOSED_ON)
    file_report(below, campaign, Status.ACCEPTED, sessions=1, participants=7)  # DC files nothing
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    context = pdf.document_context(summary)
    rows = {row["label"]: row for row in context["children"]}
    line = f"{district.name} ({vi('closed by then')})"
    assert rows[line]["own"] == "Không thuộc diện báo cáo"
    html = pdf.render_html(summary)
    assert f'<td class="label">{line}</td><td>Không thuộc diện báo cáo</td>' in html
