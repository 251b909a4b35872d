from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin

from config.admin_site import (
    ReadOnlyPermissionLabels,
    ReadOnlyYesNoIcons,
    boolean_column,
    permission_label,
)
from units.access import parse_pk
from units.forms import (
    AdminInlineFormSet,
    AdminModelForm,
    PortalInputMixin,
    code_case_refusal,
    code_refusal,
)
from units.models import Membership, Unit, UnitState, User
from units.reorganisations import placement_refusal, standing_refusal, successor_refusal


def closed_unit_warning(membership: Membership) -> str | None:
    """What a role given at a unit that has closed does, and where the work went; None when
    the unit is open. Such a role is kept on purpose (it reads the unit's history), so it is
    saved, but never silently: staff mean the unit that carries on more often than not."""
    unit = membership.unit
    if unit.closed_on is None or unit.closed_on > timezone.localdate():
        return None
    # The open end of a chain of mergers, as a campaign's issuer follows it.
    successor, seen = unit.successor, {unit.pk}
    while successor is not None and successor.closed_on and successor.successor_id:
        if successor.pk in seen:
            break
        seen.add(successor.pk)
        successor = successor.successor
    names = {
        "user": membership.user,
        "role": membership.get_role_display(),
        "unit": f"{unit} ({unit.code})",
        "date": unit.closed_on.strftime("%d/%m/%Y"),
    }
    if successor is not None and not successor.closed_on:
        names["successor"] = f"{successor} ({successor.code})"
        return (
            _(
                "%(unit)s closed on %(date)s and merged into %(successor)s: the role "
                "%(role)s given there to %(user)s only reads its history; nobody files or "
                "reviews there any more. For this year's work, give the role at %(successor)s."
            )
            % names
        )
    return (
        _(
            "%(unit)s closed on %(date)s: the role %(role)s given there to %(user)s only reads "
            "its history; nobody files or reviews there any more. For this year's work, give "
            "the role at an open unit (the closed unit's page says where its units went)."
        )
        % names
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    form = AdminModelForm
    formset = AdminInlineFormSet
    extra = 1
    autocomplete_fields = ["unit"]


class UserForm(PortalInputMixin, UserChangeForm):
    dates_this_century = False


class NewUserForm(PortalInputMixin, AdminUserCreationForm):
    dates_this_century = False


@admin.register(User)
class UserAdmin(ReadOnlyPermissionLabels, ReadOnlyYesNoIcons, BaseUserAdmin):
    form = UserForm
    add_form = NewUserForm
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Contact"), {"fields": ("full_name", "phone")}))
    list_display = (
        "username",
        "full_name",
        "email",
        boolean_column(User, "is_staff"),
        boolean_column(User, "is_active"),
    )
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        given = [
            *formset.new_objects,
            *(obj for obj, fields in formset.changed_objects if {"unit", "role"} & set(fields)),
        ]
        for membership in given:
            if isinstance(membership, Membership) and (note := closed_unit_warning(membership)):
                self.message_user(request, note, messages.WARNING)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions":
            field.label_from_instance = permission_label
        return field


class GroupForm(PortalInputMixin, forms.ModelForm):
    dates_this_century = False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyPermissionLabels, BaseGroupAdmin):
    # Django's own form would take a tampered permission id to the database.
    form = GroupForm

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = permission_label
        return field


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        # Indented by depth, with the code: two unions of a merged province can share a name.
        return "\u2003" * (unit.depth - 1) + f"{unit.picker_label()} ({unit.code})"


