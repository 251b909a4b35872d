"""The summary report's PDF: what pdftotext and pdffonts find in it, that its figures are the
rollup's and the counting rule's (recounted by recount.py's `recount`), coverage beside
the totals and one line where nothing is included, a snapshot issued before the counting
rule still rendered, that hostile text is never fetched and shows as text, and that it
renders the same in the sandbox's child process. The sandbox on its own (the URL fetcher,
the child process under a time and memory cap) is tested in tests/config/test_pdf_sandbox.py.

The campaign with reports, the summary and pdftotext come from summaries.py, the recount of
FILED (`recounted`) from recount.py.
"""

import datetime
import io
import re
import unicodedata
import urllib.request

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from pyhanko.pdf_utils.reader import PdfFileReader

from campaign.models import AnnualReport, Indicator, IndicatorValue, Status
from config import pdf_sandbox
from reports import pdf, signing
from reports.models import SummaryReport
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED, rollup, unit_rows
from tests.config.sandbox_probes import pdf_listing, spy_server
from tests.reports.recount import child, recounted
from tests.reports.summaries import (
    EVERY_TONE,
    FILED,
    SIGNER,
    SUBJECT,
    YEAR,
    appendix_units,
    campaign_with_reports,
    file_report,
    flat,
    issue,
    make_campaign,
    make_summary,
    pdftotext,
    sent_at,
    vi,
)
from units.models import Unit, UnitState


@pytest.fixture
def http_spy():
    with spy_server() as spy:
        yield spy


def test_a_drafts_mark_in_the_margin_reads_on_one_line_on_every_page(
    tree, cast, campaign, tmp_path
):
    # The appendix's running head takes the whole top margin: the mark beside it was
    # squeezed to a word a line ("BẢN" above "NHÁP").
    province = Unit.objects.get(pk=tree["PV"].pk)
    for n in range(pdf.DIRECT_ROWS + 1):
        Unit.objects.add_child(
            province, {"code": f"G{n:02d}", "name": f"CĐCS {n:02d}", "kind": "grassroots"}
        )
    draft = make_summary(Unit.objects.get(pk=province.pk), campaign, cast["cspl"], number="")
    content = pdf.render_summary_pdf(draft)
    mark = vi("Draft").upper().split()
    pages = re.findall(r"<page .*?</page>", pdftotext(content, tmp_path, "-bbox"), re.S)
    assert len(pages) >= 3  # the appendix starts on a page of its own
    for number, page in enumerate(pages[1:], start=2):
        words = [
            (round(float(y)), float(y2) - float(y), text)
            for y, y2, text in re.findall(
                r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page
            )
        ]
        # The margin's mark, not the big diagonal one behind the text.
        small = [(y, text) for y, height, text in words if height < 20 and text in mark]
        lines = {y for y, text in small if text == mark[0]} & {
            y for y, text in small if text == mark[-1]
        }
        assert lines, (number, small)


def squeezed(text):
    """`text` without any whitespace: a line wrapped by the layout compares equal."""
    return re.sub(r"\s+", "", text)


