"""The digital signature of a Word file (DOCX) a unit attached: Office's own package
signature (ECMA-376 Part 2, "Digital Signatures": XML-DSig in the package's
`_xmlsignatures/` parts), as Word writes it when an officer signs with the office's USB
token. Checked offline, read-only, with the same answer as a PDF's (`reports.signing`).

What a signature covers, and so what "unchanged since signing" means here: the parts its
manifest lists, each by its digest (a relationships part through the relationship
transform: only the relationships it names, so that adding a signature later does not
break an earlier one), the signature's own properties (its time, the XAdES properties),
and the content type each part had. Word leaves the document properties (`docProps/`),
the custom XML data (`customXml/`) and the relationships to them outside, as every Office
signature does: changing the author changes no signed content.

Digests alone do not see what is added beside the signed parts, so a signature is intact
only when, besides every digest matching: every other part of the package is one Word
leaves outside (a part added after signing, a header or a template's settings, is a
change); every relationship a signed relationships part holds is one the transform kept or
one Word leaves outside (a template fetched from elsewhere is a change), with unique Ids;
the relationship transform stands only on relationships parts (on the document it would
sign an empty shell of it); the package names exactly one main document, and the signature
covers it. A package with two zip entries of one name is unreadable: readers differ on
which one they open. Word's signatures stand side by side over the whole package, so the
file's answer is its worst signature's.

A signature is valid when every digest matches and its value verifies with the public key
of the certificate it carries; trusted when that certificate leads to a trust root the
portal knows (SIGNING_TRUST_ROOTS, or the organisation's own chain), validated now (a
time the signer states proves nothing without a time-stamp, as for a PDF). A certificate
whose key usage or extended key usage is not for signing documents (one of a web server,
or for encryption only) makes it invalid, by the rule a PDF's signature has
(`signing.for_signing`). SHA-1 digests are accepted, as Office 2007–2013 wrote them.

There is no well-kept Python library for this (signxml does not know the package's
relationship transform): lxml canonicalises, `cryptography` checks the value and
pyhanko-certvalidator the certificate, as for PDFs.
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime
import hashlib
import io
import logging
import posixpath
import urllib.parse
import zipfile

from django.utils import timezone
from lxml import etree

from reports import signing

log = logging.getLogger(__name__)

DS = "http://www.w3.org/2000/09/xmldsig#"
XML = "http://www.w3.org/XML/1998/namespace"
MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
ORIGIN = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"
SIGNATURE = (
    "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"
)
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
RELATIONSHIP_TRANSFORM = "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"

C14N = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": (False, False),
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": (False, True),
    "http://www.w3.org/2001/10/xml-exc-c14n#": (True, False),
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (True, True),
}
DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
SIGNATURE_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": ("rsa", "sha1"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("rsa", "sha256"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("rsa", "sha384"),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("rsa", "sha512"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": ("ecdsa", "sha256"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": ("ecdsa", "sha384"),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": ("ecdsa", "sha512"),
}
# What Word leaves out of every signature, and so may change after signing without
# changing the document: its properties (author, dates, thumbnail), the custom XML data
# parts, and the signatures themselves. The relationships to them, by their type's last
# segment; the parts, by their folder.
UNSIGNED_RELATIONSHIPS = {
    "core-properties",
    "extended-properties",
    "custom-properties",
    "thumbnail",
    "origin",
    "customXml",
}
UNSIGNED_FOLDERS = ("docProps/", "customXml/", "_xmlsignatures/")
# At most this many signatures are read: an office signs a document once or twice.
MAX_SIGNATURES = 10
# The parts an Office package signature is read from, at most: a file whose signatures or
# relationships are larger is not one Word wrote.
MAX_XML_BYTES = 2 * 1024 * 1024


class Unreadable(Exception):
    """The signature's structure cannot be read (damaged, or not what Word writes)."""


