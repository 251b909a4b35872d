"""The Vietnamese catalogue is complete and current, and formats follow Vietnamese usage."""

import datetime
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import django
import polib
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import formats, translation

from tests.services import ROOT

CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SOURCES = ["config", "units", "campaign", "reports", "templates", "manage.py", "locale"]


def problems(catalogue):
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries() if not e.obsolete]
    return untranslated, fuzzy


def test_the_committed_catalogue_has_no_missing_or_fuzzy_translation():
    untranslated, fuzzy = problems(polib.pofile(str(CATALOGUE)))
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    # Re-extract the messages from a copy of the sources, as a developer would with
    # makemessages, and check that the result needs no new translation.
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--ignore=tests/*",
            "--ignore=.venv/*",
        ],
        cwd=tmp_path,
        env={"DJANGO_SETTINGS_MODULE": "config.settings_test", "PATH": _path()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    untranslated, fuzzy = problems(extracted)
    assert untranslated == [], f"messages with no Vietnamese translation: {untranslated}"
    assert fuzzy == [], f"messages whose translation is fuzzy: {fuzzy}"
    # The README's makemessages command keeps every translation the catalogue holds: a
    # message no source marks any more is gone from the catalogue too, and a library's
    # message the project translates is marked (config/library_messages.py), not dropped.
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE))}
    kept = {(e.msgctxt, e.msgid) for e in extracted}
    assert sorted(committed - kept, key=str) == [], "translated, but marked nowhere"


# The messages of the admin's scripts: gettext("…"), pgettext("context", "…") and
# ngettext("…", "…"), as django/contrib/admin/static/admin/js writes them.
SCRIPT_MESSAGE = re.compile(r"""\b(n|p)?gettext\(\s*'([^']*)'(?:\s*,\s*'([^']*)')?""")


def test_the_admin_s_scripts_speak_vietnamese(staff_client):
    # Django's Vietnamese catalogue lacks the two-list picker's newer messages ("Choose %s
    # by selecting them…" on every user's page) and the calendar's day names: the
    # project's djangojs catalogue gives them.
    scripts = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
    wanted = set()
    for script in scripts.glob("*.js"):
        for kind, first, second in SCRIPT_MESSAGE.findall(script.read_text()):
            wanted.add(f"{first}\x04{second}" if kind == "p" else first)
    assert "Choose all %s" in wanted and "abbrev. day Sunday\x04Sun" in wanted
    with translation.override("vi"):
        page = staff_client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="vi")
    body = page.content.decode()
    catalogue = json.loads(body.split("const newcatalog = ", 1)[1].split(";\n", 1)[0])
    assert sorted(wanted - set(catalogue)) == []


def test_dates_and_numbers_follow_vietnamese_usage():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2026"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1.234,5"
        assert intcomma(1234567) == "1.234.567"
        assert translation.gettext("Home") == "Trang chủ"


def _path():
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


def test_every_page_names_the_federation_as_it_is_since_the_2025_merger(client, db):
    """Bến Tre merged into Vĩnh Long in 2025: the tab title and the footer name the
    federation that runs the portal now, not the one that issued the 2015 plan."""
    page = client.get("/login/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith("· LĐLĐ tỉnh Vĩnh Long"), title
    assert "Bến Tre" not in title
    assert "Liên đoàn Lao động tỉnh Vĩnh Long · Ban Chính sách – Pháp luật" in page