# --- what the PDF says ----------------------------------------------------------------------------
def test_pdftotext_finds_the_header_number_title_and_signature_with_diacritics_intact(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    for expected in [
        "TỔNG LĐLĐ VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-LĐLĐ",
        "Bến Tre, ngày 05 tháng 01 năm 2025",
        "BÁO CÁO",
        SUBJECT,
        "Kính gửi: Tổng Liên đoàn Lao động Việt Nam",
        "TM. BAN THƯỜNG VỤ",
        "PHÓ CHỦ TỊCH",
        SIGNER,
        "Nơi nhận:",
        "- Lưu: VT, Ban CSPL.",
        EVERY_TONE,
    ]:
        assert expected in text, expected


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


def test_every_font_is_embedded_and_none_falls_back(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    fonts = pdf_listing("pdffonts", pdf.render_summary_pdf(summary), tmp_path)
    assert fonts
    names = set()
    for line in fonts:
        columns = line.split()
        name, embedded = columns[0], columns[-5]
        assert embedded == "yes", line
        names.add(name.split("+", 1)[-1])
    # Liberation Serif for the text (its four faces), the charts included, and at most
    # Liberation Sans: no DejaVu or other face stood in for a missing Vietnamese glyph.
    assert {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"} <= names
    assert names <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
        "Liberation-Sans",
    }, names


def test_page_numbers_start_at_the_top_of_the_second_page(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary)
    first = pdftotext(content, tmp_path, "-f", "1", "-l", "1").split()
    second = pdftotext(content, tmp_path, "-f", "2", "-l", "2").split()
    assert first[0] != "1"
    assert second[0] == "2"


def test_a_long_list_of_recipients_goes_on_under_the_signature_not_onto_pages_alone(
    tree, cast, campaign, tmp_path
):
    # 25 recipients of two lines each were kept whole beside the signature: taller than a
    # page, the block went to a page of its own, the last paragraph alone on the page
    # before it and the last heading alone on the page before that.
    recipients = [
        f"Ban {n} Tổng LĐLĐ Việt Nam và các cơ quan liên quan khác (để b/c);" for n in range(25)
    ]
    summary = make_summary(
        tree["PV"], campaign, cast["cspl"], recipients="\n".join([*recipients, "Lưu: VT."])
    )
    content = pdf.render_summary_pdf(summary)
    pages = [flat(page) for page in pdftotext(content, tmp_path).split("\f")]
    signed = next(page for page in pages if "TM. BAN THƯỜNG VỤ" in page)
    assert vi("Direction for next year").upper() in signed
    assert "Tiếp tục đẩy mạnh tuyên truyền." in signed
    # Beside it, the list's first lines (the draft mark's letters, drawn across the page,
    # may come between the label and the list in the extracted text).
    assert "Nơi nhận:" in signed and "- Ban 0 Tổng LĐLĐ" in signed
    # Every recipient once, in order, the record copy last.
    listed = re.findall(r"- (Ban \d+ Tổng|Lưu: VT\.)", " ".join(pages))
    assert listed == [f"Ban {n} Tổng" for n in range(25)] + ["Lưu: VT."]
    # The list's column: the lines under the signature block stay in its left half.
    boxes = pdftotext(content, tmp_path, "-bbox")
    middle = (30 + 165 / 2) / 25.4 * 72
    found = re.findall(r'xMax="([\d.]+)" yMax="[\d.]+">Ban<', boxes)
    assert len(found) == 25
    for x_max in found:
        assert float(x_max) < middle


def test_a_body_ending_with_its_figures_never_leaves_the_signature_alone_on_a_page(
    tree, cast, campaign, tmp_path
):
    # With no section after the results, nothing of the body went with the signing block:
    # at some lengths of the results it stood alone on its page.
    summary = make_summary(
        tree["PV"], campaign, cast["cspl"], shortcomings="", obstacles_proposals="", direction=""
    )
    summary = issue(summary, cast["cspl"])  # no draft mark in the page's margin
    paragraph = "Các đơn vị tổ chức tuyên truyền cải cách hành chính lồng ghép sinh hoạt công đoàn."
    signed_on = set()
    for count in range(0, 40, 3):
        summary.results = "\n".join([paragraph] * count) or paragraph
        pages = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split("\f")
        signed = next(n for n, page in enumerate(pages) if "TM. BAN THƯỜNG VỤ" in page)
        signed_on.add(signed)
        above = flat(pages[signed]).split("Nơi nhận:")[0].split()
        assert [word for word in above if not word.isdigit()], count
    assert len(signed_on) > 1  # the signature moved over a page break


def test_a_draft_is_marked_as_a_draft_and_an_issued_report_is_not(tree, cast, campaign, tmp_path):
    mark = vi("Draft").upper()
    draft = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    draft_text = pdftotext(pdf.render_summary_pdf(draft), tmp_path)
    assert mark in draft_text
    issued = issue(make_summary(tree["PV"], campaign, cast["cspl"], number="16/BC"), cast["cspl"])
    assert mark not in pdftotext(pdf.render_summary_pdf(issued), tmp_path)


def test_the_appendix_lists_every_expected_unit_with_its_status(tree, cast, campaign, tmp_path):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    appendix = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split(vi("Appendix").upper())[
        -1
    ]
    for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]:
        assert tree[code].name in appendix, code
    assert tree["PV"].name not in appendix  # the province files nothing: not expected
    assert vi("Missing") in appendix and vi("Returned") in appendix


def test_the_appendix_lists_every_expected_unit_once_under_its_child_with_the_rollups_counts(
    tree, cast, campaign, tmp_path
):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    context = pdf.document_context(summary)
    listed = appendix_units(context)
    wanted = recounted(tree, campaign)
    names = sorted(name for _heading, name, _status in listed)
    assert names == sorted(tree[code].name for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"])
    assert len(listed) == wanted["headline"]["expected"]
    with translation.override(settings.LANGUAGE_CODE):
        district_a = next(row for row in wanted["by_child"] if row["code"] == "DA")
        # Hand-checked: DA and A1 on time, A2 missing; B1 returned; SE awaiting review.
        assert (district_a["expected"], district_a["on_time"], district_a["missing"]) == (3, 2, 1)
        assert district_a["late"] == district_a["returned"] == 0
        # The counts that are zero (late, returned) are not named.
        heading = f"{tree['DA'].name}: 3 đơn vị phải báo cáo: 2 đúng hạn, 1 chưa nộp"
        by_name = {name: (group, status) for group, name, status in listed}
        assert by_name[tree["A1"].name] == (heading, gettext("On time"))
        assert by_name[tree["A2"].name] == (heading, gettext("Missing"))
        assert by_name[tree["B1"].name][1] == gettext("Returned")
        awaiting = gettext("On time") + " (" + gettext("awaiting review") + ")"
        assert by_name[tree["SE"].name][1] == awaiting
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    appendix = text.split(vi("Appendix").upper())[-1]
    assert re.search(rf"{tree['DA'].name}\s+12\s+345\s+{vi('On time')}", appendix)
    assert re.search(rf"{tree['A1'].name}\s+3\s+40\s+{vi('On time')}", appendix)
    assert re.search(rf"{tree['DB'].name}\s+7\s+889\s+{vi('Late')}", appendix)
    assert f"{vi('Missing')} (1): {tree['A2'].name}." in flat(appendix)
    # Each report holds its own unit's figures: the included lines add up to the totals.
    assert wanted["headline"]["totals"]["sessions"] == 12 + 3 + 7


def test_the_appendix_figures_are_right_aligned_by_padding(tree, cast, campaign):
    """In Liberation Serif every digit, en dash and figure space is 0.5 em wide, every dot
    and punctuation space 0.25 em: each figure ends at the same distance from the tab stop
    on every line, whatever the numbers."""
    file_report(tree["S1"], campaign, sessions=1, participants=1_234_567)
    context = pdf.document_context(make_summary(tree["PV"], campaign, cast["cspl"]))
    groups = context["appendix"]["groups"]
    lines = [line for group in groups for chunk in group["chunks"] for line in chunk.split("\n")]
    assert len(lines) >= 4
    half = {pdf.FIGURE_SPACE, pdf.NO_FIGURE, *"0123456789"}
    quarter = {pdf.PUNCTUATION_SPACE, "."}
    ends = set()
    for line in lines:
        figures = line.split("\t")[1].rsplit(pdf.COLUMN_GAP, 1)[0]  # the status is last
        assert set(figures) <= half | quarter, line
        position, line_ends = 0.0, []
        for char, after in zip(figures, figures[1:] + pdf.FIGURE_SPACE, strict=True):
            position += 0.5 if char in half else 0.25
            if char not in (pdf.FIGURE_SPACE, pdf.PUNCTUATION_SPACE) and after == pdf.FIGURE_SPACE:
                line_ends.append(position)
        ends.add(tuple(line_ends))
    # Two columns: sessions (2 digits wide), then participants (7 digits and 2 dots).
    assert ends == {(1.0, 6.0)}
    assert "1.234.567" in flat(" ".join(lines))


def test_a_snapshot_issued_before_the_appendix_kept_paths_still_lists_every_unit(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    for row in summary.rollup_snapshot["units"]:
        del row["path"]
    summary.save(update_fields=["rollup_snapshot"])
    summary.refresh_from_db()
    appendix = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split(vi("Appendix").upper())
    for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]:
        assert tree[code].name in appendix[-1], code


def old_snapshot(tree, campaign):
    """A snapshot as summaries issued before the README's counting rule froze it (the old
    rollup's dict, as JSON gives it back): no "reports", "own" nor "texts"; "included" for
    the reports counted; totals of 0 where nothing was counted; unit rows marked "counted".
    Its figures are those the old rule gave for campaign_with_reports: a district's own
    report stood for its area, so A1's figures were left out."""
    sessions, participants = (
        campaign.indicators.get(code=code) for code in ("sessions", "participants")
    )
    other_forms = campaign.indicators.get(code="other_forms")

    def group(expected, on_time, late, returned, included, totals, **extra):
        submitted = on_time + late
        return {
            "expected": expected,
            "plans_filed": 0,
            "plans_accepted": 0,
            "on_time": on_time,
            "late": late,
            "returned": returned,
            "included": included,
            "assessed_good": included,
            "assessed_fair": 0,
            "assessed_average": 0,
            "assessed_weak": 0,
            "totals": dict(zip(("sessions", "participants"), totals, strict=True)),
            "submitted": submitted,
            "missing": expected - submitted - returned,
            "rate": round(100 * submitted / expected, 1) if expected else None,
            "on_time_rate": round(100 * on_time / expected, 1) if expected else None,
            **extra,
        }

    def child(code, *figures):
        unit = tree[code]
        return group(
            *figures,
            unit_id=unit.pk,
            path=unit.path,
            name=unit.name,
            kind=unit.kind,
            is_scope=False,
            has_children=True,
        )

    def unit_row(code, category, counted, values):
        unit = tree[code]
        return {
            "name": unit.name,
            "path": unit.path,
            "kind": unit.kind,
            "level": unit.depth - 1,
            "category": category,
            "status": FILED.get(code, ("",))[0],
            "counted": counted,
            "values": dict(zip(("sessions", "participants"), values, strict=True)),
        }

    none = (None, None)
    return {
        "rollup": {
            "cache_key": "",
            "ancestors": [{"pk": tree["PV"].pk, "path": tree["PV"].path, "name": tree["PV"].name}],
            "campaign_id": campaign.pk,
            "year": YEAR,
            "unit_id": tree["PV"].pk,
            "include": "accepted",
            "period": {
                "starts_on": "2023-12-15",
                "ends_on": "2024-12-14",
                "due_on": "2024-12-20",
                "locks_on": "2025-01-19",
            },
            "indicators": [
                {
                    "pk": i.pk,
                    "code": i.code,
                    "name": i.name,
                    "unit_of_measure": i.unit_of_measure,
                    "kind": i.kind,
                }
                for i in (sessions, participants, other_forms)
            ],
            "headline": group(7, 3, 1, 1, 3, (19, 1234)),
            "by_kind": [
                {"kind": "district", **group(2, 1, 1, 0, 2, (19, 1234))},
                {"kind": "sector", **group(1, 0, 0, 0, 0, (0, 0))},
                {"kind": "grassroots", **group(4, 2, 0, 1, 1, (0, 0))},
            ],
            "by_child": [
                child("DA", 3, 2, 0, 0, 2, (12, 345)),
                child("DB", 2, 0, 1, 1, 1, (7, 889)),
                child("SE", 2, 1, 0, 0, 0, (0, 0)),
            ],
            "themes": [],
            "assessment": {"good": 3, "fair": 0, "average": 0, "weak": 0},
            "trend": [
                {"year": y, "reports": 0, "totals": {"sessions": 0, "participants": 0}}
                for y in range(2015, YEAR)
            ]
            + [{"year": YEAR, "reports": 3, "totals": {"sessions": 19, "participants": 1234}}],
            "obstacles": {"open": 1, "overdue": 0},
            "reminders": {"sent": 2, "manual": 1},
        },
        "units": [
            unit_row("DA", "on_time", True, (12, 345)),
            unit_row("A1", "on_time", True, (3, 40)),
            unit_row("A2", "missing", False, none),
            unit_row("DB", "late", True, (7, 889)),
            unit_row("B1", "returned", False, none),
            unit_row("SE", "on_time", False, none),
            unit_row("S1", "missing", False, none),
        ],
        "campaign": {"number": campaign.number, "title": campaign.title},
        "unit": {"name": tree["PV"].name},
        "taken_at": "2025-01-05T09:00:00+07:00",
    }


def test_a_snapshot_issued_before_the_counting_rule_still_renders_as_issued(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    SummaryReport.objects.filter(pk=summary.pk).update(rollup_snapshot=old_snapshot(tree, campaign))
    summary.refresh_from_db()
    assert "texts" not in summary.rollup_snapshot["rollup"]
    context = pdf.document_context(summary)
    assert context["legacy"] is True
    # The figures it was issued with, not today's (A1's 40 participants were left out then).
    assert context["headline"]["totals"] == ["19", "1.234"]
    assert context["headline"]["status"] == ["7", "4", "3", "1", "1", "2", "57,1"]
    rows = {row["label"]: row for row in context["children"]}
    assert rows[tree["DA"].name]["totals"] == ["12", "345"]
    # The sector union had nothing counted: a dash, not the 0 the old rollup wrote.
    assert rows[tree["SE"].name]["totals"] == ["—", "—"]
    # What it never recorded is not made up: no own report, no mark, no reports summed.
    assert all(row["own"] == "" and row["mark"] == "" for row in context["children"])
    values = {row["label"]: row["value"] for row in context["headline_rows"]}
    assert values[vi("Reports summed")] == "—"
    listed = appendix_units(context)
    assert sorted(name for _heading, name, _status in listed) == sorted(
        tree[code].name for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]
    )
    content = pdf.render_summary_pdf(summary)
    text = pdftotext(content, tmp_path, "-layout")
    assert re.search(r"Số lượt người tham dự\s.*\s1\.234\s*$", text, re.MULTILINE)
    appendix = text.split(vi("Appendix").upper())[-1]
    assert re.search(rf"{tree['A1'].name}\s+3\s+40\s+{vi('On time')}", appendix)
    # Its appendix keeps the note of the rule it was counted by.
    with translation.override(settings.LANGUAGE_CODE):
        old_note = gettext(
            "Under each unit below the scope: the units that reported, with their "
            "figures, then those whose report was returned and those that have not "
            "reported. A dash: no figure counted. A unit reports for the units below it, "
            "so the lines do not add up to the totals."
        )
    assert squeezed(old_note) in squeezed(text)
    # A snapshot without units (issued before the appendix) renders too.
    snapshot = old_snapshot(tree, campaign)
    del snapshot["units"]
    assert pdf.render_html(summary, snapshot)


def test_many_units_directly_below_share_one_row_of_the_tables_and_are_listed_one_by_one(
    tree, cast, campaign, tmp_path
):
    province = Unit.objects.get(pk=tree["PV"].pk)
    direct = [
        Unit.objects.add_child(
            province,
            {"code": f"G{n:02d}", "name": f"CĐCS trực thuộc {n:02d}", "kind": "grassroots"},
        )
        for n in range(pdf.DIRECT_ROWS + 1)
    ]
    for n, unit in enumerate(direct[:4]):
        file_report(unit, campaign, late=n == 0, sessions=n + 1, participants=100)
    summary = make_summary(Unit.objects.get(pk=province.pk), campaign, cast["cspl"])
    context = pdf.document_context(summary)
    expected = rollup(campaign, YEAR, province).headline.expected
    with translation.override(settings.LANGUAGE_CODE):
        label = gettext("Other units directly below") + f" ({len(direct)})"
        direct_heading = gettext("Other units directly below") + ": "
    rows = {row["label"]: row for row in context["children"]}
    # The three areas one by one, the eleven direct units in one row, their figures added.
    assert list(rows) == [tree["DA"].name, tree["DB"].name, tree["SE"].name, label]
    assert rows[label]["status"][:6] == ["11", "4", "3", "1", "0", "7"]
    # Added up: 1 + 2 + 3 + 4 sessions, 4 × 100 participants; 4 of 11 units included.
    assert rows[label]["totals"] == ["10", "400"]
    assert rows[label]["coverage"] == "4/11"
    assert (rows[label]["own"], rows[label]["mark"]) == ("", "")
    assert sum(int(row["status"][0]) for row in context["children"]) == expected
    listed = appendix_units(context)
    assert sorted(
        name for heading, name, _ in listed if heading.startswith(direct_heading)
    ) == sorted(unit.name for unit in direct)
    assert label in flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))


