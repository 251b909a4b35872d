"""Campaigns, their content and indicators, and what units file for them: plans and annual
reports (with their submission records), obstacles, inspections and reminders."""

import datetime
import re
import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from units.letterhead import names_on
from units.models import Unit, UnitState

# The content type a Word document (DOCX) is stored with (campaign.uploads detects it).
WORD_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LATEST_YEAR = 2100  # the last year a campaign may run in (first_year's and last_year's limit)
MAX_PARTICIPANTS = 1_000_000  # more than the province's whole membership


def default_addressed_kinds() -> list[str]:
    """Every unit below the province files: the seed's section III.1."""
    return [kind for kind in Unit.Kind.values if kind != Unit.Kind.PROVINCE]


class CampaignQuerySet(models.QuerySet):
    def running_in(self, year):
        return self.filter(first_year__lte=year).filter(
            Q(last_year__isnull=True) | Q(last_year__gte=year)
        )


def new_token() -> str:
    return uuid.uuid4().hex


class Campaign(models.Model):
    """A plan issued by a unit (the seed's plan is one), which subordinate units carry out."""

    slug = models.SlugField(_("identifier"), max_length=50, unique=True)
    number = models.CharField(_("document number"), max_length=50)
    title = models.CharField(_("title"), max_length=500)
    issuer = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="campaigns"
    )
    issued_on = models.DateField(_("issued on"))
    directive = models.CharField(
        _("directive implemented"),
        max_length=500,
        help_text=_("The document this campaign carries out, e.g. a provincial plan."),
    )
    first_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Empty when the campaign runs on without an end."),
    )
    plan_due_on = models.DateField(_("plan due on"))
    report_due_day = models.PositiveSmallIntegerField(
        _("annual report due: day"), default=20, validators=[MaxValueValidator(31)]
    )
    report_due_month = models.PositiveSmallIntegerField(
        _("annual report due: month"), default=12, validators=[MaxValueValidator(12)]
    )
    cutoff_day = models.PositiveSmallIntegerField(
        _("data cut-off: day"),
        default=14,
        validators=[MaxValueValidator(31)],
        help_text=_("A year's figures run from the day after the previous cut-off to this day."),
    )
    cutoff_month = models.PositiveSmallIntegerField(
        _("data cut-off: month"), default=12, validators=[MaxValueValidator(12)]
    )
    addressed_kinds = models.JSONField(
        _("unit kinds that file"),
        default=default_addressed_kinds,
        help_text=_("Kinds of unit expected to file a plan and report each year."),
    )

    # A new random token with every change of its indicators and rules: the version of
    # them that campaign.measures keeps (random, so that no two states ever share one).
    measures_version = models.CharField(max_length=32, default=new_token, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=F("first_year")),
                name="campaign_last_year_after_first",
            )
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    @property
    def number_known(self) -> bool:
        """False while the number is still the placeholder staff are to fill in ("…/KH-LĐLĐ",
        as the seed plan's: no digit in it)."""
        return any(char.isdigit() for char in self.number)

    @property
    def reference(self) -> str:
        """How pages name the plan: its number, or its date while the number is not known
        (a placeholder is never shown)."""
        if self.number_known:
            return self.number
        return str(_("plan of %(date)s") % {"date": self.issued_on.strftime("%d/%m/%Y")})

    def clean(self):
        errors = {}
        if self.last_year and self.first_year and self.last_year < self.first_year:
            errors["last_year"] = _("The last year cannot be before the first year.")
        for day, month, field in (
            (self.report_due_day, self.report_due_month, "report_due_day"),
            (self.cutoff_day, self.cutoff_month, "cutoff_day"),
        ):
            try:
                datetime.date(2024, month, day)  # a leap year admits 29/02
            except (TypeError, ValueError):
                errors[field] = _("This day does not exist in that month.")
        # A year's report is due in that same year (Period.defaults): due before the cut-off,
        # each year's reports would be due, late and locked before its figures were complete.
        due = (self.report_due_month, self.report_due_day)
        cutoff = (self.cutoff_month, self.cutoff_day)
        if "report_due_day" not in errors and "cutoff_day" not in errors and due < cutoff:
            errors["report_due_day"] = _(
                "Reports would be due on %(due)s, before the year's figures close on "
                "%(cutoff)s: choose a due date on or after the cut-off."
            ) % {"due": f"{due[1]:02d}/{due[0]:02d}", "cutoff": f"{cutoff[1]:02d}/{cutoff[0]:02d}"}
        if self.plan_due_on and self.issued_on and self.plan_due_on < self.issued_on:
            errors["plan_due_on"] = _(
                "Plans cannot be due before the campaign is issued (%(date)s)."
            ) % {"date": self.issued_on.strftime("%d/%m/%Y")}
        if self.issuer_id and self.issued_on and not self.issuer.is_open_on(self.issued_on):
            errors["issuer"] = _(
                "This unit was not open on %(date)s: a campaign is issued by a unit open on "
                "its date (after a merger, by the unit it merged into)."
            ) % {"date": self.issued_on.strftime("%d/%m/%Y")}
        kinds = self.addressed_kinds or []
        if not isinstance(kinds, list) or not set(kinds) <= set(Unit.Kind.values):
            errors["addressed_kinds"] = _("Use a list of unit kinds: %(kinds)s.") % {
                "kinds": ", ".join(Unit.Kind.values)
            }
        if errors:
            raise ValidationError(errors)

    def runs_in(self, year: int) -> bool:
        # A campaign without an end still runs no later than the last year a campaign may
        # name: a year from an address such as /reports/99999/ has no period to compute.
        return self.first_year <= year <= (self.last_year or LATEST_YEAR)

    def issuer_named_then(self, short: bool = True) -> str:
        """The issuer as it was named on the campaign's date (documents quote the plan so,
        whatever renamed the issuer since). One query."""
        state, _parent = names_on(self.issuer, self.issued_on)
        if state is None:
            return (self.issuer.short_name if short else "") or self.issuer.name
        return (state.short_name if short else "") or state.name

    def not_running_message(self, year: int) -> str:
        """Why there is nothing for `year`, a year the campaign does not run."""
        return _("The campaign runs from %(first)s%(last)s; there is no report for %(year)s.") % {
            "first": self.first_year,
            "last": f" – {self.last_year}" if self.last_year else "",
            "year": year,
        }

    def years_so_far(self, today: datetime.date | None = None) -> list[int]:
        """The years a unit can have filed for, newest first: the campaign's years up to
        this one (not to its last year, which may lie decades ahead)."""
        this_year = (today or timezone.localdate()).year
        if self.first_year > this_year:
            return []  # not begun: nothing filed yet, and no period to file for
        last = min(self.last_year or this_year, this_year)
        return list(range(last, self.first_year - 1, -1))

    def acting_issuer(self, day=None) -> Unit:
        """The unit that carries the campaign on `day` (today by default): its issuer while
        that is open, else the unit the issuer merged into, following the successors to the
        first one open that day (the last of the chain when none is). The campaign's area
        that day is this unit's subtree: who is asked to file, reminded and counted as
        expected (reports.trees.YearTree.expected).

        One query per successor first followed; the chain is remembered on this instance."""
        day = day or timezone.localdate()
        chain = self.__dict__.setdefault("_issuer_chain", [])
        if not chain:
            chain.append(self.issuer)
        for unit in chain:
            if unit.is_open_on(day):
                return unit
        seen = {unit.pk for unit in chain}
        while chain[-1].successor_id and chain[-1].successor_id not in seen:
            seen.add(chain[-1].successor_id)
            chain.append(Unit.objects.get(pk=chain[-1].successor_id))
            if chain[-1].is_open_on(day):
                break
        return chain[-1]

    def issuer_chain(self, day=None) -> list[Unit]:
        """The issuer and the successors it merged into, as far as the unit carrying the
        campaign on `day` (today by default; see acting_issuer, whose queries it costs)."""
        carrier = self.acting_issuer(day)
        chain = self.__dict__["_issuer_chain"]
        return chain[: chain.index(carrier) + 1]

    def addresses(self, unit: Unit, day: datetime.date | None = None) -> bool:
        """Whether the campaign asks `unit` to file: a unit of an addressed kind in its area
        on `day` (strictly below its acting issuer, see acting_issuer)."""
        if unit.kind not in self.addressed_kinds:
            return False
        area = self.acting_issuer(day)
        return unit.path.startswith(area.path) and unit.path != area.path


