"""The data version (units/dataversion.py): moved by the writing transaction itself, undone
with it, and never handing a transaction's own uncommitted view to anybody else."""

import secrets

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from units import dataversion
from units.models import DataVersionShard, Unit


def committed():
    return sum(DataVersionShard.objects.values_list("version", flat=True))


def rename(unit, name):
    unit.name = name
    unit.save()


@pytest.mark.django_db(transaction=True)
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


@pytest.mark.django_db(transaction=True)
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


@transaction.atomic
def renamed_in_its_own_transaction(unit, name):
    rename(unit, name)


@pytest.mark.django_db(transaction=True)
def test_every_transaction_moves_the_version_even_through_the_same_decorated_function(tree):
    # `@transaction.atomic` makes one Atomic object that every call enters again: what tells
    # one transaction from the next must not be that object (the workflow's steps run so).
    start = committed()
    renamed_in_its_own_transaction(tree["A1"], "Tên một")
    after_one = dataversion.data_version()
    renamed_in_its_own_transaction(tree["A1"], "Tên hai")
    assert committed() == start + 2
    assert dataversion.data_version() != after_one


@pytest.mark.django_db(transaction=True)
def test_a_transaction_after_one_rolled_back_moves_the_version_again(tree):
    start = committed()
    with pytest.raises(RuntimeError), transaction.atomic():
        rename(tree["A1"], "Tên bỏ")
        raise RuntimeError("undo")
    assert committed() == start
    renamed_in_its_own_transaction(tree["A1"], "Tên giữ")
    assert committed() == start + 1


@pytest.mark.django_db(transaction=True)
def test_a_move_undone_with_its_savepoint_is_made_again_by_the_next_write(tree):
    start = committed()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            rename(tree["A1"], "Tên bỏ")
            assert committed() == start + 1
            raise RuntimeError("undo the savepoint, and the move made in it")
        assert committed() == start
        rename(tree["A1"], "Tên giữ")
        assert committed() == start + 1


# --- any sequence of transactions ----------------------------------------------------------------
class Rollback(Exception):
    pass


WRITE, KEPT, UNDONE = "a write", "a write in a savepoint released", "a write in a savepoint undone"
transactions = st.lists(
    st.tuples(
        st.booleans(),  # through the shared decorated function, or a `with` block of its own
        st.lists(st.sampled_from([WRITE, KEPT, UNDONE]), max_size=4),
        st.booleans(),  # committed, or rolled back
    ),
    min_size=1,
    max_size=6,
)


@transaction.atomic
def in_the_shared_block(body):
    body()


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(transactions)
def test_the_version_moves_exactly_when_a_write_is_committed(tree, sequence):
    unit = tree["A1"]

    def write():
        rename(unit, f"Tên {secrets.token_hex(3)}")

    for through_shared, steps, commit in sequence:

        def body(steps=steps, commit=commit):
            for step in steps:
                if step == WRITE:
                    write()
                    continue
                try:
                    with transaction.atomic():
                        write()
                        if step == UNDONE:
                            raise Rollback
                except Rollback:
                    pass
            if not commit:
                raise Rollback

        before = committed()
        try:
            if through_shared:
                in_the_shared_block(body)
            else:
                with transaction.atomic():
                    body()
        except Rollback:
            pass
        written = commit and any(step in (WRITE, KEPT) for step in steps)
        assert (committed() > before) == written, (steps, commit)
        assert committed() >= before
