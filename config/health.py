"""A health check for the reverse proxy and monitoring: database, cache and worker."""

import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import HEARTBEAT_KEY
from config.http import require_safe

# Beat sends a heartbeat every minute; three missed ones mean no worker is consuming.
WORKER_STALE_AFTER = 180


@require_safe
@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise; reports the cache and the worker.

    The node serves pages while the database answers: a Redis that is down is a cache that
    misses (config/cache.py) and a broker whose notifications wait in the outbox, so it is
    reported, not required. A 503 for it would take every node out of the proxy's rotation
    at once, for an outage the pages survive.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "down" here
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error"
        beat = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
        beat = None
    if beat is None:
        checks["worker"] = "unknown"
    else:
        age = time.time() - beat["at"]
        checks["worker"] = "ok" if age < WORKER_STALE_AFTER else f"stale: {int(age)} s"
    return JsonResponse(checks, status=200 if checks["database"] == "ok" else 503)
