"""On PostgreSQL the search of the unit tree is answered from the trigram indexes on the folded
names (migration units.0007), not by reading every unit: the query folds the columns with
the very expression the indexes were built on."""

import pytest
from django.db import connection

from campaign import search
from units.access import Scope
from units.models import Unit

pytestmark = pytest.mark.postgres

# A province's worth of units at national scale is thousands; this is enough for the planner
# to prefer an index to a sequential scan once the table has been analysed.
MANY = 20_000


def add_many_units(root):
    """MANY grassroots units under `root`, written in one statement (treebeard's one by one
    would take minutes): "CĐCS đơn vị <n>", none of them "Châu Thành"."""
    alphabet = Unit.alphabet
    rows = []
    for n in range(1, MANY + 1):
        step, rest = "", n
        for _position in range(Unit.steplen):
            rest, digit = divmod(rest, len(alphabet))
            step = alphabet[digit] + step
        rows.append(
            Unit(
                path=root.path + step,
                depth=root.depth + 1,
                numchild=0,
                code=f"MANY{n:05d}",
                name=f"CĐCS đơn vị số {n}",
                kind=Unit.Kind.GRASSROOTS,
            )
        )
    Unit.objects.bulk_create(rows, batch_size=5_000)
    Unit.objects.filter(pk=root.pk).update(numchild=MANY)


def plan_of(queryset):
    return queryset.explain()


def test_the_unit_search_uses_the_trigram_index(require_postgres, tree, cast):
    extra = Unit.objects.add_child(
        tree["SE"],
        create_kwargs={"code": "CT", "name": "Công đoàn xã Châu Thành", "kind": Unit.Kind.COMMUNE},
    )
    many = Unit.objects.add_child(
        tree["PV"], create_kwargs={"code": "MANY", "name": "LĐLĐ nhiều", "kind": "district"}
    )
    add_many_units(many)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE units_unit")
    scope = Scope(cast["cspl"])
    found = search.found(scope, search.KINDS["units"], ["chau", "thanh"])

    assert list(found) == [extra]
    plan = plan_of(found)
    assert "unit_name_fold_trgm" in plan, plan
    assert "unit_short_name_fold_trgm" in plan, plan
    assert "unit_code_fold_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_the_fold_expression_matches_the_index_on_a_small_tree(require_postgres, tree):
    """On the fixture's few units, with sequential scans off: the planner can then take the
    trigram index only if the query's expression is the one the index was built on."""
    found = search.matching(Unit.objects.all(), ("name",), ["huyen"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor a plain index scan: walking the path index in order (the queryset's ORDER BY)
        # and filtering every row would otherwise win whenever an earlier test left the
        # table's row estimate high (ANALYZE's row count outlives a rolled-back test).
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = plan_of(found)
    assert "unit_name_fold_trgm" in plan, plan
    assert sorted(unit.code for unit in found) == ["DA", "DB"]
