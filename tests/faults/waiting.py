"""Waiting for the servers and workers the fault tests start: a free port to start one on,
and polling until something happens. Used by tests/faults/conftest.py and the fault tests."""

import socket
import time

import pytest


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, timeout=30, interval=0.1):
    """Poll `condition()` until it returns something true, or fail saying what never came."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(interval)
