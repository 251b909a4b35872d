"""A counter that grows with every change the figures depend on.

Cached figures (the rollup) carry it in their key, so a change makes them unreachable at
once: no cached figure is ever stale, and nothing has to be deleted.
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "data-version"


def data_version():
    """The current version (one cache round trip)."""
    version = cache.get(KEY)
    if version is None:
        # Start anywhere not used before: a restarted cache must not reuse old keys.
        cache.add(KEY, int(time.time() * 1000))
        version = cache.get(KEY)
    return version


def bump_data_version():
    """Move to a new version once the current transaction commits."""
    transaction.on_commit(_bump)


def _bump():
    try:
        cache.incr(KEY)
    except ValueError:  # no version yet: the next read starts a fresh one
        data_version()
