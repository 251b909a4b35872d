"""A Word file signed as Word signs one (ECMA-376 Part 2: XML-DSig in `_xmlsignatures/`),
made here without the portal's code: every digest is taken over the canonical bytes written
out by hand below (C14N 1.0 of what this module itself writes: attributes in order, no
empty-element tags, the namespace declared where canonicalisation puts it), and the
relationship transform's output is written out the same way. Used by
test_word_signatures.py."""

import base64
import datetime
import hashlib
import io
import zipfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

DS = "http://www.w3.org/2000/09/xmldsig#"
MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
ORIGIN = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"
SIGNATURE = (
    "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"
)
STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{RELS_TYPE}"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="sigs" ContentType="application/vnd.openxmlformats-package.'
    'digital-signature-origin"/>'
    f'<Override PartName="/word/document.xml" ContentType="{MAIN}"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{STYLES_TYPE}"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/_xmlsignatures/sig1.xml" ContentType="application/vnd.'
    'openxmlformats-package.digital-signature-xmlsignature+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId2" Type="{CORE}" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="word/document.xml"/>'
    f'<Relationship Id="rId3" Type="{ORIGIN}" Target="_xmlsignatures/origin.sigs"/>'
    "</Relationships>"
)
# The relationship transform keeps rId1 alone, adds its TargetMode; C14N sorts attributes.
PACKAGE_RELS_SIGNED = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Target="word/document.xml" '
    f'TargetMode="Internal" Type="{OFFICE_DOCUMENT}"></Relationship></Relationships>'
)
DOCUMENT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{RELS}">\n  '
    f'<Relationship Id="rId1" Type="{STYLES}" Target="styles.xml"/>\n</Relationships>'
)
DOCUMENT_RELS_SIGNED = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Target="styles.xml" '
    f'TargetMode="Internal" Type="{STYLES}"></Relationship></Relationships>'
)
STYLES_XML = f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W}"/>'
CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
    'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
    'elements/1.1/"><dc:creator>Văn phòng</dc:creator></cp:coreProperties>'
)


