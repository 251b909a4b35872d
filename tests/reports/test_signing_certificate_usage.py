"""Only a certificate for signing documents signs one (signing.for_signing), in a PDF and in
a Word file alike: its key usage, when it has one, includes digitalSignature or
nonRepudiation; its extended key usage, when it has one, allows signing documents. A
certificate issued for encryption only, or for a web server, is refused with its reason in
Vietnamese, trusted or not; a signing token's is accepted. The certificates are made here,
issued by the test root the portal trusts (tests/reports/signed_pdfs.py)."""

import datetime
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.urls import reverse

from reports import signing, summary_tasks
from reports.models import SummaryReport
from tests.reports import signed_word
from tests.reports.attached import check_url, page_of, plan_with
from tests.reports.document_check import check, stored
from tests.reports.signed_pdfs import (
    ORGANISATION,
    countersign,
    make_countersigner,
    sign,
    small_pdf,
)
from tests.reports.summaries import campaign_with_reports, issue, make_summary

WHEN = datetime.datetime(2026, 3, 10, 8, 15, 30, tzinfo=datetime.UTC)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # RFC 9336

REFUSED = {
    "key encipherment only": {"usages": ("key_encipherment",)},
    "a web server's": {"eku": [ExtendedKeyUsageOID.SERVER_AUTH]},
    "code signing": {"eku": [ExtendedKeyUsageOID.CODE_SIGNING]},
    "time stamping": {"eku": [ExtendedKeyUsageOID.TIME_STAMPING]},
}
ACCEPTED = {
    "a signing token's, no EKU": {},
    "non-repudiation alone": {"usages": ("content_commitment",)},
    "no key usage extension": {"usages": ()},
    "secure e-mail": {"eku": [ExtendedKeyUsageOID.EMAIL_PROTECTION]},
    # Some CAs issue a person's signing certificate with this purpose alone.
    "a token's TLS client purpose alone": {"eku": [ExtendedKeyUsageOID.CLIENT_AUTH]},
    # As the Vietnamese public CAs issue them.
    "TLS client and secure e-mail": {
        "eku": [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
    },
    "document signing": {"eku": [DOCUMENT_SIGNING]},
    "any purpose": {"eku": [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE]},
}
REFUSAL = "Tệp được ký bằng chứng thư số không được cấp để ký văn bản"
RS = SummaryReport.RenderState


@pytest.fixture(scope="module")
def people(pki):
    """A person's certificate for each kind above, issued by the trusted test root."""
    return {
        kind: make_countersigner(f"Người ký ({kind})", pki.root, pki.root_key, **usage)
        for kind, usage in (REFUSED | ACCEPTED).items()
    }


@pytest.fixture(scope="module")
def pdf():
    return small_pdf()


def signed(kind, pdf, person):
    if kind == "pdf":
        return countersign(pdf, person, "ChuKyNguoiKy")
    return signed_word.sign(signed_word.parts(), person, WHEN)


def verified(kind, content):
    return signing.verify_pdf(content) if kind == "pdf" else signing.verify_word(content)


@pytest.mark.parametrize("kind", ["pdf", "word"])
@pytest.mark.parametrize("certificate", list(REFUSED))
def test_a_certificate_not_for_signing_documents_is_refused(
    kind, certificate, configured, people, pdf
):
    verification = verified(kind, signed(kind, pdf, people[certificate]))
    assert verification.state == signing.INVALID
    assert verification.not_for_signing
    # Nothing else is wrong with it: the bytes are intact, the value verifies.
    assert verification.intact and verification.valid and not verification.modified_after


@pytest.mark.parametrize("kind", ["pdf", "word"])
@pytest.mark.parametrize("certificate", list(ACCEPTED))
def test_a_certificate_for_signing_signs_a_valid_document(
    kind, certificate, configured, people, pdf
):
    verification = verified(kind, signed(kind, pdf, people[certificate]))
    assert verification.state == signing.VALID, verification
    assert verification.trusted and not verification.not_for_signing


@pytest.mark.parametrize("kind", ["pdf", "word"])
def test_an_untrusted_certificate_for_encryption_only_is_refused_not_merely_untrusted(
    kind, configured, pdf
):
    person = make_countersigner("Người lạ", usages=("key_encipherment",))  # self-signed
    verification = verified(kind, signed(kind, pdf, person))
    assert verification.state == signing.INVALID and verification.not_for_signing


@pytest.mark.parametrize(
    ("kind", "name", "content_type"),
    [("pdf", "ke-hoach.pdf", "application/pdf"), ("word", "ke-hoach.docx", DOCX)],
)
def test_the_attachment_check_says_why_in_vietnamese(
    kind, name, content_type, client, tree, cast, campaign, configured, people, pdf
):
    content = signed(kind, pdf, people["a web server's"])
    plan, attachment = plan_with(
        tree, campaign, cast, content, name=name, content_type=content_type
    )
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="not_for_signing"' in page
    assert REFUSAL in page and "không được chấp nhận" in page
    assert "Người ký (a web server&#x27;s)" in page  # who signed is still said
    assert "không bị thay đổi kể từ khi ký" not in page


def test_the_document_check_says_why_in_vietnamese(client, cast, configured, people, pdf):
    page = check(client, cast["standing"], signed("pdf", pdf, people["key encipherment only"]))
    assert 'data-outcome="not_for_signing"' in page and REFUSAL in page
    assert "đã bị thay đổi" not in page


def test_each_signature_of_a_file_says_which_one_is_refused(client, cast, configured, people):
    content = countersign(sign().content, people["a web server's"], "ChuKyNguoiKy")
    page = check(client, cast["standing"], content)
    assert 'data-outcome="not_for_signing"' in page
    lines = re.findall(r'<li class="text-break" data-signature="(\w+)">(.*?)</li>', page, re.S)
    assert [state for state, _ in lines] == ["valid", "invalid"]
    assert ORGANISATION in lines[0][1] and "Chữ ký số hợp lệ" in lines[0][1]
    assert "không hợp lệ: chứng thư số của chữ ký không được cấp để ký văn bản" in lines[1][1]


def test_a_summary_signed_with_a_certificate_not_for_signing_says_so(
    tree, cast, configured, people, client, tmp_path
):
    """An organisation certificate configured by mistake (the web server's) signs, and the
    summary's page says why its signature is not valid."""
    person = people["a web server's"]
    p12 = tmp_path / "web-server.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"web", person.key, person.cert, person.chain, serialization.NoEncryption()
        )
    )
    configured.SIGNING_PKCS12_PATH = str(p12)
    configured.SIGNING_PKCS12_PASSPHRASE = ""
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.QUEUED)
    assert summary_tasks.render(summary.pk) == "done"
    client.force_login(cast["standing"])
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "Chữ ký số không hợp lệ: chứng thư số không được cấp để ký văn bản" in page
    assert "tệp đã bị thay đổi" not in page


def test_an_issued_summary_countersigned_with_a_certificate_not_for_signing_says_so(
    client, tree, cast, configured, people
):
    # The portal's copy is in there, only a signature was added, and that signature is
    # refused for its certificate: the headline names the reason, not "changed".
    content = sign().content
    stored(tree, cast, content)
    page = check(client, cast["standing"], countersign(content, people["a web server's"], "KyTiep"))
    assert 'data-outcome="not_for_signing"' in page and REFUSAL in page
    assert "đã bị thay đổi sau khi ký" not in page
    # A member's fit certificate still reads as countersigned.
    page = check(client, cast["standing"], countersign(content, people["secure e-mail"], "KyTiep"))
    assert 'data-outcome="countersigned"' in page
