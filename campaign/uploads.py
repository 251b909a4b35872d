"""Files attached to plans and annual reports: checking an upload, storing it, serving it
back, removing it. A plan's is its signed scan; an annual report's, the scan of the paper
report it was typed from when an upper unit filed it on behalf of the unit.

An upload is judged by its content, never by its name or by the Content-Type the browser
sent: libmagic reads the first bytes and only PDF, JPEG, PNG and DOCX are kept, and a PDF or
DOCX is then opened as one and checked inside (campaign.file_checks). The stored
file gets a random name (see `campaign.models.attachment_path`) and lives outside any
served directory; it is only ever sent back by `campaign.upload_pages`, whose views check
the access scope and send it as a download that the browser must not sniff or render
(`stored_file_response`, which the summary report's PDF download uses too).
"""

import re
import unicodedata
import zipfile

import magic
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from campaign import file_checks
from campaign.models import WORD_CONTENT_TYPE, AnnualReport, Attachment

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

DOCX = WORD_CONTENT_TYPE

# The accepted content types and the extension a file of that type is given.
ACCEPTED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    DOCX: ".docx",
}

# Other extensions that already name the type correctly, so they are left as they are.
EXTENSION_ALIASES = {
    "image/jpeg": {".jpeg", ".jpe"},
}

# What the file picker offers: the accepted types and their extensions, so that a phone lists
# the scans and photos that fit (and offers the camera). The content is still checked.
ACCEPT_ATTRIBUTE = ",".join(
    [*ACCEPTED, *ACCEPTED.values(), *sorted(set().union(*EXTENSION_ALIASES.values()))]
)

SNIFF_BYTES = 8 * 1024
MAX_NAME_LENGTH = 200  # Attachment.original_name's max_length
MAX_ZIP_ENTRIES = 10_000  # a real DOCX has a few dozen parts

# What libmagic may call a DOCX when it does not recognise the part order inside the zip.
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
_ZIP_MAGIC = b"PK\x03\x04"
# "name.ext": an extension is a dot followed by a letter and a few letters or digits, so
# "Plan 12.2024" has none and gets one appended rather than losing its "2024".
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")
_ONLY_EXTENSION = re.compile(r"[.\s]*\.[A-Za-z][A-Za-z0-9]{0,7}")


# --- checking an upload ------------------------------------------------------------------------
def detect_type(uploaded_file):
    """The MIME type of the file's content, as libmagic sees it; None when it cannot tell.

    A DOCX is a zip: it is confirmed by its part names (read from the zip's directory,
    nothing is extracted), so a plain zip or a broken one is not taken for a DOCX. The file
    is rewound afterwards.
    """
    try:
        uploaded_file.seek(0)
        head = uploaded_file.read(SNIFF_BYTES)
        detected = magic.from_buffer(head, mime=True) if head else None
        if detected == DOCX or (detected in _ZIP_TYPES and head.startswith(_ZIP_MAGIC)):
            uploaded_file.seek(0)
            detected = DOCX if _is_docx(uploaded_file) else "application/zip"
        return detected
    finally:
        uploaded_file.seek(0)


def _is_docx(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    if len(infos) > MAX_ZIP_ENTRIES:
        return False
    names = {info.filename for info in infos}
    return {"[Content_Types].xml", "word/document.xml"} <= names


# The images accepted, by the name Pillow gives their format.
IMAGES = {"image/jpeg": "JPEG", "image/png": "PNG"}


def validate_upload(uploaded_file):
    """Return the detected MIME type of an acceptable upload, or raise ValidationError.

    The size is checked first, from the size the upload handler counted, so an oversized
    file is refused without being read.
    """
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s). Files can be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    detected = detect_type(uploaded_file)
    if detected not in ACCEPTED:
        raise ValidationError(
            _("This type of file is not accepted. Upload a PDF, JPEG, PNG or DOCX file."),
            code="type",
        )
    # What its first bytes claim, checked inside (campaign.file_checks).
    if detected == DOCX:
        file_checks.check_docx(uploaded_file)
    elif detected == "application/pdf":
        file_checks.check_pdf(uploaded_file)
    elif detected in IMAGES:
        file_checks.check_image(uploaded_file, IMAGES[detected])
    return detected


