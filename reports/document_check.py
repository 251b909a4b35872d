""" "Check a document": a committee member uploads a PDF and learns whether the portal
issued it, unchanged.

Any logged-in user may ask. The upload is read into memory (an upload handler of its own,
so nothing is written to disk, not even a temporary file), checked by content (it must
start with %PDF, at most MAX_BYTES), answered, and dropped: nothing is stored.

The answer, in this order:
- its SHA-256 is that of a stored issued summary's PDF: issued by the portal and unchanged
  (which report, number and date), with the state of its signature; a superseded one also
  names its correction, the document to use instead;
- the revision an earlier signature signed is a stored issued summary, and nothing but
  later signatures (a committee member countersigns before sending it upward) and their
  validation data was added: issued by the portal, unchanged, then signed by whom and
  when, each with the state of its signature;
- an earlier revision of a signed file is a stored summary the portal issued unsigned (no
  certificate configured), found by the SHA-256 of the file up to one of its %%EOF markers
  (`signing.revision_prefixes`), and nothing but signatures and their validation data was
  appended after it, by the same rule (`signing.appended_after`, pyHanko's difference
  analysis): issued by the portal unsigned, unchanged, then signed by whom and when, each
  with the state of its signature;
- signed with the organisation's certificate, intact, but not a file the portal keeps;
- signed by someone else;
- signed with a certificate that is not one for signing documents (signing.for_signing);
- signed, but changed after signing (or the signature does not verify), or an issued
  summary with anything else added after it (a page drawn over before a member signed);
- not readable as a PDF (damaged, or a download cut short): nothing can be said of a
  signature, and it is not the document as issued;
- not signed, and not a document the portal issued: only issued summaries are recognised, so
  this says nothing of whether an unsigned file printed by the portal (a plan, an annual
  report, a reminder letter) was changed;
- or, when the check itself was stopped (too long, too much memory), that it could not be
  checked just now.
"""

import re
import unicodedata

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from config.http import require_form
from reports import signing
from reports.models import SummaryReport

MAX_BYTES = 20 * 1024 * 1024
ISSUED = "issued"
COUNTERSIGNED = "countersigned"
OURS_NOT_KEPT = "ours_not_kept"
FOREIGN = "foreign"
MODIFIED = "modified"
NOT_FOR_SIGNING = "not_for_signing"
UNREADABLE = "unreadable"
UNKNOWN = "unknown"
UNCHECKED = "unchecked"


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Keeps an upload of up to MAX_BYTES in memory. A larger request's file is dropped as
    it is read (the form then says the file is too large): nothing reaches the disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = _within_limit(content_length)


def _within_limit(content_length):
    # The multipart envelope and the form's other fields add a few hundred bytes.
    return (content_length or 0) <= MAX_BYTES + 64 * 1024


class CheckForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("PDF file"),
        help_text=gettext_lazy("A PDF of at most 20 MB. It is checked and not kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": gettext_lazy("Choose the PDF file to check.")},
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        content = upload.read()
        if not content.startswith(b"%PDF"):
            raise forms.ValidationError(_("This file is not a PDF."))
        return content


def find_issued_among(digests: list[str]) -> dict[str, SummaryReport]:
    """The issued (or superseded) summaries whose stored PDF has one of these SHA-256s, by
    digest: one query, and a read of each stored file whose hash is not cached yet."""
    wanted = {digest for digest in digests if digest}
    found = {}
    if not wanted:
        return found
    candidates = (
        SummaryReport.objects.filter(
            status__in=[SummaryReport.Status.ISSUED, SummaryReport.Status.SUPERSEDED],
            render_state=SummaryReport.RenderState.DONE,
        )
        .exclude(pdf="")
        .select_related("unit")
        .order_by("-issued_at")
    )
    for summary in candidates:
        digest = signing.stored_sha256(summary.pdf)
        if digest in wanted and digest not in found:
            found[digest] = summary
            if len(found) == len(wanted):
                break
    return found


def _issued_revision(verification: signing.Verification, found: dict):
    """(index of the signature, summary) when the revision an earlier signature signed is
    an issued summary (in `found`, by digest), the latest such signature; else (None,
    None). The last signature is left out: a file that is all of an issued summary
    matches as a whole."""
    earlier = verification.signatures[:-1]
    for index in reversed(range(len(earlier))):
        summary = found.get(earlier[index].revision_sha256)
        if summary is not None:
            return index, summary
    return None, None


def _issued_prefix(prefixes: dict[str, int], found: dict):
    """(summary, length) when an earlier revision of the file (by digest, `prefixes`, the
    lengths `signing.revision_prefixes` gives) is an issued summary (in `found`), the
    longest such; else (None, None)."""
    for digest, length in sorted(prefixes.items(), key=lambda item: -item[1]):
        if digest in found:
            return found[digest], length
    return None, None


