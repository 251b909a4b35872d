from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo federation and one demo account per role. Safe to run twice."

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
        accounts = load_demo()
        self.stdout.write(
            _("Demo data loaded. Accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, label in accounts:
            self.stdout.write(f"  {username:<16} {label}")
