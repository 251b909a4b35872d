from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Federation units")

    def ready(self):
        # Search compares folded text through the SQL function portal_fold, and names sort
        # in the collation portal_vi: SQLite connections get both when they open
        # (PostgreSQL has them from migrations).
        from django.contrib.auth.signals import user_logged_in
        from django.urls import register_converter

        from config.http import IdConverter
        from config.middleware import mark_login
        from units import collation, folding, history

        folding.connect()
        collation.connect()
        # A session's working day is renewed hourly from its login (config.middleware).
        user_logged_in.connect(mark_login, dispatch_uid="sliding-session-login")
        # Every app's models are loaded by now: their history descriptors can be swapped.
        history.build_managers_once()
        # `<id:pk>` in every app's addresses, whichever URLconf imports them first.
        register_converter(IdConverter, "id")
