"""The "check a document" page on a summary the portal issued unsigned (no certificate
configured) that a committee member then signed with their own tool: an incremental update
appended to the issued bytes. Issued by the portal, unchanged, then signed by the member,
when nothing but signatures and their validation data was appended; not the document as
issued when anything else was."""

import hashlib
import re

import pytest

from config import pdf_sandbox
from reports import signing
from tests.reports.document_check import check, stored
from tests.reports.signed_pdfs import countersign, drawn_over, small_pdf

ISSUED_UNSIGNED = "Đây là văn bản do cổng phát hành (khi phát hành chưa ký số), không bị thay đổi"


@pytest.fixture
def issuing_unsigned(settings, pki):
    """No certificate of the organisation's (summaries are issued unsigned); the test root
    trusted, so a committee member's signature from it checks as valid."""
    settings.SIGNING_PKCS12_PATH = ""
    settings.SIGNING_TRUST_ROOTS = str(pki.roots_path)
    settings.SIGNING_TSA_URL = ""
    return settings


def shown_time(signature):
    return signature.signed_at.strftime("%H:%M:%S %d/%m/%Y")


def test_an_unsigned_summary_signed_by_a_member_is_issued_then_signed_by_the_member(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache
):
    issued = small_pdf()
    stored(tree, cast, issued)
    signed = countersign(issued, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], signed)
    assert 'data-outcome="countersigned"' in page and "alert-success" in page
    assert f"{ISSUED_UNSIGNED}, sau đó được ký số." in page
    assert "15/BC-LĐLĐ" in page and "05/01/2025" in page
    (member,) = signing.verify_pdf(signed).signatures
    assert re.search(
        r"Khi phát hành, cổng không ký số văn bản này\."
        rf'.*Sau đó được ký bởi.*data-signature="valid".*Nguyễn Văn An.*{shown_time(member)}'
        r".*Chữ ký số hợp lệ.*ký toàn bộ tệp",
        page,
        re.S,
    )
    assert "Chữ ký số khi cổng phát hành" not in page and "đã bị thay đổi" not in page


def test_signed_by_two_members_in_turn_both_are_listed_in_order(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache
):
    issued = small_pdf()
    stored(tree, cast, issued)
    once = countersign(issued, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], countersign(once, countersigners["self_signed"], "K2"))
    assert 'data-outcome="countersigned"' in page and ISSUED_UNSIGNED in page
    later = page[page.index("Sau đó được ký bởi") :]
    assert re.search(
        r'<ol.*data-signature="valid".*Nguyễn Văn An'
        r".*chỉ thêm chữ ký số khác hoặc dữ liệu xác thực của chúng"
        r'.*data-signature="untrusted".*Trần Thị Bình.*</ol>',
        later,
        re.S,
    )


def test_issued_without_an_end_of_line_after_its_last_eof_marker_is_still_found(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache
):
    # The stored file ends at "%%EOF"; the member's tool begins its update on a new line.
    issued = small_pdf().rstrip(b"\r\n")
    stored(tree, cast, issued)
    signed = countersign(issued + b"\r\n", countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], signed)
    assert 'data-outcome="countersigned"' in page and "15/BC-LĐLĐ" in page


def test_a_page_drawn_over_before_the_member_signed_is_not_the_document_as_issued(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache
):
    # The member's signature is intact over the whole file, but what it signed is not the
    # summary as issued: a box was drawn over its first page after it was issued.
    issued = small_pdf()
    stored(tree, cast, issued)
    signed = countersign(drawn_over(issued), countersigners["trusted"], "KyTiep")
    assert signing.verify_pdf(signed).state == signing.VALID
    page = check(client, cast["standing"], signed)
    assert 'data-outcome="modified"' in page and "alert-danger" in page
    assert "Đây là văn bản do cổng phát hành" not in page and "15/BC-LĐLĐ" not in page


def test_a_page_drawn_over_after_the_member_signed_is_changed_after_signing(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache
):
    issued = small_pdf()
    stored(tree, cast, issued)
    signed = countersign(issued, countersigners["trusted"], "KyTiep")
    page = check(client, cast["standing"], drawn_over(signed))
    assert 'data-outcome="modified"' in page and "đã bị thay đổi sau khi ký" in page
    assert "Đây là văn bản do cổng phát hành" not in page and "15/BC-LĐLĐ" not in page


def test_a_pdf_the_portal_did_not_issue_signed_by_a_member_is_not_issued(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache
):
    stored(tree, cast, small_pdf())
    other = small_pdf(anchor=False)
    page = check(client, cast["standing"], countersign(other, countersigners["trusted"], "K"))
    assert 'data-outcome="foreign"' in page and "Nguyễn Văn An" in page
    assert "Đây là văn bản do cổng phát hành" not in page and "15/BC-LĐLĐ" not in page


def test_a_stopped_check_of_what_was_appended_says_it_could_not_be_checked(
    client, tree, cast, issuing_unsigned, countersigners, fresh_cache, monkeypatch
):
    issued = small_pdf()
    stored(tree, cast, issued)
    signed = countersign(issued, countersigners["trusted"], "KyTiep")
    signing.verify_pdf(signed)  # the signature itself checked, and cached
    isolated = pdf_sandbox.run_isolated

    def overrunning(func, *args, **kwargs):
        if func is signing._appended_after:
            raise pdf_sandbox.RenderError("stopped")
        return isolated(func, *args, **kwargs)

    monkeypatch.setattr(pdf_sandbox, "run_isolated", overrunning)
    page = check(client, cast["standing"], signed)
    assert 'data-outcome="unchecked"' in page and "15/BC-LĐLĐ" not in page


def test_the_prefixes_are_those_ending_at_each_eof_marker_with_and_without_its_eol():
    first = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF"
    second = b"2 0 obj\n<<>>\nendobj\nstartxref\n40\n%%EOF"
    content = first + b"\r\n" + second + b"\n"
    expected = {
        hashlib.sha256(first).hexdigest(): len(first),
        hashlib.sha256(first + b"\r\n").hexdigest(): len(first) + 2,
        hashlib.sha256(first + b"\r\n" + second).hexdigest(): len(content) - 1,
    }
    assert signing.revision_prefixes(content) == expected
