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
        token = secrets.token_hex(8)
        # One row per transaction: its later writes take the lock it already holds.
        _move(DataVersionShard, int(token, 16) % SHARDS)
        own = {"hooks": connection.run_on_commit, "token": token, "count": 0}
        connection._data_version_own = own
    own["count"] += 1


def _own_writes():
    """The writes of the transaction in progress, or None when it has made none yet.

    A transaction is told from the next by the list of its commit hooks, which Django
    replaces when a transaction commits or rolls back, and when a savepoint rolls back
    (taking with it a move made inside it, which the next write then makes again). Not by
    its outermost Atomic: `@transaction.atomic` on a function makes one Atomic that every
    call enters again. The list is held here, so no later list can be the same object.
    """
    own = getattr(connection, "_data_version_own", None)
    if own is None or not connection.in_atomic_block:
        return None
    if own["hooks"] is not connection.run_on_commit:
        return None  # ended, or the savepoint that moved the counter rolled back
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
