"""A Word file changed after signing in the ways a signature's digests alone would not see:
a second signer who edited the text first, a signature whose transform signs an empty shell
of the document, a part or a relationship added beside the signed ones, two zip entries of
one name, a crafted part that breaks the check itself. Each is not "signed and unchanged"
(reports.word_signatures); the signed files come from tests/reports/signed_word.py."""

import datetime
import io
import zipfile

import pytest

from reports import signing
from tests.campaign.upload_files import refusal
from tests.reports import signed_word
from tests.reports.attached import check_url, page_of, plan_with

WHEN = datetime.datetime(2026, 3, 10, 8, 15, 30, tzinfo=datetime.UTC)
LATER = WHEN + datetime.timedelta(days=1)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


@pytest.fixture
def signed(countersigners):
    return signed_word.sign(signed_word.parts(), countersigners["trusted"], WHEN)


def state(content):
    verification = signing.verify_word(content)
    return verification.state, verification.intact


def test_two_signatures_both_over_the_same_text_are_valid(configured, countersigners, signed):
    twice = signed_word.sign(
        signed_word.unpack(signed), countersigners["trusted"], LATER, name="sig2.xml"
    )
    verification = signing.verify_word(twice)
    assert verification.state == signing.VALID and len(verification.signatures) == 2


def test_a_second_signer_who_changed_the_text_leaves_the_first_signature_broken(
    client, tree, cast, campaign, configured, countersigners, signed
):
    contents = signed_word.unpack(signed)
    contents["word/document.xml"] = signed_word.document_xml("Văn bản đã sửa").encode()
    twice = signed_word.sign(contents, countersigners["trusted"], LATER, name="sig2.xml")
    # The later signature, over the new text, is sound; the earlier one is not.
    signatures = signing.verify_word(twice).signatures
    assert sorted(s.state for s in signatures) == [signing.INVALID, signing.VALID]
    assert state(twice) == (signing.INVALID, False)
    plan, attachment = plan_with(
        tree, campaign, cast, twice, name="hai-chu-ky.docx", content_type=DOCX
    )
    assert 'data-outcome="modified"' in page_of(client, cast["cspl"], check_url(plan, attachment))


def test_a_relationship_transform_over_the_document_signs_nothing_of_it(configured, countersigners):
    content = signed_word.sign(
        signed_word.parts(), countersigners["trusted"], WHEN, document_transformed=True
    )
    assert state(content) == (signing.INVALID, False)


def test_a_part_added_beside_the_signed_ones_is_a_change(configured, signed):
    header = f'<w:hdr xmlns:w="{signed_word.W}"><w:p/></w:hdr>'.encode()
    assert state(signed_word.replaced(signed, "word/header9.xml", header)) == (
        signing.INVALID,
        False,
    )


def test_a_template_fetched_from_elsewhere_added_to_signed_relationships_is_a_change(
    configured, signed
):
    rels = signed_word.part(signed, "word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        f'<Relationship Id="rId9" Type="{TEMPLATE}" Target="http://mau.example/t.dotm" '
        'TargetMode="External"/></Relationships>'.encode(),
    )
    assert state(signed_word.replaced(signed, "word/_rels/document.xml.rels", rels)) == (
        signing.INVALID,
        False,
    )


def test_a_second_main_document_is_a_change(configured, signed):
    rels = signed_word.part(signed, "_rels/.rels").replace(
        b'<Relationship Id="rId2"',
        f'<Relationship Id="rId0" Type="{signed_word.OFFICE_DOCUMENT}" '
        'Target="word/document.xml"/><Relationship Id="rId2"'.encode(),
    )
    assert state(signed_word.replaced(signed, "_rels/.rels", rels)) == (signing.INVALID, False)


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the zip is made so on purpose
def test_two_zip_entries_of_one_name_are_unreadable_and_refused_at_upload(configured, signed):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(signed)) as original, zipfile.ZipFile(buffer, "w") as out:
        out.writestr("word/document.xml", signed_word.document_xml("Văn bản khác"))
        for info in original.infolist():
            out.writestr(info, original.read(info))
    assert signing.verify_word(buffer.getvalue()).readable is False
    assert "bị hỏng" in refusal("hai-ban.docx", buffer.getvalue())


def test_a_crafted_relationships_part_is_a_damaged_signature_not_a_500(
    client, tree, cast, campaign, configured, signed
):
    """A relative namespace URI, which canonicalisation refuses: the check fails on it."""
    rels = signed_word.part(signed, "word/_rels/document.xml.rels").replace(
        b"<Relationships ", b'<Relationships xmlns:x="relative/uri" '
    )
    content = signed_word.replaced(signed, "word/_rels/document.xml.rels", rels)
    verification = signing.verify_word(content)
    assert verification.state == signing.INVALID and verification.problem
    plan, attachment = plan_with(tree, campaign, cast, content, name="hong.docx", content_type=DOCX)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="unverifiable"' in page and 'data-reason="damaged"' in page
