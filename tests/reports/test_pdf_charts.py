"""The summary's charts on paper: in the appendix, drawn as text and one grey bar in the
body's font, so that a greyscale print keeps every label (at 9 pt or more) and every figure.
The rates are recounted here from the reports filed, not read from the rollup."""

import datetime
import re
from html.parser import HTMLParser

from campaign.models import AnnualReport, Period, Status
from reports import pdf
from tests.reports.recount import child, recounted
from tests.reports.summaries import (
    YEAR,
    file_report,
    flat,
    issue,
    make_summary,
    pdftotext,
    vi,
)
from units.models import Unit

BOX_PER_POINT = 1.107  # pdftotext -bbox box height per point of Liberation Serif


class Words(HTMLParser):
    """The words of `pdftotext -bbox` with their box heights, in reading order."""

    def __init__(self):
        super().__init__()
        self.words, self._box = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "word":
            box = dict(attrs)
            self._box = float(box["ymax"]) - float(box["ymin"])

    def handle_data(self, data):
        if self._box is not None and data.strip():
            self.words.append((data.strip(), self._box))
            self._box = None


def words_of(content, tmp_path):
    parser = Words()
    parser.feed(pdftotext(content, tmp_path, "-bbox"))
    return parser.words


def test_the_appendix_charts_the_rate_of_each_unit_below_as_recounted(
    tree,
    cast,
    campaign,
    tmp_path,
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary)
    text = pdftotext(content, tmp_path, "-layout")
    caption = vi("Chart %(n)s. %(title)s") % {
        "n": 1,
        "title": vi("Reporting rate by unit below (%)"),
    }
    assert caption in flat(text)
    # The chart comes after the appendix's title, never in the body.
    assert flat(text).index(caption) > flat(text).index("PHỤ LỤC")

    chart_lines = text[text.index(caption.split(". ")[0]) :].splitlines()
    names = {code: tree[code].name for code in tree}
    expected_rows = [group for group in recounted(tree, campaign)["by_child"] if group["expected"]]
    assert len(expected_rows) >= 2
    for group in expected_rows:
        rate = group["submitted"] / group["expected"] * 100
        shown = f"{rate:.1f}".replace(".", ",")
        label = re.escape(names[group["code"]])
        line = re.compile(rf"^\s*{label}(\s.*)?\s{re.escape(shown)}\s*$")
        assert any(line.search(row) for row in chart_lines), (names[group["code"]], shown)


