from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm, movenodeform_factory

from units.models import Membership, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


class NewUnitForm(MoveNodeForm):
    """A unit added by hand opens today unless staff give the day: left empty, it would
    stand on every past year's tree (units.models.UnitStateManager.start) and be counted
    as missing in years it did not exist. A tree typed in from the start, with no dates,
    is imported (`import_units`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].help_text = _(
            "Empty: today. For a union that already existed, the day it was founded."
        )

    def clean_opened_on(self):
        return self.cleaned_data["opened_on"] or timezone.localdate()


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    # A new unit is placed with treebeard's form (as a child of any other). An existing
    # unit's place, kind and dates are its history: they change only through a recorded
    # reorganisation, which checks the date order and the units below and keeps the
    # decision; here staff correct its code and names (taking effect today).
    form = movenodeform_factory(
        Unit,
        form=NewUnitForm,
        fields=["code", "name", "short_name", "kind", "opened_on", "closed_on", "successor"],
    )
    STRUCTURE = ("kind", "opened_on", "closed_on", "successor", "how_to_change")
    list_display = ("name", "code", "kind", "opened_on", "closed_on")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ["successor"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
            kwargs["fields"] = ["code", "name", "short_name"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["code", "name", "short_name", *self.STRUCTURE]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.STRUCTURE if obj is not None else ()

    @admin.display(description=_("Move, close, merge or change kind"))
    def how_to_change(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("units:reorganisation_create"),
            _("Record a reorganisation, with its decision and effective date"),
        )

    def has_delete_permission(self, request, obj=None):
        # Units are closed or merged, never deleted, so old reports keep their unit.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    # The code beside the name: two unions of a merged province can share a name.
    list_display = ("user", "unit", "unit_code", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    autocomplete_fields = ["user", "unit"]
    list_select_related = ("user", "unit")

    @admin.display(description=_("Unit code"), ordering="unit__code")
    def unit_code(self, membership: Membership) -> str:
        return membership.unit.code
