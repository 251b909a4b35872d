"""The letterheads of the summary documents, and their registers (read only: a number is
given only by issuing, so that the register has no gap)."""

from django.contrib import admin

from reports.models import DocumentProfile, DocumentRegister
from units.forms import AdminModelForm


@admin.register(DocumentProfile)
class DocumentProfileAdmin(admin.ModelAdmin):
    form = AdminModelForm
    list_display = ["unit", "kind", "body_name", "number_code", "signer_title", "signer_name"]
    list_filter = ["kind"]
    search_fields = ["unit__name", "unit__short_name", "unit__code", "body_name", "signer_name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(DocumentRegister)
class DocumentRegisterAdmin(admin.ModelAdmin):
    form = AdminModelForm
    list_display = ["unit", "year", "last_number"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__short_name", "unit__code"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
