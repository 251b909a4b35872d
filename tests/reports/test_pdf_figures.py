"""The summary report's PDF figures are the rollup's and the counting rule's (recounted by
recount.py's `recounted`), as issued even after the reports change, with coverage beside
the totals and one line where nothing is included; the texts are listed, never summed.

The campaign with reports, the summary and pdftotext come from summaries.py, the recount of
FILED (`recounted`) from recount.py."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from campaign.models import AnnualReport, IndicatorValue, Status
from reports import pdf
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED, rollup
from tests.reports.recount import child, recounted
from tests.reports.summaries import (
    YEAR,
    file_report,
    flat,
    issue,
    make_campaign,
    make_summary,
    pdftotext,
    sent_at,
    squeezed,
    vi,
)


def layout_rows(lines):
    def row(label, value):
        pattern = re.compile(rf"^\s*{re.escape(str(label))}\s.*\s{re.escape(value)}\s*$")
        return [line for line in lines if pattern.search(line)]

    return row


def test_the_figures_in_the_pdf_are_the_counting_rules(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    headline = recounted(tree, campaign)["headline"]
    # Hand-checked against the fixture: 7 units expected, 4 submitted; DA, DB and A1
    # accepted, each with its own figures, all three summed.
    assert (headline["expected"], headline["submitted"]) == (7, 4)
    assert (headline["included"], headline["reports"]) == (3, 3)
    assert headline["totals"] == {"sessions": 12 + 7 + 3, "participants": 345 + 889 + 40}
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    row = layout_rows(text.splitlines())
    # No table of key figures repeats the results' list: the totals are the last column
    # (the whole scope) of the table by kind of unit, under the units included.
    assert row(vi("Units included"), "3/7")
    assert row("Số lượt người tham dự", "1.274")  # Vietnamese digit grouping
    assert row("Số buổi tuyên truyền", str(headline["totals"]["sessions"]))
    # The coverage in words, beside the table of totals.
    with translation.override(settings.LANGUAGE_CODE):
        sentence = gettext(
            "The totals add up %(reports)s reports, from %(included)s/%(expected)s of the "
            "units expected."
        ) % {"reports": 3, "included": 3, "expected": 7}
    assert squeezed(sentence) in squeezed(text)


def test_the_pdf_shows_the_figures_as_issued_even_after_the_reports_change(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    IndicatorValue.objects.filter(report__unit=tree["DA"], indicator__code="participants").update(
        int_value=9999
    )
    assert rollup(campaign, YEAR, tree["PV"]).headline.totals["participants"] == 9999 + 889 + 40
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    assert re.search(r"Số lượt người tham dự\s.*\s1\.274\s*$", text, re.MULTILINE)
    assert "10.928" not in text


@pytest.mark.parametrize("include", [ACCEPTED_ONLY, ALL_SUBMITTED])
@pytest.mark.parametrize("code", ["PV", "DA", "DB"])
def test_the_pdfs_figures_are_the_rollups_for_the_same_unit_and_inclusion(
    tree, cast, campaign, code, include
):
    """The headline and every row by unit below, in the document as in the rollup of the
    same campaign, year, unit and inclusion, and both as recounted."""
    summary = issue(make_summary(tree[code], campaign, cast["cspl"], include=include), cast["cspl"])
    result = rollup(campaign, YEAR, tree[code], include)
    wanted = recounted(tree, campaign, top=code, include=include)
    context = pdf.document_context(summary)
    integers = [i.code for i in result.integer_indicators]

    def status(figures):
        return [
            pdf.number(figures[key])
            for key in ("expected", "submitted", "on_time", "late", "returned", "missing")
        ] + [pdf.rate(figures["rate"])]

    headline = wanted["headline"]
    assert [result.headline.totals[c] for c in integers] == [
        headline["totals"][c] for c in integers
    ]
    assert result.headline.included == headline["included"]
    assert context["headline"]["status"] == status(headline)
    assert context["headline"]["totals"] == [pdf.number(headline["totals"][c]) for c in integers]
    assert context["headline"]["coverage"] == f"{headline['included']}/{headline['expected']}"
    values = {row["label"]: row["value"] for row in context["headline_rows"]}
    with translation.override(settings.LANGUAGE_CODE):
        assert values[gettext("Reports summed")] == pdf.number(headline["reports"])
    assert len(context["children"]) == len(result.by_child) == len(wanted["by_child"])
    for shown, row, expected in zip(
        context["children"], result.by_child, wanted["by_child"], strict=True
    ):
        assert row.unit_id == tree[expected["code"]].pk
        assert shown["status"] == status(expected)
        assert shown["totals"] == [pdf.number(expected["totals"][c]) for c in integers]
        assert shown["totals"] == [pdf.number(row.totals[c]) for c in integers]
        assert shown["coverage"] == f"{expected['included']}/{expected['expected']}"
        assert shown["mark"] == ("*" if expected.get("from_below") else "")


def test_a_district_whose_own_report_is_missing_still_shows_its_units_figures(tree, cast, tmp_path):
    campaign = make_campaign(tree["PV"])
    filed = {
        "B1": (Status.ACCEPTED, False, {"sessions": 4, "participants": 1044}),
        "A1": (Status.ACCEPTED, False, {"sessions": 2, "participants": 20}),
    }
    for code, (status, late, figures) in filed.items():
        file_report(tree[code], campaign, status, late=late, **figures)
    wanted = recounted(tree, campaign, filed=filed)
    (district_b,) = [row for row in wanted["by_child"] if row["code"] == "DB"]
    assert (district_b["own"], district_b["from_below"]) == ("missing", True)
    assert district_b["totals"] == {"sessions": 4, "participants": 1044}
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    context = pdf.document_context(summary)
    rows = {row["label"]: row for row in context["children"]}
    shown = rows[tree["DB"].name]
    assert shown["totals"] == ["4", "1.044"]
    assert (shown["own"], shown["mark"], shown["coverage"]) == (vi("Missing"), "*", "1/2")
    # The mark is held to the name's last word: a name that wraps never leaves it alone on
    # a line of its own.
    assert f'<td class="label">{tree["DB"].name}&nbsp;*</td>' in pdf.render_html(summary)
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    assert re.search(rf"{tree['DB'].name} \*\s+1/2\s+4\s+1\.044\s*$", text, re.MULTILINE)
    with translation.override(settings.LANGUAGE_CODE):
        note = "* " + capfirst(gettext("figures of the units below only")) + "."
    assert note in flat(text)
    # Its own summary: the headline adds up B1's report.
    district = issue(make_summary(tree["DB"], campaign, cast["cspl"], number="16/BC"), cast["cspl"])
    district_text = pdftotext(pdf.render_summary_pdf(district), tmp_path, "-layout")
    # (A district's two kinds say no more than its rows by unit below: the total is their
    # whole scope's row, participants its last column.)
    assert layout_rows(district_text.splitlines())(vi("Whole scope"), "1.044")


def test_a_unit_closed_by_the_cut_off_is_marked_in_the_tables_by_unit_below_as_on_the_page(
    tree, cast, tmp_path
):
    # A6 closed on 30/06/2024, before the year's cut-off: nobody is expected there, and the
    # report it filed still counts. The dashboard badges it, the Excel export names it so.
    campaign = make_campaign(tree["PV"])
    closed = child(tree["DA"], "A6", closed_on=datetime.date(YEAR, 6, 30))
    file_report(closed, campaign, Status.ACCEPTED, sessions=5, participants=60)
    file_report(tree["A1"], campaign, Status.ACCEPTED, sessions=2, participants=20)
    summary = issue(make_summary(tree["DA"], campaign, cast["cspl"]), cast["cspl"])
    marked = f"{closed.name} (đã kết thúc hoạt động)"
    context = pdf.document_context(summary)
    labels = [row["label"] for row in context["children"]]
    assert marked in labels
    assert [label for label in labels if "(" in label and "báo cáo" not in label] == [marked]
    # Both tables by unit below (the status and the figures) print it.
    assert pdf.render_html(summary).count(f'<td class="label">{marked}') == 2
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    # Its line of the status table: its own report included, nobody expected, a rate of "—".
    status = rf"^{re.escape(marked)}\s+{capfirst(vi('included'))}(\s+0){{6}}\s+—$"
    assert re.search(status, text, re.MULTILINE)


def test_a_districts_own_report_reopened_reads_reopened_counted_as_returned(tree, cast):
    # As on the dashboard and in the Excel export: nothing was wrong with what it sent.
    campaign = make_campaign(tree["PV"])
    file_report(tree["DA"], campaign, Status.RETURNED)
    file_report(tree["DB"], campaign, Status.RETURNED)
    AnnualReport.objects.filter(unit=tree["DA"]).update(reopened_at=sent_at(late=True))
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    context = pdf.document_context(summary)
    rows = {row["label"]: row for row in context["children"]}
    assert rows[tree["DA"].name]["own"] == "Mở lại"
    assert rows[tree["DB"].name]["own"] == vi("Returned")
    assert context["headline"]["status"][4] == "2"  # both counted as returned


def test_a_table_of_totals_with_nothing_included_says_so_in_one_line(tree, cast, tmp_path):
    campaign = make_campaign(tree["PV"])
    file_report(tree["A1"], campaign, Status.SUBMITTED, sessions=5, participants=50)
    wanted = recounted(tree, campaign, filed={"A1": (Status.SUBMITTED, False, {})})
    assert wanted["headline"]["reports"] == 0
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    context = pdf.document_context(summary)
    assert context["summed"] is False and context["total_rows"] == []
    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    nothing = vi("No report is included yet: there is no total to show.")
    # The figures by kind and by unit below: one line each, no grid of dashes.
    assert text.count(nothing) == 2
    assert "Số lượt người tham dự" not in text.split("PHỤ LỤC")[0]


def test_the_texts_of_the_included_reports_are_listed_never_summed(tree, cast, campaign, tmp_path):
    report = AnnualReport.objects.get(unit=tree["DA"], campaign=campaign)
    other_forms = campaign.indicators.get(code="other_forms")
    IndicatorValue.objects.create(report=report, indicator=other_forms, text_value="Pa nô, loa")
    awaiting = AnnualReport.objects.get(unit=tree["SE"], campaign=campaign)
    IndicatorValue.objects.create(report=awaiting, indicator=other_forms, text_value="Chưa duyệt")
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    assert pdf.document_context(summary)["texts"] == [
        {"name": "Hình thức khác", "entries": [f"Pa nô, loa ({tree['DA'].name})"]}
    ]
    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    assert f"- Pa nô, loa ({tree['DA'].name})" in text
    assert "Chưa duyệt" not in text
