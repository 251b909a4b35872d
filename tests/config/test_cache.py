"""The Redis cache's client is made once per connection pool (config/cache.py)."""

import threading

import pytest

from config.cache import ForgivingRedisCache


def test_every_call_shares_one_redis_client():
    # No server needed: making a client opens no connection.
    cache = ForgivingRedisCache("redis://127.0.0.1:6399/0", {})
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("any-key") is client


@pytest.mark.redis
def test_the_shared_client_serves_threads_at_once(require_redis):
    cache = ForgivingRedisCache(require_redis, {"KEY_PREFIX": "test-shared-client"})
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"k{n}-{i}", i)
                assert cache.get(f"k{n}-{i}") == i
        except Exception as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    cache.delete_many([f"k{n}-{i}" for n in range(8) for i in range(50)])
    assert errors == []