class Theme(models.Model):
    """An item of the propagation content, numbered as in the plan: "1", "2", "2.1"…"""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="themes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.TextField(_("content"))
    # "2.10" must sort after "2.9": the number with each part zero-padded.
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)

    class Meta:
        verbose_name = _("propagation content item")
        verbose_name_plural = _("propagation content items")
        ordering = ["campaign", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="theme_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.short_title}"

    def save(self, *args, **kwargs):
        self.sort_key = ".".join(part.zfill(4) for part in self.number.split("."))
        super().save(*args, **kwargs)

    # Each part from 1, in 0-9 without a leading zero: "01" beside "1", or "1.01" beside
    # "1.1", were two items sorted as one, and "1.１" (full-width) or "²", which isdigit()
    # passed, an item apart from the "1.1" it shows as.
    NUMBER = re.compile(r"[1-9][0-9]*(\.[1-9][0-9]*)*")

    def clean(self):
        # That a sub-item's number starts with its parent's is checked over the whole set of
        # items saved together (the admin's formset), not here: the parent may be renumbered
        # in the same save, and its stored number is then not the one to start with.
        if not self.NUMBER.fullmatch(self.number or "") and not self._number_stored():
            raise ValidationError({"number": _("Number items like 1, 2 or 2.1.")})

    def _number_stored(self) -> bool:
        """Whether the item was saved with this number already: one numbered before the
        rule (NUMBER) is kept, as plans covering it may forbid renumbering it, and the
        campaign's other changes must still save. One query."""
        return bool(self.pk) and Theme.objects.filter(pk=self.pk, number=self.number).exists()

    @property
    def short_title(self):
        return self.title if len(self.title) <= 90 else self.title[:87].rstrip() + "…"


class Indicator(models.Model):
    """A figure every addressed unit reports each year, and how it adds up over an area.

    Whole numbers are summed over the included reports of an area; text is listed, never
    summed. A figure the portal can count from its own records (`Source.PLANS`: the units
    of a kind with their own plan) is computed, not typed, wherever those units file in the
    campaign; where they do not, the unit above types it like any other figure.
    """

    class Kind(models.TextChoices):
        INTEGER = "integer", _("Whole number (summed)")
        TEXT = "text", _("Text (listed)")

    class Source(models.TextChoices):
        TYPED = "typed", _("Typed by each unit")
        PLANS = "plans", _("Counted by the portal: units of a kind with their own plan")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INTEGER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    help_text = models.TextField(
        _("help text"), blank=True, help_text=_("Shown under the field on the report form.")
    )
    source = models.CharField(
        _("how it is obtained"), max_length=10, choices=Source.choices, default=Source.TYPED
    )
    counted_kind = models.CharField(
        _("kind of unit counted"),
        max_length=20,
        choices=Unit.Kind.choices,
        blank=True,
        help_text=_("For a figure the portal counts: the kind of unit whose plans it counts."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["campaign", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="indicator_unique_code"),
            models.CheckConstraint(
                condition=Q(source="typed") | (Q(kind="integer") & ~Q(counted_kind="")),
                name="indicator_counted_is_whole_with_kind",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.source == self.Source.PLANS:
            if self.kind != self.Kind.INTEGER:
                raise ValidationError({"kind": _("A figure the portal counts is a whole number.")})
            if not self.counted_kind:
                raise ValidationError({"counted_kind": _("Choose the kind of unit to count.")})

    def is_computed(self, addressed_kinds) -> bool:
        """Whether the portal counts it for a campaign addressing `addressed_kinds`: only
        where the units it counts file their plans in the portal."""
        return self.source == self.Source.PLANS and self.counted_kind in addressed_kinds


class PlausibilityRule(models.Model):
    """A rule that flags an implausible figure on save and on review (campaign.plausibility).

    Kept with the campaign as data: a figure at least another (participants ≥ sessions); a
    jump against the unit's own figure of last year (more than `factor` times, or less than
    a `factor`-th, once either is at least `floor`; without an indicator, every typed whole
    number); the most one unit (of a kind, or any) can report.
    """

    class Kind(models.TextChoices):
        AT_LEAST = "at_least", _("At least another figure")
        JUMP = "jump", _("Jump against last year")
        MAXIMUM = "maximum", _("Most for one unit")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="plausibility_rules",
    )
    kind = models.CharField(_("rule"), max_length=10, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("For a jump, leave empty to check every whole-number figure."),
    )
    other = models.ForeignKey(
        Indicator,
        verbose_name=_("at least this figure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    factor = models.PositiveSmallIntegerField(
        _("factor"), default=5, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    floor = models.PositiveIntegerField(
        _("floor"),
        default=20,
        help_text=_("A jump is flagged only when this year's or last year's figure reaches it."),
    )
    limit = models.PositiveIntegerField(_("most for one unit"), null=True, blank=True)
    unit_kind = models.CharField(
        _("for units of kind"),
        max_length=20,
        choices=Unit.Kind.choices,
        blank=True,
        help_text=_("Empty: units of every kind."),
    )

    class Meta:
        verbose_name = _("plausibility rule")
        verbose_name_plural = _("plausibility rules")
        ordering = ["campaign", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="at_least")
                | (Q(indicator__isnull=False) & Q(other__isnull=False)),
                name="rule_at_least_has_both_figures",
            ),
            models.CheckConstraint(
                condition=~Q(kind="maximum")
                | (Q(indicator__isnull=False) & Q(limit__isnull=False)),
                name="rule_maximum_has_figure_and_limit",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.indicator or _('every figure')}"

    def clean(self):
        errors = {}
        if self.kind in (self.Kind.AT_LEAST, self.Kind.MAXIMUM) and not self.indicator_id:
            errors["indicator"] = _("Choose the figure this rule checks.")
        if self.kind == self.Kind.AT_LEAST and not self.other_id:
            errors["other"] = _("Choose the figure it must be at least.")
        if self.kind == self.Kind.MAXIMUM and self.limit is None:
            errors["limit"] = _("Give the most one unit can report.")
        for name in ("indicator", "other"):
            indicator = getattr(self, name) if getattr(self, f"{name}_id") else None
            if indicator is not None and (
                indicator.campaign_id != self.campaign_id
                or indicator.kind != Indicator.Kind.INTEGER
            ):
                errors[name] = _("Choose a whole-number figure of this campaign.")
        if errors:
            raise ValidationError(errors)


# --- Submissions ---------------------------------------------------------------------------------
class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


EDITABLE = (Status.DRAFT, Status.RETURNED)


def reopened_since_submitted(
    status: str | None,
    submitted_at: datetime.datetime | None,
    reopened_at: datetime.datetime | None,
) -> bool:
    """Whether a submission in `status` is back with its unit because a reviewer reopened it
    since it was last submitted (`Submission.was_reopened`, from a row's values)."""
    return (
        status == Status.RETURNED
        and reopened_at is not None
        and (submitted_at is None or reopened_at > submitted_at)
    )


class StepQuerySet(models.QuerySet):
    def with_unit_then(self):
        """Each step with `actor_unit_then`: the unit the actor acted for (`actor_unit`)
        named as it was on the step's day in Viet Nam, from its era (units.UnitState), not
        as today: history does not move. None when the step recorded no unit. A subquery
        of this query: no query more, whatever the number of steps."""
        return self.annotate(local_day=TruncDate("at")).annotate(
            actor_unit_then=Subquery(
                UnitState.objects.shown_on(OuterRef("actor_unit_id"), OuterRef("local_day"))
            )
        )


class Step(models.Model):
    """One step of a submission's life: who did what, when, why, and what it looked like.

    `Action` are the workflow's transitions, taken by people. A reorganisation records a
    `UnitChange` itself, without an actor and without changing the status: the submission
    moved to the successor of its closing unit, or was closed with its unit
    (campaign.reorganisations); `reason` says under which decision.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned")
        ACCEPT = "accept", _("Accepted")
        REOPEN = "reopen", _("Reopened")

    class UnitChange(models.TextChoices):
        MOVE = "move", _("Moved to the successor unit")
        CLOSE = "close", _("Closed with its unit")

    class Opening(models.TextChoices):
        # A reviewer opened a draft for a unit that had none after the lock date
        # (campaign.open_late): recorded without a status change.
        OPEN_LATE = "open_late", _("Opened by a reviewer after the lock date")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of filing"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("filing number in the portal"))
    submission = GenericForeignKey("content_type", "object_id")
    action = models.CharField(
        _("action"),
        max_length=10,
        choices=Action.choices + UnitChange.choices + Opening.choices,
    )
    from_status = models.CharField(_("from status"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=10, choices=Status.choices)
    # Empty for a step the portal records itself (a reorganisation's move or close).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit the actor acted from (their role's unit at or above the submission's unit),
    # so the history keeps it when their roles change later. Empty for older steps.
    actor_unit = models.ForeignKey(
        Unit,
        verbose_name=_("acting for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    # The submission's content at this step, so a reviewer sees exactly what changed between
    # the version they returned and the one sent back.
    snapshot = models.JSONField(_("snapshot"), default=dict)
    # The step's e-mails are still to be written (campaign.notifications.write_step_emails):
    # a workflow step is recorded with it set, in the request, and a worker writes the
    # outbox rows and clears it. The row is thus the durable record that they are owed.
    emails_pending = models.BooleanField(default=False, editable=False)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # The outbox flush looks for the few steps still owed their e-mails.
            models.Index(
                fields=["at"], condition=Q(emails_pending=True), name="step_emails_pending"
            ),
        ]

    def __str__(self):
        # In Viet Nam's time, as the page shows the step's own time beside it.
        return f"{self.get_action_display()} – {timezone.localtime(self.at):%H:%M %d/%m/%Y}"


# The signing block of a unit's plan or annual report, as its office signs it (Decree 30,
# Appendix I): an authority line when the signer signs for a collective body or for its head
# ("TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH"), the signer's title, then the name under the
# signature. Optional: a copy printed without them signs with the unit's name, as before.
def signer_block_field():
    return models.CharField(
        _("signing on behalf of"),
        max_length=100,
        blank=True,
        default="",  # a new plan's or report's value in Python (db_default: raw inserts)
        db_default="",
        help_text=_(
            "If the signer signs for the committee or for the chair, e.g. TM. BAN THƯỜNG VỤ, "
            "TM. BAN CHẤP HÀNH or KT. CHỦ TỊCH. Printed in capitals above the title."
        ),
    )


def signer_title_field():
    return models.CharField(
        _("signer's title"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "The signer's position, e.g. CHỦ TỊCH or PHÓ CHỦ TỊCH. Left empty with the "
            "signing authority too, the printed copy signs with the unit's name."
        ),
    )


class Submission(models.Model):
    """What plans and annual reports share: a unit files it, upper units review it.

    Transitions happen only through campaign.workflow. `version` grows with every save and
    every step, so a save based on an older version is refused instead of overwriting.
    """

    # unit.plans / unit.annualreports: the rollup joins them to the units in one query.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The first submission decides whether it came on time; resubmissions do not.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    # Who last saved the content, and, when they filed from an upper unit rather than as an
    # officer of this unit (filing on behalf, "nhập hộ", units.access), the unit they filed
    # from. Set by every view that saves the content (`record_entry`).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_from = models.ForeignKey(
        Unit,
        verbose_name=_("entered on behalf from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit it stood with before a merger moved it to the successor, and the day it moved
    # (campaign.reorganisations): a year counted on a tree before that day, and a letterhead
    # on a date before it, are that unit's. History does not move. The last move: every one
    # is a `Move`.
    moved_from = models.ForeignKey(
        Unit,
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss_moved_away",
    )
    moved_on = models.DateField(_("moved on"), null=True, blank=True)
    steps = GenericRelation(Step)

    # What a workflow step reads besides the row itself (the rights, the filing window).
    WORKFLOW_RELATED = ("unit", "campaign")
    # What `record_entry` sets: saved with the content.
    ENTRY_FIELDS = ("entered_by", "entered_from")

    class Meta:
        abstract = True

    @property
    def is_editable(self):
        return self.status in EDITABLE and self.filing_open()

    def record_entry(self, user, on_behalf_from=None) -> None:
        """Note who saved the content and, when filed on behalf, from which upper unit
        (`units.access.Scope.filing_on_behalf_from`). The caller saves."""
        self.entered_by = user
        self.entered_from = on_behalf_from

    def unit_on(self, day: datetime.date) -> Unit:
        """The unit it stood with on `day`: before the day a merger moved it, the unit it
        came from, through every move (no query on or after its last move)."""
        if self.moved_on is None or day >= self.moved_on:
            return self.unit
        move = self.moves.filter(on__gt=day).select_related("from_unit").order_by("on").first()
        return move.from_unit if move is not None else self.moved_from

    def closed_with_unit(self, day=None):
        """Whether its unit has closed by `day` (today by default). The submission is then
        history: read, never changed, reviewed or deleted; a reorganisation records why in
        a `close` step (campaign.reorganisations). No query when the unit is loaded."""
        closed_on = self.unit.closed_on
        return closed_on is not None and closed_on <= (day or timezone.localdate())

    def filing_open(self):
        """Whether the unit may still change and submit it (annual reports close)."""
        return True

    def extra_reopen_sources(self):
        """States, besides accepted, from which a reviewer may reopen it now."""
        return set()

    # The first word of its files' names (`file_stem`).
    FILE_PREFIX = ""

    @property
    def file_stem(self) -> str:
        """An ASCII name for its files, without extension, from its unit's code:
        "ke-hoach-CDCS-A1" (the printed copy's, and an uploaded scan's whose own name was
        only an extension). No query when the unit is loaded."""
        code = self.unit.code.replace("Đ", "D").replace("đ", "d")
        code = unicodedata.normalize("NFKD", code)
        code = "".join(c for c in code if c.isascii() and (c.isalnum() or c in "-_"))
        return f"{self.FILE_PREFIX}-{code or self.unit_id}"

    @property
    def was_reopened(self) -> bool:
        """Whether it is back with its unit because a reviewer reopened it (an accepted one,
        or one locked after its period, or returned after its lock date, which reopens it
        too) rather than returned it: reopened since it was last submitted. No query."""
        return reopened_since_submitted(self.status, self.submitted_at, self.reopened_at)

    @property
    def status_label(self) -> str:
        """The state as its badge names it: "Reopened" rather than "Returned" after a
        reopen, since nothing was wrong with what the unit sent."""
        if self.was_reopened:
            return pgettext("state of a plan or report", "Reopened")
        return self.get_status_display()

    # The signing block's fields: the authority line, the signer's title, the name.
    SIGNING_FIELDS: tuple[str, ...] = ()

    def sign_as_before(self) -> None:
        """Start a new plan or report with the signing block of its unit's latest plan or
        report that has an authority line or a title: the same office signs again. Either
        kind, as the README promises: a unit files one plan per campaign, so a new plan
        had only another campaign's plan to take it from, and started empty beside the
        unit's reports. Not one a merger moved to the unit, which another office signed.
        Nothing changes when there is none. One query."""
        latest = None
        for kind in (Plan, AnnualReport):
            rows = (
                kind.objects.filter(unit_id=self.unit_id, moved_from__isnull=True)
                .filter(~Q(signer_block="") | ~Q(signer_title=""))
                .order_by()
                .values_list("created_at", "id", *kind.SIGNING_FIELDS)
            )
            latest = rows if latest is None else latest.union(rows, all=True)
        before = latest.order_by("-created_at", "-id").first()
        if before is not None:
            # The kinds name the signer's field differently; their blocks list it last.
            for name, value in zip(self.SIGNING_FIELDS, before[2:], strict=True):
                setattr(self, name, value)

    def signed_by(self) -> list[str]:
        """The lines of its signing block that are filled in, in their order. No query."""
        return [value for name in self.SIGNING_FIELDS if (value := getattr(self, name))]

    def snapshot(self):
        """The content as {"fields": {name: text}, "items": {key: {name: text}}}."""
        raise NotImplementedError

    def completeness_problems(self):
        """Reasons the submission cannot be submitted yet (translated strings)."""
        return []


class Plan(Submission):
    """One unit's implementation plan for a campaign."""

    doc_number = models.CharField(_("document number"), max_length=50)
    doc_date = models.DateField(_("document date"))
    signer_block = signer_block_field()
    signer_title = signer_title_field()
    signer = models.CharField(
        _("signed by"),
        max_length=150,
        help_text=_("The name of the person who signs, printed under the signature."),
    )
    summary = models.TextField(_("summary"), max_length=5000)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "campaign"], name="plan_one_per_unit")
        ]

    FILE_PREFIX = "ke-hoach"

    def __str__(self):
        return _("Plan %(number)s of %(unit)s") % {"number": self.doc_number, "unit": self.unit}

    def get_absolute_url(self):
        return reverse("campaign:plan_detail", args=[self.pk])

    SIGNING_FIELDS = ("signer_block", "signer_title", "signer")
    SNAPSHOT_FIELDS = ("doc_number", "doc_date", *SIGNING_FIELDS, "summary")

    def snapshot(self):
        fields = {name: _text(getattr(self, name)) for name in self.SNAPSHOT_FIELDS}
        items = {
            str(activity.pk): activity.snapshot()
            for activity in self.activities.prefetch_related("themes")
        }
        fields["attachments"] = ", ".join(sorted(a.original_name for a in self.attachments.all()))
        return {"fields": fields, "items": items}

    def completeness_problems(self):
        problems = []
        if not self.activities.exists():
            problems.append(_("Add at least one activity."))
        if not self.attachments.exists():
            problems.append(_("Attach the signed scan of the plan."))
        return problems


class Activity(models.Model):
    """A propagation activity that a plan schedules."""

    class Method(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        SEMINAR = "seminar", _("Seminar or talk")
        NEWSLETTER = "newsletter", _("Newsletter")
        BANNER = "banner", _("Banner or poster")
        LOUDSPEAKER = "loudspeaker", _("Loudspeaker")
        SOCIAL_MEDIA = "social_media", _("Social media")
        CONTEST = "contest", _("Contest")
        UNION_MEETING = "union_meeting", _("Integrated into union meetings")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("content covered"), blank=True)
    audience = models.CharField(_("target audience"), max_length=255)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    planned_quarter = models.PositiveSmallIntegerField(
        _("planned quarter"),
        null=True,
        blank=True,
        choices=[
            (1, _("Quarter 1")),
            (2, _("Quarter 2")),
            (3, _("Quarter 3")),
            (4, _("Quarter 4")),
        ],
    )
    expected_participants = models.PositiveIntegerField(
        _("expected participants"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PARTICIPANTS)],
    )
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_on__isnull=False) | Q(planned_quarter__isnull=False),
                name="activity_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(planned_quarter__isnull=True) | Q(planned_quarter__range=(1, 4)),
                name="activity_quarter_1_to_4",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} – {self.audience}"

    def clean(self):
        if self.planned_on is None and self.planned_quarter is None:
            raise ValidationError(
                {
                    "planned_on": ValidationError(
                        _("Give a planned date or a quarter."), code="no_time"
                    )
                }
            )

    @property
    def when(self):
        if self.planned_on:
            return self.planned_on.strftime("%d/%m/%Y")
        return self.get_planned_quarter_display()

    def snapshot(self):
        return {
            "method": self.get_method_display(),
            "themes": ", ".join(t.number for t in sorted(self.themes.all(), key=_theme_key)),
            "audience": self.audience,
            "when": _text(self.when),
            "expected_participants": _text(self.expected_participants),
        }


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # A random name: nothing about the stored file comes from the user.
    suffix = PurePath(filename).suffix.lower()[:6]
    if attachment.report_id:
        return f"reports/{attachment.report_id}/{uuid.uuid4().hex}{suffix}"
    return f"plans/{attachment.plan_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to a plan (the signed scan) or to an annual report (the scan of the
    paper report, when it was filed on behalf). Exactly one of the two is set. Served only
    through an authorising view."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    report = models.ForeignKey(
        "AnnualReport",
        verbose_name=_("annual report"),
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, report__isnull=True)
                | Q(plan__isnull=True, report__isnull=False),
                name="attachment_of_a_plan_or_a_report",
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def submission(self):
        return self.plan if self.plan_id else self.report

    @property
    def is_pdf(self) -> bool:
        """Whether the file is a PDF (its type as detected on upload): a PDF's digital
        signature can be checked on the portal."""
        return self.content_type == "application/pdf"

    @property
    def is_word(self) -> bool:
        """Whether the file is a Word document (DOCX): its package signature, as Word
        signs it, can be checked on the portal too."""
        return self.content_type == WORD_CONTENT_TYPE

    @property
    def signature_checkable(self) -> bool:
        return self.is_pdf or self.is_word


