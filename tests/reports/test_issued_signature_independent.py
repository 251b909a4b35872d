"""An issued summary's stored PDF, checked with pyHanko's own validation against the test
PKI's root (not through reports.signing): one signature, over the whole file, by the
configured certificate, trusted, its stamp on the page of the signature block and its time
the one the stamp prints."""

import datetime
import io
import re

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from reports import issuing, summary_tasks
from reports.models import SummaryReport
from tests.reports.signed_pdfs import ORGANISATION, pdf_text
from tests.reports.summaries import campaign_with_reports, make_summary


def test_the_stored_pdf_of_an_issued_summary_validates_on_its_own(tree, cast, configured, pki):
    draft = make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"], number="")
    summary = issuing.summary_issue(summary=draft, user=cast["cspl"])
    assert summary_tasks.render(summary.pk) == "done"
    content = SummaryReport.objects.get(pk=summary.pk).pdf.read()

    reader = PdfFileReader(io.BytesIO(content))
    [embedded] = reader.embedded_signatures
    root = asn1_x509.Certificate.load(pki.root.public_bytes(serialization.Encoding.DER))
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == ORGANISATION

    # The stamp is on the page of the signer's name, and prints the signature's time.
    field = reader.root["/AcroForm"]["/Fields"][0]
    page = [ref.idnum for ref in _pages(reader)].index(field.raw_get("/P").idnum)
    text = " ".join(pdf_text(content).split("\f")[page].split())
    assert summary.signer_name in text and f"Ký bởi: {summary.issuer_in_full}" in text
    printed = re.search(r"Thời gian ký: (\S+)", text)[1]
    assert printed == status.signer_reported_dt.astimezone(_vietnam()).isoformat()


def _pages(reader):
    refs = []

    def walk(ref):
        node = ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node.raw_get("/Kids"):
                walk(kid)
        else:
            refs.append(ref)

    walk(reader.root.raw_get("/Pages"))
    return refs


def _vietnam():
    return datetime.timezone(datetime.timedelta(hours=7))
