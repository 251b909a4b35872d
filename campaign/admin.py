"""Staff keep campaigns in the admin and can browse plans, their history and the outbox.

A new campaign, with its content items and indicators, is added here without a code
change. Plans are filed through the portal; here staff read them and every change of them,
and their status changes only through campaign.workflow. The same holds for annual
reports; staff also adjust a year's dates (periods) and read obstacles, inspections and
reminders.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import display_for_field, label_for_field
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.db.models import Max, Min, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from campaign.models import (
    Activity,
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Inspection,
    Notice,
    Notification,
    Obstacle,
    Period,
    Plan,
    PlausibilityRule,
    Reminder,
    Step,
    Theme,
)
from config.admin_site import ReadOnlyYesNoIcons, boolean_column, yes_no_icon
from units.access import parse_pk
from units.forms import AdminInlineFormSet, AdminModelForm
from units.models import Unit


def _filed_years(campaign):
    """The first and last year the campaign's units filed a report for, or (None, None)."""
    years = AnnualReport.objects.filter(campaign=campaign).aggregate(
        first=Min("year"), last=Max("year")
    )
    return years["first"], years["last"]


def campaign_column(model):
    """A change list column naming a row's campaign as the portal's review queues and lists
    do, by its reference (`Campaign.reference`: its number), with the full title on hover.
    The campaign's own name (reference and title, a sentence or two) kept the rows' year,
    status and dates off a 1366 px screen. Sorted as the campaign column was."""

    @admin.display(description=model._meta.get_field("campaign").verbose_name, ordering="campaign")
    def campaign(obj):
        return format_html('<span title="{}">{}</span>', obj.campaign.title, obj.campaign.reference)

    return campaign


def _has_filings(campaign):
    return (
        AnnualReport.objects.filter(campaign=campaign).exists()
        or Plan.objects.filter(campaign=campaign).exists()
    )


class CampaignForm(AdminModelForm):
    # A row of checkboxes instead of the JSON text box the model field would get.
    addressed_kinds = forms.MultipleChoiceField(
        # Capitalised as Django labels the fields it builds itself ("Loại đơn vị…").
        label=capfirst(Campaign._meta.get_field("addressed_kinds").verbose_name),
        choices=Unit.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=Campaign._meta.get_field("addressed_kinds").help_text,
    )

    class Meta:
        model = Campaign
        fields = [
            "slug",
            "number",
            "title",
            "issuer",
            "issued_on",
            "directive",
            "first_year",
            "last_year",
            "plan_due_on",
            "report_due_day",
            "report_due_month",
            "cutoff_day",
            "cutoff_month",
            "addressed_kinds",
        ]

    def clean(self):
        cleaned = super().clean()
        campaign = self.instance
        if campaign.pk is None or not _has_filings(campaign):
            return cleaned
        first, last = _filed_years(campaign)
        if first is not None and (cleaned.get("first_year") or first) > first:
            self.add_error(
                "first_year",
                _("Units have filed reports for %(year)s: the first year cannot be later.")
                % {"year": first},
            )
        if last is not None and cleaned.get("last_year") and cleaned["last_year"] < last:
            self.add_error(
                "last_year",
                _("Units have filed reports for %(year)s: the last year cannot be earlier.")
                % {"year": last},
            )
        for name in ("issuer", "addressed_kinds"):
            if name in self.changed_data:
                self.add_error(
                    name,
                    _(
                        "Units have filed for this campaign: changing this would change who "
                        "was expected to report in every past year. Start a new campaign "
                        "instead."
                    ),
                )
        return cleaned


NUMBER_TAKEN_MEANWHILE = _(
    "Someone else saved a content item numbered %(number)s after you opened this page. "
    "Give this item another number, or open the page again to see theirs."
)


