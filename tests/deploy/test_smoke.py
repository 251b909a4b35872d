"""CI smoke test of the deployment: the README's own commands start gunicorn and a Celery
worker with a production environment (DEBUG off, behind a TLS proxy, PostgreSQL, Redis);
the login page answers in Vietnamese with its static files, and the worker answers a ping
and runs a task. Both processes are always stopped."""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery import HEARTBEAT_KEY, app
from tests.deploy import readme

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

READY_TIMEOUT = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def production_env(require_postgres, require_redis, django_db_setup, tmp_path):
    """The README's production environment, on this run's test database and Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECURE_SSL_REDIRECT")
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="smoke-test-" + "s" * 50,
        ALLOWED_HOSTS="portal.example.test",
        CSRF_TRUSTED_ORIGINS="https://portal.example.test",
        BEHIND_TLS_PROXY="true",
        DATABASE_URL=database_url(),
        REDIS_URL=require_redis,
        # The worker writes its heartbeat where this test process reads it.
        CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_URL="dummymail://",
    )
    return env


@contextlib.contextmanager
def started(argv, env, log_path):
    """A documented command as a subprocess, stopped on exit whatever happened."""
    log = log_path.open("w")
    process = subprocess.Popen(argv, cwd=readme.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()  # gunicorn: graceful stop; celery: warm shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()


def fetch(port, path):
    """GET through the front door as nginx would pass it on: the public host, over TLS."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": "portal.example.test", "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def wait_for(check, what, process, log_path):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited:\n{log_path.read_text()}"
        with contextlib.suppress(OSError):
            result = check()
            if result:
                return result
        time.sleep(0.5)
    pytest.fail(f"{what} not ready within {READY_TIMEOUT} s:\n{log_path.read_text()}")


def test_the_documented_commands_serve_the_login_page_and_run_a_worker(production_env, tmp_path):
    commands = readme.documented_commands()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=readme.ROOT,
        env=production_env,
        check=True,
        timeout=600,
    )
    port = free_port()
    web = readme.localised(commands["web"], bind=f"127.0.0.1:{port}")
    worker = readme.localised(commands["worker"])
    web_log, worker_log = tmp_path / "gunicorn.log", tmp_path / "worker.log"
    with (
        started(web, production_env, web_log) as gunicorn,
        started(worker, production_env, worker_log) as celery_worker,
    ):

        def login_page():
            status, page = fetch(port, "/login/")
            return page if status == 200 else None

        page = wait_for(login_page, "gunicorn", gunicorn, web_log)
        assert "Đăng nhập" in page  # "Log in", from the compiled Vietnamese catalogue
        # WhiteNoise serves the hashed stylesheets and scripts that collectstatic wrote.
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
        scripts = re.findall(r'src="(/static/[^"]+\.js)"', page)
        assert stylesheets and any("bootstrap.bundle.min." in url for url in scripts)
        assert all(fetch(port, url)[0] == 200 for url in stylesheets + scripts)
        # Plain HTTP (no proxy header) is sent to HTTPS: the production rules are on.
        plain = urllib.request.Request(
            f"http://127.0.0.1:{port}/login/", headers={"Host": "portal.example.test"}
        )
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(NoRedirect).open(plain, timeout=10)
        assert redirect.value.code == 301

        # The worker answers a broadcast ping…
        def pong():
            answer = subprocess.run(
                [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping",
                 "--timeout", "5"],
                cwd=readme.ROOT, env=production_env, capture_output=True, text=True,
                timeout=30, check=False,
            )  # fmt: skip
            return "pong" in answer.stdout

        wait_for(pong, "the Celery worker", celery_worker, worker_log)
        # …and consumes the default queue: the heartbeat reaches the cache and /healthz.
        token = uuid.uuid4().hex
        with app.connection_for_write(production_env["REDIS_URL"]) as broker:
            app.send_task("config.celery.heartbeat", args=[token], connection=broker)
        wait_for(
            lambda: (cache.get(HEARTBEAT_KEY) or {}).get("token") == token,
            "the heartbeat task",
            celery_worker,
            worker_log,
        )
        status, body = fetch(port, "/healthz")
        assert status == 200
        assert json.loads(body) == {"database": "ok", "cache": "ok", "worker": "ok"}
    assert gunicorn.returncode is not None and celery_worker.returncode is not None
    assert connection.vendor == "postgresql"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
