"""The services a test runs against and the processes that reach them: whether a missing
PostgreSQL or Redis skips a test or fails it (REQUIRE_SERVICES), the repository's root for a
subprocess to start in, and the DATABASE_URL that points a subprocess at the test database.
Used by tests/conftest.py's fixtures and by tests/faults."""

import os
from pathlib import Path

import pytest
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parents[1]


def unavailable(what):
    # In CI a missing service is a failure, never a silent skip.
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"{what} is not configured; set DATABASE_URL/REDIS_URL to run this test")


def subprocess_database_url(application_name=""):
    """A DATABASE_URL for a subprocess (worker, web server) that must see the test database,
    where a `transaction=True` test commits its rows. `application_name` tags its
    connections in pg_stat_activity."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return f"{url}?application_name={application_name}" if application_name else url
