from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaigns and plans")

    def ready(self):
        # A change of a campaign's indicators or rules moves its version (campaign.measures).
        from campaign import measures  # noqa: F401
