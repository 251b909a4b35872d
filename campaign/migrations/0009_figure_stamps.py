"""Figure stamps: a number that changes, in the same transaction, with every write that can
change a figure of the rollup's trend, so that `reports.rollup` can keep the trend's other
years close at hand (in the cache, under a key made of these stamps) and never serve one
that is stale.

`campaign_figurestamp` holds one row per scope of change:

- (campaign, year): the campaign's annual reports of that year (their status, unit, year)
  and the whole-number values in them;
- (campaign, 0): the campaign's plans (status, first submission, unit), which the computed
  indicator counts;
- (0, 0): the federation tree (units added, moved, opened, closed, of another kind).

Triggers bump them, so every way of writing counts: the forms, the workflow, the admin,
queryset updates, bulk operations, treebeard's raw path updates, a shell, a data migration.
A bump sets the stamp to the larger of its old value plus one and the clock in microseconds:
strictly increasing, and never back to a value used before a database restore or in a test
transaction that was rolled back. Updates that change none of the columns the figures read
(a report's narrative, a unit's name, treebeard's `numchild`) do not bump.

The table has no model: only the rollup reads it (see its module docstring), and only the
triggers write it. The generator of the benchmark databases loads with the triggers off and
stamps what it loaded at the end (tests/bench/generate.py).
"""

# The SQL below is built from the fixed names in this file, never from input.
# ruff: noqa: S608

from django.db import migrations

TABLE = "campaign_figurestamp"

# (table, the (campaign_id, year) of a row `x` and what to join for it, the columns that
# matter on update).
WATCHED = {
    "reports_annualreport": (
        "x.campaign_id, x.year",
        "",
        ("status", "unit_id", "campaign_id", "year"),
    ),
    "campaign_plan": (
        "x.campaign_id, 0",
        "",
        ("status", "first_submitted_at", "unit_id", "campaign_id"),
    ),
    "units_unit": ("0, 0", "", ("path", "kind", "opened_on", "closed_on")),
    # A value's scope is its report's (campaign, year).
    "reports_indicatorvalue": (
        "r.campaign_id, r.year",
        "JOIN reports_annualreport r ON r.id = x.report_id",
        ("int_value", "report_id", "indicator_id"),
    ),
}


# --- PostgreSQL ----------------------------------------------------------------------------------
# Statement-level triggers with transition tables: one bump per scope a statement touches
# (in a fixed order, so that two statements never wait for each other's stamps crosswise),
# however many rows it writes.
PG_NOW = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
PG_SETUP = f"""
CREATE TABLE {TABLE} (
    campaign_id bigint NOT NULL,
    year integer NOT NULL,
    stamp bigint NOT NULL,
    PRIMARY KEY (campaign_id, year)
);
CREATE FUNCTION {TABLE}_bump(c bigint, y integer) RETURNS void LANGUAGE sql AS $$
    INSERT INTO {TABLE} AS s (campaign_id, year, stamp)
    VALUES (c, y, {PG_NOW})
    ON CONFLICT (campaign_id, year) DO UPDATE SET stamp = greatest(s.stamp + 1, excluded.stamp)
$$;
CREATE FUNCTION {TABLE}_everything() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TRUNCATE fires no row trigger: move every stamp on.
    UPDATE {TABLE} SET stamp = greatest(stamp + 1, {PG_NOW});
    RETURN NULL;
END
$$;
"""


def pg_function(table, scope, join, columns):
    def scopes(rows):
        return f"SELECT {scope} FROM {rows} x {join}"

    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    # The rows an update changed in a column that matters, before and after.
    pairs = f"old_rows o JOIN new_rows n ON n.id = o.id WHERE ({old}) IS DISTINCT FROM ({new})"
    changed, changed_new = f"SELECT o.* FROM {pairs}", f"SELECT n.* FROM {pairs}"
    return f"""
CREATE FUNCTION {TABLE}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {TABLE}_bump(c, y) FROM (
            SELECT DISTINCT * FROM ({scopes("new_rows")}) AS s (c, y) ORDER BY 1, 2
        ) AS t;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {TABLE}_bump(c, y) FROM (
            SELECT DISTINCT * FROM ({scopes("old_rows")}) AS s (c, y) ORDER BY 1, 2
        ) AS t;
    ELSE
        PERFORM {TABLE}_bump(c, y) FROM (
            SELECT DISTINCT * FROM (
                {scopes(f"({changed})")} UNION ALL {scopes(f"({changed_new})")}
            ) AS s (c, y) ORDER BY 1, 2
        ) AS t;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER {TABLE}_ins AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_{table}();
CREATE TRIGGER {TABLE}_del AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_{table}();
CREATE TRIGGER {TABLE}_upd AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_{table}();
CREATE TRIGGER {TABLE}_trunc AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_everything();
"""


