"""The suite's PostgreSQL backend (tests/postgresql) empties the database by DELETE, not
TRUNCATE: every table is empty after a flush, rows that point at each other included, and
the figure stamps still move on with it."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

pytestmark = pytest.mark.postgres


def stamp():
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(stamp) FROM campaign_figurestamp")
        return cursor.fetchone()[0]


def rows_left():
    left = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (a model's table)
                (count,) = cursor.fetchone()
                if count:
                    left[table] = count
    return left


def test_a_flush_empties_every_table_with_deletes(require_postgres, transactional_db, cast):
    # Units under units, members pointing at units and users: rows that point at each other.
    assert {"units_unit", "units_membership", "units_user"} <= rows_left().keys()
    statements = connection.ops.sql_flush(no_style(), ["units_unit", "units_membership"])
    assert [sql.split()[0] for sql in statements] == ["SET", "DELETE", "DELETE"]
    before = stamp()

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)

    assert rows_left() == {}
    assert stamp() > before
