"""manage.py run in a process of its own, with only the environment it is given: how the
settings tests see what a deployment's shell would. Used by test_settings.py and
test_sqlite_writes_wait.py."""

import os
import subprocess
import sys

from tests.services import ROOT


def manage(*args, env):
    # Only what a shell needs: the test run's own settings variables must not leak in.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