class Notification(models.Model):
    """An e-mail waiting in the outbox, then sent exactly once.

    Rows are written in the transaction of the event that causes them (for a workflow step,
    the worker's transaction that claims the step's pending e-mails: Step.emails_pending;
    for the daily reminders, the one that takes a person's PendingReminderEmail rows),
    so nothing is lost when the broker is down; `key` makes writing the same notification
    twice impossible.
    """

    key = models.CharField(_("key"), max_length=100, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    to_email = models.EmailField(_("e-mail address"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("content"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The Celery task (its id) that holds the claim: a redelivery of that same task, after
    # its worker died mid-send, may take the claim back without waiting for the lease.
    claimed_by = models.CharField(_("claimed by"), max_length=255, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.to_email}: {self.subject}"


class Notice(models.Model):
    """A notice in the portal (the bell beside the e-mail): one event told to one user.

    Written in the transaction of the step that causes it (campaign.notices), so a rollback
    leaves none and a commit loses none. `key` names the
    event ("step-12", "reminder-5", "summary-3"…): the pair (recipient, key) is unique and
    writers insert with ON CONFLICT DO NOTHING, so a task retried or redelivered gives a
    user one notice per event.

    The text is not stored: it is made from `kind` and `params` when shown, in the reader's
    language (`text`).
    """

    class Kind(models.TextChoices):
        RETURNED = "returned", pgettext_lazy("kind of notice", "Returned")
        ACCEPTED = "accepted", pgettext_lazy("kind of notice", "Accepted")
        REOPENED = "reopened", pgettext_lazy("kind of notice", "Reopened")
        OPENED_LATE = "opened_late", pgettext_lazy("kind of notice", "Opened late")
        REMINDED = "reminded", pgettext_lazy("kind of notice", "Reminder")
        OBSTACLE_ANSWERED = (
            "obstacle_answered",
            pgettext_lazy("kind of notice", "Obstacle answered"),
        )
        OBSTACLE_CLOSED = "obstacle_closed", pgettext_lazy("kind of notice", "Obstacle closed")
        RECOMMENDATION_DUE = (
            "recommendation_due",
            pgettext_lazy("kind of notice", "Recommendations due"),
        )
        SUMMARY_ISSUED = "summary_issued", pgettext_lazy("kind of notice", "Summary report issued")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    key = models.CharField(_("event"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    # The unit the object belongs to: the notice links to it only while the reader may
    # still see that unit (the page itself checks access too).
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    url = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice in the portal")
        verbose_name_plural = _("notices in the portal")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_event")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_newest"),
            # The bell counts a user's unread notices on every page.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.text}"

    @property
    def text(self) -> str:
        """The notice in the active language, from its kind and parameters (no query)."""
        params = {name: _param(name, value) for name, value in (self.params or {}).items()}
        message = NOTICE_TEXTS.get((self.kind, params.get("what", "")))
        if message is None:
            message = NOTICE_TEXTS.get((self.kind, ""))
        try:
            return str(message) % params
        except (KeyError, TypeError, ValueError):
            # A notice written by an older version may lack a parameter: its kind still says
            # what happened.
            return str(self.get_kind_display())


def _param(name, value):
    """A notice parameter as shown: dates (named "…_on", kept as ISO) in the local format."""
    if name.endswith("_on") and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


# (kind, what it is about): the sentence. "what" is "plan" or "report" for the workflow's
# steps and reminders, "reviewer" for an obstacle a reviewer closed, else empty.
_K = Notice.Kind
NOTICE_TEXTS = {
    (_K.RETURNED, "plan"): _("The implementation plan of %(unit)s was returned: %(reason)s"),
    (_K.RETURNED, "report"): _("The %(year)s report of %(unit)s was returned: %(reason)s"),
    (_K.ACCEPTED, "plan"): _("The implementation plan of %(unit)s was accepted"),
    (_K.ACCEPTED, "report"): _("The %(year)s report of %(unit)s was accepted"),
    (_K.REOPENED, "plan"): _(
        "The implementation plan of %(unit)s was reopened for changes: %(reason)s"
    ),
    (_K.REOPENED, "report"): _(
        "The %(year)s report of %(unit)s was reopened for changes: %(reason)s"
    ),
    (_K.OPENED_LATE, "report"): _(
        "The %(year)s report of %(unit)s was opened after the lock date: it can be filed now"
    ),
    (_K.REMINDED, "plan"): _(
        "Reminder: %(unit)s has not sent its implementation plan yet (due %(due_on)s)"
    ),
    (_K.REMINDED, "report"): _(
        "Reminder: %(unit)s has not sent its %(year)s report yet (due %(due_on)s)"
    ),
    (_K.OBSTACLE_ANSWERED, ""): _("The obstacle “%(subject)s” of %(unit)s was answered"),
    (_K.OBSTACLE_CLOSED, ""): _("%(unit)s closed the obstacle “%(subject)s” that you answered"),
    (_K.OBSTACLE_CLOSED, "reviewer"): _(
        "%(closer)s closed the obstacle “%(subject)s” of %(unit)s that you answered"
    ),
    (_K.OBSTACLE_CLOSED, "unit"): _("%(closer)s closed the obstacle “%(subject)s” of %(unit)s"),
    (_K.RECOMMENDATION_DUE, ""): _(
        "The recommendations of the visit to %(unit)s on %(visited_on)s are due (%(due_on)s)"
    ),
    (_K.SUMMARY_ISSUED, ""): _("%(unit)s issued summary report %(number)s: %(subject)s"),
}
del _K


# --- Annual reports ------------------------------------------------------------------------------
# These models and the follow-up's below came from the reports app: their tables keep the
# names they had there (reports_…).
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
    def for_year(self, campaign: Campaign, year: int) -> "Period":
        """The campaign's period for `year`, created from the campaign's rules on first use.

        Raises ValidationError for a year outside the years the campaign runs, and for a
        year after next that has no period yet: nobody files for it, and a period typed into
        an address would lengthen every trend (reports.rollup) with empty years.
        """
        if not campaign.runs_in(year):
            raise ValidationError(campaign.not_running_message(year), code="year_out_of_range")
        latest = timezone.localdate().year + 1
        if year > latest and not self.filter(campaign=campaign, year=year).exists():
            raise ValidationError(
                _("%(year)s has not begun: there is no report for it yet.") % {"year": year},
                code="year_not_begun",
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
        db_table = "reports_period"
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
        return f"{self.campaign.reference} – {self.year}"

    def not_expected_message(self, unit: Unit) -> str:
        """Why a unit not open at the cut-off owes no report for the year (whether a unit
        owes one is campaign.counting's: `expects`, `expected_among`)."""
        return _(
            "%(unit)s was not open at the end of %(year)s: no report is due from it for it."
        ) % {
            "unit": unit,
            "year": self.year,
        }

    def clean(self):
        errors = {}
        if self.campaign_id and self.year and not self.campaign.runs_in(self.year):
            # A year the campaign does not run in would stand on every dashboard's trend;
            # one past 9999 has no dates at all.
            errors["year"] = _("The campaign runs from %(first)s%(last)s: give a year in it.") % {
                "first": self.campaign.first_year,
                "last": f" – {self.campaign.last_year}" if self.campaign.last_year else "",
            }
        elif self.year and self.year > timezone.localdate().year + 1 and self._state.adding:
            # As PeriodQuerySet.for_year has it: nobody files for it yet, and it would
            # lengthen every trend with empty years.
            errors["year"] = _("%(year)s has not begun: there is no report for it yet.") % {
                "year": self.year
            }
        if self.year:
            # A year's dates lie around it (by default from 15/12 before it to a lock in
            # January after it). One typed far off, such as 31/12/9999 for "never", left
            # every dashboard asking for the instant after that day: OverflowError.
            first = datetime.date(max(self.year - 1, datetime.MINYEAR), 1, 1)
            last = datetime.date(min(self.year + 1, datetime.MAXYEAR), 12, 31)
            for name in ("starts_on", "ends_on", "due_on", "locks_on"):
                day = getattr(self, name)
                if day and not first <= day <= last:
                    errors[name] = _(
                        "A date of the %(year)s reporting period lies from %(first)s to %(last)s."
                    ) % {
                        "year": self.year,
                        "first": first.strftime("%d/%m/%Y"),
                        "last": last.strftime("%d/%m/%Y"),
                    }
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", _("The cut-off cannot be before the start of the period."))
        if self.due_on and self.locks_on and self.locks_on < self.due_on:
            errors.setdefault("locks_on", _("The lock date cannot be before the due date."))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def defaults(campaign: Campaign, year: int) -> dict[str, datetime.date]:
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

    def is_locked_on(self, day: datetime.date) -> bool:
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
    # The number the unit's office gives the report when it registers it (Decree 30); often
    # only after it is signed, so a report may be sent without one.
    doc_number = models.CharField(
        _("document number"),
        max_length=50,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "The number your unit's office gave the report, e.g. 12/BC-CĐCS. Left empty, "
            "the printed copy leaves a space to write it by hand."
        ),
    )
    # The results and the self-assessment may be left empty in a draft, as its figures may:
    # they are asked for when it is submitted (`TO_SUBMIT`, `completeness_problems`).
    results = models.TextField(_("results"), max_length=MAX_NARRATIVE, blank=True)
    shortcomings = models.TextField(_("shortcomings"), max_length=MAX_NARRATIVE, blank=True)
    obstacles = models.TextField(_("obstacles"), max_length=MAX_NARRATIVE, blank=True)
    proposals = models.TextField(_("proposals"), max_length=MAX_NARRATIVE, blank=True)
    self_assessment = models.CharField(
        _("self-assessment"), max_length=10, choices=Assessment.choices, blank=True
    )
    # What the campaign's plausibility rules flag in the figures, as of the last save
    # (campaign.plausibility), and the officer's explanation, needed to submit with flags.
    flags = models.JSONField(_("figures flagged"), default=list, blank=True, db_default=[])
    flags_note = models.TextField(
        _("explanation of the flagged figures"),
        max_length=2000,
        blank=True,
        default="",  # a new report's value in Python (db_default only serves raw inserts)
        db_default="",
        help_text=_("Say briefly why these figures are right, e.g. a large conference."),
    )
    signer_block = signer_block_field()
    signer_title = signer_title_field()
    signer_name = models.CharField(
        _("signer's name"),
        max_length=150,
        blank=True,
        default="",
        db_default="",
        help_text=_("Printed under the signature."),
    )
    history = HistoricalRecords(
        excluded_fields=["version", "updated_at"], table_name="reports_historicalannualreport"
    )

    # filing_open() reads the period's lock date.
    WORKFLOW_RELATED = ("unit", "campaign", "period")

    class Meta:
        db_table = "reports_annualreport"
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "campaign", "year"], name="report_one_per_unit_year"
            )
        ]
        indexes = [
            # A year's reports by status, with their unit and key: the rollup reads the
            # included reports of a year and joins their values from this index alone (an
            # index-only scan on PostgreSQL, instead of one heap page per report).
            models.Index(
                fields=["campaign", "year", "status"],
                include=["unit", "id"],
                name="annualreport_year_status",
            ),
            # The rollup's trend reads a subtree's reports of every year from its units: on
            # PostgreSQL an index-only scan per unit, instead of one heap page per report.
            models.Index(
                fields=["unit", "campaign", "status"],
                include=["year", "period", "id"],
                name="annualreport_unit_trend",
            ),
        ]

    FILE_PREFIX = "bao-cao"

    def __str__(self):
        return _("Annual report %(year)s of %(unit)s") % {"year": self.year, "unit": self.unit}

    def get_absolute_url(self):
        return reverse("campaign:report_detail", args=[self.pk])

    @property
    def file_stem(self) -> str:
        """Its unit's and its year's: "bao-cao-CDCS-A1-2016"."""
        return f"{super().file_stem}-{self.year}"

    def unit_name_then(self) -> str:
        """The unit's name on the tree of the report's year (at its cut-off), the name its
        pages and documents show (README.md, "The tree over time"): from the `name_then`
        annotation of `campaign.annual_reports.reports()` when there, else one query."""
        name = getattr(self, "name_then", None)
        if name is None and self.period_id:
            name = (
                UnitState.objects.placed_on(self.period.ends_on)
                .filter(unit_id=self.unit_id)
                .values_list("name", flat=True)
                .first()
            )
        return name or self.unit.name

    SIGNING_FIELDS = ("signer_block", "signer_title", "signer_name")
    SNAPSHOT_FIELDS = (
        "doc_number",
        "results",
        "shortcomings",
        "obstacles",
        "proposals",
        "self_assessment",
        "flags_note",
        *SIGNING_FIELDS,
    )

    def snapshot(self, values=None, attachments=None):
        """`values` are its figures with their indicators, and `attachments` the names of its
        files, when the caller holds them (a report not saved yet); otherwise they are read
        (a query each, none for files prefetched)."""
        fields = {name: str(getattr(self, name) or "") for name in self.SNAPSHOT_FIELDS}
        fields["self_assessment"] = self.get_self_assessment_display()
        if attachments is None:
            attachments = [a.original_name for a in self.attachments.all()] if self.pk else []
        # The scan of a paper report typed in on behalf counts as content: a reviewer who
        # asked for it sees it arrive in the changes since the return.
        fields["attachments"] = ", ".join(sorted(attachments))
        if values is None:
            values = self.values.select_related("indicator")
        items = {
            value.indicator.code: {"name": value.indicator.name, "value": value.display()}
            for value in values
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

    # The report's own fields a draft may leave empty and a submitted report may not, with
    # what the officer is told of each: every one missing is named at once, with the figures.
    TO_SUBMIT = {
        "results": _("Write what the unit did this year."),
        "self_assessment": _("Choose a self-assessment level."),
    }

    def unwritten(self) -> list[str]:
        """The names of the fields of `TO_SUBMIT` left empty (blank or only spaces)."""
        return [name for name in self.TO_SUBMIT if not (getattr(self, name) or "").strip()]

    def completeness_problems(self, values=None):
        """`values`: its figures, one per indicator it asks for, with their indicators, when
        the caller holds them (a report not saved yet, no query); otherwise read."""
        if values is None:
            filled = self.values.filter(int_value__isnull=False).values("indicator_id")
            unfilled = Indicator.objects.filter(
                campaign_id=self.campaign_id, kind=Indicator.Kind.INTEGER
            ).exclude(pk__in=filled)
        else:
            unfilled = [
                value.indicator
                for value in values
                if value.indicator.kind == Indicator.Kind.INTEGER and value.int_value is None
            ]
        missing = [
            indicator.name
            for indicator in unfilled
            # What the portal counts itself is not typed.
            if not indicator.is_computed(self.campaign.addressed_kinds)
        ]
        problems = [self.TO_SUBMIT[name] for name in self.unwritten()]
        if missing:
            problems.append(_("Fill in: %(names)s.") % {"names": ", ".join(missing)})
        if self.flags and not self.flags_note.strip():
            problems.append(
                _("Some figures look unusual: explain them in the box below the figures.")
            )
        return problems

    @property
    def timeliness(self):
        """ "on_time" or "late" from the first submission and the due date, else None: the
        counting rule's categories (campaign.counting, which reads these models)."""
        from campaign.counting import category

        if self.first_submitted_at is None:
            return None
        # Whatever the report's state since, its first submission decides.
        found = category(Status.SUBMITTED, self.first_submitted_at, self.period.due_on)
        return found if found in ("on_time", "late") else None

    def get_timeliness_display(self):
        # "Sent": beside "returned" or "reopened", a bare "on time" reads as the return's.
        return {"on_time": _("sent on time"), "late": _("sent late")}.get(self.timeliness, "")


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
    history = HistoricalRecords(table_name="reports_historicalindicatorvalue")

    class Meta:
        db_table = "reports_indicatorvalue"
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            # The rollup sums a year's values report by report: with the figure in the index,
            # on PostgreSQL that reads this index only (index-only scan), not a heap page
            # per value.
            models.Index(
                fields=["report", "indicator"], include=["int_value"], name="value_report_figures"
            ),
        ]
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


# --- Follow-up: obstacles, inspections, reminders ----------------------------------------------
def working_days_after(start, days):
    """The date `days` working days (Monday to Friday) after `start`."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


ANSWER_WITHIN_WORKING_DAYS = 10


class Move(models.Model):
    """A plan or report a merger moved from the unit that closed to its successor
    (campaign.reorganisations), every one kept: a year counted on a tree before a move,
    and a document dated before it, are the unit's that held it then, however many moves
    came after. The submission's `moved_from` and `moved_on` repeat its last move."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        "Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="moves"
    )
    report = models.ForeignKey(
        "AnnualReport", null=True, blank=True, on_delete=models.CASCADE, related_name="moves"
    )
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("moved from"), on_delete=models.PROTECT, related_name="moves_out"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("moved to"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("moved on"))
    # The day of the same submission's move before this one (None for its first): the move
    # that takes it away from the unit holding it on a day D is the one with on > D and
    # previous_on <= D, a condition one row answers (reports.rollup).
    previous_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("move of a plan or report")
        verbose_name_plural = _("moves of plans and reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, report__isnull=True)
                | Q(plan__isnull=True, report__isnull=False),
                name="move_of_a_plan_or_a_report",
            )
        ]
        indexes = [models.Index(fields=["from_unit", "on"])]

    def __str__(self):
        return f"{self.from_unit_id} → {self.to_unit_id} {self.on:%d/%m/%Y}"


class ObstacleQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None) -> "ObstacleQuerySet":
        today = today or timezone.localdate()
        return self.filter(status=Obstacle.Status.OPEN, answer_by__lt=today)


class Obstacle(models.Model):
    """A question or difficulty a unit raises with the federation (vướng mắc)."""

    class Status(models.TextChoices):
        # "Open" alone is the verb on the buttons that open a plan or a report ("Mở").
        OPEN = "open", pgettext_lazy("state of an obstacle", "Open")
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
    # Left empty on obstacles closed before it was recorded: who closed them is not known.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ObstacleQuerySet.as_manager()

    class Meta:
        db_table = "reports_obstacle"
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
        return reverse("campaign:obstacle_detail", args=[self.pk])

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.answer_by < today


class InspectionQuerySet(models.QuerySet):
    def to_carry_out(self):
        """The visits whose recommendations are still to carry out: some recommended, not
        marked done by the unit, not recorded as met by the reviewers."""
        return (
            self.filter(done_at__isnull=True)
            .exclude(recommendations="")
            .exclude(follow_up__in=[Inspection.FollowUp.MET, Inspection.FollowUp.NONE])
        )

    def marked_done_unchecked(self):
        """The visits whose unit marked the recommendations done while the follow-up does not
        say they were met yet: the unit waits for the reviewers to check it."""
        return (
            self.filter(done_at__isnull=False)
            .exclude(recommendations="")
            .exclude(follow_up__in=[Inspection.FollowUp.MET, Inspection.FollowUp.NONE])
        )


