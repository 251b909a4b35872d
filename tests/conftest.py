"""Shared fixtures: a small federation tree and a fixed cast of users with different access.

The tree, from the top:

    province (PV)
    ├── district A (DA)            ── grassroots A1 (A1), grassroots A2 (A2)
    ├── district B (DB)            ── grassroots B1 (B1)
    └── sector union S (SE)        ── grassroots S1 (S1)
"""

import contextlib
import datetime
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.services import ROOT, subprocess_database_url, unavailable
from tests.snapshot import demo_snapshots as demo_snapshots_for_session
from units.models import Membership, Operation, Reorganisation, Unit

Role = Membership.Role


def pytest_collection_modifyitems(config, items):
    # Browser tests run last: Playwright leaves an event loop in the main thread.
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


@pytest.fixture(autouse=True)
def _measures_forgotten():
    """Each test starts without the campaigns' indicators and rules a process keeps
    (campaign.measures): a test's campaign may reuse an earlier test's primary key."""
    from campaign import measures

    measures._known.clear()


@pytest.fixture(autouse=True)
def _step_email_writer_asleep():
    """Each test starts with no writer of step e-mails woken: an earlier test's task, which
    would have cleared the key, may never have reached a worker
    (campaign.notifications.wake_step_email_writer)."""
    from django.core.cache import cache

    from campaign import notifications

    cache.delete(notifications.WAKE_KEY)


@pytest.fixture
def measures_read():
    """Read a campaign's indicators and rules as a process keeps them after its first report
    (campaign.measures), for a test counting the queries of the next page."""
    from campaign import measures

    def read(campaign):
        campaign.refresh_from_db()
        measures.indicators(campaign)

    return read


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Run Celery tasks in the test process, except in tests marked `redis`.

    Most tests check what a task does, and must see its effects (e-mails in mail.outbox);
    the `redis` tests start a real worker and go through the broker.
    """
    from config.celery import app

    if request.node.get_closest_marker("redis"):
        yield
        return
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(scope="session")
def demo_snapshots():
    """The demo loaded once per session, restored for each later test (tests/snapshot.py)."""
    snapshots = demo_snapshots_for_session()
    yield snapshots
    shutil.rmtree(snapshots.root, ignore_errors=True)


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        unavailable("PostgreSQL")


@pytest.fixture
def require_redis(settings):
    if not settings.REDIS_URL:
        unavailable("Redis")
    return settings.REDIS_URL


@pytest.fixture
def today():
    """Today in the portal's time zone, read as the test starts. A module constant would be
    read at collection, and be yesterday for a test that runs after midnight in Vietnam."""
    return timezone.localdate()


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and the fixtures' attachments go to this test's own folder, returned: a test
    that lists or sweeps the stored files sees only its own. A module whose fixtures store
    files applies it to every test (`pytestmark = pytest.mark.usefixtures("media")`), which
    sets it up before the fixtures the tests name."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


class FrozenClock:
    """The time the portal reads in a test that froze it (the `freeze` fixture)."""

    def __init__(self):
        self.moment = None  # the real time, until the test freezes it

    def __call__(self, moment):
        """Freeze the time at `moment`, an aware datetime, until moved; returns `moment`."""
        self.moment = moment
        return moment

    def on(self, day, hour=9):
        """Freeze the time at `hour` o'clock on `day`, in the portal's time zone."""
        return self(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))))

    def now(self):
        if self.moment is None:
            return self.real_now()
        # In UTC, as Django's own timezone.now() gives it.
        return self.moment.astimezone(datetime.UTC)

    real_now = staticmethod(timezone.now)


@pytest.fixture
def freeze(monkeypatch):
    """freeze(moment) stops the portal's clock at `moment`, an aware datetime, and returns it;
    freeze(later), or `freeze.moment = later`, moves it. The portal reads the time through
    `timezone.now()` (timezone.localdate() and localtime() call it), so all three read the
    frozen moment; a model field's `default=timezone.now`, bound at import, does not."""
    clock = FrozenClock()
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


@pytest.fixture
def tree(db):
    """The units of the tree above, by code."""
    add = Unit.objects.add_child
    province = Unit.objects.add_root(
        create_kwargs={"code": "PV", "name": "LĐLĐ tỉnh Thử nghiệm", "kind": Unit.Kind.PROVINCE}
    )
    district_a = add(province, {"code": "DA", "name": "LĐLĐ huyện A", "kind": Unit.Kind.DISTRICT})
    district_b = add(province, {"code": "DB", "name": "LĐLĐ huyện B", "kind": Unit.Kind.DISTRICT})
    sector = add(province, {"code": "SE", "name": "CĐ ngành S", "kind": Unit.Kind.SECTOR})
    units = {"PV": province, "DA": district_a, "DB": district_b, "SE": sector}
    for parent, code in [("DA", "A1"), ("DA", "A2"), ("DB", "B1"), ("SE", "S1")]:
        units[code] = add(
            units[parent], {"code": code, "name": f"CĐCS {code}", "kind": Unit.Kind.GRASSROOTS}
        )
    return {code: Unit.objects.get(pk=unit.pk) for code, unit in units.items()}