def document_xml(text: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p><w:r>'
        f"<w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def parts(text: str = "Kế hoạch triển khai tuyên truyền CCHC năm 2026") -> dict[str, bytes]:
    """An unsigned Word package: its parts by name."""
    return {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": PACKAGE_RELS.encode(),
        "word/document.xml": document_xml(text).encode(),
        "word/_rels/document.xml.rels": DOCUMENT_RELS.encode(),
        "word/styles.xml": STYLES_XML.encode(),
        "docProps/core.xml": CORE_XML.encode(),
    }


def package(contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _sha256(data: bytes | str) -> str:
    return _b64(hashlib.sha256(data.encode() if isinstance(data, str) else data).digest())


def _reference(uri: str, digest: str, transforms: str = "", kind: str = "") -> str:
    type_attribute = f' Type="{kind}"' if kind else ""
    return (
        f'<Reference{type_attribute} URI="{uri}">{transforms}'
        '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod>'
        f"<DigestValue>{digest}</DigestValue></Reference>"
    )


def _rels_reference(uri: str, source_id: str, digest: str) -> str:
    transforms = (
        '<Transforms><Transform Algorithm="http://schemas.openxmlformats.org/package/2006/'
        f'RelationshipTransform"><mdssi:RelationshipReference xmlns:mdssi="{MDSSI}" '
        f'SourceId="{source_id}"></mdssi:RelationshipReference></Transform>'
        f'<Transform Algorithm="{C14N}"></Transform></Transforms>'
    )
    return _reference(uri, digest, transforms)


def sign(
    contents: dict[str, bytes],
    person,
    when: datetime.datetime,
    *,
    cover_document: bool = True,
    document_transformed: bool = False,
    name: str = "sig1.xml",
) -> bytes:
    """`contents` signed by `person` (tests.reports.signed_pdfs.Countersigner) at `when`,
    as Word signs: the manifest covers the document, its styles and both relationship
    parts through the relationship transform (leaving out the document properties), then
    the signature's own properties. `cover_document=False` leaves the main document out of
    the manifest (a signature over the styles alone); `document_transformed` signs it
    through the relationship transform (which keeps nothing of a document: an empty shell).
    `name` is the signature part: a second signature is added beside those in `contents`
    (a package signed already, as `unpack` gives it)."""
    stamp = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = "".join(
        [
            (
                _rels_reference(
                    f"/word/document.xml?ContentType={MAIN}",
                    "rId1",
                    _sha256(f'<w:document xmlns:w="{W}"></w:document>'),
                )
                if document_transformed
                else _reference(
                    f"/word/document.xml?ContentType={MAIN}",
                    _sha256(contents["word/document.xml"]),
                )
            )
            if cover_document
            else "",
            _reference(
                f"/word/styles.xml?ContentType={STYLES_TYPE}", _sha256(contents["word/styles.xml"])
            ),
            _rels_reference(
                f"/_rels/.rels?ContentType={RELS_TYPE}", "rId1", _sha256(PACKAGE_RELS_SIGNED)
            ),
            _rels_reference(
                f"/word/_rels/document.xml.rels?ContentType={RELS_TYPE}",
                "rId1",
                _sha256(DOCUMENT_RELS_SIGNED),
            ),
        ]
    )
    # Each object as C14N writes it out of the signature: the namespaces in scope declared
    # on it (the signature's own, and mdssi where it is declared).
    package_object = (
        f'<Object xmlns="{DS}" Id="idPackageObject"><Manifest>{manifest}</Manifest>'
        '<SignatureProperties><SignatureProperty Id="idSignatureTime" '
        f'Target="#idPackageSignature"><mdssi:SignatureTime xmlns:mdssi="{MDSSI}">'
        "<mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format>"
        f"<mdssi:Value>{stamp}</mdssi:Value></mdssi:SignatureTime></SignatureProperty>"
        "</SignatureProperties></Object>"
    )
    office_object = (
        f'<Object xmlns="{DS}" Id="idOfficeObject"><SignatureProperties><SignatureProperty '
        'Id="idOfficeV1Details" Target="#idPackageSignature"><SignatureInfoV1 '
        'xmlns="http://schemas.microsoft.com/office/2006/digsig"><SignatureComments>'
        "Phê duyệt kế hoạch</SignatureComments><SignatureType>1</SignatureType>"
        "</SignatureInfoV1></SignatureProperty></SignatureProperties></Object>"
    )
    cert_digest = _b64(person.cert.fingerprint(hashes.SHA256()))
    signed_properties = (
        f'<xd:SignedProperties xmlns="{DS}" xmlns:xd="{XADES}" Id="idSignedProperties">'
        f"<xd:SignedSignatureProperties><xd:SigningTime>{stamp}</xd:SigningTime>"
        "<xd:SigningCertificate><xd:Cert><xd:CertDigest>"
        '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod>'
        f"<DigestValue>{cert_digest}</DigestValue></xd:CertDigest></xd:Cert>"
        "</xd:SigningCertificate></xd:SignedSignatureProperties></xd:SignedProperties>"
    )
    signed_info = (
        f'<SignedInfo xmlns="{DS}"><CanonicalizationMethod Algorithm="{C14N}">'
        "</CanonicalizationMethod><SignatureMethod "
        'Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></SignatureMethod>'
        + _reference("#idPackageObject", _sha256(package_object), kind=f"{DS}Object")
        + _reference("#idOfficeObject", _sha256(office_object), kind=f"{DS}Object")
        + _reference(
            "#idSignedProperties",
            _sha256(signed_properties),
            f'<Transforms><Transform Algorithm="{C14N}"></Transform></Transforms>',
            "http://uri.etsi.org/01903#SignedProperties",
        )
        + "</SignedInfo>"
    )
    value = person.key.sign(signed_info.encode(), padding.PKCS1v15(), hashes.SHA256())
    certificates = "".join(
        f"<X509Certificate>{_b64(cert.public_bytes(serialization.Encoding.DER))}</X509Certificate>"
        for cert in [person.cert, *person.chain]
    )
    signature = (
        f'<?xml version="1.0" encoding="UTF-8"?><Signature xmlns="{DS}" '
        f'Id="idPackageSignature">{signed_info}<SignatureValue>{_b64(value)}</SignatureValue>'
        f"<KeyInfo><X509Data>{certificates}</X509Data></KeyInfo>{package_object}"
        f'{office_object}<Object><xd:QualifyingProperties xmlns:xd="{XADES}" '
        f'Target="#idPackageSignature">{signed_properties}</xd:QualifyingProperties>'
        "</Object></Signature>"
    )
    signatures = sorted(
        {part.rsplit("/", 1)[1] for part in contents if part.startswith("_xmlsignatures/sig")}
        | {name}
    )
    origin_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{SIGNATURE}" Target="{each}"/>'
            for n, each in enumerate(signatures, 1)
        )
        + "</Relationships>"
    )
    return package(
        {
            **contents,
            "_xmlsignatures/origin.sigs": b"",
            "_xmlsignatures/_rels/origin.sigs.rels": origin_rels.encode(),
            f"_xmlsignatures/{name}": signature.encode(),
        }
    )


def unpack(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def replaced(content: bytes, name: str, data: bytes) -> bytes:
    """The package `content` with its part `name` replaced by `data`, the rest as it was."""
    return package({**unpack(content), name: data})


def part(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)
