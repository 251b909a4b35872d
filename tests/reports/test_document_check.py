"""The "check a document" page: any logged-in user uploads a PDF and is told, in
Vietnamese, whether the portal issued it unchanged; nothing uploaded is kept."""

import datetime
import os
import re
import time
from pathlib import Path

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.urls import reverse

from reports import signing
from reports.models import SummaryReport
from tests.campaign.filings import make_plan
from tests.reports.document_check import CHECK, check, stored
from tests.reports.signed_pdfs import (
    ORGANISATION,
    PASSPHRASE,
    countersign,
    drawn_over,
    flipped,
    sign,
    signed_offset,
    small_pdf,
)
from tests.reports.summaries import issue, make_summary

RS = SummaryReport.RenderState


def test_it_requires_a_login(client):
    response = client.get(CHECK)
    assert response.status_code == 302 and "login" in response["Location"]


def test_any_logged_in_user_may_open_it(client, cast):
    client.force_login(cast["outsider"])
    response = client.get(CHECK)
    assert response.status_code == 200
    assert re.search(r"<label[^>]*>\s*Tệp PDF", response.content.decode())  # a label's capital


def test_a_signed_pdf_the_portal_issued_is_recognised_unchanged(client, tree, cast, configured):
    content = sign().content
    stored(tree, cast, content)
    page = check(client, cast["standing"], content)
    assert "Đây là văn bản do cổng phát hành, không bị thay đổi." in page
    assert "15/BC-LĐLĐ" in page and "05/01/2025" in page
    assert "Chữ ký số hợp lệ" in page


def test_an_unsigned_pdf_the_portal_issued_is_recognised_and_said_unsigned(
    client, tree, cast, unconfigured
):
    content = small_pdf()
    stored(tree, cast, content)
    page = check(client, cast["standing"], content)
    assert "Đây là văn bản do cổng phát hành" in page and "chưa ký số" in page


def test_a_changed_byte_makes_it_modified(client, tree, cast, configured):
    content = sign().content
    stored(tree, cast, content)
    page = check(client, cast["standing"], flipped(content, signed_offset(content)))
    assert 'data-outcome="modified"' in page
    assert "đã bị thay đổi sau khi ký" in page


def test_a_pdf_signed_by_someone_else_is_not_ours(client, cast, configured, pki):
    configured.SIGNING_PKCS12_PATH = str(pki.other_p12)
    configured.SIGNING_PKCS12_PASSPHRASE = ""
    foreign = sign().content
    configured.SIGNING_PKCS12_PATH = str(pki.p12_path)
    configured.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    page = check(client, cast["standing"], foreign)
    assert 'data-outcome="foreign"' in page and "Someone Else" in page


def test_a_pdf_signed_by_us_but_not_kept_says_so(client, cast, configured):
    page = check(client, cast["standing"], sign().content)
    assert 'data-outcome="ours_not_kept"' in page


def test_an_unsigned_unknown_pdf_is_neither_signed_nor_issued(client, cast, configured):
    page = check(client, cast["standing"], small_pdf())
    assert 'data-outcome="unknown"' in page
    assert "Tệp này không có chữ ký số và không trùng với báo cáo tổng hợp nào" in page


def test_a_printed_plan_from_the_portal_is_not_called_tampered_with(
    client, tree, cast, campaign, configured
):
    """A committee member checks a unit's plan as the portal printed it: unsigned, and no
    summary. The answer says only summaries are recognised and that this says nothing of
    whether the file was changed; it does not suggest the file was altered."""
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"])
    client.force_login(cast["standing"])
    printed = client.get(reverse("campaign:plan_pdf", args=[plan.pk]))
    assert printed["Content-Type"] == "application/pdf"
    page = check(client, cast["standing"], printed.content, name="ke-hoach-A1.pdf")
    answer = re.search(
        r'<div class="alert ([^"]*)"[^>]*data-outcome="unknown".*?</div>', page, re.S
    )
    assert answer, page
    assert "alert-info" in answer.group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", answer.group(0)).split())
    assert "chỉ nhận biết các báo cáo tổng hợp do cổng phát hành" in text
    assert "Bản in kế hoạch, báo cáo năm và công văn đôn đốc tải từ cổng không được ký số" in text
    assert "không cho biết chúng có bị thay đổi hay không" in text
    assert "đã bị thay đổi" not in text and "(hoặc" not in text


def test_a_file_that_is_not_a_pdf_is_refused_with_a_clear_message(client, cast):
    page = check(client, cast["standing"], b"GIF89a not a pdf", name="x.pdf")
    assert "Tệp này không phải là PDF." in page and "data-outcome" not in page