def _parser():
    # No entities, no network, no huge trees: the parts come from an uploaded file.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _xml(package: zipfile.ZipFile, name: str):
    try:
        info = package.getinfo(name)
    except KeyError as error:
        raise Unreadable(f"missing part {name}") from error
    if info.file_size > MAX_XML_BYTES:
        raise Unreadable(f"part {name} too large")
    return _parse(package.read(info), name)


def _parse(data: bytes, name: str):
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise Unreadable(f"part {name} is not well-formed XML") from error


def _rels_name(part: str) -> str:
    """The relationships part of `part` ("" for the package itself)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(package, part: str) -> list:
    name = _rels_name(part)
    if name not in package.namelist():
        return []
    return _xml(package, name).findall(f"{{{RELATIONSHIPS}}}Relationship")


def _target(source_part: str, relationship) -> str:
    """The part name (no leading slash) a relationship of `source_part` points to."""
    target = urllib.parse.unquote(relationship.get("Target", ""))
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target)).lstrip("/")


def signature_parts(package: zipfile.ZipFile) -> list[str]:
    """The package's signature parts, as its origin part's relationships list them."""
    parts = []
    for origin in _relationships(package, ""):
        if origin.get("Type") != ORIGIN:
            continue
        origin_part = _target("", origin)
        for relationship in _relationships(package, origin_part):
            if relationship.get("Type") == SIGNATURE:
                parts.append(_target(origin_part, relationship))
    return parts


def _canonical(element, algorithm: str) -> bytes:
    if algorithm not in C14N:
        raise Unreadable(f"canonicalisation {algorithm}")
    exclusive, comments = C14N[algorithm]
    if element.getparent() is not None:
        element = _apex(element, inherit_xml_attributes=not exclusive)
    return etree.tostring(element, method="c14n", exclusive=exclusive, with_comments=comments)


def _apex(element, *, inherit_xml_attributes: bool):
    """`element` as a tree of its own, as inclusive canonicalisation sees a document subset:
    every namespace in scope declared on it, and the xml: attributes it inherits. (lxml
    canonicalises an element inside its tree with a wrong `xmlns=""` on its children, and a
    plain copy drops the namespaces in scope it does not use.)"""
    apex = etree.Element(element.tag, nsmap=element.nsmap)
    # Inclusive canonicalisation carries xml:lang and xml:space down; exclusive does not.
    for ancestor in element.iterancestors() if inherit_xml_attributes else ():
        for name, value in ancestor.attrib.items():
            if name.startswith(f"{{{XML}}}") and name not in apex.attrib:
                apex.set(name, value)
    for name, value in element.attrib.items():
        apex.set(name, value)
    apex.text = element.text
    for child in element:
        apex.append(copy.deepcopy(child))
    return apex


def _digest(reference) -> tuple[str, bytes]:
    method = reference.find(f"{{{DS}}}DigestMethod")
    value = reference.findtext(f"{{{DS}}}DigestValue") or ""
    algorithm = DIGESTS.get(method.get("Algorithm", "") if method is not None else "")
    if algorithm is None:
        raise Unreadable("unknown digest method")
    try:
        return algorithm, base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError) as error:
        raise Unreadable("damaged digest value") from error


def _transforms(reference) -> list:
    return reference.findall(f"{{{DS}}}Transforms/{{{DS}}}Transform")


def _relationship_transform(rels_xml: bytes, transform) -> tuple[object, bool]:
    """(the relationships part as the transform keeps it: only the relationships it names
    by SourceId or SourceType, ordered by Id, each with its TargetMode; whether the part
    holds nothing else that counts). A relationship the transform leaves out must be one
    Word leaves out of every signature (UNSIGNED_RELATIONSHIPS): another one (a template
    fetched from elsewhere, a second main document) was added after signing. Ids must be
    unique: with two alike, a reader and this check could follow different ones."""
    ids = {each.get("SourceId") for each in transform.findall(f"{{{MDSSI}}}RelationshipReference")}
    types = {
        each.get("SourceType")
        for each in transform.findall(f"{{{MDSSI}}}RelationshipsGroupReference")
    }
    root = _parse(rels_xml, "relationships")
    kept, seen, sound = {}, set(), True
    for child in list(root):
        root.remove(child)
        if child.tag != f"{{{RELATIONSHIPS}}}Relationship":
            continue
        identifier, kind = child.get("Id") or "", child.get("Type") or ""
        sound &= bool(identifier) and identifier not in seen
        seen.add(identifier)
        if identifier in ids or kind in types:
            child.tail = None
            if not child.get("TargetMode"):
                child.set("TargetMode", "Internal")
            kept[identifier] = child
        else:
            sound &= kind.rsplit("/", 1)[-1] in UNSIGNED_RELATIONSHIPS
    root.text = None
    for key in sorted(kept):
        root.append(kept[key])
    return root, sound


def _part_digest_matches(package, reference, content_types) -> tuple[bool, str]:
    """(digest matches, part name) for one reference of the signature's manifest."""
    uri = reference.get("URI", "")
    path, _, query = uri.partition("?")
    name = urllib.parse.unquote(path).lstrip("/")
    if name not in package.namelist():
        return False, name
    # Not parse_qs: a content type's "+xml" is a plus sign, not a space.
    fields = dict(pair.partition("=")[::2] for pair in query.split("&") if pair)
    declared = urllib.parse.unquote(fields.get("ContentType", ""))
    if declared and content_types(name) != declared:
        return False, name  # the part was given another content type since signing
    data = package.read(name)
    algorithm, expected = _digest(reference)
    transforms = _transforms(reference)
    if not transforms:
        octets = data
    else:
        node = None
        octets = None
        for transform in transforms:
            kind = transform.get("Algorithm", "")
            if kind == RELATIONSHIP_TRANSFORM:
                if not name.endswith(".rels"):
                    # On any other part it would sign an empty shell of it: its text could
                    # then change at will.
                    return False, name
                node, sound = _relationship_transform(data, transform)
                if not sound:
                    return False, name
            elif kind in C14N:
                node = node if node is not None else _parse(data, name)
                octets = _canonical(node, kind)
            else:
                raise Unreadable(f"transform {kind}")
        if octets is None:
            raise Unreadable("transforms end without canonicalisation")
    return hashlib.new(algorithm, octets).digest() == expected, name


