"""The Celery app. Tasks live in each app's tasks.py and are autodiscovered."""

import importlib
import importlib.util
import os
import time

from celery import Celery
from django.apps import apps
from django.core.checks import Error, Tags, register

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


@register(Tags.compatibility)
def check_visibility_timeout(app_configs=None, **kwargs):
    """The Redis broker's visibility timeout must outlast every task's hard time limit.

    With late acknowledgement the broker hands a message to another worker once it has been
    unacknowledged for the visibility timeout, whether or not its first worker still runs
    it; a timeout shorter than a task may run would start long tasks twice.
    """
    conf = app.conf
    if conf.task_always_eager or not str(conf.broker_url).startswith(("redis://", "rediss://")):
        return []
    # Register every app's tasks (as the worker's autodiscovery would, without its signals,
    # which run the system checks again).
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks"):
            importlib.import_module(f"{config.name}.tasks")
    limits = {
        name: task.time_limit or conf.task_time_limit or 0
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    }
    name, longest = max(limits.items(), key=lambda item: item[1])
    visibility = (conf.broker_transport_options or {}).get("visibility_timeout", 3600)
    if visibility > longest:
        return []
    return [
        Error(
            f"The broker's visibility timeout ({visibility} s) does not exceed the longest "
            f"task time limit ({name}: {longest} s).",
            hint="Raise CELERY_VISIBILITY_TIMEOUT above every task's time limit.",
            id="config.E001",
        )
    ]
