"""The portal's production settings plus one bench-only app and URLconf: the bare endpoint
the deadline load test compares the portal with (tests/bench/load.py). Never deployed."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench.load_site"]  # noqa: F405
ROOT_URLCONF = "tests.bench.load_site.urls"
