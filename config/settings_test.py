"""Settings for the test suite: the production settings with a throw-away key.

DATABASE_URL and REDIS_URL pass through unchanged, so the same suite runs on the embedded
default (SQLite, eager Celery) and, in CI, on PostgreSQL and Redis.
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-test-media-"))
os.environ.setdefault("CACHE_KEY_PREFIX", f"portal-test-{os.getpid()}")


def _apart_under_xdist() -> None:
    """Under pytest-xdist, give each test process its own media directory, cache key prefix
    and Redis database.

    The processes inherit the environment of the one that started them, where the lines
    above already chose these. Shared, a test listing the media directory would see another
    process's files, and a Celery worker started by one process would take the tasks another
    published, and run them against the wrong test database. The subprocesses a test starts
    inherit the values chosen here (and the mark that they are chosen), or are given others
    by the test.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or os.environ.get("PORTAL_TEST_XDIST_APART"):
        return
    os.environ["PORTAL_TEST_XDIST_APART"] = "1"
    media = os.path.join(os.environ["MEDIA_ROOT"], worker)
    os.makedirs(media, exist_ok=True)
    os.environ["MEDIA_ROOT"] = media
    os.environ["CACHE_KEY_PREFIX"] += f"-{worker}"
    url = os.environ.get("REDIS_URL", "")
    if url:
        parts = urlsplit(url)
        database = parts.path.strip("/")
        database = int(database) if database.isdigit() else 0
        own = (database + 1 + int(worker[2:])) % 16
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{own}"))


_apart_under_xdist()

from config.settings import *  # noqa: E402, F403 (after the environment above is set)

# The demo's test certificate, made by each test process's first demo load: not in the
# project's var/, where two pytest-xdist processes could write theirs at the same moment.
DEMO_SIGNING_DIR = tempfile.mkdtemp(prefix="portal-test-signing-")

# Each test renders the PDFs it checks: one test's PDF, kept in the shared cache, would be
# another's answer (a failure made on purpose would find a PDF). The cache's own test turns
# it on.
PDF_CACHE_SECONDS = 0

# Hashing with the production hasher makes every login in the suite cost ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# WhiteNoise serves from the finders in tests (no collectstatic), from an existing root.
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
WHITENOISE_USE_FINDERS = True
# WhiteNoise lists every static file (the finders', each with its compressed twins) when a
# handler starts, and the test client starts one per test: 70 ms each, the suite's largest
# fixed cost. Files are looked up per request instead, as in development.
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database is thrown away: its commits need not wait for the disk (CI's time
    # goes to the tests, not to WAL flushes). Durability is production's setting, untouched.
    options = DATABASES["default"]["OPTIONS"]  # noqa: F405
    options["options"] = options.get("options", "") + " -c synchronous_commit=off"
    # Django's backend with a flush by DELETE: what cleans up after every test that commits
    # (tests/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
