"""The digital signature of a Word file attached to a plan or a report, as Word signs it
with an office's token (reports.word_signatures, through reports.attachment_check): signed
and unchanged, by whom and when; changed after signing; a signature that covers something
else than the document; one whose value does not verify; damaged; not signed. The signed
files are made by tests/reports/signed_word.py, which computes every digest itself."""

import datetime

import pytest
from django.urls import reverse

from reports import signing
from tests.reports import signed_word
from tests.reports.attached import attach, check_url, page_of, plan_with

WHEN = datetime.datetime(2026, 3, 10, 8, 15, 30, tzinfo=datetime.UTC)  # 15:15:30 in Hà Nội
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def member(countersigners):
    """A Standing Committee member's token, issued by the root the portal trusts."""
    return countersigners["trusted"]


def word_plan(tree, campaign, cast, content):
    return plan_with(tree, campaign, cast, content, name="ke-hoach-ky-so.docx", content_type=DOCX)


def test_a_word_file_signed_in_word_is_signed_unchanged_by_its_signer_then(
    client, tree, cast, campaign, configured, member
):
    content = signed_word.sign(signed_word.parts(), member, WHEN)
    verification = signing.verify_word(content)
    assert verification.state == signing.VALID
    assert (verification.intact, verification.valid, verification.trusted) == (True, True, True)
    assert verification.signer == "Nguyễn Văn An"
    assert verification.signed_at == WHEN
    plan, attachment = word_plan(tree, campaign, cast, content)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="signed"' in page and 'data-trusted="yes"' in page
    assert "Nguyễn Văn An" in page
    assert "15:15:30 10/03/2026" in page  # the signer's time, in the portal's time zone


def test_changing_the_documents_text_after_signing_is_a_change_after_signing(
    client, tree, cast, campaign, configured, member
):
    signed = signed_word.sign(signed_word.parts(), member, WHEN)
    changed = signed_word.replaced(
        signed, "word/document.xml", signed_word.document_xml("Kế hoạch đã sửa").encode()
    )
    assert signing.verify_word(changed).state == signing.INVALID
    plan, attachment = word_plan(tree, campaign, cast, changed)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="modified"' in page


def test_a_part_given_another_content_type_after_signing_is_a_change(configured, member):
    signed = signed_word.sign(signed_word.parts(), member, WHEN)
    types = signed_word.part(signed, "[Content_Types].xml").replace(
        b'PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.styles+xml"',
        b'PartName="/word/styles.xml" ContentType="application/xml"',
    )
    assert types != signed_word.part(signed, "[Content_Types].xml")
    verification = signing.verify_word(signed_word.replaced(signed, "[Content_Types].xml", types))
    assert verification.state == signing.INVALID and not verification.intact


def test_the_document_properties_are_outside_the_signature_as_in_word(configured, member):
    """Word leaves docProps/ out: the author's name changed signs nothing away."""
    signed = signed_word.sign(signed_word.parts(), member, WHEN)
    core = signed_word.part(signed, "docProps/core.xml").replace(
        "Văn phòng".encode(), "Người khác".encode()
    )
    verification = signing.verify_word(signed_word.replaced(signed, "docProps/core.xml", core))
    assert verification.state == signing.VALID


def test_a_signature_that_leaves_the_document_out_does_not_sign_it(configured, member):
    content = signed_word.sign(signed_word.parts(), member, WHEN, cover_document=False)
    verification = signing.verify_word(content)
    assert verification.valid  # the signature's own value verifies
    assert verification.state == signing.INVALID and not verification.intact


def test_a_signature_value_that_does_not_verify_cannot_confirm_the_signer(
    client, tree, cast, campaign, configured, member
):
    signed = signed_word.sign(signed_word.parts(), member, WHEN)
    xml = signed_word.part(signed, "_xmlsignatures/sig1.xml")
    start = xml.index(b"<SignatureValue>") + len(b"<SignatureValue>")
    flipped = xml[:start] + (b"B" if xml[start : start + 1] == b"A" else b"A") + xml[start + 1 :]
    content = signed_word.replaced(signed, "_xmlsignatures/sig1.xml", flipped)
    verification = signing.verify_word(content)
    assert (verification.intact, verification.valid) == (True, False)
    plan, attachment = word_plan(tree, campaign, cast, content)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="unverifiable"' in page and 'data-reason="mismatch"' in page


def test_a_certificate_the_portal_does_not_trust_signs_unchanged_but_unconfirmed(
    configured, countersigners
):
    content = signed_word.sign(signed_word.parts(), countersigners["self_signed"], WHEN)
    verification = signing.verify_word(content)
    assert verification.state == signing.UNTRUSTED
    assert verification.intact and verification.valid and not verification.trusted


def test_a_damaged_signature_part_is_said_damaged_not_a_500(
    client, tree, cast, campaign, configured, member
):
    signed = signed_word.sign(signed_word.parts(), member, WHEN)
    content = signed_word.replaced(signed, "_xmlsignatures/sig1.xml", b"<Signature><Signed")
    plan, attachment = word_plan(tree, campaign, cast, content)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="unverifiable"' in page and 'data-reason="damaged"' in page


def test_an_unsigned_word_file_says_how_word_signs_one(client, tree, cast, campaign, configured):
    content = signed_word.package(signed_word.parts())
    assert signing.verify_word(content).state == signing.UNSIGNED
    plan, attachment = word_plan(tree, campaign, cast, content)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="unsigned"' in page
    assert "Tệp Word được ký số ngay trong Word" in page


def test_the_plans_page_links_a_word_file_to_its_check(
    client, tree, cast, campaign, configured, member
):
    content = signed_word.sign(signed_word.parts(), member, WHEN)
    plan, attachment = word_plan(tree, campaign, cast, content)
    other = attach(plan, b"x", user=cast["officer_a1"], name="a.txt", content_type="text/plain")
    page = page_of(client, cast["cspl"], reverse("campaign:plan_detail", args=[plan.pk]))
    assert check_url(plan, attachment) in page
    assert check_url(plan, other) not in page


def test_a_time_stated_outside_what_was_signed_is_not_the_signers(configured, member):
    """An Object added beside the signed ones, stating another time first, is not read."""
    signed = signed_word.sign(signed_word.parts(), member, WHEN)
    xml = signed_word.part(signed, "_xmlsignatures/sig1.xml")
    forged = (
        f'<Object><mdssi:SignatureTime xmlns:mdssi="{signed_word.MDSSI}"><mdssi:Value>'
        "2020-01-01T00:00:00Z</mdssi:Value></mdssi:SignatureTime></Object>"
    ).encode()
    at = xml.index(b"<Object")
    content = signed_word.replaced(signed, "_xmlsignatures/sig1.xml", xml[:at] + forged + xml[at:])
    verification = signing.verify_word(content)
    assert verification.state == signing.VALID  # nothing signed was changed
    assert verification.signed_at == WHEN
