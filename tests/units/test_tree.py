"""The federation tree: subtrees, open and closed units, merges, and the path index."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from units.models import Unit


def test_a_subtree_is_the_unit_and_everything_below(tree):
    codes = set(Unit.objects.in_subtree(tree["DA"].path).values_list("code", flat=True))
    assert codes == {"DA", "A1", "A2"}
    assert set(
        Unit.objects.in_subtree(tree["DA"].path, tree["SE"].path).values_list("code", flat=True)
    ) == {"DA", "A1", "A2", "SE", "S1"}
    assert Unit.objects.in_subtree().count() == 0


def test_treebeard_keeps_depth_and_children(tree):
    assert tree["PV"].depth == 1 and tree["A1"].depth == 3
    assert tree["DA"].numchild == 2
    assert [u.code for u in Unit.objects.get_ancestors(tree["A1"])] == ["PV", "DA"]


def test_open_on_follows_the_opening_and_closing_dates(tree):
    day = datetime.date(2024, 6, 1)
    tree["A2"].close(datetime.date(2024, 1, 1))
    Unit.objects.filter(pk=tree["B1"].pk).update(opened_on=datetime.date(2025, 1, 1))
    open_codes = set(Unit.objects.open_on(day).values_list("code", flat=True))
    assert "A2" not in open_codes and "B1" not in open_codes and "A1" in open_codes
    assert tree["A1"].is_open_on(day) and not Unit.objects.get(code="A2").is_open_on(day)


def test_a_merged_unit_keeps_its_row_and_points_to_its_successor(tree):
    tree["A2"].close(datetime.date(2025, 1, 1), successor=tree["A1"])
    merged = Unit.objects.get(code="A2")
    assert merged.successor == tree["A1"]
    assert list(tree["A1"].predecessors.all()) == [merged]


def test_a_unit_is_never_deleted(tree):
    with pytest.raises(ValidationError):
        tree["A1"].delete()
    with pytest.raises(ValidationError):
        Unit.objects.filter(code="A1").delete()
    assert Unit.objects.filter(code="A1").exists()


def test_the_database_refuses_a_closing_before_the_opening(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree["A1"].pk).update(
            opened_on=datetime.date(2020, 1, 1), closed_on=datetime.date(2019, 1, 1)
        )


def test_the_database_refuses_a_merge_without_a_closing_date(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree["A1"].pk).update(successor=tree["A2"])


def test_clean_explains_inconsistent_dates_in_the_form(tree):
    unit = tree["A1"]
    unit.opened_on, unit.closed_on = datetime.date(2020, 1, 1), datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "closed_on" in error.value.message_dict


def test_moving_a_unit_moves_its_subtree(tree):
    Unit.objects.move(Unit.objects.get(code="DA"), Unit.objects.get(code="SE"), "last-child")
    moved = Unit.objects.get(code="A1")
    assert moved.path.startswith(Unit.objects.get(code="SE").path)
    assert moved.depth == 4


@pytest.mark.postgres
def test_a_subtree_query_uses_an_index_on_postgresql(require_postgres, tree):
    queryset = Unit.objects.in_subtree(tree["DA"].path).values("id")
    with connection.cursor() as cursor:
        # With a handful of rows PostgreSQL would scan the table anyway; forbid that to see
        # whether an index can answer the prefix match at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "units_unit_path" in plan, plan
    assert "~>=~" in plan or "Index Cond" in plan, plan
