"""Browser journeys in Debian's Chromium, driven by Playwright against a live server.

No browser is downloaded: Playwright launches /usr/bin/chromium, which the test command
installs. Playwright's sync API keeps an event loop in this thread, so Django's ORM would
refuse to run here; the async-safety check is switched off for these tests only.
"""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "demo-bentre-2026"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: the test command installs it")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    # Session-wide but only from the first browser test on: the suite runs these last
    # (tests/conftest.py), so no other test runs with the check off. It must outlive the
    # per-test database teardown, which also runs beside Playwright's loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db):
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", force=True, stdout=quiet)


@pytest.fixture
def login(page, live_server):
    def login_as(username):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login_as
