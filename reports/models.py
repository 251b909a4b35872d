"""The Standing Committee's summary report: what the board issues.

What units file (annual reports, periods, obstacles, inspections, reminders) lives in
campaign.models.
"""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models import MAX_NARRATIVE, Campaign
from units.models import Unit, UnitState

MAX_RECIPIENTS = 2000


# The fields a reviewer writes: the document's header and signature, then its narrative.
# The edit form shows them; a correction copies them from the version it corrects.
DOCUMENT_FIELDS = [
    "kind",
    "number_code",
    "dated_on",
    "place",
    "parent_body",
    "issuing_body",
    "subject",
    "addressee",
    "signer_block",
    "signer_title",
    "signer_name",
    "recipients",
]
NARRATIVE_FIELDS = [
    "general_assessment",
    "results",
    "shortcomings",
    "obstacles_proposals",
    "direction",
]
# Of those, the texts the PDF prints as typed (checked for placeholders before issuing).
PRINTED_FIELDS = [
    *(name for name in DOCUMENT_FIELDS if name not in ("kind", "dated_on")),
    *NARRATIVE_FIELDS,
]

# What a template leaves for someone to fill in: a number or date still dots ("…/KH-LĐLĐ",
# "số …", "ngày ... tháng ..."), "xxx", blanks to write on ("____"), a bracketed
# "[tên đơn vị]"-style marker, or a field that is nothing but dots. An ellipsis inside a
# quoted sentence ("…các đơn vị (CĐCS A);") is text, not a placeholder.
PLACEHOLDER = re.compile(
    r"(?:…|\.{2,})\s*/"
    r"|/\s*(?:…|\.{2,})"
    r"|\b(?:số|ngày|tháng|năm|no\.?|dated?)\s*:?\s*(?:…|\.{2,})"
    r"|\b[xX]{3,}\b"
    r"|_{3,}"
    r"|\[\s*(?:…|\.{2,}|[^\]\n]{0,40}?(?:tên|name|ghi|điền)[^\]\n]{0,40})\s*\]"
    r"|^[\s.…_\-–]+$",
    re.IGNORECASE | re.MULTILINE,
)


# A document code that carries a number, the slash that follows one or the word before it
# ("15/BC-LĐLĐ", "/BC-LĐLĐ", "Số: BC-LĐLĐ"): the code is what follows "15/".
NUMBER_IN_CODE = re.compile(r"/|^số\b", re.IGNORECASE)


def placeholder_in(text: str) -> str:
    """The first placeholder in `text` (with a few characters around it), or ""."""
    if not text:
        return ""
    match = PLACEHOLDER.search(text)
    if match is None:
        return ""
    start, end = max(match.start() - 12, 0), min(match.end() + 12, len(text))
    return text[start:end].strip()


def summary_pdf_path(summary: "SummaryReport", filename: str) -> str:
    # A random name: nothing about the stored file comes from the user.
    return f"summaries/{uuid.uuid4().hex}.pdf"