def download_name(name, content_type, fallback="attachment"):
    """The name a file is offered for download under: the uploader's, made safe; `fallback`
    (the document's `file_stem`) when it has no name of its own (".pdf", "...").

    The upload is accepted for what its content is, whatever its name says (a PNG named
    "scan.pdf" is kept as a PNG and served as image/png). So that the name never contradicts
    the content, an extension that does not belong to the detected type is replaced by the
    right one ("scan.pdf" becomes "scan.png"), and a name without an extension gets one.
    Folders, control characters and surrounding spaces and dots are dropped, the text is
    normalised (NFC, as Vietnamese names from some systems arrive decomposed) and the name is
    cut to fit Attachment.original_name, keeping the extension.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip()
    if _ONLY_EXTENSION.fullmatch(name):
        name = ""  # ".pdf" is an extension, not a name: "pdf.pdf" would say nothing
    name = name.strip(".").strip()
    right = ACCEPTED[content_type]
    good = {right} | EXTENSION_ALIASES.get(content_type, set())
    extension = _EXTENSION.search(name)
    if extension and extension.group().lower() in good:
        stem, suffix = name[: extension.start()], extension.group()
    else:
        stem, suffix = (name[: extension.start()] if extension else name), right
    stem = stem.rstrip(" .") or fallback
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix


REPORT_SCAN_LABEL = _(
    "Scan of the paper report (when filed on behalf; PDF, JPEG, PNG or DOCX, at most 10 MB)"
)
# Once a file is attached, the input adds another beside it (one is removed on the plan's or
# report's own page): it no longer asks for the first one.
ANOTHER_FILE_LABEL = _("Add another file (PDF, JPEG, PNG or DOCX, at most 10 MB)")


class AttachmentForm(forms.Form):
    """One file for a plan (the signed scan) or an annual report (the scan of the paper
    report). Optional unless built with required=True; `label` and `help_text` name what is
    asked for while nothing is attached (`list_attached`)."""

    file = forms.FileField(
        label=_("Signed scan (PDF, JPEG, PNG or DOCX, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        # The empty file gets validate_upload's message, like every other refusal.
        allow_empty_file=True,
        required=False,
    )

    def __init__(self, *args, required=False, label=None, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.attached = []
        self.fields["file"].required = required
        self.fields["file"].help_text = help_text
        if label is not None:
            self.fields["file"].label = label
        self.detected_type = None

    def list_attached(self, attachments) -> None:
        """Have the page list the owner's `attachments` above the input (one query unless
        prefetched). With a file there the input adds another beside it: it no longer asks
        for the first one."""
        self.attached = list(attachments)
        if self.attached:
            self.fields["file"].label = ANOTHER_FILE_LABEL
            self.fields["file"].help_text = ""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            self.detected_type = validate_upload(uploaded)
        return uploaded

    def names(self, submission):
        """The name `save` stores the cleaned file under for `submission`, in a list: none
        without a file."""
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return []
        return [download_name(uploaded.name, self.detected_type, submission.file_stem)]

    def save(self, submission, user):
        """Store the cleaned file as an attachment of `submission` (a plan or an annual
        report); None when no file was given."""
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        content_type = self.detected_type
        owner = (
            {"report": submission} if isinstance(submission, AnnualReport) else {"plan": submission}
        )
        attachment = Attachment(
            **owner,
            original_name=self.names(submission)[0],
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=user,
        )
        uploaded.seek(0)
        # The stored name is random; only its extension comes from the detected type.
        attachment.file.save(f"upload{ACCEPTED[content_type]}", uploaded, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        return attachment
