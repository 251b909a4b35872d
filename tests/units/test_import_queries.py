"""The unit import applies a file level by level in bulk: its queries do not grow with the
rows, the tree it leaves is sound, and it is the tree the row-by-row import left."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from units import importing
from units.dataversion import data_version
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


def commune_tree(communes):
    """A province M, districts M-D0..M-D2, `communes` commune unions under M-D0 each with two
    grassroots unions: 4 + 3 × communes units, imported; {code: parent code}."""
    rows = [{"code": "M", "name": "LĐLĐ M", "kind": "province", "parent_code": ""}]
    rows += [
        {"code": f"M-D{d}", "name": f"LĐLĐ huyện {d}", "kind": "district", "parent_code": "M"}
        for d in range(3)
    ]
    for c in range(communes):
        commune = f"M-C{c}"
        rows.append(
            {"code": commune, "name": f"Công đoàn xã {c}", "kind": "commune", "parent_code": "M-D0"}
        )
        rows += [
            {
                "code": f"{commune}-G{g}",
                "name": f"CĐCS {c}.{g}",
                "kind": "grassroots",
                "parent_code": commune,
            }
            for g in range(2)
        ]
    for row in rows:
        row["opened_on"] = "01/01/2015"
    import_units(rows)
    return {row["code"]: row["parent_code"] or None for row in rows}


def moving_communes(communes):
    """Rows moving every commune union of commune_tree to M-D1 or M-D2, alternately."""
    rows = [
        {
            "line": c + 2,
            "code": f"M-C{c}",
            "name": f"Công đoàn xã {c}",
            "kind": "commune",
            "parent_code": f"M-D{1 + c % 2}",
        }
        for c in range(communes)
    ]
    return rows


def figure_stamp():
    """The tree's figure stamp (campaign/migrations/0009_figure_stamps.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stamp FROM campaign_figurestamp WHERE campaign_id = 0 AND year = 0")
        return cursor.fetchone()[0]


