# The demo fills units and campaigns (plans, annual reports, the follow-up); the reports app
# adds nothing of its own to it, so the command lives in campaign (campaign → units).
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaign.demo import load_demo_history
from campaign.seed import DEFAULT_CAMPAIGN, load_campaign_file
from units.demo import DEMO_PASSWORD, demo_accounts, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo federation with its 2025 reorganisations, the seed campaign and one "
        "account per role. Safe twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (the demo accounts have a published password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _("Refusing to load demo accounts with DEBUG off; pass --force if you mean it.")
            )
        load_demo()
        campaign, _created = load_campaign_file(DEFAULT_CAMPAIGN)
        # Writes the years before 2025, applies the reorganisations of 2025, writes the rest.
        load_demo_history(campaign.slug)
        self.stdout.write(_("Campaign: %(campaign)s") % {"campaign": campaign.title})
        self.stdout.write(
            _("Demo data loaded. Accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, label in demo_accounts():
            self.stdout.write(f"  {username:<16} {label}")
