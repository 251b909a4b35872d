"""django-axes under a Vietnamese name: the admin heads its lists (failed logins, lockouts)
with the app's name, which axes leaves as "Axes"."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class PortalAxesConfig(AxesConfig):
    verbose_name = _("Logins")
