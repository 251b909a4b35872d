"""The digital signature of issued documents (PAdES, with pyHanko), and checking one.

Signing (`sign_pdf`)
    The issuing organisation's certificate and key come from a PKCS#12 file
    (SIGNING_PKCS12_PATH, its passphrase SIGNING_PKCS12_PASSPHRASE from the environment).
    With none configured the PDF is returned unchanged, marked unsigned, and the portal
    still issues; the pages say the document is not digitally signed. The signature is
    PAdES B-B; B-T with an RFC 3161 time-stamp server (SIGNING_TSA_URL); B-LT when, on top
    of that, the certificates' revocation data could be fetched and embedded (a Document
    Security Store with CRLs or OCSP responses; SIGNING_EMBED_REVOCATION, on by default).

The visible signature (Decree 30/2020/NĐ-CP, Appendix I, electronic documents)
    A stamp in the document's signature block: the signer's signature image and the
    organisation's seal over its left third, when images are configured
    (SIGNING_SIGNATURE_IMAGE, SIGNING_SEAL_IMAGE), under the text "Ký bởi: <organisation>"
    / "Thời gian ký: <ISO 8601 with +07:00>", in Liberation Serif (Vietnamese needs an
    embedded Unicode font). Where the block is: the PDF's named destination SIGNATURE_ANCHOR
    (WeasyPrint writes one for an element with that id: the signature space of the
    template) gives its page and top-left corner; a PDF without it gets the stamp at the
    bottom right of its last page (`field_box`). The appendix is in the same file, so under
    Appendix I it carries no signature of its own.

Checking (`verify_pdf`)
    Validates every signature offline against the trust roots (SIGNING_TRUST_ROOTS, a
    PEM file; by default the configured PKCS#12's chain): intact (the signed bytes hash to
    what was signed), valid (the signature over that hash), trusted (a path to a root),
    whether the signing certificate is one for signing documents (`for_signing`, the rule a
    Word file's signature has too) and whether it is the configured one, the time (the
    time-stamp's when there is one, else the time the signer claims), and whether anything
    but later signatures and validation data was added after it (a committee member
    countersigns an issued summary in an incremental update); with each, the SHA-256 of the
    revision it signed. The last signature's state, and the level, are the file's. Results
    are cached by the file's SHA-256. For a revision no signature names (a summary issued unsigned,
    then signed by a committee member), `revision_prefixes` hashes the file up to each
    %%EOF marker, and `appended_after` tells, by the same rule, whether only signatures and
    their validation data were appended after one.
    `verify_word` answers the same for a Word file's own package signatures
    (reports.word_signatures), as Word writes them with a signing token.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import datetime
import hashlib
import io
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from config import pdf_sandbox

log = logging.getLogger(__name__)
# fontTools reports every table it subsets at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FIELD_NAME = "ChuKySo"
# The id of the element where the document's signature goes (the template's signature
# space); WeasyPrint writes a named destination for it.
SIGNATURE_ANCHOR = "signature"
# The stamp's size in points when the anchor gives only its corner: the signature column is
# about 86 mm wide and its space 28 mm high (static/css/pdf.css).
STAMP_WIDTH = 230
STAMP_HEIGHT = 74
# Where the stamp goes without an anchor: bottom right, inside the 15 mm right margin and
# above the 20 mm bottom one.
FALLBACK_RIGHT = 42.5
FALLBACK_BOTTOM = 57
FONT_FILE = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
CACHE_SECONDS = 24 * 3600
# A signature check, of any uploaded file: well under gunicorn's 30 s, and memory enough
# for a long signed summary (its check takes some 40 MiB).
VERIFY_TIMEOUT = 15
VERIFY_MEMORY = 384 * 1024 * 1024

UNSIGNED = "unsigned"
VALID = "valid"  # intact, valid, trusted, nothing but validation data added since
UNTRUSTED = "untrusted"  # intact and valid, but no path to a trusted root
INVALID = "invalid"  # modified, or the signature does not match
# The check itself was stopped (over VERIFY_TIMEOUT or VERIFY_MEMORY): says nothing about the
# file, and is kept only UNCHECKED_SECONDS, so that a busy moment does not brand a genuine
# document invalid for a day, while a file that always overruns is not re-read on every view.
UNCHECKED = "unchecked"
UNCHECKED_SECONDS = 5 * 60
# The shape of a cached Verification: raised when it changes, so that an entry cached in the
# old shape is never read as the new one (it is part of `config_fingerprint`). 3: a
# certificate not for signing documents is refused (`not_for_signing`).
VERIFICATION_VERSION = 3

# What a certificate must allow to sign a document, a PDF's signature or a Word file's
# (`for_signing`). Its key usage, when it has that extension, one of these: a signing
# token's certificate often has only non-repudiation.
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})
# Its extended key usage, when it has that extension, anyExtendedKeyUsage or one of these
# key purposes. A person's token certificate often carries clientAuth (some CAs issue it
# alone for signing too, as pyHanko's documentation notes) with emailProtection, or no EKU at
# all: refusing it would refuse an office's real signature. What is refused is a
# certificate meant for something else only: a web server's, code signing, time stamping.
DOCUMENT_SIGNING_PURPOSES = (
    "1.3.6.1.5.5.7.3.2",  # clientAuth: a person's token certificate
    "1.3.6.1.5.5.7.3.4",  # emailProtection (S/MIME)
    "1.3.6.1.5.5.7.3.36",  # id-kp-documentSigning (RFC 9336)
    "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust
    "1.3.6.1.4.1.311.10.3.12",  # Microsoft Document Signing
)


class SigningError(Exception):
    """The configuration is there but unusable (wrong passphrase, unreadable file...)."""


@dataclass(frozen=True)
class SignedResult:
    content: bytes
    signed: bool
    level: str = ""  # "B-B", "B-T" or "B-LT"
    signed_at: datetime.datetime | None = None


@dataclass(frozen=True)
class SignatureState:
    """One embedded signature, in signing order. `state` is VALID, UNTRUSTED or INVALID."""

    state: str
    field: str = ""
    signer: str = ""
    signed_at: datetime.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    ours: bool = False
    # pyHanko's names: ENTIRE_FILE, or ENTIRE_REVISION when something was appended after it
    # (what, `modification_level` says: LTA_UPDATES, FORM_FILLING, ANNOTATIONS, OTHER).
    coverage: str = ""
    modification_level: str = ""
    # Something other than later signatures or validation data was added after it.
    modified_after: bool = False
    # Intact and valid, but its certificate is not one for signing documents (`for_signing`):
    # why its state is INVALID.
    not_for_signing: bool = False
    # The SHA-256 of the file up to the end of its byte range: the revision it signed, as it
    # stood before anything was appended (empty when the range is not a whole revision).
    revision_sha256: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Verification:
    """What a PDF's signatures say. `state` is UNSIGNED, VALID, UNTRUSTED, INVALID or
    UNCHECKED, and with the other fields describes the last signature (the one a reader
    sees first); `signatures` holds every signature, in signing order."""

    state: str
    sha256: str
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    ours: bool = False  # signed with the configured organisation certificate
    signer: str = ""
    signed_at: datetime.datetime | None = None
    timestamped: bool = False  # a time-stamp token was there and validated
    level: str = ""
    coverage: str = ""
    modified_after: bool = False
    not_for_signing: bool = False
    problem: str = ""
    # False when the file could not be read as a PDF at all (damaged, or a download cut
    # short): INVALID then says nothing of a signature, and none is shown.
    readable: bool = True
    signatures: tuple[SignatureState, ...] = ()

    @classmethod
    def from_cached(cls, data: dict) -> Verification:
        """The Verification `dataclasses.asdict` made `data` of (as the cache keeps it)."""
        signatures = tuple(SignatureState(**each) for each in data.get("signatures", ()))
        return cls(**{**data, "signatures": signatures})

    @classmethod
    def of_signatures(cls, sha256: str, states: list[SignatureState], **extra) -> Verification:
        """The file's answer from its signatures' (in signing order): the last one's."""
        last = states[-1]
        return cls(
            state=last.state,
            sha256=sha256,
            intact=last.intact,
            valid=last.valid,
            trusted=last.trusted,
            ours=last.ours,
            signer=last.signer,
            signed_at=last.signed_at,
            timestamped=last.timestamped,
            coverage=last.coverage,
            modified_after=last.modified_after,
            not_for_signing=last.not_for_signing,
            signatures=tuple(states),
            **extra,
        )

    @property
    def signed(self) -> bool:
        return self.readable and self.state not in (UNSIGNED, UNCHECKED)

    @property
    def seconds_kept(self) -> int:
        return UNCHECKED_SECONDS if self.state == UNCHECKED else CACHE_SECONDS