def _content_types(package):
    root = _xml(package, "[Content_Types].xml")
    overrides = {
        each.get("PartName", "").lstrip("/"): each.get("ContentType", "")
        for each in root.findall(f"{{{CONTENT_TYPES}}}Override")
    }
    defaults = {
        each.get("Extension", "").lower(): each.get("ContentType", "")
        for each in root.findall(f"{{{CONTENT_TYPES}}}Default")
    }

    def content_type(name: str) -> str:
        if name in overrides:
            return overrides[name]
        # Not splitext: "_rels/.rels" has the extension "rels" here.
        base = posixpath.basename(name)
        return defaults.get(base.rpartition(".")[2].lower() if "." in base else "", "")

    return content_type


def _by_id(signature, wanted: str):
    for element in signature.iter():
        if element.get("Id") == wanted:
            return element
    return None


def _signed_time(signed: list) -> datetime.datetime | None:
    """The time the signer states: the package's SignatureTime, else XAdES SigningTime,
    read only in the elements the signature signed (`signed`): an Object added beside them
    could state any time."""
    text = ""
    for path in (f".//{{{MDSSI}}}SignatureTime/{{{MDSSI}}}Value", f".//{{{XADES}}}SigningTime"):
        text = text or next((t for e in signed if (t := e.findtext(path))), "")
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _check_value(certificate, signed_info: bytes, value: bytes, method: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

    if method not in SIGNATURE_METHODS:
        raise Unreadable(f"signature method {method}")
    kind, algorithm = SIGNATURE_METHODS[method]
    digest = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384}.get(
        algorithm, hashes.SHA512
    )()
    key = certificate.public_key()
    try:
        if kind == "rsa" and isinstance(key, rsa.RSAPublicKey):
            try:
                key.verify(value, signed_info, padding.PKCS1v15(), digest)
            except InvalidSignature:
                return _digest_info_without_null(key, value, signed_info, algorithm)
            return True
        if kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            # XML-DSig carries r and s side by side, not DER.
            half = len(value) // 2
            der = utils.encode_dss_signature(
                int.from_bytes(value[:half], "big"), int.from_bytes(value[half:], "big")
            )
            key.verify(der, signed_info, ec.ECDSA(digest))
            return True
    except InvalidSignature:
        return False
    return False


