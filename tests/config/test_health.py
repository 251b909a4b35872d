import time

from django.core.cache import cache

from config.celery import HEARTBEAT_KEY


def test_health_reports_database_cache_and_a_fresh_worker(client, db):
    cache.set(HEARTBEAT_KEY, {"at": time.time(), "token": ""})
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "worker": "ok"}


def test_health_flags_a_stale_worker_without_failing(client, db):
    cache.set(HEARTBEAT_KEY, {"at": time.time() - 3600, "token": ""})
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"].startswith("stale")


def test_health_is_503_when_the_database_is_down(client, db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise ConnectionError("database unreachable")

    with monkeypatch.context() as patch:  # undone before the test database is torn down
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


def test_health_reports_a_cache_that_is_down_without_failing(client, db, settings):
    # Redis down: pages are served from the database (config/cache.py), so the node stays in
    # the proxy's rotation, with the cache reported for monitoring.
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] != "ok"