# --- configuration -----------------------------------------------------------------------------
def is_configured() -> bool:
    return bool(getattr(settings, "SIGNING_PKCS12_PATH", ""))


def _passphrase() -> bytes | None:
    value = getattr(settings, "SIGNING_PKCS12_PASSPHRASE", "")
    return value.encode() if value else None


def _signer():
    """The organisation's signer, loaded from the PKCS#12 file (about 5 ms)."""
    from pyhanko.sign import signers

    path = settings.SIGNING_PKCS12_PATH
    try:
        data = Path(path).read_bytes()
        return signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=_passphrase())
    except (OSError, ValueError) as error:
        log.warning("Cannot load the signing certificate %s: %s", path, error)
        raise SigningError(
            _(
                "the signing certificate could not be loaded (check SIGNING_PKCS12_PATH and "
                "SIGNING_PKCS12_PASSPHRASE)"
            )
        ) from error


def _trust_roots(signer=None) -> list:
    """The certificates validation trusts: SIGNING_TRUST_ROOTS, else the PKCS#12's chain
    (its CA certificates, or the signing certificate itself when it holds no other)."""
    from asn1crypto import pem, x509

    path = getattr(settings, "SIGNING_TRUST_ROOTS", "")
    if path:
        data = Path(path).read_bytes()
        if pem.detect(data):
            return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        return [x509.Certificate.load(data)]
    if signer is None:
        if not is_configured():
            return []
        signer = _signer()
    chain = [cert for cert in signer.cert_registry if cert.ca]
    return chain or [signer.signing_cert]