class Inspection(models.Model):
    """A follow-up visit of the CSPL board to a unit (kiểm tra, giám sát)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        SUPERVISION = "supervision", _("Supervision")

    class FollowUp(models.TextChoices):
        PENDING = "pending", _("Recommendations pending")
        IN_PROGRESS = "in_progress", _("Being carried out")
        MET = "met", _("Recommendations met")
        # A visit that found nothing to put right: there is nothing to follow up.
        NONE = "none", _("No recommendations")

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
    # Grows with every save of the reviewers' follow-up (campaign.inspections): a save from a
    # page that showed an earlier one is refused rather than overwriting a colleague's.
    follow_up_version = models.PositiveIntegerField(default=1, editable=False)
    recommendations_due_on = models.DateField(
        _("recommendations due on"),
        null=True,
        blank=True,
        help_text=_("The date by which the unit should have carried out the recommendations."),
    )
    # The due date the unit's officers were told had come (campaign.notices): the daily
    # task claims an inspection by setting it, so each due date is told once.
    due_notified_on = models.DateField(null=True, blank=True, editable=False)
    # The inspected unit's word that it has carried out the recommendations: its officer
    # marks them done with a note (campaign.inspections); the reviewer then judges the
    # follow-up. Earlier marks stay in the history.
    done_at = models.DateTimeField(_("marked done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_note = models.TextField(
        _("what the unit has done"), max_length=MAX_NARRATIVE, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords(
        table_name="reports_historicalinspection", excluded_fields=["follow_up_version"]
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        db_table = "reports_inspection"
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendations_due_on__isnull=True)
                | Q(recommendations_due_on__gte=F("visited_on")),
                name="inspection_due_after_visit",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.unit} – {self.visited_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        # The follow-up follows the recommendations, however they were written (the form,
        # the admin): none to carry out, none pending; some added later, pending from then.
        if not self.has_recommendations:
            self.follow_up = self.FollowUp.NONE
        elif self.follow_up == self.FollowUp.NONE:
            self.follow_up = self.FollowUp.PENDING
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "recommendations" in update_fields:
            kwargs["update_fields"] = {*update_fields, "follow_up"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("campaign:inspection_detail", args=[self.pk])

    def clean(self):
        due = self.recommendations_due_on
        if due is None:
            return
        if not self.recommendations.strip():
            raise ValidationError(
                {
                    "recommendations_due_on": _(
                        "Write the recommendations before giving them a due date."
                    )
                },
                code="nothing_due",
            )
        if self.visited_on and due < self.visited_on:
            raise ValidationError(
                {"recommendations_due_on": _("The due date cannot be before the visit.")},
                code="due_before_visit",
            )

    @property
    def has_recommendations(self) -> bool:
        return bool(self.recommendations.strip())


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
    # How many people it went to; "recipients" alone names a document's "Nơi nhận", the places
    # it is sent to (`reports.models.DocumentProfile`).
    recipients = models.PositiveSmallIntegerField(
        pgettext_lazy("how many people a reminder went to", "recipients"), default=0
    )

    class Meta:
        db_table = "reports_reminder"
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


class PendingReminderEmail(models.Model):
    """A reminder owed to one recipient's e-mail, between the daily run's claim of the
    unit's step and the one e-mail of that run to the recipient (campaign.reminders).

    Written in the transaction that claims the step, so a run that dies after some units
    leaves here what it owes; deleted in the transaction that writes the recipient's
    e-mail, which lists every reminder owed to them, so each is mailed once.
    """

    reminder = models.ForeignKey(
        Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The run's day (a day replayed, too): how late the document is, is counted from it.
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder e-mail waiting")
        verbose_name_plural = _("reminder e-mails waiting")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "recipient"], name="pending_reminder_email_once"
            )
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.reminder_id}"


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _theme_key(theme):
    return theme.sort_key or theme.number


# --- Excel templates -----------------------------------------------------------------------------
WORKBOOK_UPLOAD_LIFETIME = datetime.timedelta(hours=2)


class WorkbookUploadQuerySet(models.QuerySet):
    def pending_for(self, user, now=None):
        """`user`'s uploads that can still be confirmed."""
        return self.filter(user=user, expires_at__gt=now or timezone.now())


class WorkbookUpload(models.Model):
    """An uploaded Excel template between its preview and the officer's confirmation.

    What the preview showed and what a confirmation would save are kept here, on the
    server and for the user who uploaded it only: the confirmation posts nothing but this
    row's id, so nothing the browser sends back is ever trusted (campaign.workbook_pages).
    """

    class Kind(models.TextChoices):
        REPORTS = "reports", _("annual reports")
        PLAN = "plan", _("plan activities")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    # The unit the template was made for: the upper unit of a workbook of several units.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    # What the preview lists: {"changes": [...], "errors": [...], "notes": [...]}.
    preview = models.JSONField(default=dict)
    # What a confirmation saves: the rows as the forms read them, with the version of each
    # submission the preview compared against. Empty when there is nothing to save.
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    objects = WorkbookUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("uploaded workbook")
        verbose_name_plural = _("uploaded workbooks")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({timezone.localtime(self.created_at):%H:%M %d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = (self.created_at or timezone.now()) + WORKBOOK_UPLOAD_LIFETIME
        super().save(*args, **kwargs)

    @property
    def can_confirm(self):
        return not self.preview.get("errors") and bool(self.data)
