# The demo fills units, campaigns (plans, annual reports, the follow-up) and the reports app's
# issued summaries, so the command lives in reports (reports → campaign → units).
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign.demo import load_demo_history
from campaign.seed import DEFAULT_CAMPAIGN, load_campaign_file
from reports.demo import load_demo_summaries
from reports.demo_word import load_demo_word_file
from reports.models import SummaryReport
from units.demo import DEMO_PASSWORD, demo_accounts, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo federation with its 2025 reorganisations, the seed campaign, one "
        "account per role, issued summaries (one of them corrected) signed with a test "
        "certificate and a Word file signed with it. Safe twice."
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
        # A grassroots union's 2025 report carries the Word file it signed (Word's own
        # signature, with the test certificate), for the Word signature check.
        load_demo_word_file(campaign.slug)
        # The 2024 summaries of a district and of the province, issued in January 2025, and
        # the 2025 summary of the province of today with its correction, of January 2026.
        unrendered = [
            summary
            for summary in load_demo_summaries(campaign.slug)
            if summary.render_state != SummaryReport.RenderState.DONE
        ]
        for summary in unrendered:
            self.stderr.write(
                _("The PDF of the demo's summary %(number)s was not made: %(reason)s")
                % {"number": summary.number, "reason": summary.render_error}
            )
        self.stdout.write(_("Campaign: %(campaign)s") % {"campaign": campaign.title})
        self.stdout.write(
            _("Demo data loaded. Accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, label in demo_accounts():
            self.stdout.write(f"  {username:<16} {label}")
        if unrendered:
            # Everything else is saved and a second run renders only what is missing, so a
            # script (make run, a deployment's smoke check) stops here rather than serving a
            # demo whose signed documents cannot be opened.
            raise CommandError(
                ngettext(
                    "The demo is loaded, but %(count)d summary PDF could not be made (see above). "
                    "Fix the cause, then run load_demo again: it renders only what is missing.",
                    "The demo is loaded, but %(count)d summary PDFs could not be made (see above). "
                    "Fix the cause, then run load_demo again: it renders only what is missing.",
                    len(unrendered),
                )
                % {"count": len(unrendered)}
            )
