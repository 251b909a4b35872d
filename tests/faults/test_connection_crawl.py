"""A crawl of 150 concurrent requests at the threaded development server on PostgreSQL: no
5xx, and the server never holds more connections than its gate lets through.

The probe that found "FATAL: sorry, too many clients already" ran the development server,
which starts a thread per request, each keeping its own connection for CONN_MAX_AGE: one
instance took 93 of PostgreSQL's 100. config.middleware.DatabaseGate bounds it."""

import concurrent.futures
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.faults.waiting import free_port, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REQUESTS = 150
GATE = 6


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (http only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:
        return None  # not listening (yet)


def server_connections(cursor, name):
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
        [name, "crawl-server"],
    )
    return cursor.fetchone()[0]


def test_a_crawl_of_a_threaded_server_gets_no_5xx_and_stays_under_its_gate(
    require_postgres, tmp_path
):
    db = connection.settings_dict
    port = free_port()
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        "?application_name=crawl-server"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DB_CONNECTIONS_PER_PROCESS": str(GATE),
        "CONN_MAX_AGE": "60",  # what made each thread keep its connection
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The health check asks the database (and the cache): every request takes a connection.
    page = f"http://127.0.0.1:{port}/healthz"
    peak = [0]
    done = threading.Event()
    try:
        wait_for(lambda: status_of(page) == 200, "the development server to answer", timeout=60)

        def watch():
            try:
                with connection.cursor() as cursor:  # this thread's own connection
                    while not done.is_set():
                        peak[0] = max(peak[0], server_connections(cursor, db["NAME"]))
                        time.sleep(0.02)
            finally:
                connection.close()

        watcher = threading.Thread(target=watch)
        watcher.start()
        with concurrent.futures.ThreadPoolExecutor(REQUESTS) as pool:
            statuses = list(pool.map(status_of, [page] * REQUESTS))
        done.set()
        watcher.join()
    finally:
        done.set()
        server.terminate()
        server.wait(timeout=30)
        log.close()
        with connection.cursor() as cursor:  # its sessions gone before the test database is
            wait_for(lambda: server_connections(cursor, db["NAME"]) == 0, "the server's sessions")
    errors = [status for status in statuses if status is None or status >= 500]
    assert errors == [], (errors[:5], (tmp_path / "server.log").read_text()[-2000:])
    assert statuses.count(200) == REQUESTS
    # The gate's connections, and the one the server's start-up checks opened in its main
    # thread (the migrations check), kept there.
    assert 0 < peak[0] <= GATE + 1
