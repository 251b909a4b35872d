"""What the generator and the dashboard benchmark share: the Django environment, the
database URL, machine facts, and the constants of the generated data."""

import contextlib
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "out"

# The generated data: ten campaign years, the last one complete (its due date has passed).
FIRST_YEAR = 2016
YEARS = 10
LAST_YEAR = FIRST_YEAR + YEARS - 1
CAMPAIGN_SLUG = "cchc-2015"
# The national reorganisation of 2025 (tests/bench/reorganisation.py): 63 provincial
# federations become 34 and the district federations end on this day. The generated tree
# changes only before it, since the portal records changes in date order.
REORGANISATION_DAY = datetime.date(2025, 7, 1)

# The bench reviewer: reviewer at the root, and at one province (a district at province
# scale, where the root is the province). The password is known on purpose: it only ever
# guards a throw-away benchmark database on 127.0.0.1.
REVIEWER_USERNAME = "bench-reviewer"
REVIEWER_PASSWORD = "bench-reviewer-Pass-2025"
OFFICER_USERNAME = "bench-officer"

# Codes of the units the benchmark looks up.
NATIONAL_ROOT_CODE = "TLD"
BENTRE_CODE = "BT"

# A key only for these throw-away databases; the settings refuse to run without one.
BENCH_SECRET_KEY = "bench-only-secret-key-" + "b" * 40


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def server_url(url, dbname="postgres"):
    """The same server, another database (to create or drop the benchmark database)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, parts.fragment))


def configure_django(database_url, redis_url=""):
    """Point the project's settings at the benchmark database, then set Django up.

    Without a Redis URL the cache is the in-process LocMemCache, so nothing the benchmark
    does in-process touches a shared Redis.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.update(bench_environment(database_url, redis_url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_environment(database_url, redis_url, **extra):
    """The environment of a production-like process (DEBUG off) on 127.0.0.1 over HTTP."""
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": BENCH_SECRET_KEY,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def machine_info(cursor=None):
    """nproc, memory, CPU model, Python, PostgreSQL: what a reader needs to compare figures."""
    info = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        info["memory_gib"] = round(total_kb / 1024 / 1024, 1)
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu"] = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
            "",
        )
    except (OSError, StopIteration, ValueError):
        pass
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["free_h"] = subprocess.run(
            ["free", "-h"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    if cursor is not None:
        cursor.execute("SELECT version()")
        info["postgresql"] = cursor.fetchone()[0]
        settings = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "max_parallel_workers_per_gather",
            "jit",
        ):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
        info["postgresql_settings"] = settings
    return info