class UsedThemesKept(AdminInlineFormSet):
    # Where an item stands: changing it once plans cover it would renumber their coverage.
    FIXED = ("number", "parent")

    def clean(self):
        super().clean()
        covered = set(
            Activity.themes.through.objects.filter(
                theme__in=[form.instance.pk for form in self.forms if form.instance.pk]
            ).values_list("theme_id", flat=True)
        )
        for form in self.forms:
            if form.instance.pk in covered and form not in self.deleted_forms:
                for name in self.FIXED:
                    if name in form.changed_data:
                        form.add_error(
                            name,
                            _(
                                "Plans cover this content item: its number and place cannot "
                                "change. Correct its wording, or add a new item."
                            ),
                        )
        # Deleting an item deletes its sub-items with it (Theme.parent cascades): an item is
        # used when plans cover it or any item below it.
        parents = {}
        if covered:  # then the campaign is saved: its items are
            parents = dict(
                Theme.objects.filter(campaign=self.instance).values_list("pk", "parent_id")
            )
        used_below = set()
        for pk in covered:
            while pk is not None:
                used_below.add(pk)
                pk = parents.get(pk)
        refusals = []
        used = [form.instance for form in self.deleted_forms if form.instance.pk in covered]
        if used:
            # Deleting it would take it out of the plans that covered it, silently.
            refusals.append(
                _(
                    "Content item %(numbers)s is covered by plans' activities: it cannot be "
                    "deleted. Correct its wording instead."
                )
                % {"numbers": ", ".join(str(theme.number) for theme in used)}
            )
        above = [
            form.instance
            for form in self.deleted_forms
            if form.instance.pk in used_below and form.instance.pk not in covered
        ]
        if above:
            refusals.append(
                _(
                    "Sub-items of content item %(numbers)s are covered by plans' activities: "
                    "it cannot be deleted, they would go with it. Correct its wording instead."
                )
                % {"numbers": ", ".join(str(theme.number) for theme in above)}
            )
        if refusals:
            raise ValidationError(refusals)
        self._check_parents()
        self._check_sub_item_numbers()
        self._check_numbers_taken_meanwhile()

    def _check_parents(self):
        """A sub-item ("2.1") left without a parent goes under the item its number names
        ("2"), as load_campaign places it: on a campaign being added the parent cannot be
        chosen yet, and saved without one it read as an item of its own. An item that names
        a parent the campaign does not have is refused, rather than saved out of place."""
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and form.cleaned_data.get("number")
        ]
        numbers = {form.cleaned_data["number"] for form in kept}
        for form in kept:
            number = form.cleaned_data["number"]
            if "." in number and not form.cleaned_data.get("parent"):
                parent = number.rsplit(".", 1)[0]
                if parent not in numbers:
                    form.add_error(
                        "number",
                        _("Content item %(number)s has no parent item %(parent)s.")
                        % {"number": number, "parent": parent},
                    )

    def _check_sub_item_numbers(self):
        """Each sub-item's number starts with its parent's, both as this save leaves them:
        an item renumbered ("1" to "3") without its sub-items ("1.1") is refused, naming
        them, and renumbered with them ("3", "3.1") it is saved. A sub-item kept under an
        item deleted in the same save is refused: the deletion would take it along. An item
        and sub-item stored apart before this check, and left as they are, do not block the
        campaign's other changes (as an item numbered before Theme.NUMBER does not)."""
        deleted = {form.instance.pk for form in self.deleted_forms if form.instance.pk}
        numbers = {}  # a stored item's number as this save leaves it; None if refused
        renumbered = {}  # a stored item whose number changes: its form
        for form in self.initial_forms:
            if form.instance.pk in deleted:
                continue
            numbers[form.instance.pk] = form.cleaned_data.get("number")
            if "number" in form.changed_data:
                renumbered[form.instance.pk] = form
        left_behind = defaultdict(list)  # a renumbered item -> its sub-items' numbers
        taken_along = defaultdict(list)  # a deleted item -> its kept sub-items' numbers
        for form in self.forms:
            number = form.cleaned_data.get("number")
            parent = form.cleaned_data.get("parent")
            if form in self.deleted_forms or not number or parent is None:
                continue
            if parent.pk in deleted:
                taken_along[parent.pk].append(number)
                continue
            parent_number = numbers.get(parent.pk, parent.number)
            if parent_number is None or number.startswith(parent_number + "."):
                continue
            if {"number", "parent"} & set(form.changed_data):
                form.add_error(
                    "number",
                    _(
                        "Sub-item %(number)s is under item %(parent)s: its number starts "
                        "with “%(parent)s.”."
                    )
                    % {"number": number, "parent": parent_number},
                )
            elif parent.pk in renumbered:
                left_behind[parent.pk].append(number)
        for pk, sub_items in left_behind.items():
            form = renumbered[pk]
            form.add_error(
                "number",
                _(
                    "Content item %(old)s is renumbered %(new)s, but not its sub-items "
                    "%(numbers)s: renumber them to start with “%(new)s.” in the same save."
                )
                % {
                    "old": form.initial["number"],
                    "new": numbers[pk],
                    "numbers": ", ".join(sub_items),
                },
            )
        if taken_along:
            # Refused above the items, as the other deletions are: a deleted row's own
            # errors do not stop the save.
            items = {form.instance.pk: form.instance for form in self.deleted_forms}
            raise ValidationError(
                [
                    _(
                        "Deleting content item %(number)s deletes its sub-items %(numbers)s "
                        "with it: tick them for deletion too, or move them under another item."
                    )
                    % {"number": items[pk].number, "numbers": ", ".join(sub_items)}
                    for pk, sub_items in taken_along.items()
                ]
            )

    def _check_numbers_taken_meanwhile(self):
        """A number given here that an item this page does not hold has (one someone else
        saved after the page was opened) is refused on its row: saved, it would break the
        unique number, a 500. The formset's own check only compares its rows. One query."""
        if self.instance.pk is None:
            return
        held = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        taken = set(
            Theme.objects.filter(campaign=self.instance)
            .exclude(pk__in=held)
            .values_list("number", flat=True)
        )
        for form in self.forms:
            number = form.cleaned_data.get("number")
            if form not in self.deleted_forms and number in taken:
                form.add_error("number", NUMBER_TAKEN_MEANWHILE % {"number": number})

    def save(self, commit=True):
        if commit:
            self._free_the_numbers_given_up()
        saved = super().save(commit)
        if commit:
            themes = {theme.number: theme for theme in Theme.objects.filter(campaign=self.instance)}
            for theme in themes.values():
                if "." in theme.number and theme.parent_id is None:
                    parent = themes.get(theme.number.rsplit(".", 1)[0])
                    if parent is not None:
                        theme.parent = parent
                        theme.save(update_fields=["parent"])
        return saved

    def _free_the_numbers_given_up(self):
        """Stored items renumbered or deleted by this save first take a number no item has
        ("~" and their id), so that two items swapping numbers (1 and 2, with 1.1 and 2.1)
        or one taking a deleted item's number are saved: the rows are written one by one
        and each write is checked against the unique number at once (no deferrable
        constraint on SQLite). The check above already refused two rows left with one
        number; the admin saves in one transaction, so the stand-ins are never seen."""
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (form in self.deleted_forms or "number" in form.changed_data)
        ]
        if moving:
            # An update, not save(): the stand-in is no number for sort_key to be made of.
            Theme.objects.filter(pk__in=moving).update(
                number=Concat(Value("~"), Cast("pk", models.CharField()))
            )