def _validation_context(roots, *, fetching=False, moment=None):
    """Validation against `roots`, at `moment` (by default now)."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=roots, allow_fetching=fetching, revocation_mode="soft-fail", moment=moment
    )


def timestamper_for(url: str):
    """The RFC 3161 client of `url` (tests replace it with an in-process time-stamper)."""
    from pyhanko.sign import timestamps

    return timestamps.HTTPTimeStamper(url, timeout=10)


# --- where the stamp goes ----------------------------------------------------------------------
def field_box(reader) -> tuple[int, tuple[float, float, float, float]]:
    """(page index, (x1, y1, x2, y2) in points) of the stamp: under the corner of the named
    destination SIGNATURE_ANCHOR, else the bottom right of the last page."""
    pages = _page_refs(reader)
    dest = _named_destination(reader, SIGNATURE_ANCHOR)
    if dest is not None:
        page_ref, left, top = dest
        for index, ref in enumerate(pages):
            if ref == page_ref:
                return index, (left, top - STAMP_HEIGHT, left + STAMP_WIDTH, top)
    last = len(pages) - 1
    media = _inherited(reader, last, "/MediaBox") or [0, 0, 595.28, 841.89]
    right = float(media[2]) - FALLBACK_RIGHT
    return last, (right - STAMP_WIDTH, FALLBACK_BOTTOM, right, FALLBACK_BOTTOM + STAMP_HEIGHT)


def _inherited(reader, index, key):
    """An inheritable attribute of page `index` (its own, or its nearest ancestor's)."""
    node = reader.find_page_for_modification(index)[0].get_object()
    while node is not None:
        if key in node:
            return node[key]
        node = node["/Parent"] if "/Parent" in node else None  # noqa: SIM401 (get() is raw)
    return None


def _page_refs(reader):
    """The references of the pages in order (the page tree walked)."""
    refs = []

    def walk(node_ref):
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node.raw_get("/Kids"):
                walk(kid)
        else:
            refs.append((node_ref.idnum, node_ref.generation))

    walk(reader.root.raw_get("/Pages"))
    return refs


def _named_destination(reader, name):
    """(page reference, x, y) of the named destination `name` (a flat or nested /Dests name
    tree, as WeasyPrint writes one), or None."""
    try:
        names = reader.root["/Names"]["/Dests"]
    except KeyError:
        return None
    stack = [names]
    while stack:
        node = stack.pop()
        if "/Names" in node:
            entries = list(node["/Names"])
            for key, value in zip(entries[::2], entries[1::2], strict=False):
                if str(key) == name:
                    array = value.get_object()
                    if "/D" in getattr(array, "keys", lambda: ())():
                        array = array["/D"]
                    ref = array.raw_get(0)
                    return (ref.idnum, ref.generation), float(array[2]), float(array[3])
        stack.extend(node["/Kids"] if "/Kids" in node else [])  # noqa: SIM401 (as above)
    return None


# --- signing ---------------------------------------------------------------------------------
def sign_pdf(pdf_bytes: bytes, *, organisation: str, signer_name: str = "") -> SignedResult:
    """`pdf_bytes` signed with the organisation's certificate (see the module's docstring);
    unchanged, with signed=False, when no certificate is configured. Raises SigningError
    when one is configured but cannot be used, or the time-stamp server fails."""
    if not is_configured():
        return SignedResult(content=pdf_bytes, signed=False)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer()
    signed_at = timezone.localtime().replace(microsecond=0)
    tsa_url = getattr(settings, "SIGNING_TSA_URL", "")
    timestamper = timestamper_for(tsa_url) if tsa_url else None
    embed = bool(timestamper) and getattr(settings, "SIGNING_EMBED_REVOCATION", True)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    page, box = field_box(writer.prev)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name or None,
        reason=f"Ký bởi: {organisation}",
        embed_validation_info=embed,
        validation_context=(
            _validation_context(_trust_roots(signer), fetching=True) if embed else None
        ),
    )
    pdf_signer = _signer_at(signed_at)(
        metadata,
        signer=signer,
        timestamper=timestamper,
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=box),
    )
    try:
        out = _off_the_loop(
            pdf_signer.sign_pdf,
            writer,
            appearance_text_params={
                "organisation": organisation,
                "signed_at": signed_at.isoformat(),
            },
        )
    except Exception as error:  # pyHanko's errors are many, and in English: they are logged
        log.warning("Signing failed", exc_info=True)
        raise SigningError(
            _(
                "the signing or the time-stamp server failed; try again later, and if it "
                "fails again, tell the administrator (the cause is in the server's log)"
            )
        ) from error
    content = out.getvalue()
    level = "B-T" if timestamper else "B-B"
    if embed and _has_revocation_data(content):
        level = "B-LT"
    return SignedResult(content=content, signed=True, level=level, signed_at=signed_at)