def test_a_file_over_the_limit_is_refused(client, cast, monkeypatch):
    from reports import document_check

    monkeypatch.setattr(document_check, "MAX_BYTES", 1000)
    page = check(client, cast["standing"], b"%PDF-1.7\n" + b"0" * 200_000)
    assert "lớn hơn 20 MB" in page


def test_a_garbled_pdf_is_an_answer_not_an_error(client, cast, configured):
    page = check(client, cast["standing"], b"%PDF-1.7\n%garbage\n" + os.urandom(500))
    assert "data-outcome" in page


def test_a_pdf_whose_damage_trips_the_reader_is_an_answer_not_an_error(client, cast, configured):
    # A start-of-xref offset too large for the reader: an OverflowError, a 500 before.
    damaged = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n" + b"9" * 20
    page = check(client, cast["standing"], damaged + b"\n%%EOF\n")
    assert "data-outcome" in page


def test_a_download_cut_short_is_said_unreadable_not_changed_after_signing(
    client, tree, cast, configured
):
    # Half of a signed PDF the portal issued, as a broken download leaves it: the reader
    # cannot open it, so nothing is known of a signature, and no signer line is shown.
    content = sign().content
    stored(tree, cast, content)
    page = check(client, cast["standing"], content[: len(content) // 2])
    assert 'data-outcome="unreadable"' in page
    assert "Không đọc được tệp này như một tệp PDF" in page
    assert "đã bị thay đổi sau khi ký" not in page and "Người ký" not in page


def test_a_crafted_index_is_checked_under_a_cap_in_a_child_process(client, cast, configured):
    # One number of the cross-reference stream's index raised: the reader allocates for
    # twenty million entries. In the web process it grew to gigabytes (or was killed).
    signed = sign().content
    damaged, found = re.subn(rb"(/Index \[ ?0 1 2 )1 ", rb"\g<1>20000000 ", signed, count=1)
    assert found == 1
    started = time.monotonic()
    page = check(client, cast["standing"], damaged)
    assert "data-outcome" in page
    assert time.monotonic() - started < signing.VERIFY_TIMEOUT + 5


def files_under(root):
    root = Path(root)
    return sorted(root.rglob("*")) if root.exists() else []


def test_nothing_uploaded_is_stored_not_even_as_a_temporary_file(
    client, cast, configured, settings, monkeypatch
):
    def no_temporary_file(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", no_temporary_file)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # the default handlers would spill to disk
    before, count = files_under(settings.MEDIA_ROOT), SummaryReport.objects.count()
    page = check(client, cast["standing"], sign().content)
    assert 'data-outcome="ours_not_kept"' in page
    assert files_under(settings.MEDIA_ROOT) == before and SummaryReport.objects.count() == count


def test_a_superseded_document_names_the_correction_to_use(client, tree, cast, configured):
    content = sign().content
    first = stored(tree, cast, content)
    correction = issue(
        make_summary(
            tree["PV"],
            first.campaign,
            cast["cspl"],
            number="16/BC-LĐLĐ",
            dated_on=datetime.date(2025, 1, 9),
            supersedes=first,
        ),
        cast["cspl"],
    )
    SummaryReport.objects.filter(pk=first.pk).update(status=SummaryReport.Status.SUPERSEDED)
    page = check(client, cast["standing"], content)
    assert 'data-outcome="issued"' in page and "alert-success" not in page
    assert (
        f"đã được đính chính bằng Báo cáo tổng hợp số {correction.number} ngày 09/01/2025: "
        "hãy dùng văn bản đó."
    ) in page


def test_the_answer_names_the_file_it_is_about(client, cast, configured):
    # Someone checking several copies one after another must see which one the answer is
    # about: the form is empty again under it.
    page = check(client, cast["standing"], small_pdf(), name="Báo cáo số 3 bản gửi Ban TV.pdf")
    assert re.search(
        r'data-outcome="unknown".*Tệp đã kiểm tra: Báo cáo số 3 bản gửi Ban TV\.pdf', page, re.S
    )


def test_a_file_name_with_markup_is_shown_as_text(client, cast, configured):
    page = check(client, cast["standing"], small_pdf(), name="<em>x.pdf")
    assert "Tệp đã kiểm tra: &lt;em&gt;x.pdf" in page and "<em>x" not in page


def test_sent_without_a_file_it_asks_for_the_pdf_to_check(client, cast):
    client.force_login(cast["standing"])
    page = client.post(CHECK, {}).content.decode()
    assert "Hãy chọn tệp PDF cần kiểm tra." in page and "data-outcome" not in page


# --- countersigned: a committee member signs the issued summary before sending it upward ---------
def shown_time(signature):
    return signature.signed_at.strftime("%H:%M:%S %d/%m/%Y")


def test_an_issued_summary_countersigned_is_issued_then_signed_by_the_member(
    client, tree, cast, configured, countersigners
):
    content = sign().content
    stored(tree, cast, content)
    countersigned = countersign(content, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], countersigned)
    assert 'data-outcome="countersigned"' in page and "alert-success" in page
    assert "Đây là văn bản do cổng phát hành, không bị thay đổi, sau đó được ký số thêm." in page
    assert "15/BC-LĐLĐ" in page and "05/01/2025" in page
    portal, member = signing.verify_pdf(countersigned).signatures
    # The portal's signature, intact with only a signature added after it, then the member's.
    assert re.search(
        rf'Chữ ký số khi cổng phát hành.*data-signature="valid".*{ORGANISATION}'
        rf".*{shown_time(portal)}.*Chữ ký số hợp lệ"
        r".*sau chữ ký này chỉ thêm chữ ký số khác hoặc dữ liệu xác thực của chúng"
        rf'.*Sau đó được ký bởi.*data-signature="valid".*Nguyễn Văn An.*{shown_time(member)}'
        r".*Chữ ký số hợp lệ.*ký toàn bộ tệp",
        page,
        re.S,
    )
    assert "đã bị thay đổi sau khi ký" not in page


def test_a_countersigned_summary_changed_after_the_last_signature_is_changed(
    client, tree, cast, configured, countersigners
):
    content = sign().content
    stored(tree, cast, content)
    countersigned = countersign(content, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], drawn_over(countersigned))
    assert 'data-outcome="modified"' in page and "đã bị thay đổi sau khi ký" in page
    assert "Đây là văn bản do cổng phát hành" not in page and "15/BC-LĐLĐ" not in page
    # Both signatures are listed; the last one says what happened after it.
    assert re.search(
        rf"theo thứ tự ký.*{ORGANISATION}.*Nguyễn Văn An"
        r".*không hợp lệ: tệp đã bị thay đổi sau chữ ký này",
        page,
        re.S,
    )


def test_a_summary_countersigned_twice_lists_both_later_signatures_in_order(
    client, tree, cast, configured, countersigners
):
    content = sign().content
    stored(tree, cast, content)
    once = countersign(content, countersigners["trusted"], "KyTiep")
    twice = countersign(once, countersigners["self_signed"], "KyTiep2")
    page = check(client, cast["standing"], twice)
    assert 'data-outcome="countersigned"' in page
    later = page[page.index("Sau đó được ký bởi") :]
    assert re.search(
        r'<ol.*data-signature="valid".*Nguyễn Văn An.*Chữ ký số hợp lệ'
        r'.*data-signature="untrusted".*Trần Thị Bình'
        r".*nguyên vẹn và hợp lệ, nhưng chứng thư số không do tổ chức mà cổng tin cậy cấp"
        r".*</ol>",
        later,
        re.S,
    )


def test_a_superseded_summary_countersigned_names_its_correction(
    client, tree, cast, configured, countersigners
):
    content = sign().content
    first = stored(tree, cast, content)
    correction = issue(
        make_summary(
            tree["PV"],
            first.campaign,
            cast["cspl"],
            number="16/BC-LĐLĐ",
            dated_on=datetime.date(2025, 1, 9),
            supersedes=first,
        ),
        cast["cspl"],
    )
    SummaryReport.objects.filter(pk=first.pk).update(status=SummaryReport.Status.SUPERSEDED)
    page = check(client, cast["standing"], countersign(content, countersigners["trusted"], "K2"))
    assert 'data-outcome="countersigned"' in page and "alert-warning" in page
    assert f"Báo cáo tổng hợp số {correction.number} ngày 09/01/2025" in page


def test_a_countersigned_pdf_the_portal_did_not_issue_lists_its_signatures(
    client, cast, configured, countersigners
):
    # Signed by the organisation but not a stored summary: today's answer about the last
    # signature, with every signature listed.
    page = check(
        client, cast["standing"], countersign(sign().content, countersigners["trusted"], "K2")
    )
    assert 'data-outcome="foreign"' in page and "Đây là văn bản do cổng phát hành" not in page
    assert re.search(rf"theo thứ tự ký.*{ORGANISATION}.*Nguyễn Văn An", page, re.S)