class UnitForm(AdminModelForm):
    """An existing unit's code and names. A code is checked when it is new or changed: one
    given before the rule stays usable."""

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name"]
        help_texts = {
            "name": _(
                "Corrects the name back through the unit's history as far as it bears the name "
                "written here. A rename decided by a decision is recorded as a reorganisation."
            ),
        }

    def clean_code(self):
        code = self.cleaned_data["code"]
        refusal = code != self.instance.code and code_refusal(code)
        if refusal:
            raise ValidationError(refusal)
        # The same code in other capitals (the same code exactly is the model's to refuse).
        other = (
            Unit.objects.filter(code__iexact=code)
            .exclude(code=code)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(code_case_refusal(code, other.code, other.name))
        return code


class NewUnitForm(UnitForm):
    """A unit added by hand, at the end of its parent's children on a path no unit ever
    held (`UnitManager.add_child_after_history`): treebeard's form would place it among
    its siblings by renumbering their paths, or take the path of a unit that moved away,
    both behind the history's back.

    It opens today unless staff give the day: left empty, it would stand on every past
    year's tree (units.models.UnitStateManager.start) and be counted as missing in years it
    did not exist. A tree typed in from the start, with no dates, is imported
    (`import_units`)."""

    parent = ParentChoiceField(
        queryset=Unit.objects.all(),
        required=False,
        label=_("Parent unit"),
        empty_label=_("— none: a new top-level federation —"),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "opened_on", "closed_on", "successor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].help_text = _(
            "Empty: today. For a union that already existed, the day it was founded."
        )

    def clean_opened_on(self):
        return self.cleaned_data["opened_on"] or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        # A year the model refuses (0015 for 2015) is not compared with the parent's dates:
        # that would add a second, wrong message ("not open on 01/07/15").
        opened_on, closed_on = (
            day if day and 1900 <= day.year <= 2100 else None
            for day in (cleaned.get("opened_on"), cleaned.get("closed_on"))
        )
        parent, kind = cleaned.get("parent"), cleaned.get("kind")
        # The rules a reorganisation and the import keep: a unit under a closed one, or a
        # province under a district, would stand on no year's tree as the rule counts it.
        refusal = placement_refusal(kind, parent) if kind else None
        if refusal:
            self.add_error("parent", refusal)
        elif parent is not None and opened_on and not parent.is_open_on(opened_on):
            self.add_error(
                "parent",
                _("%(parent)s was not open on %(date)s, the day the new unit opens.")
                % {"parent": parent, "date": opened_on.strftime("%d/%m/%Y")},
            )
        elif (
            parent is not None
            and parent.closed_on
            and (closed_on is None or closed_on > parent.closed_on)
        ):
            self.add_error(
                "parent",
                _(
                    "%(parent)s closes on %(date)s: a unit under it closes by then too. Give "
                    "the new unit its closing day, or place it under the unit that carries on."
                )
                % {"parent": parent, "date": parent.closed_on.strftime("%d/%m/%Y")},
            )
        elif opened_on and (moved := standing_refusal(parent, opened_on)):
            # Its first era takes today's path: where the parent did not stand back then.
            self.add_error("opened_on", moved)
        # A unit added already merged: the successor a recorded merger would accept (open
        # on the closing day, of a kind that takes the work). Without a closing day the
        # model refuses the successor itself.
        successor = cleaned.get("successor")
        if successor is not None and closed_on and kind:
            closing = Unit(
                code=cleaned.get("code") or "",
                name=cleaned.get("name") or "",
                short_name=cleaned.get("short_name") or "",
                kind=kind,
            )
            refusal = successor_refusal(closing, successor, closed_on)
            if refusal:
                self.add_error("successor", refusal)
        return cleaned


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    # A new unit is placed with treebeard's form (as a child of any other). An existing
    # unit's place, kind and dates are its history: they change only through a recorded
    # reorganisation, which checks the date order and the units below and keeps the
    # decision; here staff correct its code and names (taking effect today).
    form = NewUnitForm
    STRUCTURE = ("kind", "opened_on", "closed_on", "successor", "how_to_change")
    list_display = ("name", "code", "kind", "opened_on", "closed_on")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ["successor"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = UnitForm
            kwargs["fields"] = UnitForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["code", "name", "short_name", *self.STRUCTURE]
        return ["parent", *NewUnitForm.Meta.fields]

    def save_model(self, request, obj, form, change):
        if change:
            since = None
            if {"name", "short_name"} & set(form.changed_data):
                # Before the save, whose sync would otherwise start an era today.
                since = UnitState.objects.correct_names(
                    obj, form.initial["name"], form.initial["short_name"]
                )
            super().save_model(request, obj, form, change)
            if since is not None:
                self.message_user(
                    request,
                    _(
                        "The names were corrected in the unit's history since %(date)s. A "
                        "rename decided by a decision is recorded as a reorganisation, from "
                        "its effective date."
                    )
                    % {"date": since.strftime("%d/%m/%Y")},
                )
        else:
            Unit.objects.add_child_after_history(form.cleaned_data["parent"], obj)

    def changelist_view(self, request, extra_context=None):
        # treebeard picks the level of the tree it draws on a GET only, and this list has no
        # actions nor editable columns for a POST to carry: a POST (a tampered or replayed
        # form) drew the list without its level, an AttributeError. It shows the list.
        if request.method == "POST" and not self.get_actions(request) and not self.list_editable:
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def children_view(self, request, parent_id):
        # treebeard's address takes any text and looks it up as a primary key: ValueError.
        if parse_pk(parent_id) is None:
            raise Http404
        return super().children_view(request, parent_id)

    def move_node(self, request):
        # The change list's drag and drop: a move is a reorganisation, with its decision
        # and effective date, never a silent change of today's tree.
        messages.error(
            request,
            _("Units are moved by recording a reorganisation, with its decision and date."),
        )
        return HttpResponseBadRequest()

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
    form = AdminModelForm
    # The code beside the name: two unions of a merged province can share a name.
    list_display = ("user", "unit", "unit_code", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    autocomplete_fields = ["user", "unit"]
    list_select_related = ("user", "unit")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        given = not change or {"unit", "role"} & set(form.changed_data)
        if given and (note := closed_unit_warning(obj)):
            self.message_user(request, note, messages.WARNING)

    @admin.display(description=_("Unit code"), ordering="unit__code")
    def unit_code(self, membership: Membership) -> str:
        return membership.unit.code
