"""The test settings keep pytest-xdist's processes apart: each has its own media directory,
cache key prefix and Redis database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reports.demo import signing_dir
from tests.services import ROOT

SHOW = (
    "import json, os, django; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.REDIS_URL, settings.CELERY_BROKER_URL, str(settings.MEDIA_ROOT),"
    " os.environ['CACHE_KEY_PREFIX'], os.environ.get('PORTAL_TEST_XDIST_APART', '')]))"
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
def test_each_xdist_process_has_its_own_redis_database(tmp_path, worker, url, own):
    inherited = {"MEDIA_ROOT": str(tmp_path), "CACHE_KEY_PREFIX": "portal-test-1"}
    env = {**inherited, "PYTEST_XDIST_WORKER": worker, "REDIS_URL": url}
    media = str(tmp_path / worker)
    assert settings_with(env) == [own, own, media, f"portal-test-1-{worker}", "1"]
    assert Path(media).is_dir()


def test_a_worker_started_by_a_test_keeps_what_it_is_given(tmp_path):
    # A Celery worker inherits the values and their mark: they must not be moved on again.
    given = {
        "PYTEST_XDIST_WORKER": "gw1",
        "PORTAL_TEST_XDIST_APART": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "MEDIA_ROOT": str(tmp_path / "gw1"),
        "CACHE_KEY_PREFIX": "portal-test-1-gw1",
    }
    url = given["REDIS_URL"]
    assert settings_with(given) == [url, url, given["MEDIA_ROOT"], "portal-test-1-gw1", "1"]


def test_one_process_is_left_alone(tmp_path):
    url = "redis://127.0.0.1:6379/1"
    env = {"REDIS_URL": url, "MEDIA_ROOT": str(tmp_path), "CACHE_KEY_PREFIX": "portal-test-1"}
    assert settings_with(env) == [url, url, str(tmp_path), "portal-test-1", ""]


def test_without_redis_the_process_is_still_kept_apart(tmp_path):
    env = {"PYTEST_XDIST_WORKER": "gw0", "MEDIA_ROOT": str(tmp_path)}
    redis, broker, media, _prefix, mark = settings_with(env)
    assert (redis, broker, media, mark) == ("", "memory://", str(tmp_path / "gw0"), "1")


def test_the_demo_certificate_of_a_test_process_is_its_own(settings):
    # Not var/demo-signing/, which every process of a run (and `make run`) would share.
    assert not signing_dir().is_relative_to(settings.BASE_DIR)
    assert signing_dir().name.startswith("portal-test-signing-")
