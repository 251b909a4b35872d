"""The digital signature of a file a unit attached to its plan or annual report (the signed
scan), checked where it is stored: a reviewer learns whether the unit's PDF is signed and
unchanged without downloading it and uploading it again on "Check a document" (which asks a
different question: whether the portal issued a file).

The attachment is fetched exactly as its download is (campaign.attachments, the access
scope: whoever may not download it gets the same 404 or 403), and its signature is validated
by reports.signing, as an issued summary's is: offline, against the trust roots the portal
knows, in a sandboxed child process, the result cached by the stored file's (never reused)
name. The page only reads; nothing is written.

The answer, one of:
- signed and unchanged since signing: who signed (the certificate's name), when, and
  whether the certificate leads to a trust root the portal knows;
- changed after signing;
- signed and unchanged, but with a certificate that is not one for signing documents (a web
  server's, or one for encryption only: signing.for_signing), so the signature is refused;
- signed, but the signature could not be validated, and why (the check was stopped, the
  signature is damaged, it does not match its certificate, the file is not a readable PDF);
- not digitally signed;
- or, for an image, that only the signature of a PDF or a Word file is checked here.

A Word file's signature is the one Word itself writes into the document package (signing
with a USB token in Word: reports.word_signatures), checked the same way.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from campaign.attachments import scoped_attachment
from config.http import require_safe
from reports import signing
from units.access import SEE

SIGNED = "signed"  # signed and unchanged since signing (trusted or not: said beside it)
MODIFIED = "modified"
NOT_FOR_SIGNING = "not_for_signing"
UNVERIFIABLE = "unverifiable"
UNSIGNED = "unsigned"
NOT_PDF = "not_pdf"

# Why a signature could not be validated.
STOPPED = "stopped"  # the check ran over its time or memory
UNREADABLE = "unreadable"  # the file cannot be read as a PDF
DAMAGED = "damaged"  # the signature itself cannot be read
MISMATCH = "mismatch"  # the signed bytes are intact, the signature over them does not verify


def outcome(verification: signing.Verification) -> tuple[str, str]:
    """(outcome, reason) of a stored PDF's signature check; reason only for UNVERIFIABLE."""
    if verification.state == signing.UNCHECKED:
        return UNVERIFIABLE, STOPPED
    if not verification.readable:
        return UNVERIFIABLE, UNREADABLE
    if verification.state == signing.UNSIGNED:
        return UNSIGNED, ""
    if verification.not_for_signing:
        return NOT_FOR_SIGNING, ""
    if verification.state in (signing.VALID, signing.UNTRUSTED):
        return SIGNED, ""
    if verification.problem:  # pyHanko could not read the signature's structure
        return UNVERIFIABLE, DAMAGED
    if not verification.intact or verification.modified_after:
        return MODIFIED, ""
    return UNVERIFIABLE, MISMATCH


def knows_trust_roots() -> bool:
    """Whether the portal has any root to check a certificate against (SIGNING_TRUST_ROOTS,
    or the organisation's own certificate's chain)."""
    return bool(getattr(settings, "SIGNING_TRUST_ROOTS", "")) or signing.is_configured()


def _check(request, kind, owner_pk, pk):
    attachment = scoped_attachment(request, kind, owner_pk, pk, SEE)
    owner = attachment.plan if kind == "plan" else attachment.report
    result = {"outcome": NOT_PDF, "reason": "", "signature": None}
    if attachment.signature_checkable:
        verification = signing.verify_stored(attachment.file, word=attachment.is_word)
        if verification is None:  # missing from the storage: its download is a 404 too
            raise Http404
        result["outcome"], result["reason"] = outcome(verification)
        result["signature"] = verification
    return render(
        request,
        "reports/attachment_check.html",
        {
            "attachment": attachment,
            "kind": kind,
            "owner": owner,
            "result": result,
            "knows_trust_roots": knows_trust_roots(),
        },
    )


@require_safe
@login_required
def plan_attachment_check(request, plan_pk, pk):
    """The digital signature of a plan's attached file, for whoever may download it."""
    return _check(request, "plan", plan_pk, pk)


@require_safe
@login_required
def report_attachment_check(request, report_pk, pk):
    """The digital signature of an annual report's attached file, for whoever may
    download it."""
    return _check(request, "report", report_pk, pk)


urlpatterns = [
    path(
        "plans/<id:plan_pk>/attachments/<id:pk>/signature/",
        plan_attachment_check,
        name="plan_attachment_check",
    ),
    path(
        "reports/<id:report_pk>/attachments/<id:pk>/signature/",
        report_attachment_check,
        name="report_attachment_check",
    ),
]
