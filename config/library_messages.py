"""Messages of Django's admin and auth, treebeard, django-axes and django-simple-history that
their own Vietnamese catalogues lack (newer in Django than its catalogue; the others have no
Vietnamese).

The project's catalogue translates them. They are marked here, word for word as the
libraries write them, so that `makemessages --no-obsolete` finds them and keeps their
translations; nothing imports this module. `tests/config/test_i18n.py` fails when the
catalogue holds a message that no marked source has, or loses one.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN = (
    # The admin's error line became a plural, which the Vietnamese catalogue lacks.
    ngettext_lazy("Please correct the error below.", "Please correct the errors below."),
    gettext_noop("Search…"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Password-based authentication"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On "
        "or LDAP."
    ),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Reset password"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Set password"),
    gettext_noop(
        "This action will <strong>enable</strong> password-based authentication for this user."
    ),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Sidebar"),
    gettext_noop("Filter navigation items"),
    ngettext_lazy("entry", "entries"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Select all objects on this page for an action"),
    # Each app's section title: "Các mô models trong …" there.
    gettext_noop("Models in the %(name)s application"),
    # The admin's refusals to delete a row that others still need (a period with its
    # reports, a user with their steps) read there as if the deletion would go ahead ("sẽ
    # bắt buộc xóa…"), one with "quyển" for "quyền" and no list announced.
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the "
        "following protected related objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following "
        "protected related objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
)

DJANGO_CORE = (
    # A campaign's identifier (a SlugField) typed with diacritics or spaces in the admin.
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
)

DJANGO_FORMS = (
    # A value outside a list: typed into an address, or into a spreadsheet cell of an Excel
    # template (a quarter "5", a self-assessment not in the list). Django's Vietnamese reads
    # "một trong các lựa chọn khả thi" ("feasible choices").
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
)

DJANGO_AUTH = (
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # Django 5.2's own message (its Vietnamese catalogue has the older %(min_length)d one).
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
)

# treebeard's move form (the unit admin's "Position" and "Relative to").
TREEBEARD = (
    gettext_noop("Position"),
    gettext_noop("Child of"),
    gettext_noop("Sibling of"),
    gettext_noop("First child of"),
    gettext_noop("Relative to"),
    gettext_noop("-- root --"),
)

# django-axes' models, as the admin lists them. Their Vietnamese says what each holds: the
# counter per username and address that locks a login (cleared by a success or by staff), the
# log of every failed login (kept only with AXES_ENABLE_ACCESS_FAILURE_LOG, off here), and the
# log of successful ones.
AXES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
)

# django-simple-history's history pages (plans, reports, inspections).
SIMPLE_HISTORY = (
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
)
