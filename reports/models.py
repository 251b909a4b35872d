"""Annual results, their periods, obstacles, inspections and reminders."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
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

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "campaign", "year"], name="report_one_per_unit_year"
            )
        ]
        indexes = [models.Index(fields=["campaign", "year", "status"])]

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
        missing = list(
            Indicator.objects.filter(campaign_id=self.campaign_id, kind=Indicator.Kind.INTEGER)
            .exclude(pk__in=filled)
            .values_list("name", flat=True)
        )
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

    def __str__(self):
        return f"{self.unit} – {self.get_what_display()} {self.year} – {self.step}"
