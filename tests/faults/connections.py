"""The PostgreSQL connections of this test database that a fault test tags (by
application_name, see tests/services.py's subprocess_database_url) and drops, as a
PostgreSQL restart or a failover would. Used by test_postgres_dropped.py."""

from django.db import connection

from tests.faults.waiting import wait_for


def backends(application_name):
    """The server pids of the connections to this test database tagged `application_name`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [connection.settings_dict["NAME"], application_name],
        )
        return {pid for (pid,) in cursor.fetchall()}


def drop_connections(application_name):
    """Terminate those connections, as a PostgreSQL restart or a failover would, and return
    their pids. Only this test database's connections with this tag are touched."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"], application_name],
        )
        killed = {pid for pid, done in cursor.fetchall() if done}
    # pg_terminate_backend only signals; wait until they are really gone.
    wait_for(lambda: not (backends(application_name) & killed), "the connections closing", 10)
    return killed
