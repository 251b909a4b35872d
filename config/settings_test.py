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


def _redis_of_this_xdist_worker() -> None:
    """Under pytest-xdist, give each test process a Redis database of its own.

    The cache is already apart (its key prefix), but Celery's queue is not: a worker started
    by one process would take the tasks another process published, and run them against the
    wrong test database. The subprocesses a test starts inherit the split URL (and the mark
    that it is done), or are given another one by the test.
    """
    worker, url = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("REDIS_URL", "")
    if not (worker.startswith("gw") and url) or os.environ.get("PORTAL_TEST_REDIS_SPLIT"):
        return
    parts = urlsplit(url)
    database = parts.path.strip("/")
    database = int(database) if database.isdigit() else 0
    own = (database + 1 + int(worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{own}"))
    os.environ["PORTAL_TEST_REDIS_SPLIT"] = "1"


_redis_of_this_xdist_worker()

from config.settings import *  # noqa: E402, F403 (after the environment above is set)

# Hashing with the production hasher makes every login in the suite cost ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# WhiteNoise serves from the finders in tests (no collectstatic), from an existing root.
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database is thrown away: its commits need not wait for the disk (CI's time
    # goes to the tests, not to WAL flushes). Durability is production's setting, untouched.
    options = DATABASES["default"]["OPTIONS"]  # noqa: F405
    options["options"] = options.get("options", "") + " -c synchronous_commit=off"
