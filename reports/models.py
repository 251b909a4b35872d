"""Annual results, their periods, obstacles, inspections and reminders."""

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
from simple_history.models import HistoricalRecords

from campaign.models import Campaign, Indicator, Status, Submission
from units.models import Unit

MAX_FIGURE = 10_000_000  # above any count a provincial federation could report
MAX_TEXT_VALUE = 2000
MAX_NARRATIVE = 20_000
LOCK_AFTER_DUE = datetime.timedelta(days=30)


def _rule_date(year, month, day):
    # A 29/02 rule falls back to 28/02 in common years.
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month, day - 1)


class PeriodQuerySet(models.QuerySet):
    def for_year(self, campaign, year):
        """The campaign's period for `year`, created from the campaign's rules on first use.

        Raises ValidationError for a year outside the years the campaign runs.
        """
        if not campaign.runs_in(year):
            raise ValidationError(
                _("The campaign runs from %(first)s%(last)s; there is no report for %(year)s.")
                % {
                    "first": campaign.first_year,
                    "last": f" – {campaign.last_year}" if campaign.last_year else "",
                    "year": year,
                },
                code="year_out_of_range",
            )
        period, _created = self.get_or_create(
            campaign=campaign, year=year, defaults=Period.defaults(campaign, year)
        )
        return period


class Period(models.Model):
    """One campaign-year: the data it covers, when reports are due and when they lock."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="periods"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("figures from"))
    ends_on = models.DateField(_("figures until (cut-off)"))
    due_on = models.DateField(_("reports due on"))
    locks_on = models.DateField(
        _("reports lock on"),
        help_text=_("After this day only a reviewer can reopen a report."),
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["campaign", "year"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "year"], name="period_one_per_year"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(locks_on__gte=F("due_on")), name="period_locks_after_due"
            ),
        ]

    def __str__(self):
        return f"{self.campaign.number} – {self.year}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The cut-off cannot be before the start of the period.")
        if self.due_on and self.locks_on and self.locks_on < self.due_on:
            errors["locks_on"] = _("The lock date cannot be before the due date.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def defaults(campaign, year):
        """Dates from the campaign's rules: by default 15/12 of the previous year to 14/12."""
        ends_on = _rule_date(year, campaign.cutoff_month, campaign.cutoff_day)
        starts_on = _rule_date(year - 1, campaign.cutoff_month, campaign.cutoff_day)
        due_on = _rule_date(year, campaign.report_due_month, campaign.report_due_day)
        return {
            "starts_on": starts_on + datetime.timedelta(days=1),
            "ends_on": ends_on,
            "due_on": due_on,
            "locks_on": due_on + LOCK_AFTER_DUE,
        }

    def is_locked_on(self, day):
        return day > self.locks_on


class AnnualReport(Submission):
    """One unit's CCHC results for a campaign and year (seed section III.2)."""

    class Assessment(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        AVERAGE = "average", _("Average")
        WEAK = "weak", _("Weak")

    year = models.PositiveSmallIntegerField(_("year"))
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    results = models.TextField(_("results"), max_length=MAX_NARRATIVE)
    shortcomings = models.TextField(_("shortcomings"), max_length=MAX_NARRATIVE, blank=True)
    obstacles = models.TextField(_("obstacles"), max_length=MAX_NARRATIVE, blank=True)
    proposals = models.TextField(_("proposals"), max_length=MAX_NARRATIVE, blank=True)
    self_assessment = models.CharField(
        _("self-assessment"), max_length=10, choices=Assessment.choices
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    # filing_open() reads the period's lock date.
    WORKFLOW_RELATED = ("unit", "campaign", "period")

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "campaign", "year"], name="report_one_per_unit_year"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "year", "status"]),
            # The rollup's trend reads a subtree's reports of every year from its units: on
            # PostgreSQL an index-only scan per unit, instead of one heap page per report.
            models.Index(
                fields=["unit", "campaign", "status"],
                include=["year", "period", "id"],
                name="annualreport_unit_trend",
            ),
        ]

    def __str__(self):
        return _("Annual report %(year)s of %(unit)s") % {"year": self.year, "unit": self.unit}

    def get_absolute_url(self):
        return reverse("report_detail", args=[self.pk])

    SNAPSHOT_FIELDS = ("results", "shortcomings", "obstacles", "proposals", "self_assessment")

    def snapshot(self):
        fields = {name: str(getattr(self, name) or "") for name in self.SNAPSHOT_FIELDS}
        fields["self_assessment"] = self.get_self_assessment_display()
        items = {
            value.indicator.code: {"name": value.indicator.name, "value": value.display()}
            for value in self.values.select_related("indicator")
        }
        return {"fields": fields, "items": items}

    def filing_open(self, today=None):
        """Open until the lock date, or again once a reviewer reopened it after that date."""
        today = today or timezone.localdate()
        if not self.period.is_locked_on(today):
            return True
        return bool(
            self.reopened_at and timezone.localdate(self.reopened_at) > self.period.locks_on
        )

    def extra_reopen_sources(self):
        # After the lock date a report still in the unit's hands can only come back to it
        # through a reviewer.
        if self.filing_open():
            return set()
        return {Status.DRAFT, Status.RETURNED}

    def completeness_problems(self):
        filled = self.values.filter(int_value__isnull=False).values("indicator_id")
        missing = [
            indicator.name
            for indicator in Indicator.objects.filter(
                campaign_id=self.campaign_id, kind=Indicator.Kind.INTEGER
            ).exclude(pk__in=filled)
            # What the portal counts itself is not typed.
            if not indicator.is_computed(self.campaign.addressed_kinds)
        ]
        if missing:
            return [_("Fill in: %(names)s.") % {"names": ", ".join(missing)}]
        return []

    @property
    def timeliness(self):
        """ "on_time" or "late" from the first submission and the due date, else None."""
        if self.first_submitted_at is None:
            return None
        submitted_on = timezone.localdate(self.first_submitted_at)
        return "on_time" if submitted_on <= self.period.due_on else "late"

    def get_timeliness_display(self):
        return {"on_time": _("on time"), "late": _("late")}.get(self.timeliness, "")


