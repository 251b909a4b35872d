"""The portal's admin site: Django's, with unit choices that say which unit they are.

Two unions of a merged province can share a name ("CĐCS Trường Tiểu học …"), and a closed
unit keeps its name: the admin's unit pickers (a membership's unit, a successor) show each
unit's code, and its closing date when it has closed, so staff do not give someone access
to the wrong one. Its change history names inline rows in the portal's language.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import BadRequest
from django.db import models
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def unit_choice_label(unit) -> str:
    """A unit as the admin's pickers list it: name, code, and closing date if closed."""
    label = f"{unit} ({unit.code})"
    if unit.closed_on:
        label = _("%(unit)s – closed on %(date)s") % {
            "unit": label,
            "date": unit.closed_on.strftime("%d/%m/%Y"),
        }
    return label


def yes_no_icon(value: bool | None) -> SafeString:
    """Django's yes/no icon with its text in the reader's language: Django's own writes
    alt="True" or alt="False" (`admin_list._boolean_icon`), which a screen reader reads
    out in English."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: _("Yes"), False: _("No"), None: _("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


def boolean_column(model, field_name: str):
    """A change list column showing a boolean field as `yes_no_icon`, sortable by it."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def column(obj):
        return yes_no_icon(getattr(obj, field_name))

    column.__name__ = field_name
    return column


class ReadOnlyYesNoIcons:
    """A ModelAdmin mixin: the boolean fields its change page shows read-only (its
    `readonly_fields`, or every field on a page its reader may only view) carry
    `yes_no_icon`. Django shows a read-only boolean with its own icon, alt="True" or
    alt="False" (`AdminReadonlyField.contents`), so each is shown through its
    `boolean_column` instead, with the field's label and help text."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Made once: the page finds a column among its read-only fields by identity.
        self.yes_no_columns = {
            field.name: boolean_column(model, field.name)
            for field in model._meta.concrete_fields
            if isinstance(field, models.BooleanField)
        }

    def get_readonly_fields(self, request, obj=None):
        names = super().get_readonly_fields(request, obj)
        # The name stays, so that the form leaves the field out; the column is shown.
        return (*names, *(self.yes_no_columns[n] for n in names if n in self.yes_no_columns))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            shown = self.yes_no_columns  # a page for viewing: every field is read-only
        else:
            names = super().get_readonly_fields(request, obj)
            shown = {n: column for n, column in self.yes_no_columns.items() if n in names}
        return _shown_as_columns(fieldsets, shown)


def _shown_as_columns(fieldsets, shown: dict):
    """`fieldsets` with each field named in `shown` replaced by its column (`shown[name]`)."""
    if not shown:
        return fieldsets
    columns = set(shown.values())

    def swap(fields):
        # Fields listed from the form and the read-only fields (ModelAdmin.get_fields)
        # name each read-only field twice, by its name and by its column.
        kept = []
        for field in fields:
            if isinstance(field, list | tuple):
                kept.append(tuple(swap(field)))
            elif field not in columns:
                kept.append(shown.get(field, field))
        return kept

    return [(name, {**options, "fields": swap(options["fields"])}) for name, options in fieldsets]


def permission_label(permission) -> str:
    """A model permission as the admin's pickers list it, in the reader's language.

    Django stores a permission's name in English when it migrates ("Can add unit") and
    lists it so whatever the language; the four default actions are worded here with
    the model's translated name. Any other permission keeps its stored name."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    actions = {
        "add": _("Can add %(model)s"),
        "change": _("Can change %(model)s"),
        "delete": _("Can delete %(model)s"),
        "view": _("Can view %(model)s"),
    }
    if model is None or action not in actions or model_name != model._meta.model_name:
        return str(permission)
    meta = model._meta
    name = actions[action] % {"model": meta.verbose_name}
    return f"{meta.app_config.verbose_name} | {meta.verbose_name} | {name}"


def permissions_column(model, field_name: str):
    """A read-only column listing the permissions of `model`'s many-to-many `field_name`
    as `permission_label` words them, one a line: its label and help text are the field's.
    One query."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name)
    def column(obj):
        permissions = getattr(obj, field_name).select_related("content_type")
        return format_html_join(
            mark_safe("<br>"), "{}", ((permission_label(p),) for p in permissions)
        )

    column.__name__ = field_name  # which names the field's help text for the page
    return column


class ReadOnlyPermissionLabels:
    """A ModelAdmin mixin: a page its reader may only view lists the permissions (each
    many-to-many field to Permission) as the change form's picker does, with
    `permission_label`. Django lists a read-only one with `Permission.__str__`
    (`AdminReadonlyField.contents`), in English: "units | unit | Can view unit"."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.permission_columns = {
            field.name: permissions_column(model, field.name)
            for field in model._meta.many_to_many
            if field.related_model._meta.label == "auth.Permission"
        }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets  # the form's picker, labelled by formfield_for_manytomany
        return _shown_as_columns(fieldsets, self.permission_columns)


class PortalAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        # Imported here: this module is loaded with the app registry, before the models.
        from units.models import Unit

        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Unit):
            result["text"] = unit_choice_label(obj)
        return result


class InlinesNamedInPortalLanguage:
    """A ModelAdmin mixin: the change history names the inline rows added, changed or
    deleted with the page in the portal's language.

    Django stores a change message with translation off and translates it when it is read
    (`construct_change_message`, `LogEntry.get_change_message`): the field labels and model
    names are messages, translated then, but an inline row is stored as it names itself,
    which it does in English with translation off ("Người dùng A – Officer – CĐCS A1", a
    role's label). The rows are named in settings.LANGUAGE_CODE instead; the rest stays as
    Django stores it."""

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        # Django names the rows in this order, formset by formset.
        rows = iter(
            [
                row
                for formset in formsets or ()
                for row in (
                    *formset.new_objects,
                    *(obj for obj, _fields in formset.changed_objects),
                    *formset.deleted_objects,
                )
            ]
        )
        with translation.override(settings.LANGUAGE_CODE):
            for part in message:
                for change in part.values():
                    if "object" in change:
                        change["object"] = str(next(rows))
        return message


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin registered here, the libraries' too, names its inline rows in
        the change history as `InlinesNamedInPortalLanguage` does."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, InlinesNamedInPortalLanguage):
            admin_class = type(
                admin_class.__name__,
                (InlinesNamedInPortalLanguage, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    @property
    def login_form(self):
        """Its username limited as the portal's login form's. Imported here: Django's auth
        forms read the user model, which is not loaded yet when this module is."""
        from config.auth import AdminLoginForm

        return AdminLoginForm

    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        """Every admin page (and the unit pickers' search) answers an address carrying a NUL
        character with the 400 page. PostgreSQL cannot hold NUL in a query parameter: a
        change list's filter (`?role=%00`) or a picker's search term took it to the
        database, a ValueError and a 500."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refusing_nul(request, *args, **kwargs):
            if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
                raise BadRequest("A NUL character in the query string.")
            return inner(request, *args, **kwargs)

        return refusing_nul


class PortalAdminConfig(AdminConfig):
    default_site = "config.admin_site.PortalAdminSite"
