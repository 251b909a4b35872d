"""The Celery app. Tasks live in each app's tasks.py and are autodiscovered."""

import os
import time

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_KEY = "celery:heartbeat"


@app.task(ignore_result=True, soft_time_limit=5, time_limit=10)
def heartbeat(token=""):
    """Record that a worker is alive; beat runs this every minute and /healthz reads it.

    Idempotent: it only overwrites one cache key.
    """
    from django.core.cache import cache

    cache.set(HEARTBEAT_KEY, {"at": time.time(), "token": token}, timeout=None)
