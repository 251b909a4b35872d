"""A moment is written one way on every page and e-mail: the time, then the day
("14:37 07/12/2026", config/formats' DATETIME_FORMAT). Notices, the reminders' log and the
summaries wrote it the other way round beside a report's history written this way."""

import re

from django.utils import formats, translation

from tests.services import ROOT

DATE_FILTER = re.compile(r"""\|date:"([^"]+)\"""")


def test_the_portals_datetime_format_puts_the_time_first():
    with translation.override("vi"):
        assert formats.get_format("SHORT_DATETIME_FORMAT") == "H:i d/m/Y"
        assert formats.get_format("DATETIME_FORMAT") == "H:i d/m/Y"


def test_no_template_writes_the_day_before_the_time():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for spec in DATE_FILTER.findall(line):
                if "H" in spec and "d" in spec and spec.index("d") < spec.index("H"):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {spec}")
    assert offenders == []
