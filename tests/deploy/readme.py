"""The deployment commands, read from the README so that the documentation, the smoke test
and the load test cannot drift apart.

The README's "Deployment" section holds one shell block right after the marker line
`<!-- deploy-commands -->`: one command per line for the web server, the worker and beat.
Its systemd units start the same lines from the install directory.
"""

import re
import shlex

from tests.services import ROOT

README = ROOT / "README.md"
MARKER = "<!-- deploy-commands -->"
INSTALL_DIR = "/srv/portal"


def documented_commands(text=None):
    """{"web": [...], "worker": [...], "beat": [...]} as argv lists, from the marked block."""
    text = README.read_text(encoding="utf-8") if text is None else text
    start = text.index(MARKER)
    block = re.search(r"```sh\n(.*?)```", text[start:], re.DOTALL)
    if block is None:
        raise ValueError(f"no ```sh block after {MARKER} in the README")
    commands = {}
    for line in block.group(1).splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        argv = shlex.split(line)
        if argv[0].endswith("/gunicorn"):
            commands["web"] = argv
        elif argv[0].endswith("/celery") and "worker" in argv:
            commands["worker"] = argv
        elif argv[0].endswith("/celery") and "beat" in argv:
            commands["beat"] = argv
    missing = {"web", "worker", "beat"} - set(commands)
    if missing:
        raise ValueError(f"the README's deploy commands lack {', '.join(sorted(missing))}")
    return commands


def systemd_exec_starts(text=None):
    """Every `ExecStart=` of the README's systemd units, as argv lists."""
    text = README.read_text(encoding="utf-8") if text is None else text
    return [shlex.split(line) for line in re.findall(r"^ExecStart=(.+)$", text, re.MULTILINE)]


def localised(argv, bind=None):
    """A documented command with this checkout's virtualenv and, for gunicorn, another
    address: `.venv/bin/x` becomes this project's `.venv/bin/x`."""
    result = [str(ROOT / arg) if arg.startswith(".venv/bin/") else arg for arg in argv]
    if bind is not None:
        result = [bind if arg == "127.0.0.1:8000" else arg for arg in result]
    return result