def test_a_districts_appendix_puts_its_own_report_first_then_the_units_directly_below(
    tree, cast, campaign
):
    context = pdf.document_context(make_summary(tree["DA"], campaign, cast["cspl"]))
    with translation.override(settings.LANGUAGE_CODE):
        own = tree["DA"].name + " " + gettext("(own report)")
        below = gettext("Units directly below") + ": "
    listed = appendix_units(context)
    assert listed[0][:2] == (own, tree["DA"].name)
    assert sorted(name for heading, name, _ in listed if heading.startswith(below)) == [
        tree["A1"].name,
        tree["A2"].name,
    ]
    # Two units directly below: each keeps its own row in the tables.
    assert [row["label"] for row in context["children"]] == [
        own,
        tree["A1"].name,
        tree["A2"].name,
    ]


def test_the_appendix_is_the_rollups_unit_rows_frozen_as_plain_data(
    tree, campaign, cast, django_assert_num_queries
):
    result = rollup(campaign, YEAR, tree["PV"])
    with django_assert_num_queries(1):  # the appendix's one query, whatever the units
        unit_rows(campaign, tree["PV"], result, with_values=True)
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    rows = pdf.freeze(summary)["units"]
    by_name = {row["name"]: row for row in rows}
    assert len(rows) == recounted(tree, campaign)["headline"]["expected"] == 7
    assert by_name[tree["DA"].name]["values"] == {"sessions": 12, "participants": 345}
    assert by_name[tree["DB"].name]["category"] == "late"
    assert by_name[tree["DA"].name]["path"] == tree["DA"].path
    # Submitted but not accepted: listed, its figures not included.
    assert by_name[tree["SE"].name]["included"] is False
    assert by_name[tree["SE"].name]["values"] == {"sessions": None, "participants": None}
    # A text figure is listed by the rollup, not kept per unit in the appendix.
    assert all(set(row["values"]) == {"sessions", "participants"} for row in rows)


