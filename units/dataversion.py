"""A version that changes with every change the figures depend on.

Cached figures (the rollup) carry it in their key, so a change makes them unreachable at
once: no cached figure is ever stale, and nothing has to be deleted.

The committed part is a counter in the database, beside the data, moved in the writing
transaction: it commits with the change or not at all. A cache that is lost, restarted, or
brought back from a snapshot with old keys can therefore never be read under the version
of newer data, and a write made while Redis is down moves it all the same. The counter is
spread over SHARDS rows, a transaction moving one, so that concurrent writers seldom wait
for one another's row lock; the version is their sum, read in one query.

Inside a transaction that has written, the version also names that transaction and counts
its writes: what it reads is computed from data nobody else sees (and may be rolled back,
after which the counter's sum is reused), so it is cached under keys no other transaction
can form, and each of its writes moves them on.
"""

import random
import secrets
import time

from django.db import connection
from django.db.models import F, Sum

SHARDS = 64


def data_version() -> str:
    """The current version (one query)."""
    from units.models import DataVersionShard

    version = DataVersionShard.objects.aggregate(total=Sum("version"))["total"]
    if version is None:
        version = seed()
    own = _own_writes()
    return f"{version}:{own['token']}.{own['count']}" if own else str(version)


def bump_data_version() -> None:
    """Move the version on: the counter in the current transaction (one UPDATE, the first
    time in a transaction), and this transaction's own count."""
    from units.models import DataVersionShard

    if not connection.in_atomic_block:
        _move(DataVersionShard, random.randrange(SHARDS))  # noqa: S311 (spreading, not secrecy)
        return
    own = _own_writes()
    if own is None:
        own = {"outer": connection.atomic_blocks[0], "token": secrets.token_hex(8), "count": 0}
        connection._data_version_own = own
    # Once per transaction, unless the savepoint that moved the counter has ended since
    # (rolled back, it took the move with it; released, moving again costs one statement).
    if own.get("block") not in connection.atomic_blocks:
        # One row per transaction: its later moves take the lock it already holds.
        _move(DataVersionShard, hash(own["outer"]) % SHARDS)
        own["block"] = connection.atomic_blocks[-1]
    own["count"] += 1


def _own_writes():
    own = getattr(connection, "_data_version_own", None)
    if own is None or not connection.in_atomic_block:
        return None
    if own["outer"] is not connection.atomic_blocks[0]:
        return None  # a later transaction: the writes counted were committed or undone
    return own


def _move(model, shard):
    if not model.objects.filter(shard=shard).update(version=F("version") + 1):
        seed()
        model.objects.filter(shard=shard).update(version=F("version") + 1)


def seed() -> int:
    """Create the rows (a database emptied by a test, or never migrated with them), from a
    value no cache saw before: the clock in milliseconds."""
    from units.models import DataVersionShard

    start = int(time.time() * 1000)
    rows = [DataVersionShard(shard=n, version=start if n == 0 else 0) for n in range(SHARDS)]
    DataVersionShard.objects.bulk_create(rows, ignore_conflicts=True)
    return DataVersionShard.objects.aggregate(total=Sum("version"))["total"]
