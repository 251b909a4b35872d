"""The digital signature of issued summaries (reports.signing): a local test PKI made here
(root CA → the organisation's signing certificate, and a time-stamping authority), signing
a rendered summary, validating it offline, and what a changed byte does."""

import datetime
import hashlib
import io
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from pyhanko.pdf_utils.reader import PdfFileReader

from config import pdf_sandbox
from reports import signing, summary_tasks
from reports.models import SummaryReport
from tests.reports.signed_pdfs import (
    ORGANISATION,
    PASSPHRASE,
    countersign,
    drawn_over,
    flipped,
    pdf_text,
    sign,
    signed_offset,
    small_pdf,
)
from tests.reports.summaries import campaign_with_reports, issue, make_summary

RS = SummaryReport.RenderState


@pytest.fixture
def with_tsa(configured, pki, monkeypatch):
    configured.SIGNING_TSA_URL = "http://tsa.invalid/"
    monkeypatch.setattr(signing, "timestamper_for", pki.timestamper)
    return configured


# --- signing and validating --------------------------------------------------------------------
def test_unconfigured_the_pdf_is_returned_unchanged_and_unsigned(unconfigured):
    content = small_pdf()
    result = sign(content)
    assert result.signed is False and result.content == content
    assert signing.verify_pdf(content).state == signing.UNSIGNED


def test_a_signed_pdf_validates_intact_valid_and_trusted_offline(configured):
    result = sign()
    assert result.signed and result.level == "B-B"
    check = signing.verify_pdf(result.content)
    assert check.state == signing.VALID
    assert (check.intact, check.valid, check.trusted, check.ours) == (True, True, True, True)
    assert check.signer == ORGANISATION and check.coverage == "ENTIRE_FILE"
    assert check.timestamped is False and check.level == "B-B"
    assert check.signed_at.utcoffset() == datetime.timedelta(hours=7)


def test_with_a_time_stamp_server_the_signature_is_b_t_with_a_validated_token(with_tsa):
    result = sign()
    assert result.level == "B-T"
    check = signing.verify_pdf(result.content)
    assert check.state == signing.VALID and check.timestamped and check.level == "B-T"


def test_one_flipped_byte_in_the_signed_range_makes_it_invalid(configured):
    content = sign().content
    # Bytes well inside the first signed range (before the signature's /Contents, which the
    # range leaves out): its middle, and one near the start.
    for offset in (signed_offset(content), 200):
        check = signing.verify_pdf(flipped(content, offset))
        assert check.state == signing.INVALID, offset
        assert not (check.intact and check.valid)


def test_the_trust_roots_may_come_from_a_pem_file(configured, pki):
    configured.SIGNING_TRUST_ROOTS = str(pki.roots_path)
    assert signing.verify_pdf(sign().content).state == signing.VALID


def test_a_signature_by_another_certificate_is_valid_but_not_ours_nor_trusted(configured, pki):
    configured.SIGNING_PKCS12_PASSPHRASE = ""
    configured.SIGNING_PKCS12_PATH = str(pki.other_p12)
    foreign = sign().content
    configured.SIGNING_PKCS12_PATH = str(pki.p12_path)
    configured.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    check = signing.verify_pdf(foreign)
    assert check.intact and check.valid and not check.ours
    assert check.state == signing.UNTRUSTED and check.signer == "Someone Else"


def test_a_wrong_passphrase_is_a_signing_error(configured):
    configured.SIGNING_PKCS12_PASSPHRASE = "wrong"
    with pytest.raises(signing.SigningError):
        sign()


def test_an_unreachable_time_stamp_server_is_told_in_vietnamese_and_logged(configured, caplog):
    # Nothing listens on the discard port: the client's own (English) words go to the log.
    configured.SIGNING_TSA_URL = "http://127.0.0.1:9/"
    with translation.override("vi"), pytest.raises(signing.SigningError) as raised:
        sign()
    told = str(raised.value)
    assert told.startswith("việc ký số hoặc máy chủ cấp dấu thời gian bị lỗi"), told
    assert "Error" not in told and "127.0.0.1" not in told
    assert "Signing failed" in caplog.text and "Error" in caplog.text


# --- the visible stamp --------------------------------------------------------------------------
def _widget(content):
    reader = PdfFileReader(io.BytesIO(content))
    field = reader.root["/AcroForm"]["/Fields"][0]
    return reader, field


def test_the_stamp_sits_in_the_signature_space_and_says_who_and_when(configured):
    content = small_pdf()
    page, box = signing.field_box(PdfFileReader(io.BytesIO(content)))
    assert page == 0  # the page of the id "signature", not the appendix's
    result = sign(content)
    _reader, field = _widget(result.content)
    rect = [float(v) for v in field["/Rect"]]
    assert rect == pytest.approx(list(box), abs=0.01)
    assert int(field["/F"]) & 4  # printed
    text = pdf_text(result.content)
    assert f"Ký bởi: {ORGANISATION}" in text
    iso = re.search(r"Thời gian ký: (\S+)", text)[1]
    assert iso == result.signed_at.isoformat() and iso.endswith("+07:00")