@pytest.fixture
def cast(tree):
    """Users with different access, by name."""
    people = {
        "outsider": UserFactory(username="outsider"),  # no role anywhere
        "cspl": UserFactory(username="cspl"),  # reviewer at the province
        "standing": UserFactory(username="standing"),  # viewer at the province
        "reviewer_a": UserFactory(username="reviewer_a"),  # reviewer at district A
        "officer_a": UserFactory(username="officer_a"),  # officer at district A
        "officer_a1": UserFactory(username="officer_a1"),  # officer at grassroots A1
        "officer_b1": UserFactory(username="officer_b1"),  # officer at grassroots B1
    }
    MembershipFactory(user=people["cspl"], unit=tree["PV"], role=Role.REVIEWER)
    MembershipFactory(user=people["standing"], unit=tree["PV"], role=Role.VIEWER)
    MembershipFactory(user=people["reviewer_a"], unit=tree["DA"], role=Role.REVIEWER)
    MembershipFactory(user=people["officer_a"], unit=tree["DA"], role=Role.OFFICER)
    MembershipFactory(user=people["officer_a1"], unit=tree["A1"], role=Role.OFFICER)
    MembershipFactory(user=people["officer_b1"], unit=tree["B1"], role=Role.OFFICER)
    return people


@pytest.fixture
def known_user(db):
    """A user with a password and an e-mail address and no role anywhere: the one who logs in,
    changes a password or asks for a link to reset it."""
    return UserFactory(username="cb.thu", email="cb.thu@example.org", full_name="Cán bộ thử")


@pytest.fixture
def unit_factory():
    return UnitFactory


# --- Data migrations -----------------------------------------------------------------------------
class Migrator:
    """Migrates the test database inside the test's transaction.

    A migration test goes back to the state before the migration it checks, writes rows as
    they stood then, and goes forward only as far as its assertions read: every migration
    undone or redone renders Django's model states again, a third of a second each, and a
    rewind past the whole graph costs tens of seconds. The test's transaction puts the
    schema back where the other tests need it (PostgreSQL's DDL is transactional), so no
    test migrates forward only to clean up.
    """

    def __call__(self, targets: list[tuple[str, str]]) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db.migrations.executor import MigrationExecutor

        if not connection.in_atomic_block:
            raise RuntimeError("a migration test must run in a transaction that rolls back")
        # Rows the fixtures wrote leave deferred foreign-key checks pending, and PostgreSQL
        # alters no table with pending trigger events.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        MigrationExecutor(connection).migrate(targets)
        # A migration may rename content types under the process-wide cache.
        ContentType.objects.clear_cache()

    @staticmethod
    def apps(targets: list[tuple[str, str]]):
        """The models as they stood at `targets`, to write or read rows of that state."""
        from django.db.migrations.loader import MigrationLoader

        return MigrationLoader(None, ignore_no_migrations=True).project_state(targets).apps

    @staticmethod
    def latest() -> list[tuple[str, str]]:
        """Every app's last migration: today's models, for assertions that read them."""
        from django.db.migrations.loader import MigrationLoader

        return MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


@pytest.fixture
def migrate(require_postgres, db):
    """migrate(targets) inside this test's transaction; migrate.apps(targets) are the models
    of a state, migrate.latest() today's migrations (Migrator)."""
    from django.contrib.contenttypes.models import ContentType

    yield Migrator()
    # The rollback brings back content types that a migration renamed.
    ContentType.objects.clear_cache()


# --- Real Celery workers ------------------------------------------------------------------------
class Worker:
    """A `celery -A config worker` subprocess, in a session of its own so that killing it
    kills its pool processes too."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", *args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_until(self, condition, what, timeout=60, interval=0.1):
        """Poll `condition()` until it is true; fail with the log if the worker dies first or
        `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited before {what}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not happen within {timeout} s:\n{self.log()}")
            time.sleep(interval)

    def wait_ready(self, timeout=60):
        self.wait_until(lambda: " ready." in self.log(), "the worker got ready", timeout)
        return self

    def kill(self):
        """SIGKILL the worker and its pool processes at once, as a crash or the OOM killer
        would: no task is finished, acknowledged or handed back."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """Warm shutdown (SIGTERM), or SIGKILL if it does not stop within 20 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        # Pool processes left behind by a killed parent must not outlive the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def start_worker(tmp_path):
    """Start real Celery workers on the test database, each stopped when the test ends.

    `start_worker(env={...}, pool="solo")` returns a ready `Worker`. `env` adds to or
    overrides the environment (REDIS_URL for another broker, DJANGO_SETTINGS_MODULE for
    other settings, DATABASE_URL from `subprocess_database_url(name)` to tag connections).
    """
    workers = []

    def start(*, env=None, pool="solo", concurrency=1, queue=None, ready=True):
        number = len(workers) + 1
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": subprocess_database_url(),
            **(env or {}),
        }
        args = [
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"test{number}-{os.getpid()}@%h",
        ]
        if queue:
            args += ["-Q", queue]
        worker = Worker(args, environment, tmp_path / f"worker{number}.log")
        workers.append(worker)
        return worker.wait_ready() if ready else worker

    yield start
    for worker in workers:
        worker.stop()


# --- reorganisations ---------------------------------------------------------------------------
@pytest.fixture
def admin_user(db):
    """A federation administrator (staff), with no role in the tree."""
    return UserFactory(username="federation_admin", is_staff=True)


@pytest.fixture
def reorganise(db):
    """reorganise(effective_on, {"action": ..., ...}, ...): a draft with those operations."""

    def make(effective_on, *operations, number="56/QĐ-LĐLĐ"):
        reorganisation = Reorganisation.objects.create(
            number=number, decided_on=effective_on, effective_on=effective_on
        )
        for position, operation in enumerate(operations, start=1):
            Operation.objects.create(reorganisation=reorganisation, position=position, **operation)
        return reorganisation

    return make


@pytest.fixture
def staff_client(client, db):
    """The test client, logged in as a superuser: the admin's pages."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client
