"""The Standing Committee's summary report: what the board issues.

What units file (annual reports, periods, obstacles, inspections, reminders) lives in
campaign.models.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import MAX_NARRATIVE, Campaign
from units.models import Unit

SUMMARY_PARENT_BODY = "TỔNG LĐLĐ VIỆT NAM"
SUMMARY_PLACE = "Bến Tre"
SUMMARY_ADDRESSEE = "Kính gửi: Ban Thường vụ LĐLĐ tỉnh"
SUMMARY_SIGNER_BLOCK = "TM. BAN THƯỜNG VỤ"
SUMMARY_SIGNER_TITLE = "PHÓ CHỦ TỊCH"
# "Nơi nhận" as Decree 30 writes it: one recipient a line, the record copy last.
SUMMARY_RECIPIENTS = "\n".join(
    [
        "Như trên;",
        "Thường trực LĐLĐ tỉnh;",
        "Các Ban, Văn phòng LĐLĐ tỉnh;",
        "Lưu: VT, Ban CSPL.",
    ]
)
MAX_RECIPIENTS = 2000


def summary_pdf_path(summary, filename):
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
    # The document's own fields (Decree 30/2020/NĐ-CP, Appendix I).
    number = models.CharField(
        _("number"),
        max_length=50,
        blank=True,
        help_text=_("For example 15/BC-LĐLĐ. Needed to issue the report."),
    )
    place = models.CharField(_("place"), max_length=100, default=SUMMARY_PLACE)
    dated_on = models.DateField(_("date"), default=timezone.localdate)
    parent_body = models.CharField(
        _("parent body"), max_length=255, default=SUMMARY_PARENT_BODY, blank=True
    )
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    subject = models.CharField(_("subject"), max_length=500)
    addressee = models.CharField(
        _("addressee"), max_length=255, default=SUMMARY_ADDRESSEE, blank=True
    )
    signer_block = models.CharField(
        _("signing on behalf of"), max_length=100, default=SUMMARY_SIGNER_BLOCK, blank=True
    )
    signer_title = models.CharField(
        _("signer's title"), max_length=100, default=SUMMARY_SIGNER_TITLE
    )
    signer_name = models.CharField(
        _("signer's name"), max_length=150, blank=True, help_text=_("Needed to issue.")
    )
    recipients = models.TextField(
        _("recipients"),
        max_length=MAX_RECIPIENTS,
        default=SUMMARY_RECIPIENTS,
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
                fields=["number"],
                condition=~Q(number=""),
                name="summary_number_unique",
                violation_error_code="unique",  # reported on the field, not the form
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
        if self.status != self.Status.DRAFT:
            if not self.number.strip():
                errors["number"] = _("Give the report its number before issuing it.")
            if not self.signer_name.strip():
                errors["signer_name"] = _("Give the signer's name before issuing it.")
        if self.supersedes_id:
            if self.pk and self.supersedes_id == self.pk:
                errors["supersedes"] = _("A report cannot correct itself.")
            elif self.supersedes.status == self.Status.DRAFT:
                errors["supersedes"] = _("Only an issued report can be corrected.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_issued(self):
        return self.status in (self.Status.ISSUED, self.Status.SUPERSEDED)

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
