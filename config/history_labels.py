"""The field labels the admin's change history stores, as Django stores them: in English and
capitalised as the forms show them ("Full name"), to be translated when the history is read
(`django.contrib.admin.utils.construct_change_message`, `LogEntry.get_change_message`).

A model's field names itself in lower case ("full name"), which is the message its form's
label is translated from; the capitalised label is a message of its own, which the catalogue
would otherwise lack, and the history would read "Đã thay đổi Full name". They are marked
here so that `makemessages --no-obsolete` keeps their translations; nothing imports this
module. `tests/config/test_admin_history.py` lists a label the catalogue lacks.
"""

from django.utils.translation import gettext_noop

# The user model's fields Django's auth defines.
DJANGO_AUTH = (
    gettext_noop("Active"),
    gettext_noop("Date joined"),
    gettext_noop("First name"),
    gettext_noop("Groups"),
    gettext_noop("Last login"),
    gettext_noop("Last name"),
    gettext_noop("Staff status"),
    gettext_noop("Superuser status"),
    gettext_noop("User permissions"),
    gettext_noop("Username"),
)

# The portal's models' fields, as the admin's forms label them.
PORTAL = (
    gettext_noop("Annual report due: day"),
    gettext_noop("Annual report due: month"),
    gettext_noop("At least this figure"),
    gettext_noop("Data cut-off: day"),
    gettext_noop("Data cut-off: month"),
    gettext_noop("Directive implemented"),
    gettext_noop("Document code"),
    gettext_noop("Document number"),
    gettext_noop("Factor"),
    gettext_noop("Figures until (cut-off)"),
    gettext_noop("First year"),
    gettext_noop("Floor"),
    gettext_noop("For units of kind"),
    gettext_noop("Full name"),
    gettext_noop("Help text"),
    gettext_noop("How it is obtained"),
    gettext_noop("Identifier"),
    gettext_noop("Issued on"),
    gettext_noop("Issuing board"),
    gettext_noop("Issuing unit"),
    gettext_noop("Kind of document"),
    gettext_noop("Kind of unit counted"),
    gettext_noop("Last year"),
    gettext_noop("Merged into"),
    # An indicator's place in the list; a reviewer's list is sorted by "Order" (Sắp xếp),
    # a message of its own, in context.
    gettext_noop("Order"),
    gettext_noop("Parent body"),
    gettext_noop("Parent item"),
    gettext_noop("Place"),
    gettext_noop("Plan due on"),
    # A document's (and its unit's document profile's) places it is sent to; a reminder's
    # count of people, "Người nhận", is a message of its own, in context.
    gettext_noop("Recipients"),
    gettext_noop("Reports due on"),
    gettext_noop("Reports lock on"),
    gettext_noop("Role"),
    gettext_noop("Rule"),
    gettext_noop("Short name"),
    gettext_noop("Signer's name"),
    gettext_noop("Signer's title"),
    gettext_noop("Signing on behalf of"),
    gettext_noop("Title"),
    gettext_noop("Unit kinds that file"),
)
