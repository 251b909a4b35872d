"""Surviving a database connection that died while the code was busy elsewhere."""

from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, connection

_T = TypeVar("_T")


def on_a_live_connection(statement: Callable[[], _T]) -> _T:
    """Run `statement()`, and once more on a new connection if the old one had died.

    For a background task that records the outcome of a long outside call (an SMTP send, a
    PDF render): its connection sat idle meanwhile and may have been dropped (PostgreSQL
    restarted, a failover, an idle timeout, an administrator's pg_terminate_backend). Django
    reconnects only between requests and tasks, so without this the outcome of work already
    done would be lost. Only for one idempotent statement outside a transaction; any other
    error, or a connection that still answers, is raised as it is. Returns what `statement`
    returns; costs one extra query (the liveness check) only after an error.
    """
    try:
        return statement()
    except DatabaseError:
        if connection.in_atomic_block or connection.is_usable():
            raise
        connection.close()
        return statement()
