"""Browser journeys in Debian's Chromium, driven by Playwright against a live server.

No browser is downloaded: Playwright launches /usr/bin/chromium, which the test command
installs. Playwright's sync API keeps an event loop in this thread, so Django's ORM would
refuse to run here; the async-safety check is switched off for these tests only.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from tests.services import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# A worker that consumes only its own queue: a concurrent run of the suite on the same Redis
# can neither take this test's tasks nor hand it theirs (as in
# tests/campaign/test_reminder_concurrent_runs.py).
WORKER = """
import sys
from config.celery import app
app.conf.task_default_queue = sys.argv[1]
app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
                 "-Q", sys.argv[1], "-n", sys.argv[2]])
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: the test command installs it")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    # Session-wide but only from the first browser test on: the suite runs these last
    # (tests/conftest.py), so no other test runs with the check off. It must outlive the
    # per-test database teardown, which also runs beside Playwright's loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db, demo_snapshots):
    demo_snapshots.load()


@pytest.fixture
def login(page, live_server):
    """login(username): the browser signed in as that user, on the home page.

    The session is opened on the server (Django's test client, which sends the login
    signals as the form does) and handed to the browser as its cookie: the login form,
    typed and sent, is the journeys' own subject only where a test does so itself
    (tests/e2e/test_kept_input_flow.py, test_password_reset_flow.py), and cost every other
    test a page and a post."""
    from django.conf import settings
    from django.test import Client

    from units.models import User

    def login_as(username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        page.goto(f"{live_server.url}/")
        return page

    return login_as


class WorkerProcess:
    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.process.poll() is not None:
                pytest.fail("the Celery worker exited:\n" + self.log())
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker was not ready within {timeout} s:\n" + self.log())
            time.sleep(0.2)


@pytest.fixture
def celery_worker_process(require_postgres, require_redis, live_server, tmp_path):
    """A real Celery worker in a child process, consuming a queue of this test only, and
    reading the live server's test database (the browser's writes are committed there).

    The live server publishes to that queue: the test marks itself `redis`, so its tasks are
    not run eagerly (tests/conftest.py), and the default queue is switched for this test.
    The worker starts at once and is waited for only when a task is about to be queued, so
    its start-up overlaps the journey's first steps.
    """
    from config.celery import app

    queue = f"test-e2e-{uuid.uuid4().hex[:12]}"
    default_queue, app.conf.task_default_queue = app.conf.task_default_queue, queue
    database = connection.settings_dict
    # It inherits MEDIA_ROOT and CACHE_KEY_PREFIX, which config.settings_test put in this
    # process's environment: the PDF it stores is the file the live server sends.
    env = {
        key: value
        for key, value in os.environ.items()
        # The e2e-only async switch stays in this process: the worker runs no event loop.
        if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    )
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER, queue, f"e2e-{queue}@%h"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield WorkerProcess(process, log_path)
    finally:
        app.conf.task_default_queue = default_queue
        # Stopped before the database is flushed and dropped, which its connection blocks.
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
