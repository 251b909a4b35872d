from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from reports.models import AnnualReport, IndicatorValue, Inspection, Obstacle, Period, Reminder


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
