"""The demo's Word file signed as Word signs one, so that the demo shows the Word signature
check (reports.word_signatures) as the reviewer meets it.

CĐCS Trung tâm Y tế huyện Châu Thành sent its 2025 annual report as a Word file it signed,
and the officer above it (`cb.chauthanh`), who typed the report in on its behalf, attached
that file to it: the report's page lists it, and "Check the digital signature" beside it
says signed and unchanged since signing, by the demo's test certificate (reports.demo),
which the running demo trusts as it does for the demo's PDFs.

The file is made here: a minimal Word package (a document holding the report's cover text,
its styles and properties, as campaign.file_checks accepts an upload), signed as Word 2010
and later sign (ECMA-376 Part 2): an XML-DSig signature in `_xmlsignatures/sig1.xml`, found
from the package through `_xmlsignatures/origin.sigs`; a manifest of SHA-256 digests over
every part Word signs (not the document properties, nor the signature's own parts), each
relationships part through the relationship transform; the signing time in the package's
SignatureProperties and in XAdES; the certificate and its CA in KeyInfo; the value
RSA-SHA256 over the canonical SignedInfo (C14N 1.0 by lxml), made with the key of the demo's
PKCS#12 file by `cryptography`. Each digest is taken over the element in place, as a
verifier canonicalises it.

The file carries the time the union would have signed it (the day before the report was
sent), not the time the demo was loaded. Loading twice attaches nothing new.
"""

import base64
import copy
import datetime
import hashlib
import io
import zipfile
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import transaction
from lxml import etree

from campaign.demo import TEST_SIGNER
from campaign.models import WORD_CONTENT_TYPE, AnnualReport, Attachment, Step
from reports import demo

# The report the file is attached to: (unit code, year).
REPORT = ("BT-CT-02", 2025)
FILE_NAME = "bao-cao-nam-2025-cdcs-ttyt-chau-thanh.docx"
# The union signed its report the afternoon before it was sent; the officer attached the
# file just before sending the report.
SIGNED_BEFORE = datetime.timedelta(hours=17)
ATTACHED_BEFORE = datetime.timedelta(minutes=10)

DS = "http://www.w3.org/2000/09/xmldsig#"
MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
OFFICE = "http://schemas.microsoft.com/office/2006/digsig"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RELATIONSHIP_TRANSFORM = "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
RELATIONSHIP = "http://schemas.openxmlformats.org/package/2006/relationships/"
OFFICE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

# The package's fixed parts.
DOCUMENT_RELS = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
    f'Type="{OFFICE_RELATIONSHIP}styles" Target="styles.xml"/></Relationships>'
)
PACKAGE_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE_RELATIONSHIP}officeDocument" '
    'Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIP}metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{RELATIONSHIP}digital-signature/origin" '
    'Target="_xmlsignatures/origin.sigs"/></Relationships>'
)
STYLES = f'<w:styles xmlns:w="{W}"/>'
CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
    "</cp:coreProperties>"
)
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml"
# What Word leaves out of a signature: the document properties and the signature's parts.
UNSIGNED = ("docProps/", "_xmlsignatures/")
UNSIGNED_RELATIONSHIPS = ("metadata/core-properties", "digital-signature/origin")


def signed_word_file(paragraphs: list[str], when: datetime.datetime) -> bytes:
    """A Word file whose document holds `paragraphs`, signed at `when` with the demo's
    test certificate."""
    body = "".join(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in paragraphs)
    parts = [
        ("_rels/.rels", RELS_TYPE, PACKAGE_RELS),
        (
            "word/document.xml",
            f"{WORD}.document.main+xml",
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        ),
        ("word/_rels/document.xml.rels", RELS_TYPE, DOCUMENT_RELS),
        ("word/styles.xml", f"{WORD}.styles+xml", STYLES),
        (
            "docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml",
            CORE.format(title=escape(paragraphs[0])),
        ),
    ]
    parts = [(name, kind, _xml(text)) for name, kind, text in parts]
    signature = _signature(parts, when)
    signature_type = "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"
    origin_rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{RELATIONSHIP}digital-signature/signature" Target="sig1.xml"/></Relationships>'
    )
    parts += [
        (
            "_xmlsignatures/origin.sigs",
            "application/vnd.openxmlformats-package.digital-signature-origin",
            b"",
        ),
        ("_xmlsignatures/_rels/origin.sigs.rels", RELS_TYPE, _xml(origin_rels)),
        ("_xmlsignatures/sig1.xml", signature_type, signature),
    ]
    types = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>'
        for name, kind, _data in parts
        if kind != RELS_TYPE
    )
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{RELS_TYPE}"/>{types}</Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        # The content types first, as Word writes them (and as libmagic looks for them).
        package.writestr("[Content_Types].xml", _xml(content_types))
        for name, _kind, data in parts:
            package.writestr(name, data)
    return buffer.getvalue()


