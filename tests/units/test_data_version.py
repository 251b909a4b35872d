"""The data version (units/dataversion.py): moved by the writing transaction itself, undone
with it, and never handing a transaction's own uncommitted view to anybody else."""

import pytest
from django.db import connection, transaction

from units import dataversion
from units.models import DataVersionShard, Unit


def committed():
    return sum(DataVersionShard.objects.values_list("version", flat=True))


def rename(unit, name):
    unit.name = name
    unit.save()


def test_a_write_moves_the_version_and_a_rollback_undoes_it(tree):
    start = committed()
    with pytest.raises(RuntimeError), transaction.atomic():
        rename(tree["A1"], "CĐCS đổi tên")
        assert committed() == start + 1
        raise RuntimeError("undo")
    assert committed() == start


def test_each_write_of_a_transaction_gives_it_a_new_key_of_its_own(tree):
    keys = [dataversion.data_version()]
    for name in ("Tên một", "Tên hai"):
        rename(tree["A1"], name)
        keys.append(dataversion.data_version())
    assert len(set(keys)) == 3
    # A transaction's own keys name it: nobody else can form them.
    assert all(":" in key for key in keys[1:])


def test_the_counter_moves_once_per_transaction_however_many_writes(tree):
    start = committed()
    with transaction.atomic():
        for n in range(5):
            rename(tree["A1"], f"Tên {n}")
        assert committed() == start + 1


def test_rows_emptied_are_seeded_again_above_any_earlier_version(db):
    DataVersionShard.objects.all().delete()
    version = int(dataversion.data_version().split(":")[0])
    assert DataVersionShard.objects.count() == dataversion.SHARDS
    assert version > 1_700_000_000_000  # the clock in milliseconds


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_another_connection_sees_the_move_only_once_committed(require_postgres, tree):
    import psycopg2

    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )
    other.autocommit = True

    def seen():
        with other.cursor() as cursor:
            cursor.execute("SELECT sum(version) FROM units_dataversionshard")
            return cursor.fetchone()[0]

    try:
        start = seen()
        with transaction.atomic():
            rename(Unit.objects.get(pk=tree["A1"].pk), "Tên mới")
            assert seen() == start  # not before the commit
        assert seen() == start + 1
    finally:
        other.close()
