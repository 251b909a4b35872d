"""Hypothesis profiles for the fuzz tests, and the fixtures they share.

Profiles (choose with HYPOTHESIS_PROFILE):

- `ci` (the default): a fixed number of examples per form, derandomised, so that every run
  of the suite, in CI or on a laptop, tries the same inputs and a failure reproduces;
- `dev`: as many examples, drawn at random each run, with the example database kept in
  `.hypothesis/` so a failure found once is tried first next time;
- `long`: a deep random search (a few minutes per form), for a run before a release;
- `triage`: many random examples without shrinking, every distinct failure reported.
"""

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

# Each example runs inside its own savepoint that is rolled back (tests/fuzz/helpers.py),
# so examples of one test never see each other's rows: the function-scoped fixtures (the
# tree, the users, the logged-in client) are safe to share between examples.
_SHARED = {
    "deadline": None,  # a request's time varies with the shared machine's load
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=30, derandomize=True, database=None, **_SHARED)
settings.register_profile("dev", max_examples=30, **_SHARED)
settings.register_profile("long", max_examples=1500, **_SHARED)
# Many examples, no shrinking, every distinct failure reported: to survey what breaks.
settings.register_profile(
    "triage",
    max_examples=200,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=True,
    **_SHARED,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def media(media):
    """tests/conftest.py's `media` for every test here: uploads and the fixtures'
    attachments go to a throw-away folder."""
    return media


@pytest.fixture
def vi_client(client):
    """The test client as a browser sees the site: Vietnamese, and a 500 is returned as a
    response (and so asserted on) rather than raised."""
    client.raise_request_exception = False
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


from tests.fuzz.fixtures import campaign, plan_a1, report_a1, year  # noqa: E402, F401
