from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Cached figures carry the data version in their key: any write to what the rollup
        # reads moves it on. Cache invalidation is the one thing signals do here; the
        # program's own flow never goes through them.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from campaign.models import (
            Activity,
            AnnualReport,
            Campaign,
            Indicator,
            IndicatorValue,
            Inspection,
            Obstacle,
            Period,
            Plan,
            Reminder,
            Step,
            Theme,
        )
        from units.dataversion import bump_data_version
        from units.models import Unit

        def changed(**kwargs):
            bump_data_version()

        for model in (
            Unit,
            Campaign,
            Theme,
            Indicator,
            Plan,
            Activity,
            Step,
            Period,
            AnnualReport,
            IndicatorValue,
            Obstacle,
            Inspection,
            Reminder,
        ):
            # weak=False: `changed` lives only in this function, and a weak reference to it
            # would be collected as soon as ready() returns.
            post_save.connect(
                changed, sender=model, weak=False, dispatch_uid=f"data-version-{model.__name__}"
            )
            post_delete.connect(
                changed,
                sender=model,
                weak=False,
                dispatch_uid=f"data-version-del-{model.__name__}",
            )
        m2m_changed.connect(
            changed,
            sender=Activity.themes.through,
            weak=False,
            dispatch_uid="data-version-themes",
        )
