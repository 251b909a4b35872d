"""Fixtures of the fault tests: a Redis of their own, workers on it, and a mailbox they
deliver into (tests/faults/mailbox.py). The tagging and killing of PostgreSQL connections is
in tests/faults/connections.py.

The machine's PostgreSQL and Redis serve other test runs at the same time, so these tests
never stop them: they stop and restart a redis-server they started themselves on a free
port, and drop only the connections of their own processes to their own test database.
"""

import contextlib
import os
import shutil
import subprocess
import time

import kombu.pools
import pytest
import redis
from kombu.utils.collections import eqhash

from config.celery import app
from tests.campaign.filings import province_campaign
from tests.faults.waiting import free_port
from tests.services import subprocess_database_url, unavailable

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def campaign(tree):
    """The campaign tests' campaign (tests/campaign/conftest.py): the province's, with its
    content items and one whole-number indicator."""
    return province_campaign(tree)


class PrivateRedis:
    """A redis-server owned by one test, without persistence, that it can stop and start."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = self.directory / f"redis-{self.starts}.log"
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.directory),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 15
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the private redis-server did not start:\n{log.read_text()}")
            time.sleep(0.05)

    def answers(self):
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return client.ping()
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self):
        """Kill it (SIGKILL, as a crash would): the queued messages and the cache go too."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which(REDIS_SERVER):
        unavailable("redis-server")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory)
    server.start()
    yield server
    server.stop()


def _forget_broker_connections():
    # The app keeps a pool of broker connections (and of producers on them) for the URL it
    # first connected to; forget both so that the next publish uses the current URL. The
    # pools stay in kombu's registry, where the app finds them again for that URL.
    app._pool = None
    app.amqp._producer_pool = None


def _close_broker_pools(url):
    # Take the private Redis's pools out of kombu's registry and close them: a later test
    # given the same port must not be handed closed pools.
    key = eqhash(app.connection_for_write(url))
    for group in (kombu.pools.connections, kombu.pools.producers):
        pool = dict.pop(group, key, None)
        if pool is not None:
            with contextlib.suppress(Exception):  # its server is gone; closing is tidying
                pool.force_close_all()


@pytest.fixture
def app_on_private_redis(private_redis, settings):
    """Point this process's Celery app and Django cache at the private Redis, as the web
    nodes of a deployment point at theirs, and back afterwards. The key prefix is the one
    the workers inherit (tests/conftest.py): web nodes and workers share their cache keys,
    such as the one that wakes the writer of the steps' e-mails."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": os.environ["CACHE_KEY_PREFIX"],
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = private_redis.url, False
    _forget_broker_connections()
    yield private_redis
    app.conf.broker_url, app.conf.task_always_eager = saved
    _forget_broker_connections()
    _close_broker_pools(private_redis.url)


@pytest.fixture
def mailbox(tmp_path):
    """The directory the workers deliver e-mail into (tests/faults/mailbox.py)."""
    directory = tmp_path / "mailbox"
    directory.mkdir()
    return directory


@pytest.fixture
def fault_worker(require_postgres, private_redis, mailbox, start_worker):
    """Start a worker on the private Redis and the test database, delivering into `mailbox`,
    its database connections tagged with `name` (see tests/faults/connections.py)."""

    def start(name="faults-worker", *, env=None, **options):
        environment = {
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": subprocess_database_url(name),
            "REDIS_URL": private_redis.url,
            "FAULTS_MAILBOX": str(mailbox),
            **(env or {}),
        }
        return start_worker(env=environment, **options)

    return start