def _xml(text: str) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text.encode()


def _signature(parts, when) -> bytes:
    """The signature part over `parts`, made as Word makes it."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert, chain = pkcs12.load_key_and_certificates(
        demo.demo_certificate().read_bytes(), demo.CERTIFICATE_PASSPHRASE.encode()
    )
    stamp = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = etree.Element(f"{{{DS}}}Signature", Id="idPackageSignature", nsmap={None: DS})
    signed_info = _add(signature, "SignedInfo")
    _add(signed_info, "CanonicalizationMethod", Algorithm=C14N)
    _add(signed_info, "SignatureMethod", Algorithm=RSA_SHA256)
    value = _add(signature, "SignatureValue")
    x509_data = _add(_add(signature, "KeyInfo"), "X509Data")
    for each in [cert, *chain]:
        _add(x509_data, "X509Certificate", _b64(each.public_bytes(serialization.Encoding.DER)))

    # The package: every part Word signs, by its digest; then the signing time.
    package_object = _add(signature, "Object", Id="idPackageObject")
    manifest = _add(package_object, "Manifest")
    for name, kind, data in parts:
        if name.startswith(UNSIGNED):
            continue
        reference = _add(manifest, "Reference", URI=f"/{name}?ContentType={kind}")
        if kind == RELS_TYPE:
            transforms = _add(reference, "Transforms")
            relationships = _add(transforms, "Transform", Algorithm=RELATIONSHIP_TRANSFORM)
            kept = _signed_relationships(data)
            for identifier in kept:
                etree.SubElement(
                    relationships,
                    f"{{{MDSSI}}}RelationshipReference",
                    SourceId=identifier,
                    nsmap={"mdssi": MDSSI},
                )
            _add(transforms, "Transform", Algorithm=C14N)
            data = _transformed(data, kept)
        _digested(reference, data)
    time = etree.SubElement(
        _add(
            _add(package_object, "SignatureProperties"),
            "SignatureProperty",
            Id="idSignatureTime",
            Target="#idPackageSignature",
        ),
        f"{{{MDSSI}}}SignatureTime",
        nsmap={"mdssi": MDSSI},
    )
    etree.SubElement(time, f"{{{MDSSI}}}Format").text = "YYYY-MM-DDThh:mm:ssTZD"
    etree.SubElement(time, f"{{{MDSSI}}}Value").text = stamp

    # Office's own details, and the XAdES properties Word 2010 and later add.
    office_object = _add(signature, "Object", Id="idOfficeObject")
    info = etree.SubElement(
        _add(
            _add(office_object, "SignatureProperties"),
            "SignatureProperty",
            Id="idOfficeV1Details",
            Target="#idPackageSignature",
        ),
        f"{{{OFFICE}}}SignatureInfoV1",
        nsmap={None: OFFICE},
    )
    etree.SubElement(info, f"{{{OFFICE}}}SignatureComments").text = "Báo cáo kết quả năm"
    etree.SubElement(info, f"{{{OFFICE}}}SignatureType").text = "1"
    qualifying = etree.SubElement(
        _add(signature, "Object"),
        f"{{{XADES}}}QualifyingProperties",
        Target="#idPackageSignature",
        nsmap={"xd": XADES},
    )
    properties = _xades(qualifying, "SignedProperties", Id="idSignedProperties")
    signature_properties = _xades(properties, "SignedSignatureProperties")
    _xades(signature_properties, "SigningTime").text = stamp
    signed_cert = _xades(_xades(signature_properties, "SigningCertificate"), "Cert")
    digest = _xades(signed_cert, "CertDigest")
    _add(digest, "DigestMethod", Algorithm=SHA256)
    _add(digest, "DigestValue", _b64(cert.fingerprint(hashes.SHA256())))
    serial = _xades(signed_cert, "IssuerSerial")
    _add(serial, "X509IssuerName", cert.issuer.rfc4514_string())
    _add(serial, "X509SerialNumber", str(cert.serial_number))

    # SignedInfo signs the three objects, each canonicalised where it stands.
    for element, kind in [
        (package_object, f"{DS}Object"),
        (office_object, f"{DS}Object"),
        (properties, "http://uri.etsi.org/01903#SignedProperties"),
    ]:
        reference = _add(signed_info, "Reference", Type=kind, URI=f"#{element.get('Id')}")
        if element is properties:
            _add(_add(reference, "Transforms"), "Transform", Algorithm=C14N)
        _digested(reference, _canonical(element))
    value.text = _b64(key.sign(_canonical(signed_info), padding.PKCS1v15(), hashes.SHA256()))
    return etree.tostring(signature, xml_declaration=True, encoding="UTF-8", standalone=True)


def _signed_relationships(rels: bytes) -> list[str]:
    """The Ids of the relationships of a relationships part that Word signs: all but
    those to the parts it leaves out."""
    return [
        each.get("Id")
        for each in etree.fromstring(rels)
        if not each.get("Type").endswith(UNSIGNED_RELATIONSHIPS)
    ]


def _transformed(rels: bytes, kept: list[str]) -> bytes:
    """The relationship transform's output, canonical: the relationships `kept`, ordered by
    Id, each with its TargetMode."""
    out = etree.Element(f"{{{RELS}}}Relationships", nsmap={None: RELS})
    for each in sorted(etree.fromstring(rels), key=lambda each: each.get("Id")):
        if each.get("Id") in kept:
            etree.SubElement(out, f"{{{RELS}}}Relationship", dict(each.attrib)).set(
                "TargetMode", each.get("TargetMode", "Internal")
            )
    return _canonical(out)


def _digested(reference, octets: bytes) -> None:
    _add(reference, "DigestMethod", Algorithm=SHA256)
    _add(reference, "DigestValue", _b64(hashlib.sha256(octets).digest()))


def _add(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, f"{{{DS}}}{tag}", attributes)
    element.text = text
    return element


def _xades(parent, tag, **attributes):
    return etree.SubElement(parent, f"{{{XADES}}}{tag}", attributes)


def _canonical(element) -> bytes:
    """C14N 1.0 of `element` where it stands: every namespace in scope declared on it. On a
    copy that declares them, as lxml writes a stray `xmlns=""` on the children of an element
    canonicalised inside its tree."""
    alone = etree.Element(element.tag, dict(element.attrib), nsmap=element.nsmap)
    alone.text = element.text
    alone.extend(copy.deepcopy(child) for child in element)
    return etree.tostring(alone, method="c14n", exclusive=False, with_comments=False)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- the demo's attachment ------------------------------------------------------------------
@transaction.atomic
def load_demo_word_file(campaign_slug: str = "cchc-2015") -> Attachment:
    """Attach the signed Word file to the report REPORT (once); returns the attachment."""
    code, year = REPORT
    report = AnnualReport.objects.select_related("unit").get(
        campaign__slug=campaign_slug, unit__code=code, year=year
    )
    attachment = report.attachments.filter(original_name=FILE_NAME).first()
    if attachment is not None:
        return attachment
    sent = report.steps.filter(action=Step.Action.SUBMIT).order_by("at").first()
    content = signed_word_file(_cover(report), sent.at - SIGNED_BEFORE)
    # The fields an upload fills (campaign.uploads.AttachmentForm.save).
    attachment = Attachment.objects.create(
        report=report,
        file=ContentFile(content, name="upload.docx"),
        original_name=FILE_NAME,
        content_type=WORD_CONTENT_TYPE,
        size=len(content),
        uploaded_by=sent.actor,
        uploaded_at=sent.at - ATTACHED_BEFORE,
    )
    # Attached before the report was sent: its steps' snapshots name the file, as the
    # portal's would have.
    names = report.snapshot()["fields"]["attachments"]
    for step in report.steps.all():
        step.snapshot["fields"]["attachments"] = names
        Step.objects.filter(pk=step.pk).update(snapshot=step.snapshot)
    return attachment


def _cover(report) -> list[str]:
    """The report's cover text, as the union wrote it: who reports, on what, its results,
    and its signing block (under the test signer's name: the demo names no person)."""
    lines = [
        report.unit.name.upper(),
        "BÁO CÁO",
        f"Kết quả tuyên truyền cải cách hành chính năm {report.year}",
        report.results,
        report.signer_block,
        report.signer_title.upper(),
        report.signer_name or TEST_SIGNER,
    ]
    return [line for line in lines if line]
