"""The summary report's PDF as a document: pdftotext finds its header, number, title and
signature with the diacritics intact, a draft says it is one, and the name it downloads
under.

The campaign with reports, the summary and pdftotext come from summaries.py."""

from reports import pdf
from reports.models import SummaryReport
from tests.reports.summaries import (
    EVERY_TONE,
    SIGNER,
    SUBJECT,
    flat,
    issue,
    make_summary,
    pdftotext,
    vi,
)


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


def test_a_draft_is_marked_as_a_draft_and_an_issued_report_is_not(tree, cast, campaign, tmp_path):
    mark = vi("Draft").upper()
    draft = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    draft_text = pdftotext(pdf.render_summary_pdf(draft), tmp_path)
    assert mark in draft_text
    issued = issue(make_summary(tree["PV"], campaign, cast["cspl"], number="16/BC"), cast["cspl"])
    assert mark not in pdftotext(pdf.render_summary_pdf(issued), tmp_path)


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
