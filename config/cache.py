"""A Redis cache that treats an unreachable Redis as an empty cache.

Redis is both the Celery broker and the cache. When it stops, Django's own RedisCache
raises on every call, and everything that touches the cache fails with it: the session
lookup of every page (the `cached_db` engine reads the cache first), the dashboard. The
portal's data lives in PostgreSQL, so a cache that is down is only a cache that misses:
reads return the default, writes are skipped, and each failure is logged. The health check
still reports the cache as down, since what it writes cannot be read back.

What is lost while Redis is down is only what a cache may lose. The data version that keys
the cached figures lives in the database and moves with each write's transaction
(units/dataversion.py), so neither a write made during the outage nor a Redis restarted
from an old snapshot can bring stale figures back.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedClient(RedisCacheClient):
    """One redis-py client per connection pool, made once.

    Django's client builds a new `redis.Redis` for every call, and its constructor copies
    some 170 response callbacks: about 0.1 ms, twice on a page that reads the session and
    writes a key. redis-py clients are safe to share between threads, and their pools
    reconnect after a fork, so one client per pool serves every call of the process.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def _down(self, operation, error):
        log.warning("Cache unavailable (%s): %s", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            self._down("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._down("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            self._down("has_key", error)
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            self._down("add", error)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._down("set", error)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            self._down("set_many", error)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            self._down("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._down("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            self._down("delete_many", error)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as callers expect; only "unreachable" is
        # turned into ValueError too, the answer callers already handle (start afresh).
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._down("incr", error)
            raise ValueError(f"Key {key!r} not reachable: the cache is down") from error
