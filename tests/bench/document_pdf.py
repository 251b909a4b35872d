"""A plan's PDF downloaded again: rendered each time against the bytes kept in the cache.

    python -m tests.bench.document_pdf \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_bench_docpdf]

The deadline load test's data (tests/bench/load.py, a few officers), the bench settings
with DEBUG off, the cache in an empty Redis database, and Django's test client in this
process. One officer's unit gets a plan of `--activities` activities; the officer then
downloads its PDF (`campaign.printable.plan_pdf`) in alternating rounds, with the cache off
(`PDF_CACHE_SECONDS = 0`: the sandbox renders it, as every download did before) and on,
after a first download has kept it. For each: the wall time of a download in this process
(the sandbox's child process included, since the download waits for it), medians of
`--rounds`. Printed and written to tests/bench/out/document_pdf.json.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from types import SimpleNamespace

from tests.bench import common, submission_cost
from tests.bench.load import cleanup_redis

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_docpdf"


def make_plan(campaign_pk, unit_pk, activities):
    from campaign.models import Activity, Plan

    plan = Plan.objects.create(
        unit_id=unit_pk,
        campaign_id=campaign_pk,
        doc_number="12/KH-CĐCS",
        doc_date=datetime.date.today(),
        signer="Nguyễn Thị Thu",
        summary="Triển khai tuyên truyền cải cách hành chính đến đoàn viên. " * 8,
    )
    themes = list(plan.campaign.themes.all())
    for n in range(activities):
        activity = Activity.objects.create(
            plan=plan,
            method=Activity.Method.CONFERENCE,
            audience=f"Đoàn viên, người lao động tổ sản xuất {n + 1}",
            planned_quarter=1 + n % 4,
            expected_participants=40 + n,
        )
        activity.themes.set(themes[:3])
    return plan


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--activities", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, help="default: the first empty one from 15 down")
    args = parser.parse_args(argv)
    if not common.database_name(args.database_url).startswith("portal_bench"):
        parser.error("the database name must start with portal_bench (it is dropped)")
    load_before = os.getloadavg()
    setup_args = SimpleNamespace(
        database_url=args.database_url,
        redis_url=args.redis_url,
        redis_db=args.redis_db,
        officers=1,
    )
    _campaign_pk, _year, accounts, redis_db, redis_client, prefix = submission_cost.setup(
        setup_args
    )
    queue_before = redis_client.llen("celery")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from campaign.models import Campaign
    from units.models import User

    try:
        username, unit_pk = accounts[0]
        user = User.objects.get(username=username)
        campaign = Campaign.objects.get()
        plan = make_plan(campaign.pk, unit_pk, args.activities)
        client = Client()
        client.force_login(user)
        path = f"/plans/{plan.pk}/pdf/"

        def download():
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
            if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
                sys.exit(f"{path}: {response.status_code}")
            return elapsed, response.content

        settings.PDF_CACHE_SECONDS = 3600
        _elapsed, kept = download()  # the first download renders it and keeps it
        times = {"rendered": [], "kept": []}
        for _round in range(args.rounds):
            for kind, seconds in (("rendered", 0), ("kept", 3600)):
                settings.PDF_CACHE_SECONDS = seconds
                elapsed, content = download()
                if kind == "kept" and content != kept:
                    sys.exit("the kept PDF differs from the first download")
                times[kind].append(elapsed)
    finally:
        cleanup_redis(redis_client, prefix, queue_before)
    with connection.cursor() as cursor:
        machine = common.machine_info(cursor)
    medians = {kind: round(1000 * statistics.median(values), 1) for kind, values in times.items()}
    ratio = medians["rendered"] / medians["kept"]
    print(f"plan of {args.activities} activities, {len(kept):,} bytes, Redis database {redis_db}")
    print(f"download, rendered each time: median {medians['rendered']} ms")
    print(f"download, kept in the cache:  median {medians['kept']} ms  ({ratio:.1f} x faster)")
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "activities": args.activities,
        "pdf_bytes": len(kept),
        "rounds": args.rounds,
        "median_ms": medians,
        "ratio": round(ratio, 2),
    }
    common.OUT.mkdir(exist_ok=True)
    (common.OUT / "document_pdf.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
