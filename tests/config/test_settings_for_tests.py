"""The test settings give each pytest-xdist process a Redis database of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, os, django; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.REDIS_URL, settings.CELERY_BROKER_URL, "
    "os.environ.get('PORTAL_TEST_REDIS_SPLIT', '')]))"
)


def settings_with(env):
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("worker", "url", "own"),
    [
        ("gw0", "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/2"),
        ("gw1", "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/3"),
        ("gw3", "redis://127.0.0.1:6379", "redis://127.0.0.1:6379/4"),
        ("gw1", "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/1"),
    ],
)
def test_each_xdist_process_has_its_own_redis_database(worker, url, own):
    assert settings_with({"PYTEST_XDIST_WORKER": worker, "REDIS_URL": url}) == [own, own, "1"]


def test_a_worker_started_by_a_test_keeps_the_database_it_is_given():
    # A Celery worker inherits the split URL and its mark: it must not be moved on again.
    given = {"PYTEST_XDIST_WORKER": "gw1", "PORTAL_TEST_REDIS_SPLIT": "1"}
    url = "redis://127.0.0.1:6379/3"
    assert settings_with({**given, "REDIS_URL": url}) == [url, url, "1"]


def test_one_process_and_no_redis_are_left_alone():
    url = "redis://127.0.0.1:6379/1"
    assert settings_with({"REDIS_URL": url}) == [url, url, ""]
    assert settings_with({"PYTEST_XDIST_WORKER": "gw0"})[:2] == ["", "memory://"]
