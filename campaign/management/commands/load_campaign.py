"""Create or update a campaign, its content items and indicators from a JSON file."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaign.seed import DEFAULT_CAMPAIGN, CampaignDataError, load_campaign_file


class Command(BaseCommand):
    help = (
        "Create or update a campaign with its content items and indicators from a JSON file "
        "(by default the seed's CCHC 2015 campaign). Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(DEFAULT_CAMPAIGN),
            help=f"Path to a campaign JSON file (default: {DEFAULT_CAMPAIGN}).",
        )

    def handle(self, *args, file, **options):
        try:
            campaign, created = load_campaign_file(file)
        except CampaignDataError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error

        if created:
            summary = _(
                "Campaign %(campaign)s created with %(themes)s content items and "
                "%(indicators)s indicators."
            )
        else:
            summary = _(
                "Campaign %(campaign)s is up to date with the file: %(themes)s content items "
                "and %(indicators)s indicators."
            )
        counts = {
            "campaign": campaign.slug,
            "themes": campaign.themes.count(),
            "indicators": campaign.indicators.count(),
        }
        self.stdout.write(self.style.SUCCESS(summary % counts))
