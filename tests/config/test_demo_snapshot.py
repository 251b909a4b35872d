"""The demo snapshot of the test session: loaded once a day, restored otherwise."""

import datetime

from tests import snapshot
from units.models import Unit


def test_the_demo_is_restored_the_same_day_and_loaded_again_after_midnight(
    transactional_db, tmp_path, monkeypatch, freeze
):
    loads = []

    def load_demo(name, **options):  # a stand-in demo: one unit, enough to tell it restored
        loads.append(name)
        if not Unit.objects.update(name=f"Demo {len(loads)}"):
            Unit.objects.add_root(
                create_kwargs={"code": "PV", "name": "Demo 1", "kind": Unit.Kind.PROVINCE}
            )

    freeze.on(datetime.date(2026, 12, 5))
    monkeypatch.setattr(snapshot, "call_command", load_demo)
    snapshots = snapshot.DemoSnapshots(root=tmp_path)

    snapshots.load()
    Unit.objects.update(name="changed by a test")
    snapshots.load()
    assert (loads, Unit.objects.get().name) == (["load_demo"], "Demo 1")

    freeze.on(datetime.date(2026, 12, 6))
    Unit.objects.update(name="changed by a test")
    snapshots.load()
    assert (len(loads), Unit.objects.get().name) == (2, "Demo 2")
    snapshots.load()
    assert len(loads) == 2
