"""A unit added by hand (the admin) or from a file (the import) with a past opening day,
under a parent that has moved in the tree since: its first era would take today's path for
the years the parent stood elsewhere, and stand under no unit on those years' trees (its
reports counted on the tree of today but not on the year's own)."""

import csv
import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from units.importing import UnitImportError, import_units, read_rows
from units.models import Unit, UnitState

MOVED_ON = datetime.date(2025, 7, 1)


@pytest.fixture
def sector_moved(tree):
    """The sector union moved under district A on 01/07/2025, with its grassroots union."""
    Unit.objects.move_under([tree["SE"]], tree["DA"], effective_on=MOVED_ON)
    return Unit.objects.get(code="SE")


def add_form(parent, opened_on):
    return {
        "code": "NEW",
        "name": "CĐCS Mới thành lập",
        "short_name": "",
        "kind": "grassroots",
        "opened_on": opened_on,
        "closed_on": "",
        "successor": "",
        "parent": parent.pk,
    }


def test_the_admin_refuses_an_opening_day_before_the_parent_took_its_place(
    staff_client, sector_moved
):
    response = staff_client.post(
        reverse("admin:units_unit_add"), add_form(sector_moved, "01/01/2020")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "chuyển về vị trí hiện nay trong cây tổ chức từ ngày 01/07/2025" in page
    # What was typed is kept.
    assert "CĐCS Mới thành lập" in page and "01/01/2020" in page
    assert not Unit.objects.filter(code="NEW").exists()


def test_the_admin_adds_a_unit_opening_once_the_parent_stands_where_it_is(
    staff_client, sector_moved
):
    response = staff_client.post(
        reverse("admin:units_unit_add"), add_form(sector_moved, "01/08/2025")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    new = Unit.objects.get(code="NEW")
    era = UnitState.objects.on(datetime.date(2025, 12, 14)).get(unit=new)
    assert era.path.startswith(
        UnitState.objects.on(datetime.date(2025, 12, 14)).get(unit=sector_moved).path
    )


def write_csv(tmp_path, rows):
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "kind", "parent_code", "opened_on"])
        writer.writerows(rows)
    return path


def test_the_import_refuses_an_opening_day_before_the_parent_took_its_place(tmp_path, sector_moved):
    path = write_csv(tmp_path, [["NEW", "CĐCS Mới", "grassroots", "SE", "01/01/2020"]])

    with translation.override("en"), pytest.raises(UnitImportError) as refused:
        import_units(read_rows(path))

    [(line, message)] = refused.value.errors
    assert line == 2
    assert "moved to its present place in the tree on 01/07/2025" in message
    assert not Unit.objects.filter(code="NEW").exists()


@pytest.mark.parametrize("opened_on", ["01/07/2025", ""], ids=["dated", "undated"])
def test_the_import_adds_a_unit_opening_once_the_parent_stands_where_it_is(
    tmp_path, sector_moved, opened_on, today
):
    # Undated, it opens the day it is imported, as in the admin: after the parent moved.
    path = write_csv(tmp_path, [["NEW", "CĐCS Mới", "grassroots", "SE", opened_on]])

    import_units(read_rows(path))

    new = Unit.objects.get(code="NEW")
    first_day = MOVED_ON if opened_on else today
    assert new.opened_on == first_day
    assert UnitState.objects.on(first_day).get(unit=new).path == new.path


@pytest.fixture
def not_open_yet(tree, sector_moved):
    """Two unions that open next month: one under the sector union (allowed, the sector
    stands where it is by then), one under district B."""
    day = datetime.date.today() + datetime.timedelta(days=30)
    for code, parent in (("LATE", sector_moved), ("LATE2", tree["DB"])):
        Unit.objects.add_child_after_history(
            parent, code=code, name=f"CĐCS {code}", kind="grassroots", opened_on=day
        )
    return Unit.objects.get(code="LATE")


@pytest.mark.parametrize(
    "row",
    [
        ["LATE", "CĐCS LATE", "grassroots", "SE", "01/01/2020"],  # its opening brought back
        ["LATE2", "CĐCS LATE2", "grassroots", "SE", "01/01/2020"],  # and moved under the sector
    ],
    ids=["earlier opening", "earlier opening and moved"],
)
def test_the_import_refuses_bringing_a_not_yet_open_unit_s_opening_before_its_parent_moved(
    tmp_path, not_open_yet, row
):
    # Its eras would be written again from 2020 at today's path, under a parent that stood
    # elsewhere until 01/07/2025.
    unit = Unit.objects.get(code=row[0])
    eras_before = list(UnitState.objects.filter(unit=unit).values_list("valid_from", "path"))
    path = write_csv(tmp_path, [row])

    with translation.override("en"), pytest.raises(UnitImportError) as refused:
        import_units(read_rows(path))

    [(line, message)] = refused.value.errors
    assert line == 2
    assert "moved to its present place in the tree on 01/07/2025" in message
    assert Unit.objects.get(code=row[0]).opened_on == not_open_yet.opened_on
    eras = list(UnitState.objects.filter(unit=unit).values_list("valid_from", "path"))
    assert eras == eras_before


def test_the_import_brings_a_not_yet_open_unit_s_opening_to_after_its_parent_moved(
    tmp_path, not_open_yet
):
    path = write_csv(tmp_path, [["LATE", "CĐCS LATE", "grassroots", "SE", "01/08/2025"]])

    import_units(read_rows(path))

    unit = Unit.objects.get(code="LATE")
    assert unit.opened_on == datetime.date(2025, 8, 1)
    assert UnitState.objects.on(datetime.date(2025, 8, 1)).get(unit=unit).path == unit.path
