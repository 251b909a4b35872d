"""PostgreSQL for the test suite: Django's own backend, with a flush that empties the tables
by DELETE instead of TRUNCATE.

Every test that commits (the browser journeys, the live server's and the Celery workers'
tests) is cleaned up by `flush`, and the demo's snapshot is put back through the same
statements (tests/snapshot.py). Django's flush is one TRUNCATE of every table, which
PostgreSQL pays per table whatever it holds (new files for the table and its indexes):
≈0.2–0.25 s for the portal's tables, against ≈0.06 s to DELETE the demo's 3,000 rows and
next to nothing on the empty tables a flushed database has. The database triggers see a
DELETE as they see any other: the figure stamps move on with it (campaign migration 0009).

config/settings_test.py uses this backend when DATABASE_URL names PostgreSQL; production
keeps Django's.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Django's foreign keys are deferrable: checked at commit, when every table in the
        # list is empty, so the order of the deletes does not matter. The list is every
        # table of a model, so nothing outside it is left pointing at a deleted row, which
        # is what TRUNCATE's CASCADE would have emptied.
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
