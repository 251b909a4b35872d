"""Settings of the workers the fault tests start: the test settings, with e-mail delivered
into a directory the test reads (tests/faults/mailbox.py) and the PDF render's limits taken
from the environment, so that a test can make a render time out or run out of memory."""

import os

from config.settings_test import *  # noqa: F403

EMAIL_BACKEND = "tests.faults.mailbox.EmailBackend"
FAULTS_MAILBOX = os.environ["FAULTS_MAILBOX"]
if "FAULTS_PDF_TIMEOUT" in os.environ:
    SUMMARY_PDF_TIMEOUT = float(os.environ["FAULTS_PDF_TIMEOUT"])
if "FAULTS_PDF_MEMORY_LIMIT" in os.environ:
    SUMMARY_PDF_MEMORY_LIMIT = int(os.environ["FAULTS_PDF_MEMORY_LIMIT"])