class IndicatorForm(AdminModelForm):
    # What a figure is: changing it once reports hold it would change past years' totals.
    FIXED = ("code", "kind", "source", "counted_kind")

    def clean(self):
        cleaned = super().clean()
        indicator = self.instance
        if indicator.pk is None:
            return cleaned
        if cleaned.get("DELETE") and indicator.values.exists():
            # Refused here, in a sentence: the admin's own refusal lists every value reported
            # (thousands of them) and its Vietnamese reads "will delete them automatically".
            cleaned["DELETE"] = False
            self.add_error(
                None,
                _(
                    "Units have reported on this figure: it cannot be deleted, or their "
                    "reports would lose it. Leave it in the campaign."
                ),
            )
            return cleaned
        reported = AnnualReport.objects.filter(campaign_id=indicator.campaign_id).exists()
        for name in self.FIXED:
            if reported and name in self.changed_data:
                self.add_error(
                    name,
                    _(
                        "Units have reported on this figure: what it is cannot change. Add a "
                        "new figure instead."
                    ),
                )
        return cleaned


class ThemeInline(admin.TabularInline):
    form = AdminModelForm
    formset = UsedThemesKept
    model = Theme
    fields = ("number", "parent", "title")
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A sub-item's parent is an item of the same campaign; a campaign being added has
        # none yet, so its sub-items get their parent once it is saved.
        parent = formset.form.base_fields["parent"]
        parent.queryset = (
            Theme.objects.filter(campaign=obj) if obj is not None else Theme.objects.none()
        )
        parent.help_text = _("Left empty, a sub-item such as 2.1 goes under item 2.")
        return formset