def test_user_text_is_normalised_to_nfc_before_rendering(tree, cast, campaign):
    decomposed = unicodedata.normalize("NFD", SIGNER)
    assert decomposed != SIGNER
    summary = make_summary(tree["PV"], campaign, cast["cspl"], signer_name=decomposed)
    html = pdf.render_html(summary)
    assert SIGNER in html
    assert decomposed not in html


def test_a_typed_word_longer_than_a_line_breaks_inside_the_margins(tree, cast, campaign, tmp_path):
    # A pasted code or address without a space, slash or dash: it ran past the right
    # margin, and in "Nơi nhận" widened its column until the signature block, where the
    # signature's stamp goes, was pushed off the page.
    word = "QĐ" + "0123456789" * 9
    summary = make_summary(
        tree["PV"],
        campaign,
        cast["cspl"],
        issuing_body="Liên đoàn Lao động " + word[:60],
        subject="Kết quả " + word,
        results="Văn bản gốc lưu tại " + word + ".",
        recipients="Như trên;\nHộp thư " + word + ";\nLưu: VT.",
    )
    content = pdf.render_summary_pdf(issue(summary, cast["cspl"]))
    left = 30 / 25.4 * 72
    assert outside_the_margins(content, tmp_path, "0123456789") == []
    # The signature block is on the page: its space (the stamp's anchor) lies within it.
    _, (x1, _, x2, _) = signing.field_box(PdfFileReader(io.BytesIO(content), strict=False))
    assert left - 1 <= x1 and x2 <= 595.28
    assert SIGNER in flat(pdftotext(content, tmp_path))


