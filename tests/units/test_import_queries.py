"""The unit import applies a file level by level in bulk: its queries do not grow with the
rows, the tree it leaves is sound, and it is the tree the row-by-row import left."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from units import importing
from units.importing import import_units
from units.models import Unit, UnitState


def tree_rows(prefix, districts, grassroots, *, name="CĐCS", opened_on=None):
    """A province, `districts` districts under it and `grassroots` units under each, as the
    reader gives rows: 1 + districts × (1 + grassroots) rows."""
    extra = {} if opened_on is None else {"opened_on": opened_on}
    rows = [{"code": prefix, "name": f"LĐLĐ {prefix}", "kind": "province", "parent_code": ""}]
    for d in range(districts):
        district = f"{prefix}-D{d}"
        rows.append(
            {"code": district, "name": f"LĐLĐ huyện {d}", "kind": "district", "parent_code": prefix}
        )
        rows += [
            {
                "code": f"{district}-G{g}",
                "name": f"{name} {d}.{g}",
                "kind": "grassroots",
                "parent_code": district,
                **extra,
            }
            for g in range(grassroots)
        ]
    for line, row in enumerate(rows, start=2):
        row["line"] = line
    return rows


def counted(rows, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = import_units(rows, **kwargs)
    return len(queries), result


def assert_sound_tree():
    assert all(problems == [] for problems in Unit.objects.find_problems())
    assert UnitState.objects.overlapping() == []
    # Every unit stands today where its path says.
    today = timezone.localdate()
    placed = dict(UnitState.objects.placed_on(today).values_list("unit_id", "path"))
    for pk, path, opened_on in Unit.objects.values_list("pk", "path", "opened_on"):
        if opened_on is None or opened_on <= today:
            assert placed[pk] == path


# SQLite writes at most 999 parameters a statement (about 90 units or eras an INSERT), so the
# larger size stays under that there; PostgreSQL inserts a level in one statement.
@pytest.mark.django_db
@pytest.mark.parametrize(("small", "large"), [((2, 4), (4, 20))])
def test_creating_a_tree_costs_the_same_queries_at_two_sizes(small, large, admin_user):
    small_rows, large_rows = tree_rows("S", *small), tree_rows("L", *large)
    assert len(large_rows) > 4 * len(small_rows)
    # The first import of a process reads what is cached after it (the content type).
    import_units(tree_rows("W", 1, 1), user=admin_user, source="w.csv")

    small_count, small_result = counted(small_rows, user=admin_user, source="s.csv")
    large_count, large_result = counted(large_rows, user=admin_user, source="l.csv")

    assert (small_result.created, large_result.created) == (len(small_rows), len(large_rows))
    assert small_count == large_count
    assert large_count <= 30  # three levels: ≈7 queries each, and the checks before
    assert LogEntry.objects.count() == 3 + len(small_rows) + len(large_rows)
    assert_sound_tree()


@pytest.mark.django_db
def test_creating_thousands_costs_the_same_queries_on_postgresql(require_postgres):
    import_units(tree_rows("W", 1, 1))
    small_count, _ = counted(tree_rows("S", 2, 4))
    large_count, result = counted(tree_rows("L", 10, 300))

    assert result.created == 3011
    assert small_count == large_count
    assert_sound_tree()


@pytest.mark.django_db
def test_renaming_costs_the_same_queries_at_two_sizes(admin_user):
    import_units(tree_rows("S", 2, 4))
    import_units(tree_rows("L", 4, 20))

    small_count, small_result = counted(tree_rows("S", 2, 4, name="Công đoàn cơ sở"))
    large_count, large_result = counted(
        tree_rows("L", 4, 20, name="Công đoàn cơ sở"), user=admin_user
    )

    assert (small_result.updated, large_result.updated) == (8, 80)
    assert large_result.names_corrected == 80
    # The user's history entries are one INSERT more.
    assert large_count - 1 == small_count
    assert Unit.objects.get(code="L-D3-G19").name == "Công đoàn cơ sở 3.19"
    assert set(UnitState.objects.filter(unit__code="L-D3-G19").values_list("name", flat=True)) == {
        "Công đoàn cơ sở 3.19"
    }
    assert_sound_tree()


@pytest.mark.django_db
def test_a_move_costs_one_query_more_a_unit_moved():
    import_units(tree_rows("S", 2, 4))
    import_units(tree_rows("L", 2, 40))

    def moving_half(prefix, grassroots):
        rows = tree_rows(prefix, 2, grassroots)
        for row in rows:
            if row["code"].startswith(f"{prefix}-D0-G") and int(row["code"][-1]) % 2 == 0:
                row["parent_code"] = f"{prefix}-D1"
        return rows

    small_count, small_result = counted(moving_half("S", 4))
    large_count, large_result = counted(moving_half("L", 40))

    assert (small_result.moved, large_result.moved) == (2, 20)
    # UnitManager.move_under: one UPDATE of its subtree's paths a unit moved.
    assert large_count - small_count == 20 - 2
    assert Unit.objects.get(code="L-D1").numchild == 60
    assert_sound_tree()


def snapshot():
    """The tree and its history as plain values, for comparing two imports."""
    by_pk = {unit.pk: unit for unit in Unit.objects.all()}
    units = {
        unit.code: (
            Unit.objects.get_parent(unit).code if unit.depth > 1 else None,
            unit.path,
            unit.depth,
            unit.numchild,
            unit.name,
            unit.short_name,
            unit.kind,
            unit.opened_on,
            unit.closed_on,
        )
        for unit in by_pk.values()
    }
    eras = sorted(
        (
            by_pk[era.unit_id].code,
            era.valid_from,
            era.valid_until,
            era.is_open,
            by_pk[era.parent_id].code if era.parent_id else None,
            era.path,
            era.depth,
            era.kind,
            era.name,
            era.short_name,
        )
        for era in UnitState.objects.all()
    )
    return units, eras


@pytest.mark.django_db
def test_the_tree_is_the_one_the_row_by_row_import_leaves(monkeypatch, admin_user):
    today = timezone.localdate()
    later = today + datetime.timedelta(days=40)
    import_units(tree_rows("P", 3, 3, opened_on="01/01/2015"))
    import_units(
        [
            {
                "line": 2,
                "code": "SOON",
                "name": "CĐCS sắp thành lập",
                "kind": "grassroots",
                "parent_code": "P-D0",
                "opened_on": later,
            }
        ]
    )
    rows = [
        # Renamed (a spelling corrected), turned into a commune union, moved.
        {"code": "P-D0", "name": "LĐLĐ huyện Không", "kind": "district", "parent_code": "P"},
        {"code": "P-D1", "name": "LĐLĐ huyện 1", "kind": "commune", "parent_code": "P"},
        {"code": "P-D0-G0", "name": "CĐCS 0.0", "kind": "grassroots", "parent_code": "P-D2"},
        {"code": "P-D0-G1", "name": "CĐCS 0.1", "kind": "grassroots", "parent_code": "P-D1"},
        # A unit not open yet, moved; one closing later.
        {"code": "SOON", "name": "CĐCS sắp", "kind": "grassroots", "parent_code": "P-D2"},
        {
            "code": "P-D1-G2",
            "name": "CĐCS 1.2",
            "kind": "grassroots",
            "parent_code": "P-D1",
            "closed_on": later,
        },
        # New: under a unit moved in the same file, under a new district, a new root.
        {"code": "N-D", "name": "LĐLĐ huyện mới", "kind": "district", "parent_code": "P"},
        {"code": "N-G1", "name": "CĐCS mới 1", "kind": "grassroots", "parent_code": "N-D"},
        {"code": "N-G2", "name": "CĐCS mới 2", "kind": "grassroots", "parent_code": "P-D2"},
        {"code": "N-P", "name": "LĐLĐ tỉnh mới", "kind": "province", "parent_code": ""},
        {"code": "P-D2-G0", "name": "CĐCS 2.0", "kind": "grassroots", "parent_code": "P-D2"},
    ]
    for line, row in enumerate(rows, start=2):
        row["line"] = line

    with transaction.atomic():
        result = import_units([dict(row) for row in rows], user=admin_user, source="f.csv")
        in_bulk = snapshot()
        log = sorted(LogEntry.objects.values_list("object_repr", "action_flag", "change_message"))
        assert_sound_tree()
        transaction.set_rollback(True)

    def refused(*args, **kwargs):
        raise importing._Refused

    monkeypatch.setattr(importing, "_apply_level", refused)
    one_by_one = import_units([dict(row) for row in rows], user=admin_user, source="f.csv")

    assert snapshot() == in_bulk
    assert (
        sorted(LogEntry.objects.values_list("object_repr", "action_flag", "change_message")) == log
    )
    assert (
        result == one_by_one == importing.ImportResult(created=4, updated=4, moved=3, unchanged=1)
    )
    assert result.names_corrected == one_by_one.names_corrected == 2
    assert [change.describe() for change in result.changes] == [
        change.describe() for change in one_by_one.changes
    ]
    assert [unit.code for unit in result.created_units] == ["N-P", "N-D", "N-G1", "N-G2"]
