"""The reorganisation tests' shared day: JULY, 01/07/2025, when the reorganisations they
draft (tests/conftest.py's `reorganise`) take effect."""

import datetime

JULY = datetime.date(2025, 7, 1)
