"""Stored attachment files that no row refers to, removed once they are a day old.

An attachment's file is written to storage before the row that names it, inside the
request's transaction: when that transaction rolls back afterwards (a "Save and submit"
refused for a missing figure after the scan was stored, a database error), the row goes and
the file stays. Nothing would ever serve it, but it would hold a union's scan on disk for
good. The beat runs this sweep daily; the grace period leaves alone any file whose row may
still be on its way to a commit.
"""

import datetime
import logging

from django.utils import timezone

from campaign.models import Attachment

logger = logging.getLogger(__name__)

GRACE = datetime.timedelta(days=1)
# The folders `campaign.models.attachment_path` stores under.
ROOTS = ("reports", "plans")


def sweep_orphan_files(
    *, grace: datetime.timedelta = GRACE, now: datetime.datetime | None = None
) -> list[str]:
    """Delete the stored attachment files older than `grace` that no attachment names;
    return their names."""
    storage = Attachment._meta.get_field("file").storage
    now = now or timezone.now()
    # Read before listing the folders: a file stored after this read is younger than any
    # sensible grace period, so it is never taken for an orphan.
    named = set(Attachment.objects.values_list("file", flat=True))
    removed = []
    for root in ROOTS:
        for name in _files_under(storage, root):
            if name in named or now - storage.get_modified_time(name) < grace:
                continue
            storage.delete(name)
            removed.append(name)
    if removed:
        logger.info("Removed %d stored file(s) no attachment refers to.", len(removed))
    return removed


def _files_under(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")
