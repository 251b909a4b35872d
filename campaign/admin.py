"""Staff keep campaigns in the admin and can browse plans, their history and the outbox.

A new campaign, with its content items and indicators, is added here without a code
change. Plans are filed through the portal; here staff read them and every change of them,
and their status changes only through campaign.workflow. The same holds for annual
reports; staff also adjust a year's dates (periods) and read obstacles, inspections and
reminders.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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
from units.models import Unit


class CampaignForm(forms.ModelForm):
    # A row of checkboxes instead of the JSON text box the model field would get.
    addressed_kinds = forms.MultipleChoiceField(
        label=Campaign._meta.get_field("addressed_kinds").verbose_name,
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


class ThemeInline(admin.TabularInline):
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
        return formset


class IndicatorInline(admin.StackedInline):
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


class ActivityInline(admin.TabularInline):
    """The activities as the unit filed them; they are edited in the portal, not here."""

    model = Activity
    fields = ("method", "audience", "planned_on", "planned_quarter", "expected_participants")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "campaign", "status", "updated_at")
    list_filter = ("status", "unit__kind")
    list_select_related = ("unit", "campaign")
    search_fields = ("unit__name", "unit__code", "doc_number")
    autocomplete_fields = ["unit", "campaign"]
    # Status changes only through campaign.workflow, which records each step.
    readonly_fields = ("status", "version", "created_at", "updated_at", "submitted_at")
    inlines = [ActivityInline]
    history_list_display = ["status", "doc_number", "signer"]

    CONTENT = ("unit", "campaign", "doc_number", "doc_date", "signer", "summary")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not obj.is_editable:
            # Submitted and accepted plans are locked, here as in the portal.
            return (*self.CONTENT, *fields)
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            # An officer who loaded the plan before this save must not overwrite it.
            obj.version += 1
        super().save_model(request, obj, form, change)

    # History is for reading: reverting to an old version would restore its status too,
    # around the workflow and its recorded steps.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

    list_display = ("campaign", "year", "starts_on", "ends_on", "due_on", "locks_on")
    list_filter = ("campaign", "year")
    ordering = ("-year",)


class ValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ("indicator", "int_value", "text_value")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    """Read-only: reports change only through the portal's forms and workflow."""

    list_display = ("unit", "campaign", "year", "status", "first_submitted_at", "updated_at")
    list_filter = ("status", "year", "unit__kind")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "campaign")
    inlines = [ValueInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_view(self, request, *args, **kwargs):
        # Restoring an old version would bypass the workflow.
        raise PermissionDenied


@admin.register(Obstacle)
class ObstacleAdmin(admin.ModelAdmin):
    list_display = ("subject", "unit", "status", "raised_at", "answer_by")
    list_filter = ("status", "unit__kind")
    search_fields = ("subject", "unit__name")
    list_select_related = ("unit",)


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "kind", "visited_on", "follow_up")
    list_filter = ("kind", "follow_up")
    search_fields = ("unit__name",)
    list_select_related = ("unit",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("unit", "what", "year", "step", "manual", "sent_at", "recipients")
    list_filter = ("what", "manual", "year")
    list_select_related = ("unit",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