def pg_forwards():
    return [PG_SETUP] + [pg_function(table, *spec) for table, spec in WATCHED.items()]


def pg_backwards():
    sql = [f"DROP TRIGGER IF EXISTS {TABLE}_{kind} ON {table};"
           for table in WATCHED
           for kind in ("ins", "del", "upd", "trunc")]  # fmt: skip
    sql.append(f"DROP TABLE IF EXISTS {TABLE};")
    for name in (*WATCHED, "everything"):
        sql.append(f"DROP FUNCTION IF EXISTS {TABLE}_{name}();")
    sql.append(f"DROP FUNCTION IF EXISTS {TABLE}_bump(bigint, integer);")
    return sql


# --- SQLite (the embedded default and the test suite) ------------------------------------------
# Milliseconds times a thousand: SQLite's clock has milliseconds, and a thousand bumps within
# one millisecond (far more than SQLite writes) keep the stamps below the next one's.
SQLITE_NOW = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000"
SQLITE_UPSERT = (
    f"ON CONFLICT (campaign_id, year) DO UPDATE SET stamp = max({TABLE}.stamp + 1, excluded.stamp)"
)


def sqlite_bump(select):
    # INSERT … SELECT … WHERE: the WHERE keeps SQLite from reading ON CONFLICT as a join's.
    return f"INSERT INTO {TABLE} (campaign_id, year, stamp) {select} {SQLITE_UPSERT};"


def sqlite_forwards():
    sql = [
        f"""CREATE TABLE {TABLE} (
            campaign_id bigint NOT NULL,
            year integer NOT NULL,
            stamp bigint NOT NULL,
            PRIMARY KEY (campaign_id, year)
        );"""
    ]
    # SQLite has row triggers only: one bump per row written.
    events = {
        "ins": ("INSERT", ("NEW",)),
        "del": ("DELETE", ("OLD",)),
        "upd": ("UPDATE", ("OLD", "NEW")),
    }
    for table, (scope, join, columns) in WATCHED.items():
        for kind, (event, rows) in events.items():
            when = ""
            if event == "UPDATE":
                when = "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            body = "\n".join(
                sqlite_bump(
                    f"SELECT {scope.replace('x.', f'{row}.')}, {SQLITE_NOW} "
                    + (
                        f"FROM reports_annualreport r WHERE r.id = {row}.report_id"
                        if join
                        else "WHERE 1"
                    )
                )
                for row in rows
            )
            sql.append(
                f"CREATE TRIGGER {TABLE}_{table}_{kind} AFTER {event} ON {table} {when}\n"
                f"BEGIN\n{body}\nEND;"
            )
    return sql


def sqlite_backwards():
    sql = [f"DROP TRIGGER IF EXISTS {TABLE}_{table}_{kind};"
           for table in WATCHED
           for kind in ("ins", "del", "upd")]  # fmt: skip
    sql.append(f"DROP TABLE IF EXISTS {TABLE};")
    return sql


# --- the migration -------------------------------------------------------------------------------
def stamp_existing(cursor, now):
    """A first stamp for what is there already (a missing row reads as NULL, which is a
    stamp too: nothing was written since)."""
    cursor.execute(
        f"INSERT INTO {TABLE} (campaign_id, year, stamp) "
        f"SELECT campaign_id, year, {now} "
        "FROM (SELECT DISTINCT campaign_id, year FROM reports_annualreport) AS filed"
    )
    cursor.execute(
        f"INSERT INTO {TABLE} (campaign_id, year, stamp) "
        f"SELECT campaign_id, 0, {now} "
        "FROM (SELECT DISTINCT campaign_id FROM campaign_plan) AS planned"
    )
    cursor.execute(f"INSERT INTO {TABLE} (campaign_id, year, stamp) VALUES (0, 0, {now})")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements, now = pg_forwards(), PG_NOW
    elif vendor == "sqlite":
        statements, now = sqlite_forwards(), SQLITE_NOW
    else:
        return  # no stamps: the rollup then computes every year (reports.rollup)
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        stamp_existing(cursor, now)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": pg_backwards, "sqlite": sqlite_backwards}.get(vendor, list)()
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("campaign", "0008_own_figures"), ("units", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