def _signer_at(signed_at):
    """pyHanko's PdfSigner, signing at `signed_at`: the time the stamp prints is the time in
    the signature (pyHanko takes its own clock's, a moment later, after the stamp's words
    were written: a second apart now and then)."""
    from pyhanko.sign import signers

    class PdfSignerAt(signers.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = signed_at
            return session

    return PdfSignerAt


def _off_the_loop(function, *args, **kwargs):
    """Call `function`, in a thread of its own when this thread already runs an event loop:
    pyHanko's synchronous calls run their own loop (asyncio.run), which cannot start inside
    a running one (an ASGI server, a browser test's Playwright loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _stamp_style():
    """Decree 30's text stamp, over the signature and seal images when configured: the
    organisation and the signing time in a Times-metric upright face at 10 pt, black, and
    no frame (Appendix I draws none)."""
    from pyhanko.pdf_utils import layout, text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.stamp import TextStampStyle

    background = _stamp_images()
    return TextStampStyle(
        stamp_text="Ký bởi: %(organisation)s\nThời gian ký: %(signed_at)s",
        text_box_style=text.TextBoxStyle(
            font=GlyphAccumulatorFactory(_stamp_font()),
            font_size=10,
        ),
        border_width=0,
        background=background,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(4, 4, 4, 3),
        ),
    )


def _stamp_font() -> str:
    """The stamp's font cut down once per process to Latin and Vietnamese (a few hundred
    glyphs), in units of a thousandth of an em: pyHanko subsets the font it embeds at every
    signature, and subsetting the whole of Liberation Serif took most of the signing time."""
    global _FONT_PATH
    if _FONT_PATH is None or not os.path.exists(_FONT_PATH):
        from fontTools import subset

        options = subset.Options()
        options.layout_features = ["*"]
        options.drop_tables += ["FFTM"]  # FontForge's time stamps: fontTools warns of them
        font = subset.load_font(getattr(settings, "SIGNING_FONT", FONT_FILE), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=STAMP_CHARACTERS)
        subsetter.subset(font)
        # pyHanko writes the glyphs' widths (/W) in the font's units, which a PDF reads as
        # thousandths of an em: in a font of 2048 units an em (Liberation Serif) the stamp's
        # letters came out twice as far apart and ran out of the box.
        if font["head"].unitsPerEm != 1000:
            from fontTools.ttLib.scaleUpem import scale_upem

            scale_upem(font, 1000)
        handle, path = tempfile.mkstemp(prefix="portal-stamp-font-", suffix=".ttf")
        os.close(handle)
        subset.save_font(font, path, options)
        _FONT_PATH = path
    return _FONT_PATH


_FONT_PATH = None
# What the stamp's font keeps: Latin with Vietnamese's letters and tone marks, and the
# punctuation, currency and letter-like signs a unit's name may hold (the board's "–",
# quotes, "№"): a character left out is drawn as a blank.
STAMP_CHARACTERS = [
    *range(0x20, 0x250),
    *range(0x300, 0x324),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    *range(0x20A0, 0x20D0),
    *range(0x2100, 0x2150),
]


def _stamp_images():
    """The signer's signature image with the seal over its left third (Appendix I), as one
    image for the stamp's background; None when neither is configured or readable."""
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage

    paths = [
        getattr(settings, "SIGNING_SIGNATURE_IMAGE", ""),
        getattr(settings, "SIGNING_SEAL_IMAGE", ""),
    ]
    try:
        signature, seal = (Image.open(p).convert("RGBA") if p else None for p in paths)
    except OSError:
        log.warning("A signature or seal image could not be read; signing with text only")
        return None
    if signature is None and seal is None:
        return None
    if signature is None or seal is None:
        return PdfImage(signature or seal)
    # The seal's right part lies over the left third of the signature, and on top of it.
    offset = max(0, seal.width - signature.width // 3)
    size = (max(seal.width, offset + signature.width), max(signature.height, seal.height))
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.alpha_composite(signature, (offset, (size[1] - signature.height) // 2))
    canvas.alpha_composite(seal, (0, (size[1] - seal.height) // 2))
    return PdfImage(canvas)


def _has_revocation_data(content: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    root = PdfFileReader(io.BytesIO(content), strict=False).root
    if "/DSS" not in root:
        return False
    dss = root["/DSS"]
    return bool(len(dss.get("/CRLs", ())) or len(dss.get("/OCSPs", ())))


# --- checking ---------------------------------------------------------------------------------
def config_fingerprint() -> str:
    """What a cached verification depends on besides the file: the certificate and roots."""
    parts = [f"v{VERIFICATION_VERSION}"]
    for name in ("SIGNING_PKCS12_PATH", "SIGNING_TRUST_ROOTS"):
        path = getattr(settings, name, "")
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        parts.append(f"{path}:{stat.st_mtime_ns if stat else ''}:{stat.st_size if stat else ''}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def verify_pdf(pdf_bytes: bytes) -> Verification:
    """The state of every signature of `pdf_bytes`, the last one's in the top fields,
    validated offline (cached by the file's SHA-256 and the configuration)."""
    return _verify_isolated(_verify, pdf_bytes, "signing:verify")


def verify_word(docx_bytes: bytes) -> Verification:
    """The same for a Word file's package signatures (reports.word_signatures)."""
    from reports import word_signatures

    return _verify_isolated(word_signatures.verify_docx, docx_bytes, "signing:verify-word")


def _verify_isolated(check, content: bytes, prefix: str) -> Verification:
    sha256 = hashlib.sha256(content).hexdigest()
    key = f"{prefix}:{sha256}:{config_fingerprint()}"
    cached = cache.get(key)
    if cached is not None:
        return Verification.from_cached(cached)
    try:
        # A crafted file can make pyHanko's reader loop or grow for minutes (a damaged
        # cross-reference index), an XML parser too: it reads in a child process with a
        # time and memory cap.
        result = pdf_sandbox.run_isolated(
            check, content, sha256, timeout=VERIFY_TIMEOUT, memory_limit=VERIFY_MEMORY
        )
    except pdf_sandbox.RenderError as error:
        log.warning("Signature check of %s stopped: %s", sha256, error)
        result = Verification(state=UNCHECKED, sha256=sha256, problem=str(error))
    cache.set(key, dataclasses.asdict(result), result.seconds_kept)
    return result


def _verify(pdf_bytes, sha256):
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_regular_signatures
    except PdfReadError as error:
        return Verification(
            state=INVALID, sha256=sha256, problem=f"unreadable PDF: {error}", readable=False
        )
    except Exception as error:  # any damage pyHanko trips over is an unreadable PDF, not a 500
        return Verification(
            state=INVALID, sha256=sha256, problem=f"{type(error).__name__}", readable=False
        )
    if not signatures:
        return Verification(state=UNSIGNED, sha256=sha256)
    roots, ours_cert = trust_roots_and_ours()
    later_fields = set()
    states = []
    # The last signature first: an earlier one may have later signatures appended after it.
    for embedded in reversed(signatures):
        states.append(_signature_state(embedded, pdf_bytes, roots, ours_cert, later_fields))
        later_fields.add(embedded.field_name)
    states.reverse()
    last = states[-1]
    if last.problem:  # a malformed signature is an invalid one, never a 500
        return Verification(
            state=INVALID, sha256=sha256, problem=last.problem, signatures=tuple(states)
        )
    level = "B-B"
    if last.timestamped:
        level = "B-LT" if _has_revocation_data(pdf_bytes) else "B-T"
    return Verification.of_signatures(sha256, states, level=level)


def trust_roots_and_ours() -> tuple[list, object | None]:
    """(the trust roots, the organisation's own signing certificate or None) a signature
    check validates against (asn1crypto certificates). Without a usable configuration: no
    roots, and every signature is at best untrusted."""
    try:
        if is_configured():
            signer = _signer()
            return _trust_roots(signer), signer.signing_cert
        return _trust_roots(), None
    except (SigningError, OSError, ValueError) as error:
        log.warning("Signature check without trust roots: %s", error)
        return [], None


def certificate_trusted(der: bytes, intermediates: list[bytes], roots: list) -> tuple[bool, str]:
    """(whether the certificate `der` leads to one of `roots` through `intermediates`, now;
    its holder's name), offline; whether it is one for signing, `for_signing` says. For
    signatures pyHanko does not read itself (a Word file's). Now, not at the time the signer
    states: as for a PDF signature without a time-stamp, a claimed time proves nothing."""
    from asn1crypto import x509
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import (
        InvalidCertificateError,
        PathBuildingError,
        PathValidationError,
    )

    cert = x509.Certificate.load(der)
    name = _common_name(cert)
    if not roots:
        return False, name
    validator = CertificateValidator(
        cert,
        intermediate_certs=[x509.Certificate.load(each) for each in intermediates],
        validation_context=_validation_context(roots),
    )
    try:
        _off_the_loop(asyncio.run, validator.async_validate_path())
    except (PathBuildingError, PathValidationError, InvalidCertificateError, ValueError) as error:
        log.info("Certificate %s not trusted: %s", name, error)
        return False, name
    return True, name


def for_signing(cert) -> bool:
    """Whether the certificate `cert` (asn1crypto) is one for signing documents: its key
    usage, when it has that extension, includes one of SIGNING_KEY_USAGES; its extended key
    usage, when it has one, anyExtendedKeyUsage or a purpose of DOCUMENT_SIGNING_PURPOSES.
    The one rule for a PDF's signatures and a Word file's, trusted or not, decided by
    pyHanko's KeyUsageConstraints."""
    from asn1crypto import x509
    from pyhanko.sign.validation import KeyUsageConstraints
    from pyhanko_certvalidator.errors import InvalidCertificateError

    rule = KeyUsageConstraints(
        key_usage=SIGNING_KEY_USAGES,
        match_all_key_usages=False,
        extd_key_usage={x509.KeyPurposeId.map(oid) for oid in DOCUMENT_SIGNING_PURPOSES},
        # No EKU extension restricts nothing (RFC 5280, 4.2.1.12), and anyExtendedKeyUsage
        # allows every purpose.
        explicit_extd_key_usage_required=False,
    )
    try:
        # Read inside: a damaged extension raises here, and is one not for signing.
        usage, purposes = cert.key_usage_value, cert.extended_key_usage_value
        # Nor does no key usage extension (4.2.1.3); `rule.validate` would read it as none.
        if usage is not None:
            rule.validate_asserted_key_usage(set(usage.native))
        rule.validate_asserted_extended_key_usage(set(purposes.native) if purposes else set())
    except (InvalidCertificateError, ValueError) as error:  # ValueError: a damaged extension
        log.info("Certificate %s not for signing documents: %s", _common_name(cert), error)
        return False
    return True


def _signature_state(embedded, pdf_bytes, roots, ours_cert, later_fields) -> SignatureState:
    """The state of one embedded signature. What was appended after it is allowed when it
    is validation data (LTA_UPDATES) or the signing of the fields in `later_fields` (the
    signatures made after it: FORM_FILLING, and no other field changed)."""
    from pyhanko.sign.validation import KeyUsageConstraints, validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    def validated(moment=None):
        return _off_the_loop(
            validate_pdf_signature,
            embedded,
            _validation_context(roots, moment=moment),
            # No usage asked here: `for_signing` decides it, for every signer. pyHanko checks
            # usage only on a path to a root, and rebuilds the constraints it is given
            # without `explicit_extd_key_usage_required` (so that a list of key purposes
            # would refuse every certificate without an EKU extension).
            key_usage_settings=KeyUsageConstraints(key_usage=frozenset()),
        )

    field = str(embedded.field_name or "")
    try:
        status = validated()
        timestamp = status.timestamp_validity
        timestamped = bool(timestamp and timestamp.intact and timestamp.valid)
        if timestamped and not status.trusted:
            # A trusted time-stamp proves the signature was made at its time: the
            # certificates are checked as they stood then (they expire, a document is kept
            # for ever). Only if the stamp itself is trusted at that time.
            then = validated(timestamp.timestamp)
            if then.trusted and then.timestamp_validity and then.timestamp_validity.trusted:
                status, timestamp = then, then.timestamp_validity
    except Exception as error:  # a malformed signature is an invalid one, never a 500
        return SignatureState(state=INVALID, field=field, problem=f"{type(error).__name__}")
    cert = status.signing_cert
    signed_at = timestamp.timestamp if timestamped else status.signer_reported_dt
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    mod_level = status.modification_level
    diff = status.diff_result
    allowed_after = (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and _only_signatures_added(mod_level, diff, later_fields, bool(status.docmdp_ok))
    )
    modified_after = not (whole or allowed_after)
    intact, valid = bool(status.intact), bool(status.valid)
    not_for_signing = intact and valid and not modified_after and not for_signing(cert)
    state = INVALID
    if intact and valid and not modified_after and not not_for_signing:
        state = VALID if status.trusted else UNTRUSTED
    revision_sha256 = ""
    if whole or status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        _, _, start, length = embedded.byte_range
        revision_sha256 = hashlib.sha256(pdf_bytes[: start + length]).hexdigest()
    return SignatureState(
        state=state,
        field=field,
        signer=_common_name(cert),
        signed_at=timezone.localtime(signed_at) if signed_at else None,
        timestamped=timestamped,
        intact=intact,
        valid=valid,
        trusted=bool(status.trusted),
        ours=bool(ours_cert is not None and cert.sha256 == ours_cert.sha256),
        coverage=status.coverage.name if status.coverage else "",
        modification_level=mod_level.name if mod_level is not None else "",
        modified_after=modified_after,
        not_for_signing=not_for_signing,
        revision_sha256=revision_sha256,
    )


def _only_signatures_added(level, diff, later_fields, docmdp_ok=True) -> bool:
    """Whether what was appended after a revision, as pyHanko's difference analysis found it
    (`level`, a ModificationLevel, and `diff`, its DiffResult), is nothing but validation
    data (LTA_UPDATES), or the signing of the fields in `later_fields` (the signatures made
    after it: FORM_FILLING, no other field changed, and no certification forbidding it)."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel

    return level == ModificationLevel.LTA_UPDATES or (
        level == ModificationLevel.FORM_FILLING
        and docmdp_ok
        and isinstance(diff, DiffResult)
        and bool(later_fields)
        and diff.changed_form_fields <= set(later_fields)
    )


def _common_name(cert) -> str:
    subject = cert.subject.native
    return subject.get("common_name") or subject.get("organization_name") or ""


# The %%EOF markers looked at for an earlier revision: a summary a few committee members
# signed in turn has a handful; a file with more is not one of those.
MAX_REVISIONS = 32
_EOF_MARKER = re.compile(rb"%%EOF(?:\r\n|\r|\n)?")
# Part of `appended_after`'s cache key: raised when the rule changes, so that an answer
# cached under the old one is not given for a day (2: a signature field prepared empty and
# signed in a later update is a signature).
APPENDED_VERSION = 2


def revision_prefixes(pdf_bytes: bytes) -> dict[str, int]:
    """The SHA-256 of each prefix of `pdf_bytes` that may be an earlier revision of it, with
    its length: up to each of its first MAX_REVISIONS %%EOF markers, with and without the end
    of line after it (a file may end either way, and a signing tool appends its incremental
    update right after the last byte). The whole file is left out: its own SHA-256 is
    `Verification.sha256`. One pass over the file."""
    lengths = set()
    for count, marker in enumerate(_EOF_MARKER.finditer(pdf_bytes)):
        if count == MAX_REVISIONS:
            break
        lengths.update({marker.start() + len(b"%%EOF"), marker.end()})
    lengths.discard(len(pdf_bytes))
    digests, running, done = {}, hashlib.sha256(), 0
    view = memoryview(pdf_bytes)
    for length in sorted(lengths):
        running.update(view[done:length])
        done = length
        digests[running.copy().hexdigest()] = length
    return digests


@dataclass(frozen=True)
class Appended:
    """What a file holds after its first `length` bytes (`appended_after`)."""

    # Those bytes are a whole revision of the file, and others follow it.
    revision: bool = False
    # Nothing but the signatures of `signed_after` and their validation data was appended.
    only_signatures: bool = False
    signed_before: tuple[str, ...] = ()  # the fields of the signatures in that revision
    signed_after: tuple[str, ...] = ()  # those of the signatures appended after it, in order
    unchecked: bool = False  # the check was stopped (over VERIFY_TIMEOUT or VERIFY_MEMORY)
    problem: str = ""


def appended_after(pdf_bytes: bytes, length: int) -> Appended:
    """What was appended to `pdf_bytes` after its first `length` bytes, an earlier revision
    (one a `revision_prefixes` digest names): whether it is nothing but signatures and their
    validation data, by the rule a signature's own check applies to what follows it
    (`_only_signatures_added`, on pyHanko's difference analysis). Read in a child process
    capped as `verify_pdf` is, and cached by the file's SHA-256 and `length`."""
    sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    key = f"signing:appended:v{APPENDED_VERSION}:{sha256}:{length}"
    cached = cache.get(key)
    if cached is not None:
        return Appended(**cached)
    try:
        result = pdf_sandbox.run_isolated(
            _appended_after, pdf_bytes, length, timeout=VERIFY_TIMEOUT, memory_limit=VERIFY_MEMORY
        )
        seconds = CACHE_SECONDS
    except pdf_sandbox.RenderError as error:
        log.warning("Revision check of %s stopped: %s", sha256, error)
        result, seconds = Appended(unchecked=True, problem=str(error)), UNCHECKED_SECONDS
    cache.set(key, dataclasses.asdict(result), seconds)
    return result


def _appended_after(pdf_bytes, length):
    from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
    from pyhanko.sign.diff_analysis import DiffResult

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        base = _revision_ending_at(reader, pdf_bytes, length)
        if base is None:
            return Appended(problem="not a revision of the file")
        signatures = reader.embedded_regular_signatures
        before = tuple(str(s.field_name) for s in signatures if s.signed_revision <= base)
        after = tuple(str(s.field_name) for s in signatures if s.signed_revision > base)
        # A fresh view of the revision: the form rule may give it an empty form.
        diff = _appended_policy().review_file(reader, HistoricalResolver(reader, base))
    except Exception as error:  # any damage pyHanko trips over is a file changed, not a 500
        return Appended(problem=f"{type(error).__name__}")
    if not isinstance(diff, DiffResult):  # a SuspiciousModification
        return Appended(revision=True, signed_before=before, signed_after=after, problem="other")
    return Appended(
        revision=True,
        only_signatures=_only_signatures_added(diff.modification_level, diff, after),
        signed_before=before,
        signed_after=after,
    )


def _revision_ending_at(reader, pdf_bytes, length):
    """The number of the revision of `reader` that `pdf_bytes[:length]` is, all of it and
    nothing else, with a later one after it; None when it is not one. As pyHanko tells a
    signature that covers its whole revision: the %%EOF there names that revision's
    cross-reference data, and the cross-reference data up to it lies before it."""
    from pyhanko.pdf_utils.reader import process_data_at_eof

    stream = io.BytesIO(pdf_bytes)
    stream.seek(length)
    startxref = process_data_at_eof(stream)
    xrefs = reader.xrefs
    for revision in range(xrefs.total_revisions - 1):
        if xrefs.get_startxref_for_revision(revision) == startxref:
            ends = (xrefs.get_xref_container_info(r).end_location for r in range(revision + 1))
            return revision if all(end <= length for end in ends) else None
    return None


def _appended_policy():
    """pyHanko's default difference policy, which reads a revision as the base of a
    signature: one with a form (the signature's field is in it). A summary the portal issued
    unsigned has none: it is read as having an empty one, with the /SigFlags of the form each
    later revision has (the flags a signing tool sets), so that the signing of a new field
    is judged by the same rules as a countersignature; a revision that adds no form changes
    none."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.diff_analysis import (
        DEFAULT_DIFF_POLICY,
        FormUpdatingRule,
        StandardDiffPolicy,
    )

    class EmptyFormRule(FormUpdatingRule):
        # The empty form given to the base revision. The base is one resolver for every
        # later revision, so the form given to it stays in its catalog: it is given anew for
        # each revision, with that revision's /SigFlags. A tool that adds an empty signature
        # field (/SigFlags 1) and signs it in a later update (3) otherwise had its signing
        # read as a change of the form's flags, and the summary as changed.
        given = None

        def apply(self, old, new):
            if "/AcroForm" not in old.root or old.root.raw_get("/AcroForm") is self.given:
                old.root.pop("/AcroForm", None)
                if "/AcroForm" not in new.root:
                    return
                form = new.root["/AcroForm"]
                empty = generic.DictionaryObject(
                    {generic.pdf_name("/Fields"): generic.ArrayObject()}
                )
                if isinstance(form, generic.DictionaryObject) and "/SigFlags" in form:
                    empty[generic.pdf_name("/SigFlags")] = form["/SigFlags"]
                old.root[generic.pdf_name("/AcroForm")] = self.given = empty
            yield from super().apply(old, new)

    default = DEFAULT_DIFF_POLICY.form_rule
    return StandardDiffPolicy(
        global_rules=DEFAULT_DIFF_POLICY.global_rules,
        form_rule=EmptyFormRule(default.field_rules, default.ignored_acroform_keys),
        reject_object_freeing=DEFAULT_DIFF_POLICY.reject_object_freeing,
        ignore_orphaned_objects=DEFAULT_DIFF_POLICY.ignore_orphaned_objects,
        ignore_identical_objects=DEFAULT_DIFF_POLICY.ignore_identical_objects,
    )


def verify_stored(field_file: FieldFile, *, word: bool = False) -> Verification | None:
    """The signature state of a stored file (a FileField's file: an issued PDF, or a Word
    file when `word`), or None when there is none or it cannot be read. Stored names are
    random and a stored file is never rewritten, so the result is cached by name, without
    reading the file again."""
    if not field_file:
        return None
    key = _stored_key(field_file.name)
    cached = cache.get(key)
    if cached is not None:
        return Verification.from_cached(cached)
    try:
        with field_file.open("rb") as handle:
            content = handle.read()
    except OSError:
        log.warning("Stored file %s cannot be read", field_file.name)
        return None
    result = verify_word(content) if word else verify_pdf(content)
    cache.set(key, dataclasses.asdict(result), result.seconds_kept)
    return result


def remember_stored(name: str, content: bytes) -> None:
    """Check the signature of `content`, just stored under `name`, and keep the result for
    `verify_stored`: validating takes about a second, which the worker that stored the
    file spends instead of the request of its first reader."""
    result = verify_pdf(content)
    cache.set(_stored_key(name), dataclasses.asdict(result), result.seconds_kept)
    cache.set(f"signing:sha256:{name}", result.sha256, None)


def _stored_key(name):
    return f"signing:stored:{name}:{config_fingerprint()}"


def stored_sha256(field_file: FieldFile) -> str | None:
    """The SHA-256 of a stored file, cached by its (never reused) name."""
    key = f"signing:sha256:{field_file.name}"
    digest = cache.get(key)
    if digest is None:
        try:
            with field_file.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None
        cache.set(key, digest, None)
    return digest