def test_without_the_anchor_the_stamp_goes_bottom_right_of_the_last_page(configured):
    content = small_pdf(anchor=False)
    page, (_x1, y1, x2, _y2) = signing.field_box(PdfFileReader(io.BytesIO(content)))
    assert page == 1 and y1 < 100 and x2 > 500


def test_signature_and_seal_images_go_under_the_text(configured, tmp_path):
    from PIL import Image

    Image.new("RGBA", (300, 120), (0, 0, 160, 255)).save(tmp_path / "signature.png")
    Image.new("RGBA", (140, 140), (200, 0, 0, 200)).save(tmp_path / "seal.png")
    configured.SIGNING_SIGNATURE_IMAGE = str(tmp_path / "signature.png")
    configured.SIGNING_SEAL_IMAGE = str(tmp_path / "seal.png")
    result = sign()
    assert signing.verify_pdf(result.content).state == signing.VALID
    assert b"/Image" in result.content[len(small_pdf()) - 2000 :]


# --- PDF/A ------------------------------------------------------------------------------------
def test_a_pdf_a_document_keeps_its_claims_and_validates_once_signed(configured):
    import weasyprint

    html = "<p>Báo cáo</p><div id='signature' style='height:28mm'></div>"
    fetcher = pdf_sandbox.PortalURLFetcher()
    content = weasyprint.HTML(
        string=html, base_url=pdf_sandbox.STATIC_BASE, url_fetcher=fetcher
    ).write_pdf(pdf_variant="pdf/a-3b")
    signed = sign(content).content
    assert signing.verify_pdf(signed).state == signing.VALID
    reader = PdfFileReader(io.BytesIO(signed))
    root = reader.root
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].data
    assert b"pdfaid:part" in xmp and b"3" in xmp
    widget = root["/AcroForm"]["/Fields"][0]
    flags = int(widget["/F"])
    assert "/AP" in widget and flags & 4 and not flags & (1 | 2 | 32)  # printed, never hidden
    assert signed.startswith(content)  # an incremental update: the PDF/A part is untouched


def test_the_summary_is_rendered_as_pdf_a_3b_and_signing_keeps_the_claim(tree, cast, configured):
    from reports import pdf

    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    content = pdf.render_summary_pdf(summary)
    signed = sign(content).content
    assert signed.startswith(content)
    # PDF/A-3 stands on PDF 1.7: the signature's update must not raise the version.
    assert content.startswith(b"%PDF-1.7")
    assert "/Version" not in PdfFileReader(io.BytesIO(signed)).root
    for document in (content, signed):
        root = PdfFileReader(io.BytesIO(document)).root
        xmp = root["/Metadata"].data
        assert re.search(rb"pdfaid:part(>|=\")3", xmp), xmp[:400]
        assert re.search(rb"pdfaid:conformance(>|=\")B", xmp), xmp[:400]
        intent = root["/OutputIntents"][0]
        assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    assert signing.verify_pdf(signed).state == signing.VALID


# --- the issue pipeline and the page ------------------------------------------------------------
def test_the_task_signs_the_issued_summary_before_storing_it(tree, cast, configured, client):
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.QUEUED)
    assert summary_tasks.render(summary.pk) == "done"
    summary.refresh_from_db()
    check = signing.verify_pdf(summary.pdf.read())
    assert check.state == signing.VALID and check.ours
    client.force_login(cast["cspl"])
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "Chữ ký số hợp lệ" in page and ORGANISATION in page
    # Its level in words, the standard's name after them (no time-stamp server here).
    assert "cơ bản, thời gian ký do người ký tự ghi" in page and "(PAdES B-B)" in page


def test_a_boards_report_is_signed_in_the_name_of_the_board_of_its_federation(
    tree, cast, configured
):
    # "Ký bởi: Ban Chính sách – Pháp luật" named no federation: the stamp says whose board.
    board = "Ban Chính sách – Pháp luật"
    federation = "Liên đoàn Lao động tỉnh Bến Tre"
    summary = issue(
        make_summary(
            tree["PV"],
            campaign_with_reports(tree),
            cast["cspl"],
            kind=SummaryReport.Kind.BOARD,
            issuing_body=board,
            parent_body=federation,
        ),
        cast["cspl"],
    )
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.QUEUED)
    assert summary_tasks.render(summary.pk) == "done"
    summary.refresh_from_db()
    text = " ".join(pdf_text(summary.pdf.read()).split())
    assert f"Ký bởi: {board} {federation}" in text


def test_the_task_checks_the_signature_so_the_first_reader_does_not_wait_for_it(
    tree, cast, configured, client, monkeypatch
):
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.QUEUED)
    assert summary_tasks.render(summary.pk) == "done"

    def validated_again(*args):
        raise AssertionError("the page validated the signature again")

    monkeypatch.setattr(signing, "_verify", validated_again)
    client.force_login(cast["standing"])
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "Chữ ký số hợp lệ" in page and ORGANISATION in page
    summary.refresh_from_db()
    assert signing.stored_sha256(summary.pdf) == hashlib.sha256(summary.pdf.read()).hexdigest()


