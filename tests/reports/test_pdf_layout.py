"""The summary report's PDF layout: the draft's mark in the margin, embedded fonts, page
numbers, the signature and the recipients never alone on a page, text normalised to NFC,
long words broken inside the margins, and a table never split from its total."""

import io
import re
import unicodedata

from pyhanko.pdf_utils.reader import PdfFileReader

from campaign.models import Indicator
from reports import pdf, signing
from tests.config.sandbox_probes import pdf_listing
from tests.reports.summaries import (
    SIGNER,
    campaign_with_reports,
    flat,
    issue,
    make_summary,
    pdftotext,
    vi,
)
from units.models import Unit, UnitState


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
