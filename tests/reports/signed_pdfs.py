"""The signing tests' shared pieces: a local test PKI (root CA → the organisation's signing
certificate, and a time-stamping authority), a small PDF from WeasyPrint, signing it,
countersigning it with a person's own certificate, changing a byte of it, and its text as
pdftotext reads it. Used by test_signing.py, the signature and document check tests,
tests/e2e and tests/bench/signing.py; the fixtures that configure the PKI (`pki`,
`configured`, `unconfigured`) are in conftest.py."""

import datetime
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from config import pdf_sandbox
from reports import signing

ORGANISATION = "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE"
PASSPHRASE = "mật-khẩu thử"


@dataclass
class Pki:
    root: x509.Certificate
    p12_path: Path
    roots_path: Path
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    other_p12: Path  # a certificate of a CA the portal does not trust
    root_key: ec.EllipticCurvePrivateKey  # signs the CRL of the B-LT test

    def timestamper(self, url=None):
        der = serialization.Encoding.DER
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(self.tsa_cert.public_bytes(der)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                self.tsa_key.private_bytes(
                    der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
        )


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


# The key usages of an end entity's certificate unless a test asks for others: a signing
# token's (digitalSignature and nonRepudiation, which `cryptography` calls content commitment).
SIGNING_USAGES = ("digital_signature", "content_commitment")
KEY_USAGE_FLAGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def make_certificate(
    subject, key, issuer=None, issuer_key=None, *, ca=False, eku=None, usages=None
):
    """A certificate for `subject`, issued by `issuer` or self-signed. `usages`: the key
    usage flags set (`cryptography`'s names; SIGNING_USAGES, or a CA's, by default; an empty
    tuple leaves the extension out); `eku`: the extended key usage's purposes, if any."""
    if usages is None:
        usages = ("digital_signature", "key_cert_sign", "crl_sign") if ca else SIGNING_USAGES
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if usages:
        flags = {flag: flag in usages for flag in KEY_USAGE_FLAGS}
        builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_pki(directory: Path) -> Pki:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = make_certificate("Test Root CA", root_key, ca=True)
    # RSA like the demo's and the public CAs' (a P-256 key makes pyHanko mark PDF 2.0).
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = make_certificate(ORGANISATION, key, root, root_key)
    tsa_key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048
    )  # pyHanko's dummy TSA is RSA-only
    tsa = make_certificate(
        "Test TSA", tsa_key, root, root_key, eku=[ExtendedKeyUsageOID.TIME_STAMPING]
    )
    p12 = directory / "organisation.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, [root], serialization.BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    roots = directory / "roots.pem"
    roots.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger = make_certificate("Someone Else", stranger_key)  # self-signed, trusted by nobody
    other = directory / "other.p12"
    other.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", stranger_key, stranger, None, serialization.NoEncryption()
        )
    )
    return Pki(root, p12, roots, tsa, tsa_key, other, root_key)


def small_pdf(anchor=True):
    """A two-page PDF from WeasyPrint, with the signature space's id on page 1 or none."""
    space = '<div id="signature" style="height:28mm">x</div>' if anchor else "<p>x</p>"
    html = f"<p>Báo cáo</p>{space}<p style='break-before:page'>Phụ lục</p>"
    return pdf_sandbox.html_to_pdf(html)


def sign(content=None):
    return signing.sign_pdf(content or small_pdf(), organisation=ORGANISATION)


def flipped(content, offset):
    changed = bytearray(content)
    changed[offset] ^= 0x01
    return bytes(changed)


def signed_offset(content):
    """The middle of the first signed range: before the signature's /Contents, which the
    range leaves out."""
    return int(re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", content).group(1)) // 2


def pdf_text(content):
    """The text of `content`, as pdftotext -raw reads it (pages split by form feeds)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-raw", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout


@dataclass
class Countersigner:
    """A person's own signing certificate (a Standing Committee member's token), made for a
    test: issued by `issuer` (the test root, so the portal trusts it) or self-signed."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list


def make_countersigner(name, issuer=None, issuer_key=None, **usage) -> Countersigner:
    """`usage`: `usages` and `eku`, as `make_certificate` takes them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = make_certificate(name, key, issuer, issuer_key, **usage)
    return Countersigner(key, cert, [issuer] if issuer else [])


def countersign(content, person, field, change=None):
    """`content` signed again by `person` in a new signature field `field` (or the empty one
    of that name), appended as an incremental update, as a member's signing tool does: the
    earlier revisions untouched. `change`, a function of the writer, makes a change in that
    same update before it is signed."""
    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(person.cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            person.key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in person.chain]
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    if change is not None:
        change(writer)
    # Off Playwright's event loop in a browser test, as the portal's own signing is.
    out = signing._off_the_loop(
        signers.sign_pdf,
        writer,
        signers.PdfSignatureMetadata(field_name=field),
        signer=signer,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field, on_page=0, box=(40, 40, 200, 90)),
    )
    return out.getvalue()


def drawn_over(content):
    """`content` with a box drawn over its first page in an appended incremental update: a
    change after its last signature that is neither a signature nor validation data."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    box = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f"))
    writer.add_stream_to_page(0, box)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
