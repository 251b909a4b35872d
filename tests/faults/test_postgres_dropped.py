"""PostgreSQL connections dropped (a restart, a failover, pg_terminate_backend): the next
request and the next task succeed, and work in flight keeps its outcome.

The web server is a real gunicorn and the worker a real Celery worker, both on the test
database with their connections tagged, so that only theirs are terminated. Web connections
live for CONN_MAX_AGE and are health-checked before reuse (config/settings.py); a worker
opens a connection per task, and a task whose connection died during a long outside call
records its outcome on a new one (config/db.py).
"""

import http.client
import os
import re
import subprocess
import sys
import time
import uuid

import pytest

from campaign import workflow
from campaign.models import Notification
from tests.campaign.filings import make_plan
from tests.faults.connections import backends, drop_connections
from tests.faults.mailbox import delivered
from tests.faults.waiting import free_port, wait_for
from tests.services import ROOT, subprocess_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def web_server(require_postgres, tmp_path):
    """gunicorn with one worker on the test database; yields (port, application_name)."""
    name = f"faults-web-{uuid.uuid4().hex[:8]}"
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": subprocess_database_url(name),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, "/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log_path.read_text())
                time.sleep(0.1)
        yield port, name
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def get(port, path, cookie=""):
    """GET `path` without following redirects; returns (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_the_next_web_request_after_the_connection_is_dropped_succeeds(web_server, cast, client):
    port, name = web_server
    client.force_login(cast["officer_a1"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    status, body = get(port, "/", cookie)
    assert status == 200, body[:500]  # 200, not the login redirect: the session was read
    before = backends(name)
    assert before, "the web worker keeps its connection between requests (CONN_MAX_AGE)"
    assert drop_connections(name) == before

    status, body = get(port, "/", cookie)
    assert status == 200, body[:500]
    status, body = get(port, "/healthz")
    assert status == 200 and '"database": "ok"' in body, body
    after = backends(name)
    assert after and not (after & before)  # it reconnected


def test_a_task_whose_connection_dropped_mid_send_records_it_and_the_next_task_succeeds(
    app_on_private_redis, fault_worker, mailbox, tree, cast, campaign
):
    name = "faults-worker-db"
    worker = fault_worker(name, pool="prefork")
    first = make_plan(tree["A1"], campaign, cast["officer_a1"])
    (mailbox / "HOLD").touch()
    workflow.submission_submit(first, user=cast["officer_a1"])
    wait_for(lambda: list(mailbox.glob("holding-*")), "the worker holding the send")

    # The worker claimed the row on a connection that is now idle while it talks to the
    # mail server; drop it there.
    assert drop_connections(name), "the worker holds a connection during the send"
    (mailbox / "HOLD").unlink()

    def succeeded():
        return re.findall(r"send_notification\[[^\]]+\] succeeded in [^:]+: 'sent'", worker.log())

    worker.wait_until(lambda: len(succeeded()) == 1, "the send finishing", 30)
    notification = Notification.objects.get()
    assert notification.sent_at and notification.attempts == 1  # marked, never to be resent
    assert len(delivered(mailbox)) == 1

    # The next task, on a new connection, succeeds too.
    second = make_plan(tree["B1"], campaign, cast["officer_b1"])
    workflow.submission_submit(second, user=cast["officer_b1"])
    worker.wait_until(lambda: len(succeeded()) == 2, "the next task succeeding", 30)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert len(delivered(mailbox)) == 2
    assert "Traceback" not in worker.log()