def test_unconfigured_the_summary_is_issued_unsigned_and_the_page_says_so(
    tree, cast, unconfigured, client
):
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.QUEUED)
    assert summary_tasks.render(summary.pk) == "done"
    summary.refresh_from_db()
    assert signing.verify_pdf(summary.pdf.read()).state == signing.UNSIGNED
    client.force_login(cast["cspl"])
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "chưa ký số" in page


def test_a_signing_certificate_that_cannot_be_used_fails_the_render_with_its_reason(
    tree, cast, configured
):
    configured.SIGNING_PKCS12_PASSPHRASE = "wrong"
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.QUEUED)
    assert summary_tasks.render(summary.pk) == "failed"
    summary.refresh_from_db()
    assert summary.render_state == RS.FAILED and "ký số" in summary.render_error


# --- B-LT: revocation data embedded ---------------------------------------------------------------
def _empty_crl(pki):
    """An empty CRL of the test root (nothing revoked), as a CA publishes it."""
    now = datetime.datetime.now(datetime.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.root.subject)
        .last_update(now - datetime.timedelta(hours=1))
        .next_update(now + datetime.timedelta(days=7))
        .sign(pki.root_key, hashes.SHA256())
    )
    return crl.public_bytes(serialization.Encoding.DER)


def test_with_revocation_data_at_hand_the_signature_is_b_lt(with_tsa, pki, monkeypatch):
    from asn1crypto import crl as asn1_crl
    from pyhanko_certvalidator import ValidationContext

    original = signing._validation_context
    crl = asn1_crl.CertificateList.load(_empty_crl(pki))

    def with_crl(roots, *, fetching=False):
        # What a reachable CRL distribution point would give; no network here.
        return ValidationContext(
            trust_roots=roots, crls=[crl], allow_fetching=False, revocation_mode="soft-fail"
        )

    monkeypatch.setattr(signing, "_validation_context", with_crl)
    result = sign()
    assert result.level == "B-LT"
    root = PdfFileReader(io.BytesIO(result.content)).root
    assert len(root["/DSS"]["/CRLs"]) >= 1
    monkeypatch.setattr(signing, "_validation_context", original)
    check = signing.verify_pdf(result.content)
    assert check.state == signing.VALID and check.timestamped


def test_every_signature_is_read_with_the_revision_it_signed(configured, countersigners):
    # A committee member countersigns the issued PDF: the organisation's signature covers its
    # revision, with only the member's signature added after it; the member's the whole file.
    issued = sign().content
    countersigned = countersign(issued, countersigners["trusted"], "KyTiep")
    check = signing.verify_pdf(countersigned)
    portal, member = check.signatures
    assert (portal.state, portal.ours, portal.signer) == (signing.VALID, True, ORGANISATION)
    assert (portal.coverage, portal.modification_level) == ("ENTIRE_REVISION", "FORM_FILLING")
    assert portal.modified_after is False
    assert portal.revision_sha256 == hashlib.sha256(issued).hexdigest()
    assert (member.state, member.ours, member.signer) == (signing.VALID, False, "Nguyễn Văn An")
    assert member.coverage == "ENTIRE_FILE"
    assert member.revision_sha256 == hashlib.sha256(countersigned).hexdigest()
    # The file's own fields are the last signature's, as for a single signature.
    assert (check.state, check.signer, check.ours) == (signing.VALID, "Nguyễn Văn An", False)
    # Read again from the cache, in the same shape.
    assert signing.verify_pdf(countersigned) == check


def test_a_drawing_added_between_signatures_is_a_change_after_the_first(configured, countersigners):
    # Adding a signature is allowed after the organisation's; anything else is a change
    # after signing, even when a later signature then covers it.
    issued = sign().content
    assert signing.verify_pdf(drawn_over(issued)).state == signing.INVALID
    drawn_then_signed = countersign(drawn_over(issued), countersigners["trusted"], "KyTiep")
    portal, member = signing.verify_pdf(drawn_then_signed).signatures
    assert portal.state == signing.INVALID and portal.modified_after is True
    assert member.state == signing.VALID


def test_an_entry_cached_in_an_older_shape_is_not_read(configured, monkeypatch):
    # A verification cached before every signature was kept (no `signatures`) is left to
    # expire: its key names the shape it was written in.
    content = sign().content
    sha256 = hashlib.sha256(content).hexdigest()
    monkeypatch.setattr(signing, "VERIFICATION_VERSION", signing.VERIFICATION_VERSION - 1)
    old_key = f"signing:verify:{sha256}:{signing.config_fingerprint()}"
    cache.set(old_key, {"state": signing.VALID, "sha256": sha256, "signer": "old shape"})
    monkeypatch.undo()
    check = signing.verify_pdf(content)
    assert check.signer == ORGANISATION and len(check.signatures) == 1
