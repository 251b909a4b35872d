"""The portal's admin site: Django's, with unit choices that say which unit they are.

Two unions of a merged province can share a name ("CĐCS Trường Tiểu học …"), and a closed
unit keeps its name: the admin's unit pickers (a membership's unit, a successor) show each
unit's code, and its closing date when it has closed, so staff do not give someone access
to the wrong one.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
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


class PortalAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        # Imported here: this module is loaded with the app registry, before the models.
        from units.models import Unit

        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Unit):
            result["text"] = unit_choice_label(obj)
        return result


class PortalAdminSite(admin.AdminSite):
    @property
    def login_form(self):
        """Its username limited as the portal's login form's. Imported here: Django's auth
        forms read the user model, which is not loaded yet when this module is."""
        from config.auth import AdminLoginForm

        return AdminLoginForm

    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)


class PortalAdminConfig(AdminConfig):
    default_site = "config.admin_site.PortalAdminSite"