def assert_tree_is(parents):
    """The tree is the one `parents` ({code: parent code}) describes, recounted here: each
    unit directly below its parent's path, at its depth, with its number of children, the
    siblings in the order of `parents` (a dict keeps the order units were placed in)."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    assert set(units) == set(parents)
    children = {}
    for code, parent in parents.items():
        children.setdefault(parent, []).append(code)
    for code, unit in units.items():
        parent = units.get(parents[code])
        parent_path = parent.path if parent else ""
        assert unit.path.startswith(parent_path), code
        assert len(unit.path) == len(parent_path) + Unit.steplen, code
        assert unit.depth == (parent.depth if parent else 0) + 1, code
        assert unit.numchild == len(children.get(code, [])), code
    for codes in children.values():
        assert sorted(codes, key=lambda code: units[code].path) == codes
    assert_sound_tree()


@pytest.mark.django_db
@pytest.mark.parametrize(("small", "large"), [(10, 200)])
def test_moving_costs_the_same_queries_for_10_and_200_units(small, large, today):
    parents = commune_tree(large)
    stamp, version = figure_stamp(), data_version()

    small_count, small_result = counted(moving_communes(small))
    large_count, large_result = counted(moving_communes(large)[small:])

    assert (small_result.moved, large_result.moved) == (small, large - small)
    assert small_count == large_count
    # The file's rows, the tree read and checked (≈8); then one level: its parents, their
    # last steps (2), the tree's paths, one UPDATE of them, the data version, the history
    # synced (≈5).
    assert large_count <= 20
    for c in range(large):
        del parents[f"M-C{c}"]
    for c in range(large):
        parents[f"M-C{c}"] = f"M-D{1 + c % 2}"
    assert_tree_is(parents)
    # The triggers on units_unit saw the paths change; the data version moved.
    assert figure_stamp() > stamp
    assert data_version() != version
    # Each moved union and the units below it: an era until today where it stood, one from
    # today where it stands.
    for code in ("M-C7", "M-C7-G1"):
        unit = Unit.objects.get(code=code)
        eras = list(
            UnitState.objects.filter(unit=unit)
            .order_by("valid_from")
            .values_list("valid_from", "valid_until", "path", "parent__code")
        )
        parent = Unit.objects.get_parent(unit).code
        assert [era[:3] for era in eras] == [
            (datetime.date(2015, 1, 1), today, eras[0][2]),
            (today, None, unit.path),
        ]
        assert eras[1][3] == parent
        assert eras[0][3] == ("M-D0" if code == "M-C7" else "M-C7")
        assert eras[0][2] != unit.path


@pytest.mark.django_db
def test_the_stamp_trigger_on_units_joins_a_statements_rows_by_hash(require_postgres):
    # A nested loop over the transition tables took 1.1 s for the UPDATE of 2,000 moved
    # units (campaign/migrations/0034_figure_stamp_units_hash_join.py).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proconfig FROM pg_proc WHERE proname = 'campaign_figurestamp_units_unit'"
        )
        assert cursor.fetchone()[0] == ["enable_nestloop=off"]


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


def numbered(rows):
    for line, row in enumerate(rows, start=2):
        row["line"] = line
    return rows


def reorganising_rows():
    """Moves and new units under one parent, interleaved; a unit moved at the same level as
    the unit it stands under; a unit moved under what stood below it."""
    return numbered(
        [
            {"code": "P-D0-G0", "name": "CĐCS 0.0", "kind": "grassroots", "parent_code": "P-D1"},
            {"code": "N1", "name": "CĐCS mới 1", "kind": "grassroots", "parent_code": "P-D1"},
            {"code": "P-D2-G0", "name": "CĐCS 2.0", "kind": "grassroots", "parent_code": "P-D1"},
            {"code": "N2", "name": "CĐCS mới 2", "kind": "grassroots", "parent_code": "P-D1"},
            # Both end two levels down, the second moved out of the first.
            {"code": "P-D0", "name": "LĐLĐ huyện 0", "kind": "district", "parent_code": "P-D1"},
            {"code": "P-D0-G1", "name": "CĐCS 0.1", "kind": "grassroots", "parent_code": "P-D2"},
            # P-D2 goes under the commune union that stood below it, which leaves first.
            {"code": "P-D2-C", "name": "Công đoàn xã", "kind": "commune", "parent_code": "P"},
            {"code": "P-D2", "name": "LĐLĐ huyện 2", "kind": "district", "parent_code": "P-D2-C"},
            {"code": "N3", "name": "CĐCS mới 3", "kind": "grassroots", "parent_code": "P-D2-C"},
        ]
    )


def reorganised_tree():
    """P's tree (tree_rows, 3 × 3), a commune union under P-D2, and P-D1-G2 moved away from
    P-D1 (P-D1's history holds a higher step than its children now)."""
    import_units(tree_rows("P", 3, 3, opened_on="01/01/2015"))
    import_units(
        numbered(
            [{"code": "P-D2-C", "name": "Công đoàn xã", "kind": "commune", "parent_code": "P-D2"}]
        )
    )
    row = {"code": "P-D1-G2", "name": "CĐCS 1.2", "kind": "grassroots", "parent_code": "P-D0"}
    import_units(numbered([row]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "children"),
    [
        (4, ["P-D1-G0", "P-D1-G1", "P-D0-G0", "N1", "P-D2-G0", "N2"]),
        (9, ["P-D1-G0", "P-D1-G1", "P-D0-G0", "N1", "P-D2-G0", "N2", "P-D0"]),
    ],
)
def test_moved_and_new_units_stand_in_the_files_order_as_row_by_row(
    lines, children, monkeypatch, admin_user
):
    reorganised_tree()
    rows = reorganising_rows()[:lines]
    parents = {
        unit.code: Unit.objects.get_parent(unit).code if unit.depth > 1 else None
        for unit in Unit.objects.all()
    }

    def one_at_a_time(*args, **kwargs):
        raise AssertionError("applied row by row")

    with transaction.atomic():
        # In bulk, every level: no row taken one at a time.
        monkeypatch.setattr(importing, "_apply", one_at_a_time)
        result = import_units([dict(row) for row in rows], user=admin_user, source="f.csv")
        monkeypatch.undo()
        in_bulk = snapshot()
        log = sorted(LogEntry.objects.values_list("object_repr", "action_flag", "change_message"))
        transaction.set_rollback(True)

    def refused(*args, **kwargs):
        raise importing._Refused

    monkeypatch.setattr(importing, "_apply_level", refused)
    one_by_one = import_units([dict(row) for row in rows], user=admin_user, source="f.csv")

    assert snapshot() == in_bulk
    assert (
        sorted(LogEntry.objects.values_list("object_repr", "action_flag", "change_message")) == log
    )
    created = sum(1 for row in rows if row["code"].startswith("N"))
    assert result == one_by_one == importing.ImportResult(created=created, moved=lines - created)
    # Recounted: after the children P-D1 had, its new ones in the file's order.
    for row in rows:
        parents.pop(row["code"], None)
    for row in rows:
        parents[row["code"]] = row["parent_code"] or None
    below = Unit.objects.get_children(Unit.objects.get(code="P-D1"))
    assert list(below.values_list("code", flat=True)) == children
    ordered = {code: parents[code] for code in Unit.objects.values_list("code", flat=True)}
    assert_tree_is(ordered)
    # The path P-D1-G2 held below P-D1 is given to no other unit, moved or new.
    held = UnitState.objects.filter(unit__code="P-D1-G2").order_by("valid_from")[0].path
    assert not Unit.objects.filter(path=held).exists()


@pytest.mark.django_db
def test_a_unit_moved_under_its_own_subtree_is_refused_and_nothing_is_saved():
    reorganised_tree()
    before = snapshot()
    rows = numbered(
        [
            {"code": "P-D1-G0", "name": "CĐCS 1.0", "kind": "grassroots", "parent_code": "P-D0"},
            {"code": "P-D2", "name": "LĐLĐ huyện 2", "kind": "district", "parent_code": "P-D2-C"},
        ]
    )

    with translation.override("vi"), pytest.raises(importing.UnitImportError) as raised:
        import_units(rows)

    assert raised.value.errors == [(3, "Đơn vị “P-D2” sẽ nằm dưới chính nó: P-D2 → P-D2-C → P-D2.")]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_row_refused_among_moves_is_named_and_nothing_is_saved():
    import_units(tree_rows("P", 3, 3, opened_on="01/01/2015"))
    before = snapshot()
    rows = numbered(
        [
            {"code": "P-D0", "name": "LĐLĐ huyện 0", "kind": "district", "parent_code": "P-D1"},
            *(
                {"code": f"P-D2-G{g}", "name": f"CĐCS 2.{g}", "kind": "grassroots"}
                | {"parent_code": "P-D1"}
                for g in range(3)
            ),
            # Under a district moved today, opening years before: refused on its line.
            {
                "code": "NEW",
                "name": "CĐCS mới",
                "kind": "grassroots",
                "parent_code": "P-D0",
                "opened_on": "01/01/2016",
            },
        ]
    )

    with translation.override("en"), pytest.raises(importing.UnitImportError) as raised:
        import_units(rows)

    [(line, message)] = raised.value.errors
    assert line == 6
    assert "moved to its present place in the tree on" in message
    assert snapshot() == before
