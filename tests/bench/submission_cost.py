"""Where a submission's CPU goes: the deadline's request taken apart, in one process.

    python -m tests.bench.submission_cost \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_bench_cost]

The deadline load test (tests/bench/load.py) measures a submission against a bare locked
ModelForm save through gunicorn. This one says what the difference is made of. The same
data as the load test (a province, 10 districts, `--officers` grassroots unions with one
officer each, the shipped campaign's open period), the bench settings with DEBUG off, the
cache, the sessions and the Celery broker in an empty Redis database, and Django's test
client in this process. It then times, in alternating chunks of ten so that the machine's
noise falls on all of them alike:

- **bare**: the load test's bare endpoint, anonymous, its form URL-encoded (a row locked,
  validated through a ModelForm and saved);
- **request**: an officer's POST of the report form's fields, multipart (Django's test
  client leaves out the empty file part a browser adds), through the portal's middleware
  (the session, the user, CSRF) to a view that parses the body and redirects
  (`load_site.views.rung`);
- **scope**: the same, plus the access scope (the user's memberships) and the unit through it;
- **period**: the same, plus the campaign's period with its campaign and issuer, as the report's
  view reads them;
- **submission**: the report form's "Save and submit for review", once per officer, the
  deadline's request itself.

For each: the CPU per request of this process (client and server: `time.process_time`)
and of its PostgreSQL backend (`/proc`), and the statements it sends. Printed and written
to tests/bench/out/submission_cost.json. The run's Redis keys are deleted afterwards.
"""

import argparse
import json
import os
import random
import sys
import time
import urllib.parse

from tests.bench import common, load
from tests.bench.dashboard import pick_redis_db

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_cost"
CHUNK = 10
WARM = 20
RUNGS = ("request", "scope", "period")
KINDS = ("bare", *RUNGS, "submission")


