"""The demo, loaded once per test session and restored from its rows for every later test.

`load_demo` renders and signs PDFs and walks ten years of filings: about 20 s. The tests
that start from it (the browser journeys above all) get the same rows back in well under a
second: every model table is emptied and refilled from a copy taken right after the first
load (PostgreSQL's binary COPY, or plain rows on SQLite), in one transaction, and the
stored files are put back beside them.

Two things are left to be made afresh, as a database emptied by a test would make them:
the data version (units.dataversion), re-seeded from the clock, and the figure stamps,
which the triggers move on as the rows go back in. A cache filled by an earlier test can
therefore never answer for the restored data.
"""

import datetime
import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# Re-seeded from the clock on first read: never a version an earlier test's cache used.
FRESH = {"units_dataversionshard"}


def _models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


@dataclass
class Snapshot:
    tables: dict[str, object]  # table → COPY data (PostgreSQL) or (columns, rows) (SQLite)
    media: Path
    day: datetime.date  # the demo's dates count from the day it was loaded


@dataclass
class DemoSnapshots:
    """The demo's snapshot, per database (a session may use more than one)."""

    root: Path
    taken: dict[str, Snapshot] = field(default_factory=dict)
    takes: int = 0

    def load(self) -> None:
        """Put the demo in the current test database: loaded the first time, restored after."""
        key = f"{connection.vendor}:{connection.settings_dict['NAME']}"
        snapshot = self.taken.get(key)
        # A snapshot from before midnight holds yesterday's demo (its deadlines, "n days
        # late"): a session that runs past midnight loads the demo again.
        today = timezone.localdate()
        if snapshot is None or snapshot.day != today:
            with open(os.devnull, "w") as quiet:
                call_command("load_demo", force=True, stdout=quiet)
            self.takes += 1
            self.taken[key] = self._take(self.takes, today)
        else:
            self._restore(snapshot)

    def _take(self, number: int, day: datetime.date) -> Snapshot:
        media = self.root / f"media-{number}"
        if Path(settings.MEDIA_ROOT).is_dir():
            shutil.copytree(settings.MEDIA_ROOT, media)
        tables = {}
        with connection.cursor() as cursor:
            for model in _models():
                table = model._meta.db_table
                if table in FRESH:
                    continue
                if connection.vendor == "postgresql":
                    data = io.BytesIO()
                    cursor.copy_expert(f'COPY "{table}" TO STDOUT (FORMAT binary)', data)
                    tables[table] = data.getvalue()
                else:
                    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (a model's table)
                    columns = [column[0] for column in cursor.description]
                    tables[table] = (columns, cursor.fetchall())
        return Snapshot(tables=tables, media=media, day=day)

    def _restore(self, snapshot: Snapshot) -> None:
        models = _models()
        every_table = [model._meta.db_table for model in models]
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are checked at commit (Django makes them deferrable), so the
            # tables can be refilled in any order.
            for sql in connection.ops.sql_flush(no_style(), every_table, allow_cascade=True):
                cursor.execute(sql)
            for table, data in snapshot.tables.items():
                if connection.vendor == "postgresql":
                    copy = f'COPY "{table}" FROM STDIN (FORMAT binary)'
                    cursor.copy_expert(copy, io.BytesIO(data))
                    continue
                columns, rows = data
                if rows:
                    names = ", ".join(f'"{column}"' for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        if snapshot.media.is_dir():
            shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)


def demo_snapshots() -> DemoSnapshots:
    return DemoSnapshots(root=Path(tempfile.mkdtemp(prefix="portal-test-demo-")))