class IndicatorInline(admin.StackedInline):
    form = IndicatorForm
    formset = AdminInlineFormSet
    model = Indicator
    fields = (
        ("code", "name"),
        ("unit_of_measure", "kind", "order"),
        ("source", "counted_kind"),
        "help_text",
    )
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class PlausibilityRuleInline(admin.TabularInline):
    form = AdminModelForm
    formset = AdminInlineFormSet
    model = PlausibilityRule
    fields = ("kind", "indicator", "other", "factor", "floor", "limit", "unit_kind")
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A rule checks whole-number figures of its own campaign.
        figures = (
            Indicator.objects.filter(campaign=obj, kind=Indicator.Kind.INTEGER)
            if obj is not None
            else Indicator.objects.none()
        )
        for name in ("indicator", "other"):
            formset.form.base_fields[name].queryset = figures
        return formset


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ("number", "title", "issuer", "first_year", "last_year")
    list_select_related = ("issuer",)
    search_fields = ("number", "title", "slug")
    autocomplete_fields = ["issuer"]
    inlines = [ThemeInline, IndicatorInline, PlausibilityRuleInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Django's, in one transaction. A content item's number taken by someone else
        between the check and the save (`UsedThemesKept._check_numbers_taken_meanwhile`)
        breaks the unique number in the save: the transaction is rolled back, nothing of
        it saved, and the page is drawn again from what was sent, where the check now
        refuses the number on its row. Once: a second clash is no race to wait out."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if request.method != "POST" or not _breaks_theme_number(error):
                raise
        return super().changeform_view(request, object_id, form_url, extra_context)


def _breaks_theme_number(error: IntegrityError) -> bool:
    """Whether `error` is a content item's number taken twice in a campaign: PostgreSQL names
    the constraint, SQLite its columns."""
    text = str(error)
    return "theme_unique_number" in text or "campaign_theme.number" in text


def _refuse_no_id(*ids):
    """A 404 for an address whose record or version is no id: simple_history looks the text
    up as a primary key ("abc"), a ValueError and a 500."""
    if any(parse_pk(value) is None for value in ids):
        raise Http404


class ChangesShownAsTheAdminShowsValues(HistoricalRecordContextHelper):
    """A history row's changes with each value shown as the admin's pages show it: a date
    or time in Vietnamese form (a time in Viet Nam's), a choice by its name, nothing as
    the admin's empty mark. simple_history shows the value as Python prints it: "None →
    2025-07-24 02:00:00+00:00", in UTC."""

    def __init__(self, model, historical_record, *, empty: str, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.empty = empty

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return value
        if isinstance(field, models.BooleanField):
            return yes_no_icon(value)  # Django's own icon says alt="True"
        if value in field.empty_values:
            return self.empty
        if field.flatchoices:
            # A column the history list shows by an admin method (`status`) is already the
            # choice's name, which Django's display would take for an unknown value.
            return dict(field.flatchoices).get(value, value)
        return display_for_field(value, field, self.empty, avoid_link=True)


class HistoryForReading(SimpleHistoryAdmin):
    """History is for reading. Reverting to an old version would restore its status and
    dates too, around the workflow and its recorded steps; simple_history's version page
    saves whatever it is sent (its revert_view is never called), so its POST is refused.

    The history list's columns (`history_list_display`) are headed as the change list's
    are, by the field's name ("Số văn bản"): simple_history heads them with the attribute
    ("doc_number"). Each shows the value the name gives on this admin or, failing that, on
    the record."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        _refuse_no_id(object_id)
        records = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        headers = [
            capfirst(label_for_field(name, records, self))
            for name in self.get_history_list_display(request)
        ]
        context = {"history_list_headers": headers, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangesShownAsTheAdminShowsValues(
            self.model, historical_record, empty=self.get_empty_value_display()
        )

    def status(self, record):
        # Its name ("Bản nháp"), not the value stored ("draft").
        return record.get_status_display()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _refuse_no_id(object_id, version_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ActivityInline(admin.TabularInline):
    """The activities as the unit filed them; they are edited in the portal, not here."""

    form = AdminModelForm
    formset = AdminInlineFormSet
    model = Activity
    fields = ("method", "audience", "planned_on", "planned_quarter", "expected_participants")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(HistoryForReading):
    form = AdminModelForm
    list_display = ("unit", campaign_column(Plan), "status", "updated_at")
    list_filter = ("status", "unit__kind")
    list_select_related = ("unit", "campaign")
    search_fields = ("unit__name", "unit__code", "doc_number")
    autocomplete_fields = ["unit", "campaign"]
    # Status and its dates change only through campaign.workflow, which records each step;
    # where a plan stands and who filed it, only through the portal and reorganisations.
    readonly_fields = (
        "status",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
        "first_submitted_at",
        "reopened_at",
        "entered_by",
        "entered_from",
        "moved_from",
        "moved_on",
    )
    inlines = [ActivityInline]
    # Who signed, and in what capacity, as the printed plan's signing block reads.
    history_list_display = ["status", "doc_number", *Plan.SIGNING_FIELDS]

    CONTENT = ("doc_number", "doc_date", *Plan.SIGNING_FIELDS, "summary")

    def get_readonly_fields(self, request, obj=None):
        fields = ("unit", "campaign", *super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable:
            # Submitted and accepted plans are locked, here as in the portal.
            return (*self.CONTENT, *fields)
        return fields

    def has_add_permission(self, request):
        # A plan is filed by its unit on the portal, which checks that the campaign asks it.
        return False

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            # Saved with nothing changed (a locked plan shows no field to change): no new
            # version to refuse an officer's open page over, no history row saying nothing.
            return
        if change:
            # An officer who loaded the plan before this save must not overwrite it.
            obj.version += 1
        super().save_model(request, obj, form, change)


class ReadOnly:
    """An admin whose rows are read, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    form = AdminModelForm


class SentFilter(admin.SimpleListFilter):
    title = _("sent")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", _("Sent")), ("no", _("Unsent"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(sent_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("to_email", "subject", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (SentFilter,)
    search_fields = ("to_email", "subject")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "key", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "key")


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ("action", "actor", "at", "reason")
    list_filter = ("action",)
    list_select_related = ("actor",)


# --- Annual reports and the follow-up -------------------------------------------------------------
@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """Staff adjust a year's cut-off, due and lock dates here."""

    form = AdminModelForm
    list_display = (campaign_column(Period), "year", "starts_on", "ends_on", "due_on", "locks_on")
    list_filter = ("campaign", "year")
    list_select_related = ("campaign",)
    ordering = ("-year",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.reports.exists():
            # Its reports were filed for this campaign and year: moving the period would
            # move them to another year, or leave two periods for one.
            return ("campaign", "year")
        return ()


class ValueInline(admin.TabularInline):
    form = AdminModelForm
    formset = AdminInlineFormSet
    model = IndicatorValue
    extra = 0
    fields = ("indicator", "int_value", "text_value")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnly, HistoryForReading):
    """Read-only: reports change only through the portal's forms and workflow."""

    form = AdminModelForm
    list_display = (
        "unit",
        campaign_column(AnnualReport),
        "year",
        "status",
        "first_submitted_at",
        "updated_at",
    )
    list_filter = ("status", "year", "unit__kind")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "campaign")
    inlines = [ValueInline]
    history_list_display = ["status", "doc_number", *AnnualReport.SIGNING_FIELDS]


@admin.register(Obstacle)
class ObstacleAdmin(ReadOnlyAdmin):
    """Read-only: an obstacle is answered and closed on the portal, which records who and
    when, and tells its unit."""

    list_display = ("subject", "unit", "status", "raised_at", "answer_by")
    list_filter = ("status", "unit__kind")
    search_fields = ("subject", "unit__name")
    list_select_related = ("unit",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnly, HistoryForReading):
    """Read-only: visits and their follow-up are recorded on the portal."""

    form = AdminModelForm
    list_display = ("unit", "kind", "visited_on", "follow_up")
    list_filter = ("kind", "follow_up")
    search_fields = ("unit__name",)
    list_select_related = ("unit",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyYesNoIcons, admin.ModelAdmin):
    form = AdminModelForm
    list_display = (
        "unit",
        "what",
        "year",
        "step",
        boolean_column(Reminder, "manual"),
        "sent_at",
        "recipients",
    )
    list_filter = ("what", "manual", "year")
    list_select_related = ("unit",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