def outside_the_margins(content, tmp_path, part):
    """The words pdftotext finds outside the text's width (Decree 30's margins: 30 mm on the
    left, 15 mm on the right of the A4 page), after checking that `part` is on the page."""
    boxes = pdftotext(content, tmp_path, "-bbox")
    left, right = 30 / 25.4 * 72, (210 - 15) / 25.4 * 72
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', boxes)
    assert any(part in text for _, _, text in words)  # the long words are there
    return [
        (text, x_min, x_max)
        for x_min, x_max, text in words
        if float(x_min) < left - 1 or float(x_max) > right + 1
    ]


def test_a_word_longer_than_a_table_s_column_breaks_inside_the_margins(tree, cast, tmp_path):
    # A unit's name or an indicator's without a space (a pasted code or address): its
    # column grew as wide as the word, and the table ran past the margin and off the page,
    # its figures with it.
    word = ("KCN" + "0123456789" * 12)[:120]
    campaign = campaign_with_reports(tree)
    Unit.objects.filter(pk=tree["DA"].pk).update(name=f"LĐLĐ {word}")
    UnitState.objects.filter(unit_id=tree["DA"].pk).update(name=f"LĐLĐ {word}")
    Indicator.objects.filter(campaign=campaign, code="sessions").update(name=f"Số buổi {word}")
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    content = pdf.render_summary_pdf(summary)
    assert outside_the_margins(content, tmp_path, "0123456789") == []
    assert "1.234" in pdftotext(content, tmp_path)  # the figures of the tables are there


