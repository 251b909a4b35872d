from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

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


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    # The move form lets staff add a unit as a child of any other and move a unit with its
    # whole subtree; treebeard rewrites the paths.
    form = movenodeform_factory(
        Unit,
        fields=["code", "name", "short_name", "kind", "opened_on", "closed_on", "successor"],
    )
    list_display = ("name", "code", "kind", "opened_on", "closed_on")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ["successor"]

    def has_delete_permission(self, request, obj=None):
        # Units are closed or merged, never deleted, so old reports keep their unit.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    autocomplete_fields = ["user", "unit"]
    list_select_related = ("user", "unit")
