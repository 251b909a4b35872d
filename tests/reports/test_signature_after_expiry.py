"""A document is kept for ever; the organisation's certificate expires after a year or
three. A signature with a trusted time-stamp proves it was made while the certificate was
valid: it stays valid after the certificate expires. Without one (or stamped after the
expiry), nothing proves when it was made. The verdicts are checked against pyHanko's own
validation at the time-stamp's time (not through the code under test)."""

import datetime
import io

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.cache import cache
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports import signing
from tests.reports.signed_pdfs import (
    ORGANISATION,
    flipped,
    make_certificate,
    signed_offset,
    small_pdf,
)


def now():
    # Read when a test runs, never at collection (tests/config/test_dates_in_tests.py).
    return datetime.datetime.now(datetime.UTC)


DER = serialization.Encoding.DER


@pytest.fixture
def expired(settings, pki, tmp_path):
    """The organisation's certificate, valid for the hours that ended an hour ago (signing
    does not check it: it is how a document signed then looks today). The test PKI's root
    and time-stamping authority are valid from a day ago."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # The test PKI's organisation certificate, its validity moved back.
    current = make_certificate(ORGANISATION, key, pki.root, pki.root_key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(current.subject)
        .issuer_name(pki.root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now() - datetime.timedelta(hours=20))
        .not_valid_after(now() - datetime.timedelta(hours=1))
    )
    for extension in current.extensions:
        builder = builder.add_extension(extension.value, critical=extension.critical)
    cert = builder.sign(pki.root_key, hashes.SHA256())
    path = tmp_path / "expired.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, [pki.root], serialization.NoEncryption()
        )
    )
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = ""
    settings.SIGNING_TRUST_ROOTS = ""
    settings.SIGNING_EMBED_REVOCATION = False
    cache.clear()
    yield settings
    cache.clear()


def stamped_at(monkeypatch, settings, pki, when):
    """A time-stamp server of the test PKI that stamps at `when`."""
    settings.SIGNING_TSA_URL = "http://tsa.invalid/"
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(pki.tsa_cert.public_bytes(DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            pki.tsa_key.private_bytes(
                DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        fixed_dt=when,
    )
    monkeypatch.setattr(signing, "timestamper_for", lambda url: stamper)


def pyhanko_trusts(content, pki, moment):
    embedded = PdfFileReader(io.BytesIO(content)).embedded_signatures[-1]
    roots = [asn1_x509.Certificate.load(pki.root.public_bytes(DER))]
    context = ValidationContext(trust_roots=roots, moment=moment, revocation_mode="soft-fail")
    status = validate_pdf_signature(embedded, context)
    return status.intact and status.valid and status.trusted


def test_a_signature_time_stamped_while_the_certificate_was_valid_stays_valid(
    expired, pki, monkeypatch
):
    when = now() - datetime.timedelta(hours=10)
    stamped_at(monkeypatch, expired, pki, when)
    content = signing.sign_pdf(small_pdf(), organisation=ORGANISATION).content
    assert pyhanko_trusts(content, pki, when) and not pyhanko_trusts(content, pki, now())
    check = signing.verify_pdf(content)
    assert check.state == signing.VALID, check
    assert check.trusted and check.ours and check.timestamped and check.level == "B-T"
    assert abs(check.signed_at - when) < datetime.timedelta(seconds=1)


def test_a_signature_time_stamped_after_the_certificate_expired_is_not_trusted(
    expired, pki, monkeypatch
):
    stamped_at(monkeypatch, expired, pki, now() - datetime.timedelta(minutes=30))
    content = signing.sign_pdf(small_pdf(), organisation=ORGANISATION).content
    check = signing.verify_pdf(content)
    assert check.state == signing.UNTRUSTED and not check.trusted


def test_a_signature_without_a_time_stamp_by_an_expired_certificate_is_not_trusted(expired):
    expired.SIGNING_TSA_URL = ""
    content = signing.sign_pdf(small_pdf(), organisation=ORGANISATION).content
    check = signing.verify_pdf(content)
    assert check.state == signing.UNTRUSTED and not check.trusted


def test_a_changed_byte_is_invalid_whatever_the_time_stamp(expired, pki, monkeypatch):
    stamped_at(monkeypatch, expired, pki, now() - datetime.timedelta(hours=10))
    content = signing.sign_pdf(small_pdf(), organisation=ORGANISATION).content
    changed = flipped(content, signed_offset(content))
    assert signing.verify_pdf(changed).state == signing.INVALID