def _around(verification: signing.Verification, appended: signing.Appended):
    """(the last signature in the issued revision or None, the signatures appended after
    it, in order), by their fields (`signing.appended_after`)."""
    by_field = {signature.field: signature for signature in verification.signatures}
    before = [by_field[field] for field in appended.signed_before if field in by_field]
    later = [by_field[field] for field in appended.signed_after if field in by_field]
    return (before[-1] if before else None), later


def answer(content: bytes) -> dict:
    """What the page says about `content`: an outcome, the signature (the last one), every
    signature when there are several, the summary, and for a countersigned summary the
    portal's signature (None when the portal issued it unsigned) and those made after
    it."""
    verification = signing.verify_pdf(content)
    earlier = [signature.revision_sha256 for signature in verification.signatures[:-1]]
    # A signed file's earlier revisions: one may be a summary the portal issued unsigned,
    # which a committee member then signed with their own tool (no signature of the
    # portal's names that revision).
    prefixes = {}
    if verification.readable and verification.signatures:
        prefixes = signing.revision_prefixes(content)
    found = find_issued_among([verification.sha256, *earlier, *prefixes])
    summary = found.get(verification.sha256)
    whole = summary is not None
    issued_signature, later, appended = None, [], None
    if summary is None and verification.readable and earlier:
        index, summary = _issued_revision(verification, found)
        if summary is not None:
            issued_signature = verification.signatures[index]
            later = list(verification.signatures[index + 1 :])
    if summary is None and prefixes:
        summary, length = _issued_prefix(prefixes, found)
        if summary is not None:
            appended = signing.appended_after(content, length)
            issued_signature, later = _around(verification, appended)
    if appended is not None and appended.unchecked:
        outcome, summary = UNCHECKED, None
    elif whole:
        outcome = ISSUED
    elif (
        summary is not None
        and later
        and (appended is None or appended.only_signatures)
        and all(
            signature.state != signing.INVALID
            for signature in [issued_signature, *later]
            if signature is not None
        )
    ):
        outcome = COUNTERSIGNED
    elif summary is not None:
        # The issued summary is in there, but something other than signatures was added
        # after it, or a later signature does not verify: not the document as issued. When
        # only signatures were added and each one refused was refused for its certificate
        # (not one for signing documents), the headline says that, as for a lone signature.
        refused = [
            signature
            for signature in [issued_signature, *later]
            if signature is not None and signature.state == signing.INVALID
        ]
        only_unfit = (
            later
            and (appended is None or appended.only_signatures)
            and refused
            and all(signature.not_for_signing for signature in refused)
        )
        outcome, summary = (NOT_FOR_SIGNING if only_unfit else MODIFIED), None
    elif verification.state == signing.UNCHECKED:
        outcome = UNCHECKED
    elif not verification.readable:
        outcome = UNREADABLE
    elif verification.state == signing.UNSIGNED:
        outcome = UNKNOWN
    elif verification.not_for_signing:
        outcome = NOT_FOR_SIGNING
    elif verification.state == signing.INVALID:
        outcome = MODIFIED
    elif verification.ours:
        outcome = OURS_NOT_KEPT
    else:
        outcome = FOREIGN
    correction = None
    if summary is not None and summary.status == SummaryReport.Status.SUPERSEDED:
        # Whoever holds a superseded copy needs the number and date of the one to use.
        correction = (
            summary.corrections.filter(
                status__in=[SummaryReport.Status.ISSUED, SummaryReport.Status.SUPERSEDED]
            )
            .order_by("-issued_at")
            .first()
        )
    return {
        "outcome": outcome,
        "signature": verification,
        # Several signatures are listed one by one; a single one keeps its line.
        "signatures": verification.signatures if len(verification.signatures) > 1 else (),
        "summary": summary,
        "correction": correction,
        "issued_signature": issued_signature,
        "later": later,
    }


def checked_name(name: str) -> str:
    """The uploaded file's name as the answer shows it: NFC (some systems send Vietnamese
    decomposed), without folders or control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:200]


@require_form
@csrf_exempt  # the handlers must be set before the CSRF check reads the body; checked below
def document_check(request):
    """Upload a PDF and see whether it is one the portal issued, unchanged."""
    request.upload_handlers = [InMemoryUploadHandler(request)]
    return _document_check(request)


@csrf_protect  # first, as for every other view: a POST without the token is refused
@login_required
def _document_check(request):
    result = None
    if request.method == "POST":
        form = CheckForm(request.POST, request.FILES)
        if not _within_limit(int(request.META.get("CONTENT_LENGTH") or 0)):
            form.errors["document"] = form.error_class([_("The file is larger than 20 MB.")])
        elif form.is_valid():
            result = answer(form.cleaned_data["document"])
            # The form is empty again under the answer: it names the file it is about.
            result["name"] = checked_name(request.FILES["document"].name)
            form = CheckForm()
    else:
        form = CheckForm()
    return render(request, "reports/document_check.html", {"form": form, "result": result})


urlpatterns = [
    path("documents/check/", document_check, name="document_check"),
]