def setup(args):
    """Create the database and the data; Django configured in this process."""
    from tests.bench.generate import create_database

    create_database(args.database_url)
    redis_db, redis_client = pick_redis_db(args.redis_url, args.redis_db)
    prefix = f"bench-cost-{os.getpid()}"
    static_root = common.OUT / "static"  # the load test's; WhiteNoise wants it to exist
    static_root.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = load.BENCH_SETTINGS
    os.environ.update(
        common.bench_environment(
            args.database_url,
            f"{args.redis_url.rstrip('/')}/{redis_db}",
            CACHE_KEY_PREFIX=prefix,
            STATIC_ROOT=static_root,
            EMAIL_URL="dummymail://",
        )
    )
    if str(common.ROOT) not in sys.path:
        sys.path.insert(0, str(common.ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The form's page links the static files by name; nothing here is served, so the
    # collected manifest the deployment needs is not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0, interactive=False)
    campaign_pk, year, accounts = load.build_data(args.officers)
    return campaign_pk, year, accounts, redis_db, redis_client, prefix


def clients(campaign_pk, year, accounts):
    """Each officer logged in, its report form opened and filled in as the load test fills
    it; each bare client with its form. Returns (officers, bares)."""
    from django.test import Client

    from units.models import User

    users = User.objects.in_bulk([name for name, _ in accounts], field_name="username")
    officers, bares = [], []
    for number, (username, unit_pk) in enumerate(accounts):
        client = Client(enforce_csrf_checks=True)
        client.force_login(users[username])
        path = f"/campaigns/{campaign_pk}/units/{unit_pk}/reports/{year}/"
        response = client.get(path)
        form = load.parse_form(response.content, "results")
        if response.status_code != 200 or form is None:
            sys.exit(f"{username}: no report form at {path} ({response.status_code})")
        filled = load.fill(form.fields, form.selects, random.Random(number))
        rungs = {
            rung: f"/rung/{rung}/{campaign_pk}/{unit_pk}/{year}/" for rung in RUNGS
        }  # the same fields, to the bench's views
        officers.append((client, path, filled, rungs))
        bare = Client(enforce_csrf_checks=True)
        page = bare.get(f"/bare/{number}/")
        bares.append((bare, f"/bare/{number}/", load.parse_form(page.content, "count").fields))
    return officers, bares


def one(kind, number, officers, bares, round_number):
    """Send request `kind` for client `number`; raise if it was not answered as expected."""
    if kind == "bare":
        client, path, fields = bares[number]
        fields.update(text=f"client {number} round {round_number}", count=str(round_number))
        body = urllib.parse.urlencode(fields)
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        expected = 200
    else:
        client, path, filled, rungs = officers[number]
        if kind == "submission":
            response = client.post(path, {**filled, load.SAVE_AND_SUBMIT: "1"})
        else:
            response = client.post(rungs[kind], filled)
        expected = 302
    if response.status_code != expected:
        raise SystemExit(f"{kind} {number}: {response.status_code} {response.content[:300]!r}")
    if kind == "submission" and not response["Location"].startswith("/reports/"):
        raise SystemExit(f"submission {number}: redirected to {response['Location']}")


def backend_cpu(pid):
    """CPU seconds of this process's PostgreSQL backend so far."""
    return load._stat(pid)[1]


def measure(officers, bares):
    """Alternating chunks of each kind after a warm-up; returns {kind: {n, cpu_ms,
    postgresql_ms, statements}}, the statements counted on the warm-up's last request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    counted = {}
    for number in range(WARM):
        for kind in KINDS:
            if number < WARM - 1:
                one(kind, number, officers, bares, 1)
                continue
            with CaptureQueriesContext(connection) as queries:
                one(kind, number, officers, bares, 1)
            counted[kind] = len(queries)
    totals = {kind: [0, 0.0, 0.0] for kind in KINDS}
    for start in range(WARM, len(officers), CHUNK):
        numbers = range(start, min(start + CHUNK, len(officers)))
        for kind in KINDS:
            cpu, database = time.process_time(), backend_cpu(backend)
            for number in numbers:
                one(kind, number, officers, bares, 2)
            totals[kind][0] += len(numbers)
            totals[kind][1] += time.process_time() - cpu
            totals[kind][2] += backend_cpu(backend) - database
    return {
        kind: {
            "n": n,
            "cpu_ms": round(1000 * cpu / n, 2),
            "postgresql_ms": round(1000 * database / n, 2),
            "statements": counted[kind],
        }
        for kind, (n, cpu, database) in totals.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, help="default: the first empty one from 15 down")
    args = parser.parse_args(argv)
    if not common.database_name(args.database_url).startswith("portal_bench"):
        parser.error("the database name must start with portal_bench (it is dropped)")
    if args.officers < WARM + CHUNK:
        parser.error(f"--officers must be at least {WARM + CHUNK}")
    load_before = os.getloadavg()
    campaign_pk, year, accounts, redis_db, redis_client, prefix = setup(args)
    queue_before = redis_client.llen("celery")
    try:
        officers, bares = clients(campaign_pk, year, accounts)
        figures = measure(officers, bares)
        unit_pks = [unit_pk for _, unit_pk in accounts]
        check = load.check_database(campaign_pk, year, unit_pks)
    finally:
        load.cleanup_redis(redis_client, prefix, queue_before)
    from django.db import connection

    with connection.cursor() as cursor:
        machine = common.machine_info(cursor)
    bare = figures["bare"]
    bare_total = bare["cpu_ms"] + bare["postgresql_ms"]
    print(f"{len(accounts)} officers, year {year}, Redis database {redis_db}")
    print(f"{'request':<12}{'n':>5}{'Python ms':>11}{'PostgreSQL ms':>15}{'total':>8}"
          f"{'x bare':>8}{'statements':>12}")  # fmt: skip
    for kind, row in figures.items():
        total = row["cpu_ms"] + row["postgresql_ms"]
        row["bare_per_request"] = round(bare_total / total, 3)
        print(
            f"{kind:<12}{row['n']:>5}{row['cpu_ms']:>11.2f}{row['postgresql_ms']:>15.2f}"
            f"{total:>8.2f}{total / bare_total:>8.2f}{row['statements']:>12}"
        )
    print(
        f"database: {check['submitted']} of {check['officers']} reports submitted, "
        f"lost {check['lost']}, doubled {check['doubled']}"
    )
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": common.database_name(args.database_url),
        "machine": machine,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "officers": len(accounts),
        "figures": figures,
        "database_check": check,
    }
    common.OUT.mkdir(exist_ok=True)
    (common.OUT / "submission_cost.json").write_text(json.dumps(results, indent=2))
    return 1 if check["lost"] or check["doubled"] else 0


if __name__ == "__main__":
    sys.exit(main())
