"""Fuzzing the unit import (units/importing.py and the import_units command; the portal has
no page for it): every file either imports as typed or is refused whole, in Vietnamese."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import strategies as fz
from tests.fuzz.helpers import VIETNAMESE_LETTERS, as_stored, rolled_back
from units.importing import UnitImportError, import_units
from units.models import Unit

ONE_LINE = re.compile(r"\s*[\t\n\r\u2028\u2029\x85]+\s*")


def as_imported(text):
    """A cell as the import keeps it: as a form would, and on one line."""
    return ONE_LINE.sub(" ", as_stored(text))


KINDS = ["grassroots", "CĐCS", "LĐLĐ huyện", "district", "Công đoàn cơ sở"]
COLUMNS = ["code", "name", "kind", "parent_code", "short_name", "opened_on", "closed_on"]


def unit_rows():
    # Mostly well-formed keys, so that the text reaches the database often.
    def mostly(valid, hostile):
        return st.one_of(st.sampled_from(valid), st.sampled_from(valid), hostile)

    row = st.fixed_dictionaries(
        {
            "code": mostly(["N1", "N2", "N3", "A1"], fz.hostile_text(30)),
            "name": fz.hostile_text(255),
            "kind": mostly(KINDS, fz.hostile_choice(KINDS)),
            "parent_code": mostly(["PV", "DA"], fz.hostile_text(30)),
        },
        optional={
            "short_name": fz.hostile_text(100),
            "opened_on": fz.hostile_date(),
            "closed_on": fz.hostile_date(),
        },
    )
    return st.lists(row, min_size=1, max_size=4)


def tree_state():
    return sorted(
        Unit.objects.values_list("code", "name", "short_name", "kind", "path", "opened_on")
    )


def assert_refused_in_vietnamese(error):
    assert error.errors
    for _line, message in error.errors:
        assert VIETNAMESE_LETTERS.search(message), message


@given(rows=unit_rows())
def test_imported_rows_are_saved_as_typed_or_all_refused_in_vietnamese(tree, rows):
    numbered = [{**row, "line": line} for line, row in enumerate(rows, start=2)]
    with rolled_back(), translation.override("vi"):
        before = tree_state()
        try:
            import_units(numbered)
        except UnitImportError as error:
            assert_refused_in_vietnamese(error)
            assert tree_state() == before
            return
        for row in rows:
            unit = Unit.objects.get(code=as_imported(row["code"]))
            assert unit.name == as_imported(row["name"])
            assert 0 < len(unit.name) <= 255
            assert 0 < len(unit.code) <= 30


def _csv_bytes(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


@given(content=unit_rows().map(_csv_bytes) | st.binary(max_size=300))
def test_the_command_imports_a_csv_or_refuses_it_whole(tree, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("import") / "units.csv"
    path.write_bytes(content)
    with rolled_back(), translation.override("vi"):
        before = tree_state()
        stderr = io.StringIO()
        try:
            call_command("import_units", str(path), stdout=io.StringIO(), stderr=stderr)
        except CommandError as error:
            assert VIETNAMESE_LETTERS.search(str(error)), str(error)
            assert tree_state() == before
        else:
            assert all(unit.name == as_imported(unit.name) for unit in Unit.objects.all())


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_command_refuses_a_file_that_is_not_what_its_name_says(tree, tmp_path, suffix):
    path = tmp_path / f"units{suffix}"
    path.write_bytes(b"\xff\xfe\x00garbage\x00" * 10)
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        call_command("import_units", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert VIETNAMESE_LETTERS.search(str(refused.value))
