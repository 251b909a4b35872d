"""Celery: a real worker round trip on Redis, and a dead broker that never hangs a request."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.core.cache import cache
from kombu.exceptions import OperationalError

from config.celery import HEARTBEAT_KEY, app, heartbeat
from tests.services import ROOT


def test_without_redis_tasks_run_in_process():
    # The embedded default (no REDIS_URL) runs tasks eagerly; force it when CI has Redis.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        token = uuid.uuid4().hex
        heartbeat.delay(token)
    finally:
        app.conf.task_always_eager = eager
    assert cache.get(HEARTBEAT_KEY)["token"] == token


@pytest.mark.redis
def test_a_real_worker_runs_a_task_end_to_end(require_redis, tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        token = uuid.uuid4().hex
        heartbeat.apply_async(args=[token], queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            beat = cache.get(HEARTBEAT_KEY)
            if beat and beat["token"] == token:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        else:
            pytest.fail("the worker never ran the task:\n" + (tmp_path / "worker.log").read_text())
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


def test_a_dead_broker_raises_quickly_instead_of_hanging(settings):
    # Nothing listens on port 1; the publish must give up within a few seconds, with the
    # project's transport options (timeouts and retries) applied.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    started = time.monotonic()
    try:
        with app.connection_for_write("redis://127.0.0.1:1/0") as connection:
            assert connection.transport_options["socket_connect_timeout"] == 2
            with pytest.raises(OperationalError):
                heartbeat.apply_async(args=["never"], connection=connection)
    finally:
        app.conf.task_always_eager = eager
    assert time.monotonic() - started < 10
