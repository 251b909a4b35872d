"""Writing many rows in one statement, whatever their number.

Django's `bulk_create` and `bulk_update` cut their rows into batches by the parameters a
statement may hold (999 on SQLite: some ninety eras an INSERT), so their queries grow with
the rows. Here the rows travel as one JSON parameter that the database unpacks itself
(PostgreSQL's `json_to_recordset`, SQLite's `json_each`): one statement for any number of
rows, and the tables' statement triggers fire once. Like `bulk_*`, these send no signal
and do not set the primary keys of inserted objects.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Model

_VENDORS = ("postgresql", "sqlite")


def _rows(fields, connection) -> str:
    """A derived table `m` with the fields' columns, read from the statement's parameter."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        columns = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
        return f"json_to_recordset(%s::json) AS m({columns})"
    columns = ", ".join(f"json_extract(value, '$.{f.column}') AS {quote(f.column)}" for f in fields)
    return f"(SELECT {columns} FROM json_each(%s)) AS m"  # noqa: S608 (names from the model)


def _payload(objs, fields) -> str:
    return json.dumps(
        [{f.column: getattr(obj, f.attname) for f in fields} for obj in objs],
        cls=DjangoJSONEncoder,
    )


def insert(model: type[Model], objs: list, names: list[str], using: str = "default") -> None:
    """INSERT `objs` (instances of `model`) with the fields `names`: one statement."""
    if not objs:
        return
    connection = connections[using]
    if connection.vendor not in _VENDORS:
        model.objects.using(using).bulk_create(objs)
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    selected = ", ".join(f"m.{quote(f.column)}" for f in fields)
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {_rows(fields, connection)}"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_payload(objs, fields)])


def update(model: type[Model], objs: list, names: list[str], using: str = "default") -> None:
    """UPDATE the fields `names` of `objs` (instances of `model`, by primary key): one
    statement."""
    if not objs:
        return
    connection = connections[using]
    if connection.vendor not in _VENDORS:
        model.objects.using(using).bulk_update(objs, names, batch_size=1000)
        return
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(f.column)} = m.{quote(f.column)}" for f in fields)
    source = _rows([pk, *fields], connection)
    key = quote(pk.column)
    sql = f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{key} = m.{key}"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_payload(objs, [pk, *fields])])