class SummaryReport(models.Model):
    """The numbered report the CSPL board sends the Standing Committee (seed section III.3).

    It covers a campaign, a year and a unit's subtree. A draft is edited freely; issuing it
    freezes the rollup's figures in `rollup_snapshot` and queues the PDF, after which it is
    never changed again: a correction is a new version with its own number that
    `supersedes` the old one, which is kept and marked superseded once the correction is
    issued.
    """

    class Kind(models.TextChoices):
        # Seed, section III.3 and its closing paragraph: the board reports to the Standing
        # Committee, which reports on to the bodies above.
        BOARD = "board", _("The board's report to the Standing Committee")
        COMMITTEE = "committee", _("The Standing Committee's report to the bodies above")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        SUPERSEDED = "superseded", _("Superseded")

    class Include(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted reports only")
        SUBMITTED = "submitted", _("Every submitted report")

    class RenderState(models.TextChoices):
        NONE = "none", _("Not rendered")
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="summary_reports",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="summary_reports",
        help_text=_("The report covers this unit and every unit below it."),
    )
    include = models.CharField(
        _("figures from"), max_length=10, choices=Include.choices, default=Include.ACCEPTED
    )
    kind = models.CharField(
        _("kind of document"), max_length=10, choices=Kind.choices, default=Kind.COMMITTEE
    )
    # The document's own fields (Decree 30/2020/NĐ-CP, Appendix I).
    # The number is given at issue from the register of the issuing unit and the year of
    # the document's date (`DocumentRegister`): `serial` of `serial_year`, with the code
    # of the unit's letterhead ("15/BC-LĐLĐ"). Reports issued before the register kept the
    # number typed then, without a serial.
    # "number" alone is a content item's position ("số thứ tự") in campaign.Theme.
    number = models.CharField(
        pgettext_lazy("an official document's number", "number"), max_length=50, blank=True
    )
    serial = models.PositiveIntegerField(_("number in the register"), null=True, blank=True)
    serial_year = models.PositiveSmallIntegerField(_("register year"), null=True, blank=True)
    number_code = models.CharField(
        _("document code"),
        max_length=40,
        blank=True,
        help_text=_("What follows the number, for example BC-LĐLĐ."),
    )
    # The parties: pre-filled from the issuing unit's letterhead (`DocumentProfile`) and
    # its names on the document's date (`units.models.UnitState`), then the author's.
    place = models.CharField(_("place"), max_length=100, blank=True)
    dated_on = models.DateField(_("date"), default=timezone.localdate)
    parent_body = models.CharField(_("parent body"), max_length=255, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    subject = models.CharField(_("subject"), max_length=500)
    addressee = models.CharField(_("addressee"), max_length=255, blank=True)
    signer_block = models.CharField(_("signing on behalf of"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    recipients = models.TextField(
        _("recipients"),
        max_length=MAX_RECIPIENTS,
        blank=True,
        help_text=_("One recipient a line; the last is usually the record copy."),
    )
    # The narrative, pre-filled from the rollup when the report is created.
    general_assessment = models.TextField(
        _("general assessment"), max_length=MAX_NARRATIVE, blank=True
    )
    results = models.TextField(_("results"), max_length=MAX_NARRATIVE, blank=True)
    shortcomings = models.TextField(_("shortcomings"), max_length=MAX_NARRATIVE, blank=True)
    obstacles_proposals = models.TextField(
        _("obstacles and proposals"), max_length=MAX_NARRATIVE, blank=True
    )
    direction = models.TextField(_("direction for next year"), max_length=MAX_NARRATIVE, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    render_state = models.CharField(
        _("PDF"), max_length=10, choices=RenderState.choices, default=RenderState.NONE
    )
    render_error = models.TextField(_("rendering error"), blank=True)
    render_started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True)
    pdf = models.FileField(_("PDF file"), upload_to=summary_pdf_path, max_length=200, blank=True)
    # The rollup (and the appendix's unit rows) as they stood at issue: the PDF, and any
    # later render of it, shows the figures as issued.
    rollup_snapshot = models.JSONField(
        _("figures as issued"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    # The headline figures the narrative was written from (reports.prefill.written_from):
    # issuing refuses while the figures differ, so that the text never quotes totals its
    # own tables contradict. Empty for a draft made before it was kept: not checked.
    drafted_from = models.JSONField(
        _("figures the text was written from"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    # Grows with every save of the draft, so that a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")
        ordering = ["-issued_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "serial_year", "serial"],
                condition=Q(serial__isnull=False),
                name="summary_serial_unique",
                violation_error_message=_("Another summary report already has this number."),
            ),
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(supersedes__isnull=False),
                name="summary_one_correction_per_version",
                violation_error_code="unique",
                violation_error_message=_("This version already has a correction."),
            ),
            models.CheckConstraint(
                condition=Q(include__in=["accepted", "submitted"]),
                name="summary_include_known",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["board", "committee"]), name="summary_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    ~Q(number="")
                    & ~Q(signer_name="")
                    & Q(issued_at__isnull=False)
                    & Q(issued_by__isnull=False)
                ),
                name="summary_issued_is_complete",
                violation_error_message=_(
                    "An issued report needs its number, signer, issue date and issuer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["issued", "superseded"]) | Q(render_state="none"),
                name="summary_only_issued_render",
            ),
            models.CheckConstraint(
                condition=~Q(render_state="done") | ~Q(pdf=""),
                name="summary_done_has_pdf",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=F("id")),
                name="summary_not_its_own_correction",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "year", "unit"])]

    def __str__(self):
        if self.number:
            return _("Summary report %(number)s") % {"number": self.number}
        return _("Draft summary report %(year)s of %(unit)s") % {
            "year": self.year,
            "unit": self.unit,
        }

    def get_absolute_url(self):
        return reverse("reports:summary_detail", args=[self.pk])

    def clean(self):
        # The constraints above, with messages on the fields a person can fix.
        errors = {}
        if self.campaign_id and self.year and not self.campaign.runs_in(self.year):
            errors["year"] = _("The campaign does not run in %(year)s.") % {"year": self.year}
        if self.include not in self.Include.values:
            errors["include"] = _("Choose which reports the figures come from.")
        if self.kind not in self.Kind.values:
            errors["kind"] = _("Choose the kind of document.")
        if self.status != self.Status.DRAFT:
            # Against today: a document is dated on or before its day of issue, which is
            # today or a day past (`reports.issuing.summary_issue` checks its own day).
            errors.update(self.issue_problems())
            if not self.number.strip():
                errors.setdefault(
                    "number_code", _("The report is given its number when it is issued.")
                )
        if self.supersedes_id:
            if self.pk and self.supersedes_id == self.pk:
                errors["supersedes"] = _("A report cannot correct itself.")
            elif self.supersedes.status == self.Status.DRAFT:
                errors["supersedes"] = _("Only an issued report can be corrected.")
        if errors:
            raise ValidationError(errors)

    def issue_problems(self, day: datetime.date | None = None) -> dict:
        """What keeps this draft from being issued on `day` (today by default), by field: a
        field the document prints that is empty or still a placeholder ("…/KH-…", "xxx",
        "ngày … tháng …"), and a document dated after `day`, before the document it
        corrects, or on a day its issuing unit was not open. {} when it can be issued. One
        query (the unit's history on the document's date), and one for the corrected
        document's date."""
        problems = {}
        required = ["number_code", "place", "parent_body", "issuing_body", "subject"]
        required += ["signer_title", "signer_name", "recipients"]
        if self.kind == self.Kind.COMMITTEE:
            required.append("signer_block")
        for name in required:
            if not getattr(self, name).strip():
                problems[name] = _("Needed to issue the report.")
        for name in PRINTED_FIELDS:
            if name not in problems and (found := placeholder_in(getattr(self, name))):
                problems[name] = _(
                    "“%(text)s” is a placeholder: write what the document should say."
                ) % {"text": found}
        if "number_code" not in problems and NUMBER_IN_CODE.search(self.number_code.strip()):
            # The number is put before the code at issue: "15/BC-LĐLĐ" typed here would be
            # issued, signed and registered as "1/15/BC-LĐLĐ".
            problems["number_code"] = _(
                "Write the code alone, for example BC-LĐLĐ: the number and the slash before "
                "it are given at issue."
            )
        day = day or timezone.localdate()
        if self.dated_on and self.dated_on > day:
            # Signed the day it is issued: a later date would be signed before it is dated.
            problems["dated_on"] = _(
                "A document is dated on the day it is issued or before, not %(day)s."
            ) % {"day": self.dated_on.strftime("%d/%m/%Y")}
        elif self.dated_on and self.year and self.dated_on.year < self.year:
            # A report on a year cannot be written before it begins: a year typed by habit
            # ("05/01/2026" for a report on 2026 issued in January 2027) would be signed and
            # numbered in the register of the year before.
            problems["dated_on"] = _(
                "A report on %(year)s is dated in %(year)s or later, not %(day)s: check the "
                "year of the date."
            ) % {"year": self.year, "day": self.dated_on.strftime("%d/%m/%Y")}
        elif self.dated_on and self.supersedes_id and self.dated_on < self.supersedes.dated_on:
            problems["dated_on"] = _(
                "A correction is dated on or after the document it corrects (%(day)s)."
            ) % {"day": self.supersedes.dated_on.strftime("%d/%m/%Y")}
        opened = self.unit_id and self.dated_on and "dated_on" not in problems
        if opened and not UnitState.objects.on(self.dated_on).filter(unit=self.unit_id).exists():
            problems["dated_on"] = _(
                "%(unit)s was not open on %(day)s: a document of that date cannot be "
                "issued in its name."
            ) % {"unit": self.unit, "day": self.dated_on.strftime("%d/%m/%Y")}
        return problems

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_issued(self):
        return self.status in (self.Status.ISSUED, self.Status.SUPERSEDED)

    @property
    def issuer_in_full(self) -> str:
        """Who issued the document, as a reader outside the federation needs it: a board
        with its federation ("Ban Chính sách – Pháp luật LĐLĐ tỉnh Bến Tre"), a federation
        alone. The appendix's "attached to" line and the signature's "Ký bởi" use it."""
        if self.kind == self.Kind.BOARD and self.parent_body:
            return f"{self.issuing_body} {self.parent_body}"
        return self.issuing_body

    @property
    def recipient_lines(self):
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    def render_is_stuck(self, now=None, after=datetime.timedelta(minutes=10)):
        """True when a queued or running render has not finished long after it should have
        (a worker killed at its hard time limit leaves no trace but this)."""
        if self.render_state not in (self.RenderState.QUEUED, self.RenderState.RENDERING):
            return False
        since = self.render_started_at or self.issued_at
        now = now or timezone.now()
        return since is not None and since < now - after

    @property
    def can_retry_render(self):
        return self.is_issued and (
            self.render_state == self.RenderState.FAILED or self.render_is_stuck()
        )


class SummaryReceipt(models.Model):
    """An issued summary delivered to a reader in the portal (reports.delivery): the notice
    on their home page, unread until they open the summary."""

    summary = models.ForeignKey(
        SummaryReport,
        verbose_name=_("summary report"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="summary_receipts",
    )
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary report received")
        verbose_name_plural = _("summary reports received")
        constraints = [
            models.UniqueConstraint(fields=["user", "summary"], name="summary_receipt_once")
        ]

    def __str__(self):
        return f"{self.summary} → {self.user}"


class DocumentProfile(models.Model):
    """A unit's letterhead for one kind of summary document: what its documents print that
    the unit tree does not hold. Kept in the admin and remembered from each issued
    document; a unit without one gets sensible defaults (`reports.parties`).

    Names are never kept here: the issuing body and the federation above are named as the
    tree's history has them on the document's date (`UnitState`). Blank `body_name`,
    `parent_body` and `place` take them from there."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="document_profiles"
    )
    kind = models.CharField(
        _("kind of document"), max_length=10, choices=SummaryReport.Kind.choices
    )
    body_name = models.CharField(
        _("issuing board"),
        max_length=255,
        blank=True,
        help_text=_(
            "For the board's report: the board that issues it, for example Ban Chính sách – "
            "Pháp luật. Empty for the Standing Committee's: the unit itself issues it."
        ),
    )
    parent_body = models.CharField(
        _("parent body"),
        max_length=255,
        blank=True,
        help_text=_(
            "The header's top line. Empty: the unit above it in the tree (for the board's "
            "report, the unit itself), as named on the document's date."
        ),
    )
    place = models.CharField(
        _("place"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the place in the unit's name on the document's date."),
    )
    number_code = models.CharField(_("document code"), max_length=40, blank=True)
    addressee = models.CharField(_("addressee"), max_length=255, blank=True)
    signer_block = models.CharField(_("signing on behalf of"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    recipients = models.TextField(
        _("recipients"),
        max_length=MAX_RECIPIENTS,
        blank=True,
        help_text=_("One recipient a line; the last is usually the record copy."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")
        ordering = ["unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="documentprofile_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=["board", "committee"]), name="documentprofile_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.get_kind_display()}"


class DocumentRegister(models.Model):
    """The register of outgoing documents of a unit for a year: the last number given.

    Numbers run from 1 each year with no gap and no duplicate (Decree 30, Article 15): a
    number is taken inside the transaction that issues the document, with the row locked
    until it commits (`take`), so a failed issue gives its number back and two issues at
    once get two numbers in turn."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        ordering = ["unit__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="documentregister_one_per_year")
        ]

    def __str__(self):
        return f"{self.unit} – {self.year}: {self.last_number}"

    @classmethod
    def take(cls, unit: Unit, year: int) -> int:
        """The next number of `unit`'s register for `year`. Must run inside the issuing
        transaction: the row stays locked until it ends, and a rollback gives the number
        back. Two or three queries (create the register the first time, lock, update)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("DocumentRegister.take needs the issuing transaction")
        try:
            with transaction.atomic():
                cls.objects.get_or_create(unit=unit, year=year)
        except IntegrityError:
            pass  # created meanwhile by another issue: its row is there to lock now
        register = cls.objects.select_for_update().get(unit=unit, year=year)
        register.last_number += 1
        register.save(update_fields=["last_number"])
        return register.last_number
