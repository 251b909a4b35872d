"""Import or update the federation tree from a .csv or .xlsx file: all rows or none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.importing import UnitImportError, column, import_units, read_rows
from units.models import User

# Units updated or moved listed one a line; a national file changes thousands, and a terminal
# shows the first screens: the rest are counted.
LISTED_CHANGES = 50


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = "Create, update and move units from a .csv or .xlsx file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .csv or .xlsx file with a header row.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without saving anything.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The staff account importing: named in the history of every unit changed.",
        )

    def handle(self, *args, file, dry_run=False, user=None, **options):
        importer = self._importer(user) if user is not None else None
        try:
            rows = read_rows(file)
            # A dry run writes no history: it is rolled back.
            if dry_run:
                result = self._dry_run(rows)
            else:
                result = import_units(rows, user=importer, source=Path(file).name)
        except UnitImportError as error:
            for line, message in error.errors:
                if line:
                    message = _("Line %(line)s: %(message)s") % {"line": line, "message": message}
                self.stderr.write(message)
            raise CommandError(
                _("Nothing was imported: %(count)s error(s).") % {"count": len(error.errors)}
            ) from error
        except FileNotFoundError as error:
            raise CommandError(_("File not found: %(file)s") % {"file": file}) from error

        counts = {
            "created": result.created,
            "updated": result.updated,
            "moved": result.moved,
            "unchanged": result.unchanged,
        }
        if dry_run:
            summary = _(
                "Dry run, nothing saved. Would create %(created)s, update %(updated)s, "
                "move %(moved)s; %(unchanged)s unchanged."
            )
        else:
            summary = _(
                "Imported: %(created)s created, %(updated)s updated, %(moved)s moved, "
                "%(unchanged)s unchanged."
            )
        self.stdout.write(self.style.SUCCESS(summary % counts))
        self._list_changes(result.changes, dry_run)
        if result.opened_today:
            self.stdout.write(
                _(
                    "%(count)s new unit(s) without an opening date open on the day they are "
                    "imported, %(date)s, and are not counted in earlier years. For a union "
                    "that existed before, give the day it was founded in the column "
                    "%(column)s."
                )
                % {
                    "count": result.opened_today,
                    "date": timezone.localdate().strftime("%d/%m/%Y"),
                    "column": column("opened_on"),
                }
            )
        if result.names_corrected:
            self.stdout.write(
                _(
                    "Names corrected in the history of %(count)s unit(s), from their last "
                    "other name. A rename decided by a decision is imported as a "
                    "reorganisation, from its effective date."
                )
                % {"count": result.names_corrected}
            )
        if importer is None and not dry_run and (result.created or result.changes):
            self.stdout.write(
                _(
                    "The units' admin history does not say who imported them: give "
                    "--user with your username next time."
                )
            )

    def _importer(self, username: str) -> User:
        """The staff account named by --user; a CommandError for any other."""
        # PostgreSQL refuses a NUL in a query's text; no username holds a control character.
        if any(ord(character) < 32 for character in username):
            account = None
        else:
            account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(
                _("There is no account with the username “%(username)s”.") % {"username": username}
            )
        if not account.is_active:
            raise CommandError(
                _(
                    "The account “%(username)s” is inactive: give the username of an active "
                    "staff account."
                )
                % {"username": username}
            )
        if not account.is_staff:
            raise CommandError(
                _(
                    "The account “%(username)s” is not staff: the unit tree is kept by staff. "
                    "Give your own staff username."
                )
                % {"username": username}
            )
        return account

    def _list_changes(self, changes, dry_run):
        """One line per unit already in the tree that the file updates or moves: a code
        reused by mistake renames and moves an existing unit, which the counts do not show."""
        if not changes:
            return
        if dry_run:
            heading = ngettext(
                "%(count)s unit already in the tree would change. A code already in the tree "
                "names that unit; a new union needs a new code:",
                "%(count)s units already in the tree would change. A code already in the tree "
                "names that unit; a new union needs a new code:",
                len(changes),
            )
        else:
            heading = ngettext(
                "%(count)s unit already in the tree changed:",
                "%(count)s units already in the tree changed:",
                len(changes),
            )
        self.stdout.write(self.style.WARNING(heading % {"count": len(changes)}))
        for change in changes[:LISTED_CHANGES]:
            names = {"line": change.line, "code": change.code, "name": change.name}
            if "name" in change.fields:
                head = _("Line %(line)s, code %(code)s:") % names
            else:
                head = _("Line %(line)s, code %(code)s “%(name)s”:") % names
            self.stdout.write(f"  {head} {change.describe()}")
        if len(changes) > LISTED_CHANGES:
            more = len(changes) - LISTED_CHANGES
            more_units = ngettext("… and %(count)s more unit.", "… and %(count)s more units.", more)
            self.stdout.write(f"  {more_units % {'count': more}}")

    def _dry_run(self, rows):
        result = None
        try:
            with transaction.atomic():
                result = import_units(rows)
                raise _DryRun
        except _DryRun:
            pass
        return result