class IndicatorValue(models.Model):
    """A unit's figure for one indicator in its annual report."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    int_value = models.PositiveIntegerField(
        _("value"), null=True, blank=True, validators=[MaxValueValidator(MAX_FIGURE)]
    )
    text_value = models.CharField(_("value"), max_length=MAX_TEXT_VALUE, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_one_per_indicator"),
            models.CheckConstraint(
                condition=Q(int_value__isnull=True) | Q(int_value__lte=MAX_FIGURE),
                name="value_within_bound",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.display()}"

    def display(self):
        if self.indicator.kind == Indicator.Kind.INTEGER:
            return "" if self.int_value is None else str(self.int_value)
        return self.text_value


def working_days_after(start, days):
    """The date `days` working days (Monday to Friday) after `start`."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


ANSWER_WITHIN_WORKING_DAYS = 10


class ObstacleQuerySet(models.QuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=Obstacle.Status.OPEN, answer_by__lt=today)


class Obstacle(models.Model):
    """A question or difficulty a unit raises with the federation (vướng mắc)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="obstacles"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="obstacles"
    )
    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("annual report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="obstacle_items",
    )
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("description"), max_length=MAX_NARRATIVE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    answer_by = models.DateField(_("answer by"))
    answer = models.TextField(_("answer"), max_length=MAX_NARRATIVE, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ObstacleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(answer=""), name="obstacle_answered_has_answer"
            )
        ]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        if self.answer_by is None:
            raised_on = timezone.localdate(self.raised_at or timezone.now())
            self.answer_by = working_days_after(raised_on, ANSWER_WITHIN_WORKING_DAYS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("obstacle_detail", args=[self.pk])

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.answer_by < today


class Inspection(models.Model):
    """A follow-up visit of the CSPL board to a unit (kiểm tra, giám sát)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        SUPERVISION = "supervision", _("Supervision")

    class FollowUp(models.TextChoices):
        PENDING = "pending", _("Recommendations pending")
        IN_PROGRESS = "in_progress", _("Being carried out")
        MET = "met", _("Recommendations met")

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit inspected"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="inspections"
    )
    visited_on = models.DateField(_("date of the visit"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    members = models.TextField(_("members of the team"), max_length=2000)
    findings = models.TextField(_("findings"), max_length=MAX_NARRATIVE)
    recommendations = models.TextField(_("recommendations"), max_length=MAX_NARRATIVE, blank=True)
    follow_up = models.CharField(
        _("follow-up"), max_length=12, choices=FollowUp.choices, default=FollowUp.PENDING
    )
    follow_up_note = models.TextField(_("follow-up note"), max_length=MAX_NARRATIVE, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.unit} – {self.visited_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("inspection_detail", args=[self.pk])


class Reminder(models.Model):
    """A reminder (đôn đốc) sent to a unit that has not submitted its plan or report.

    An automatic reminder is unique per unit, document and schedule step: the daily task
    claims the row by inserting it, so a second run or a racing worker finds it taken and
    sends nothing. Manual reminders from a reviewer are logged the same way, not unique.
    """

    class What(models.TextChoices):
        PLAN = "plan", _("plan")
        REPORT = "report", _("annual report")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reminders"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="reminders"
    )
    what = models.CharField(_("about"), max_length=10, choices=What.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    step = models.CharField(_("step"), max_length=20)
    due_on = models.DateField(_("due on"))
    manual = models.BooleanField(_("sent by hand"), default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "campaign", "what", "year", "step"],
                condition=Q(manual=False),
                name="reminder_once_per_step",
            )
        ]
        # The rollup counts a year's reminders of a campaign; without this it reads them all.
        indexes = [
            # The rollup counts a year's reminders of a whole tree (campaign, year) or of a
            # subtree, from its units (unit, campaign, year: an index-only look-up per unit).
            models.Index(fields=["campaign", "year"], name="reminder_campaign_year"),
            models.Index(fields=["unit", "campaign", "year"], name="reminder_unit_campaign_year"),
        ]

    def __str__(self):
        return f"{self.unit} – {self.get_what_display()} {self.year} – {self.step}"


# --- The Standing Committee's summary report -------------------------------------------------
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
        return reverse("summary_detail", args=[self.pk])

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
