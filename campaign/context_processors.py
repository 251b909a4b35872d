"""What every page needs from the campaigns: the bell of notices in the menu bar."""

from functools import cached_property

from django.http import HttpRequest
from django.utils.translation import gettext, ngettext

from campaign import notices


class Bell:
    """The bell in the menu bar: the unread notices of the user, counted when the page
    first shows them (one query) and not at all on a page that does not."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return notices.unread_count(self.user)

    @property
    def shown(self) -> str:
        """The count as the badge shows it: "99+" beyond the cap."""
        return f"{notices.BELL_CAP}+" if self.unread > notices.BELL_CAP else str(self.unread)

    @property
    def label(self) -> str:
        """What a screen reader says of the bell."""
        if not self.unread:
            return gettext("Notifications: none unread")
        return ngettext(
            "Notifications: %(count)s unread", "Notifications: %(count)s unread", self.unread
        ) % {"count": self.shown}


def notices_bell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_bell": Bell(user)}