def test_the_download_name_is_plain_ascii_from_the_number_date_and_issuing_body(
    tree, cast, campaign
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    summary.issuing_body = "LĐLĐ huyện Châu Thành"
    # As a document is cited, number and date; two districts' numbers can be alike, and so
    # can their dates: the issuing body tells their files apart.
    assert pdf.pdf_filename(summary) == "bao-cao-15-BC-LDLD-05-01-2025-ldld-huyen-chau-thanh.pdf"
    other = SummaryReport(
        pk=summary.pk + 1,
        number=summary.number,
        dated_on=summary.dated_on,
        issuing_body="LĐLĐ huyện Mỏ Cày Nam",
        status=summary.status,
    )
    assert pdf.pdf_filename(other) == "bao-cao-15-BC-LDLD-05-01-2025-ldld-huyen-mo-cay-nam.pdf"


# --- hostile text ---------------------------------------------------------------------------------
TEXT_FIELDS = [
    "number",
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


UPPER_FIELDS = {"parent_body", "issuing_body", "signer_block", "signer_title"}


def payloads(base):
    return [
        '<img src="file:///etc/passwd">',
        f'<img src="{base}/i.png">',
        f"</p><style>@import url({base}/i.css);</style>",
        f'<div style="background:url({base}/b.png)">x</div>',
        f'<link rel="stylesheet" href="{base}/l.css">',
        f'<svg><image href="{base}/s.png"/></svg>',
        f"@import url({base}/t.css);",
        f"body {{ background: url({base}/t.png) }}",
        '<img src="portal://static/../../../etc/passwd">',
    ]


def test_hostile_text_in_every_field_is_never_fetched_and_shows_as_text(
    tree, cast, campaign, tmp_path, http_spy, monkeypatch
):
    urllib.request.urlopen(http_spy.url + "/control").read()  # noqa: S310 -- the spy counts
    assert http_spy.hits == ["/control"]
    http_spy.hits.clear()
    attacks = payloads(http_spy.url)
    fields = {}
    for index, name in enumerate(TEXT_FIELDS):
        fields[name] = f"F{index:02d}" + attacks[index % len(attacks)]
    fields["general_assessment"] = "\n".join(attacks)
    # Names that reach the PDF from the data: the tables, the appendix and its charts.
    Unit.objects.filter(pk=tree["DA"].pk).update(short_name=attacks[1])
    Unit.objects.filter(pk=tree["DB"].pk).update(short_name=attacks[5])
    campaign.indicators.filter(code="sessions").update(name=attacks[2])
    fetched = []
    fetch = pdf_sandbox.PortalURLFetcher.fetch

    def spying(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf_sandbox.PortalURLFetcher, "fetch", spying)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"], **fields), cast["cspl"])
    content = pdf.render_summary_pdf(summary)

    assert http_spy.hits == []
    # The stylesheet (and data: URLs, were there any) was all that was asked for.
    assert pdf.STYLESHEET_URL in fetched
    assert all(
        url == pdf.STYLESHEET_URL or url.startswith("data:image/svg+xml;base64,") for url in fetched
    ), fetched
    assert pdf_listing("pdfimages", content, tmp_path) == []  # no raster image came in
    text = squeezed(pdftotext(content, tmp_path, "-raw"))
    for attack in attacks:
        assert squeezed(attack) in text, attack  # printed as typed
    for name in TEXT_FIELDS:
        typed = fields[name].splitlines()[0]
        shown = typed.upper() if name in UPPER_FIELDS else typed
        assert squeezed(shown) in text, name
    html = pdf.render_html(summary)
    for attack in attacks:
        assert "<" not in attack or attack not in html, attack  # escaped, never markup


def test_the_pdf_renders_the_same_in_the_child_process(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary, isolated=True)
    assert content.startswith(b"%PDF")
    assert SIGNER in pdftotext(content, tmp_path)


def test_a_unit_closed_by_the_cut_off_is_marked_in_its_appendix_heading_as_in_the_tables(
    tree, cast, tmp_path
):
    # A district closed on 30/06/2024, before the year's cut-off, with a unit below it: both
    # filed reports that still count. Its heading in the appendix names it as the tables by
    # unit below do.
    campaign = make_campaign(tree["PV"])
    closed_on = datetime.date(YEAR, 6, 30)
    closed = child(tree["PV"], "DC", closed_on=closed_on, kind=Unit.Kind.DISTRICT)
    file_report(closed, campaign, Status.ACCEPTED, sessions=5, participants=60)
    file_report(child(closed, "C1", closed_on=closed_on), campaign, Status.ACCEPTED, sessions=1)
    file_report(tree["A1"], campaign, Status.ACCEPTED, sessions=2, participants=20)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    marked = f"{closed.name} (đã kết thúc hoạt động)"
    context = pdf.document_context(summary)
    assert marked in [row["label"] for row in context["children"]]
    headings = [group["heading"] for group in context["appendix"]["groups"]]
    assert [h for h in headings if h.startswith(closed.name)] == [
        f"{marked}: không có đơn vị nào phải báo cáo"
    ]
    # The open districts' headings carry no mark.
    assert f"{tree['DA'].name}: 3 đơn vị phải báo cáo: 1 đúng hạn, 2 chưa nộp" in headings
    assert f'<p class="group">{marked}: ' in pdf.render_html(summary)
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    assert re.search(
        rf"^{re.escape(marked)}: không có đơn vị nào phải báo cáo$", text, re.MULTILINE
    )


def test_the_table_of_reports_by_kind_of_unit_is_never_split_from_its_total(
    tree, cast, campaign, tmp_path
):
    # A table of a few rows broke over a page at some lengths of the text above it: its
    # head and rows on one page, the head again and the line of the whole scope alone on
    # the next.
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    caption = vi("Reports by kind of unit")
    whole = vi("Whole scope")
    paragraph = "Các đơn vị tổ chức tuyên truyền cải cách hành chính lồng ghép sinh hoạt công đoàn."
    placed_on = set()
    for count in range(20, 34):
        summary.general_assessment = "\n".join([paragraph] * count)
        pages = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split("\f")
        page = next(n for n, text in enumerate(pages) if caption in text)
        placed_on.add(page)
        assert whole in pages[page].split(caption, 1)[1], count
    assert len(placed_on) > 1  # the table moved over a page break