def test_the_chart_labels_print_at_nine_points_or_more(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    words = words_of(pdf.render_summary_pdf(summary), tmp_path)
    start = next(i for i, (word, _) in enumerate(words) if word == "Biểu")
    # The chart runs up to the appendix's note on its columns, printed smaller below it.
    note = vi("Figures by column").split()[:-1]  # its last word carries the colon
    end = next(
        i
        for i in range(start, len(words))
        if [word for word, _ in words[i : i + len(note)]] == note
    )
    chart = words[start:end]
    unit_words = {w for code in ("DA", "DB", "SE") for w in tree[code].name.split()}
    labels = [height for word, height in chart if word in unit_words]
    assert len(labels) >= 6, chart
    # Liberation Serif's glyph boxes are 1.107 × the type size (14 pt → 15.50 pt).
    assert min(labels) / BOX_PER_POINT >= 9


def test_a_chart_of_one_bar_is_left_out(tree, cast, tmp_path):
    from tests.reports.summaries import make_campaign

    only = make_campaign(tree["PV"], slug="one-bar")
    summary = issue(make_summary(tree["B1"], only, cast["cspl"]), cast["cspl"])
    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    assert vi("Reporting rate by unit below (%)") not in text


def test_the_chart_of_the_years_shows_the_share_of_expected_units_included(tree, cast):
    # Only district federations are asked (DA, DB); A1 and A2 file all the same, and their
    # accepted reports are summed. Each year 1 of the 2 expected units is included: 50 %,
    # where reports summed over units expected printed 150.
    from tests.reports.summaries import make_campaign

    campaign = make_campaign(tree["PV"], slug="districts-only")
    campaign.addressed_kinds = [Unit.Kind.DISTRICT]
    campaign.save()
    for year in (2023, 2024):
        for code in ("DA", "A1", "A2"):
            AnnualReport.objects.create(
                unit=tree[code],
                campaign=campaign,
                year=year,
                period=Period.objects.for_year(campaign, year),
                results="Tổ chức tuyên truyền CCHC.",
                self_assessment=AnnualReport.Assessment.GOOD,
                status=Status.ACCEPTED,
            )
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    (chart,) = [
        chart
        for chart in pdf.document_context(summary)["charts"]
        if [bar["label"] for bar in chart["bars"]] == ["2023", "2024"]
    ]
    assert [(bar["value"], bar["width"]) for bar in chart["bars"]] == [("50,0", "50.0")] * 2


def test_a_chart_longer_than_a_page_repeats_its_caption_on_every_page(
    tree, cast, campaign, tmp_path
):
    # A merged province has a hundred communes below it: the chart of their rates ran over
    # three pages, the caption on the first only, after a page left blank to start it.
    for n in range(60):
        area = Unit.objects.add_child(
            tree["PV"], {"code": f"X{n}", "name": f"LĐLĐ xã Mới {n}", "kind": Unit.Kind.DISTRICT}
        )
        Unit.objects.add_child(
            area, {"code": f"X{n}G", "name": f"CĐCS Mới {n}", "kind": Unit.Kind.GRASSROOTS}
        )
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    pages = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout").split("\f")
    caption = vi("Chart %(n)s. %(title)s") % {
        "n": 1,
        "title": vi("Reporting rate by unit below (%)"),
    }
    # A bar's line: the unit's name, then its rate alone (a table's row has more figures).
    bar = re.compile(r"^\s*LĐLĐ xã Mới \d+\s+0,0\s*$", re.MULTILINE)
    charted = [page for page in pages if bar.search(page)]
    assert len(charted) >= 2
    assert sum(len(bar.findall(page)) for page in charted) == 60
    for page in charted:
        assert caption in flat(page)


def test_a_unit_below_with_nothing_expected_is_charted_with_words_and_no_bar(tree, cast, tmp_path):
    # As on the dashboard's chart: A6, closed before the cut-off, is expected to report
    # nothing (its report still counts). It was left out of the chart; it now has a line
    # saying so, with no bar (not one of 0 %) and the tables' dash as its value.
    from tests.reports.summaries import make_campaign

    campaign = make_campaign(tree["PV"], slug="closed-below")
    closed = child(tree["DA"], "A6", closed_on=datetime.date(YEAR, 6, 30))
    file_report(closed, campaign, Status.ACCEPTED, sessions=5, participants=60)
    file_report(tree["A1"], campaign, Status.ACCEPTED, sessions=2, participants=20)
    summary = issue(make_summary(tree["DA"], campaign, cast["cspl"]), cast["cspl"])
    (chart,) = pdf.document_context(summary)["charts"]
    bars = {bar["label"]: bar for bar in chart["bars"]}
    marked = f"{closed.name} (đã kết thúc hoạt động)"
    assert [bar["label"] for bar in chart["bars"]][1:] == [
        tree["A1"].name,
        tree["A2"].name,
        marked,
    ]
    nothing = "không thuộc diện báo cáo"  # the tables' words, as on the dashboard's chart
    assert bars[marked] == {"label": marked, "value": "—", "width": "", "note": nothing}
    assert (bars[tree["A1"].name]["value"], bars[tree["A1"].name]["note"]) == ("100,0", "")
    html = pdf.render_html(summary)
    assert html.count(f'<td class="bar-cell">{nothing}</td>') == 1
    assert html.count('<span class="bar"') == 3  # DA's own report, A1 and A2
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    assert re.search(rf"^{re.escape(marked)}\s+{nothing}\s+—$", text, re.MULTILINE)