# DER DigestInfo prefixes with the algorithm's parameters left out, as Office 2007 wrote
# them; OpenSSL accepts only the form with explicit NULL parameters.
_BARE_DIGEST_INFO = {
    "sha1": bytes.fromhex("301f300706052b0e03021a0414"),
    "sha256": bytes.fromhex("302f300b06096086480165030402010420"),
}


def _digest_info_without_null(key, value: bytes, signed_info: bytes, algorithm: str) -> bool:
    """Whether `value` is a PKCS#1 v1.5 signature of `signed_info` whose DigestInfo leaves
    out the NULL parameters (Office 2007): the same hash, signed by the same key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding

    prefix = _BARE_DIGEST_INFO.get(algorithm)
    if prefix is None:
        return False
    try:
        recovered = key.recover_data_from_signature(value, padding.PKCS1v15(), None)
    except (InvalidSignature, ValueError):
        return False
    return recovered == prefix + hashlib.new(algorithm, signed_info).digest()


def _certificates(signature) -> list[bytes]:
    found = []
    for text in signature.findall(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"):
        try:
            found.append(base64.b64decode("".join((text.text or "").split())))
        except (binascii.Error, ValueError) as error:
            raise Unreadable("damaged certificate") from error
    if not found:
        raise Unreadable("no certificate")
    return found


def _main_part(package) -> str:
    """The main document part, "" unless the package names exactly one."""
    mains = [r for r in _relationships(package, "") if r.get("Type") == OFFICE_DOCUMENT]
    return _target("", mains[0]) if len(mains) == 1 else ""


def _unsigned_parts(package, covered: set[str]) -> list[str]:
    """The parts of `package` its signature does not cover, other than those Word never
    signs ([Content_Types].xml, whose content types the manifest carries, and
    UNSIGNED_FOLDERS): each is something added after signing."""
    return [
        name
        for name in package.namelist()
        if not name.endswith("/")
        and name not in covered
        and name != "[Content_Types].xml"
        and not name.startswith(UNSIGNED_FOLDERS)
    ]


def _one(package, part, content_types, roots, ours_cert) -> signing.SignatureState:
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509 as crypto_x509

    signature = _xml(package, part)
    if signature.tag != f"{{{DS}}}Signature":
        raise Unreadable("not an XML signature")
    signed_info = signature.find(f"{{{DS}}}SignedInfo")
    if signed_info is None:
        raise Unreadable("no SignedInfo")
    method = signed_info.find(f"{{{DS}}}CanonicalizationMethod")
    canonical_info = _canonical(
        signed_info, method.get("Algorithm", "") if method is not None else ""
    )
    intact, covered, signed = True, set(), []
    for reference in signed_info.findall(f"{{{DS}}}Reference"):
        uri = reference.get("URI", "")
        if not uri.startswith("#"):
            raise Unreadable("reference outside the signature")
        element = _by_id(signature, uri[1:])
        if element is None:
            raise Unreadable(f"no element {uri}")
        signed.append(element)
        transforms = [t.get("Algorithm", "") for t in _transforms(reference)]
        if any(kind not in C14N for kind in transforms):
            raise Unreadable("unknown transform")
        algorithm, expected = _digest(reference)
        octets = _canonical(element, transforms[-1] if transforms else next(iter(C14N)))
        intact &= hashlib.new(algorithm, octets).digest() == expected
        for manifest in element.iter(f"{{{DS}}}Manifest"):
            for part_reference in manifest.findall(f"{{{DS}}}Reference"):
                matches, name = _part_digest_matches(package, part_reference, content_types)
                intact &= matches
                covered.add(name)
    main = _main_part(package)
    if not main or main not in covered or "_rels/.rels" not in covered:
        intact = False  # the document itself is not what was signed
    if _unsigned_parts(package, covered):
        intact = False
    der = _certificates(signature)
    value = base64.b64decode("".join((signature.findtext(f"{{{DS}}}SignatureValue") or "").split()))
    signature_method = signed_info.find(f"{{{DS}}}SignatureMethod")
    try:
        certificate = crypto_x509.load_der_x509_certificate(der[0])
    except ValueError as error:
        raise Unreadable("damaged certificate") from error
    valid = _check_value(
        certificate,
        canonical_info,
        value,
        signature_method.get("Algorithm", "") if signature_method is not None else "",
    )
    signed_at = _signed_time(signed)
    trusted, signer = signing.certificate_trusted(der[0], der[1:], roots)
    not_for_signing = (
        intact and valid and not signing.for_signing(asn1_x509.Certificate.load(der[0]))
    )
    state = signing.INVALID
    if intact and valid and not not_for_signing:
        state = signing.VALID if trusted else signing.UNTRUSTED
    ours = ours_cert is not None and hashlib.sha256(der[0]).digest() == ours_cert.sha256
    return signing.SignatureState(
        state=state,
        field=posixpath.basename(part),
        signer=signer,
        signed_at=timezone.localtime(signed_at) if signed_at else None,
        intact=intact,
        valid=valid,
        trusted=trusted,
        ours=ours,
        modified_after=not intact,
        not_for_signing=not_for_signing,
    )


def verify_docx(content: bytes, sha256: str = "") -> signing.Verification:
    """What the package signatures of a Word file say (the same shape as
    `signing.verify_pdf`'s answer). Word's signatures stand side by side, each over the
    whole package, not one after another as in a PDF: the file's answer is its worst
    signature's (one broken signature means the file changed after it was made), else the
    one with the latest time its signer states. Not cached, not isolated:
    `signing.verify_word` is both."""
    sha256 = sha256 or hashlib.sha256(content).hexdigest()
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        names = [name.lower() for name in package.namelist()]
        if len(set(names)) != len(names):
            # Python reads the last of two entries of one name, other readers the first:
            # what is checked would not be what is read.
            raise Unreadable("two entries of one name")
        parts = list(dict.fromkeys(signature_parts(package)))[:MAX_SIGNATURES]
    except (zipfile.BadZipFile, Unreadable, ValueError) as error:
        return signing.Verification(
            state=signing.INVALID, sha256=sha256, problem=str(error), readable=False
        )
    if not parts:
        return signing.Verification(state=signing.UNSIGNED, sha256=sha256)
    roots, ours_cert = signing.trust_roots_and_ours()
    states = []
    for part in parts:
        try:
            states.append(_one(package, part, _content_types(package), roots, ours_cert))
        except Exception as error:  # any crafted structure is a damaged signature, never a 500
            log.info("Word signature %s unreadable: %s: %s", part, type(error).__name__, error)
            states.append(
                signing.SignatureState(state=signing.INVALID, problem=type(error).__name__)
            )
    earliest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    states.sort(key=lambda each: each.signed_at or earliest)
    rank = {signing.INVALID: 0, signing.UNTRUSTED: 1, signing.VALID: 2}
    worst = min(states, key=lambda each: rank.get(each.state, 0))
    if worst.state != states[-1].state:
        states.remove(worst)
        states.append(worst)  # the answer's fields are the last signature's
    return signing.Verification.of_signatures(sha256, states, problem=states[-1].problem)
