"""The visible signature's words: every letter of the organisation's name is drawn (the
board's name has an en dash: "Ban Chính sách – Pháp luật"), and the time it prints is the
signature's own, as a validator reads it (pyHanko's validation, not the code under test)."""

import io
import re
import time

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports import parties, signing
from tests.reports.signed_pdfs import pdf_text, small_pdf

BOARD = f"{parties.DEFAULT_BOARD} LĐLĐ tỉnh Vĩnh Long"  # "Ban Chính sách – Pháp luật …"
# What else a unit's name or its board's may hold beside Vietnamese letters.
PUNCTUATION = "“Công đoàn” ‘A’ — № 1…"


def stamp_glyphs(content):
    """The glyph ids the stamp's appearance draws its text with (4 hex digits each)."""
    reader = PdfFileReader(io.BytesIO(content))
    field = reader.root["/AcroForm"]["/Fields"][0]
    streams, glyphs = [field["/AP"]["/N"]], []
    while streams:
        stream = streams.pop()
        for hex_string in re.findall(rb"<([0-9A-Fa-f]+)>", stream.data):
            glyphs += [hex_string[i : i + 4] for i in range(0, len(hex_string), 4)]
        resources = stream.get("/Resources")
        if resources is not None and "/XObject" in resources:
            streams += [item.get_object() for item in resources["/XObject"].values()]
    return glyphs


def test_every_letter_of_the_organisation_is_drawn_in_the_stamp(configured):
    for organisation in (BOARD, PUNCTUATION):
        content = signing.sign_pdf(small_pdf(), organisation=organisation).content
        glyphs = stamp_glyphs(content)
        assert glyphs, organisation
        # Glyph 0 is the font's "missing glyph": a blank where the letter should be.
        assert b"0000" not in glyphs, organisation
        assert f"Ký bởi: {organisation}" in " ".join(pdf_text(content).split())


def test_the_time_in_the_stamp_is_the_signatures_time(configured, pki, monkeypatch):
    # Signing takes its time: a second passes between the stamp's words and the signature.
    style = signing._stamp_style

    def slow_style():
        time.sleep(1.1)
        return style()

    monkeypatch.setattr(signing, "_stamp_style", slow_style)
    result = signing.sign_pdf(small_pdf(), organisation=BOARD)
    printed = re.search(r"Thời gian ký: (\S+)", pdf_text(result.content))[1]
    embedded = PdfFileReader(io.BytesIO(result.content)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[]))
    signed = status.signer_reported_dt
    assert printed == result.signed_at.isoformat()
    assert signed == result.signed_at
    assert printed == signed.astimezone(result.signed_at.tzinfo).isoformat()
