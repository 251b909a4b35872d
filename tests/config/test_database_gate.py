"""The gate in front of the database (config.middleware.DatabaseGate): a request that finds
every slot taken for longer than DB_GATE_TIMEOUT gets a Vietnamese 503 to retry, never an
error from PostgreSQL; one in a worker thread gives its connection back when it ends."""

import threading

import pytest
from django.db import connection
from django.test import Client

from config import middleware


def test_a_request_finding_the_gate_full_gets_a_503_to_retry(db, settings):
    settings.DB_GATE_TIMEOUT = 0.2
    taken = 0
    while middleware._GATE.acquire(blocking=False):
        taken += 1
    try:
        assert taken == settings.DB_CONNECTIONS_PER_PROCESS
        response = Client().get("/login/")
    finally:
        for _ in range(taken):
            middleware._GATE.release()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Hệ thống đang bận" in response.content.decode()
    assert Client().get("/login/").status_code == 200  # the slots are back


@pytest.mark.postgres
def test_a_request_in_another_thread_closes_its_connection(require_postgres, transactional_db):
    # On PostgreSQL: SQLite's in-memory test database is never closed, by design.
    seen = {}

    def request():
        Client().get("/healthz")
        seen["open"] = connection.connection is not None

    worker = threading.Thread(target=request)
    worker.start()
    worker.join()
    assert seen == {"open": False}
