"""Shared fixtures: a small federation tree and a fixed cast of users with different access.

The tree, from the top:

    province (PV)
    ├── district A (DA)            ── grassroots A1 (A1), grassroots A2 (A2)
    ├── district B (DB)            ── grassroots B1 (B1)
    └── sector union S (SE)        ── grassroots S1 (S1)
"""

import os

import pytest
from django.db import connection

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.models import Membership, Unit

Role = Membership.Role

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _unavailable(what):
    # In CI a missing service is a failure, never a silent skip.
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"{what} is not configured; set DATABASE_URL/REDIS_URL to run this test")


def pytest_collection_modifyitems(config, items):
    # Browser tests run last: Playwright leaves an event loop in the main thread.
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


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


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        _unavailable("PostgreSQL")


@pytest.fixture
def require_redis(settings):
    if not settings.REDIS_URL:
        _unavailable("Redis")
    return settings.REDIS_URL


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
def unit_factory():
    return UnitFactory
