"""A plan signed digitally in Word (ký số, as the VGCA tools sign a .docx) keeps its
signature parts: the upload is the signed document itself, and saving it again "without
macros" to get past the check would drop the signature it is uploaded for."""

from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import uploads
from tests.campaign.upload_files import refusal, word

SIGNATURE = (
    '<?xml version="1.0" encoding="UTF-8"?><Signature xmlns="http://www.w3.org/2000/09/'
    'xmldsig#" Id="idPackageSignature"><SignedInfo/><SignatureValue>AAAA</SignatureValue>'
    "</Signature>"
)
ORIGIN_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature" '
    'Target="sig1.xml"/></Relationships>'
)


def signed_word():
    return word(
        ("_rels/.rels", "<Relationships xmlns='x'/>"),
        ("_xmlsignatures/origin.sigs", b""),
        ("_xmlsignatures/_rels/origin.sigs.rels", ORIGIN_RELS),
        ("_xmlsignatures/sig1.xml", SIGNATURE),
    )


def test_a_word_document_signed_digitally_is_accepted():
    upload = SimpleUploadedFile("Kế hoạch đã ký số.docx", signed_word())
    assert uploads.validate_upload(upload) == uploads.DOCX


def test_other_parts_beside_a_signature_are_still_refused():
    probe = word(("_xmlsignatures/sig1.xml", SIGNATURE), ("_xmlsignatures/run.exe", b"MZ"))
    assert "_xmlsignatures/run.exe" in refusal("kh.docx", probe)
