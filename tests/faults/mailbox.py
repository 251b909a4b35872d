"""An e-mail backend for workers under test: every message becomes a file in a directory.

A worker is another process, so the test counts what it delivered by reading the files: one
per message, named by a fresh id, holding the message as sent (headers included). While a
file named HOLD exists in the directory, sending blocks before anything is written, after
leaving a `holding-<pid>` file behind: the test then knows a send is in flight and in which
process, and can kill it there. The tests read the files back with `delivered` and
`message_ids`.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

HOLD_AT_MOST = 120  # seconds; a test that forgets to release must not hang the worker forever


def mailbox():
    return Path(settings.FAULTS_MAILBOX)


def delivered(directory):
    """The messages delivered into `directory`, as text, oldest first."""
    files = sorted(Path(directory).glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [path.read_text() for path in files]


def message_ids(messages):
    """The Message-ID header of each of `messages` (as `delivered` returns them)."""
    ids = []
    for text in messages:
        for line in text.splitlines():
            if line.lower().startswith("message-id:"):
                ids.append(line.split(":", 1)[1].strip())
                break
    return ids


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = mailbox()
        self._hold(directory)
        for message in email_messages:
            name = directory / f"{uuid.uuid4().hex}.eml"
            partial = name.with_suffix(".part")
            partial.write_bytes(message.message().as_bytes())
            partial.rename(name)  # a reader never sees half a message
        return len(email_messages)

    def _hold(self, directory):
        if not (directory / "HOLD").exists():
            return
        (directory / f"holding-{os.getpid()}").touch()
        deadline = time.monotonic() + HOLD_AT_MOST
        while (directory / "HOLD").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never released the held e-mail")
            time.sleep(0.05)
