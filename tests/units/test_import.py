"""Importing the federation tree from .csv and .xlsx files: all rows or none."""

import datetime
import io
import unicodedata

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from tests.units.unit_files import HEADER, TREE_ROWS, VALID_ROW, import_file, write_csv, write_xlsx
from units.importing import ImportResult, UnitImportError, import_units, read_rows
from units.models import Unit, UnitState


def unit(code):
    return Unit.objects.get(code=code)


def parent_code(code):
    parent = Unit.objects.get_parent(unit(code))
    return parent.code if parent else None


def error_lines(excinfo):
    return [line for line, _message in excinfo.value.errors]


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English whatever the Vietnamese catalogue says.
    with translation.override("en"):
        yield


# --- Creating -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_a_tree_from_a_csv_file_even_when_children_come_first(tmp_path):
    path = write_csv(
        tmp_path,
        [
            ["G1", "CĐCS Trường học", "grassroots", "D1"],
            ["D1", "LĐLĐ huyện Một", "district", "P"],
            ["P", "LĐLĐ tỉnh", "province", ""],
            ["G2", "CĐCS Bệnh viện", "grassroots", "P"],
        ],
    )

    result = import_file(path)

    assert result == ImportResult(created=4, updated=0, moved=0, unchanged=0)
    assert unit("P").is_root()
    assert parent_code("D1") == "P"
    assert parent_code("G1") == "D1"
    assert parent_code("G2") == "P"
    assert unit("G1").path.startswith(unit("D1").path)
    assert unit("D1").kind == Unit.Kind.DISTRICT


@pytest.mark.django_db
def test_it_creates_a_tree_from_an_xlsx_file_with_numeric_codes_and_date_cells(tmp_path):
    header = [*HEADER, "opened_on", "closed_on"]
    path = write_xlsx(
        tmp_path,
        [
            [100.0, "LĐLĐ tỉnh", "province", None, datetime.datetime(1990, 5, 1), None],
            [None, None, None, None, None, None],  # an empty row is skipped
            [101, "LĐLĐ huyện Một", "district", 100.0, "15/03/2001", "2020-12-31"],
        ],
        header=header,
    )

    rows = read_rows(path)
    result = import_units(rows)

    assert [row["line"] for row in rows] == [2, 4]
    assert rows[1]["code"] == "101"
    assert rows[1]["parent_code"] == "100"
    assert result.created == 2
    assert unit("100").opened_on == datetime.date(1990, 5, 1)
    assert parent_code("101") == "100"
    assert unit("101").opened_on == datetime.date(2001, 3, 15)
    assert unit("101").closed_on == datetime.date(2020, 12, 31)


@pytest.mark.django_db
def test_it_understands_vietnamese_headers_and_kind_labels_in_a_semicolon_csv_with_bom(tmp_path):
    header = ["Mã", " TÊN ", "Loại", "Mã cấp trên", "Tên viết tắt", "Ngày thành lập"]
    grassroots_nfd = unicodedata.normalize("NFD", "cđcs")
    path = write_csv(
        tmp_path,
        [
            ["T", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", "", "LĐLĐ", "01/05/1990"],
            ["H", "LĐLĐ huyện Hai", "LĐLĐ huyện, thành phố", "T", "", ""],
            ["N", "Công đoàn ngành Giáo dục", "CĐ ngành", "T", "", ""],
            ["V", "Công đoàn Viên chức tỉnh", "CĐ Viên chức", "T", "", ""],
            ["K", "Công đoàn các KCN", "CĐ các KCN", "T", "", ""],
            ["C1", "CĐCS Một", grassroots_nfd, "H", "", ""],
            ["C2", "CĐCS Hai", "Grassroots union", "H", "", ""],
            ["C3", "CĐCS Ba", "GRASSROOTS", "H", "", ""],
        ],
        header=header,
        delimiter=";",
        bom=True,
    )

    result = import_file(path)

    assert result.created == 8
    kinds = dict(Unit.objects.values_list("code", "kind"))
    assert kinds == {
        "T": "province",
        "H": "district",
        "N": "sector",
        "V": "civil_servants",
        "K": "industrial_zone",
        "C1": "grassroots",
        "C2": "grassroots",
        "C3": "grassroots",
    }
    assert unit("T").short_name == "LĐLĐ"
    assert unit("T").opened_on == datetime.date(1990, 5, 1)


def test_new_units_without_an_opening_date_joining_the_tree_open_today_not_in_past_years(
    tree, tmp_path, today
):
    # As the admin adds them: a union left to stand from the beginning would be counted as
    # one that did not report in every year before it existed. The grassroots union is
    # listed before the new district it goes under, which joins the tree below the province.
    # A new federation of its own, typed in from the start, keeps no dates.
    rows = [
        ["NG", "CĐCS Mới dưới huyện mới", "grassroots", "ND"],
        ["ND", "LĐLĐ huyện Mới", "district", "PV"],
        ["NA", "CĐCS Mới dưới huyện A", "grassroots", "DA"],
        ["FR", "LĐLĐ tỉnh Khác", "province", ""],
        ["FD", "LĐLĐ huyện Khác", "district", "FR"],
    ]

    result = import_file(write_csv(tmp_path, rows))

    assert result == ImportResult(created=5) and result.opened_today == 3
    assert {code: unit(code).opened_on for code in ("NG", "ND", "NA", "FR", "FD")} == {
        "NG": today,
        "ND": today,
        "NA": today,
        "FR": None,
        "FD": None,
    }
    last_year = today - datetime.timedelta(days=365)
    standing = set(UnitState.objects.on(last_year).values_list("unit__code", flat=True))
    assert standing == {"PV", "DA", "DB", "SE", "A1", "A2", "B1", "S1", "FR", "FD"}
    assert {"NG", "ND", "NA"} <= set(
        UnitState.objects.on(today).values_list("unit__code", flat=True)
    )


def test_the_command_says_which_day_new_units_without_an_opening_date_open(tree, tmp_path, today):
    out = io.StringIO()
    with translation.override("vi"):
        call_command("import_units", str(write_csv(tmp_path, [VALID_ROW])), "--dry-run", stdout=out)
    assert (
        f"1 đơn vị mới không ghi ngày thành lập hoạt động từ ngày được nhập, {today:%d/%m/%Y}"
        in out.getvalue()
    )
    assert not Unit.objects.filter(code="NEW").exists()


# --- Re-importing -------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_creates_no_duplicates(tree, tmp_path):
    path = write_csv(tmp_path, [*TREE_ROWS, VALID_ROW])

    first = import_file(path)
    count = Unit.objects.count()
    paths = dict(Unit.objects.values_list("code", "path"))
    second = import_file(path)

    assert first == ImportResult(created=1, unchanged=8)
    assert second == ImportResult(unchanged=9)
    assert Unit.objects.count() == count == 9
    assert dict(Unit.objects.values_list("code", "path")) == paths


def test_reimporting_with_a_changed_name_updates_the_unit(tree, tmp_path):
    rows = [list(row) for row in TREE_ROWS]
    rows[4][1] = "CĐCS Trường Tiểu học A1"
    path = write_csv(tmp_path, rows)
    eras = UnitState.objects.filter(unit=tree["A1"]).order_by("valid_from")
    before = list(eras.values_list("pk", "valid_from", "valid_until"))

    result = import_file(path)

    assert result == ImportResult(updated=1, unchanged=7) and result.names_corrected == 1
    assert unit("A1").name == "CĐCS Trường Tiểu học A1"
    assert parent_code("A1") == "DA"
    # A name fixed in the list is how the unit was always called: its eras keep their
    # days and take the name, and no era starts today.
    assert list(eras.values_list("pk", "valid_from", "valid_until")) == before
    assert set(eras.values_list("name", flat=True)) == {"CĐCS Trường Tiểu học A1"}


def test_the_command_says_the_names_were_corrected_in_the_history(tree, tmp_path):
    rows = [list(row) for row in TREE_ROWS]
    rows[4][1] = "CĐCS Trường Tiểu học A1"
    out = io.StringIO()
    with translation.override("vi"):
        call_command("import_units", str(write_csv(tmp_path, rows)), stdout=out)
    assert "Đã sửa tên trong lịch sử của 1 đơn vị" in out.getvalue()


def test_reimporting_a_unit_not_yet_open_corrects_its_history_from_its_opening(tree, tmp_path):
    # Its only era starts on its opening day, after today: the new name, kind and parent
    # reached no era, and the tree from its opening showed it as first imported.
    opening = timezone.localdate() + datetime.timedelta(days=90)
    header = [*HEADER, "short_name", "opened_on"]
    day = opening.strftime("%d/%m/%Y")
    import_file(write_csv(tmp_path, [["NEW", "CĐCS Mới", "grassroots", "DA", "", day]], header))

    corrected = [["NEW", "Công đoàn xã Mới", "commune", "DB", "CĐ xã Mới", day]]
    assert import_file(write_csv(tmp_path, corrected, header, name="again.csv")) == ImportResult(
        updated=1, moved=1
    )

    eras = UnitState.objects.filter(unit=unit("NEW"))
    assert list(eras.values_list("valid_from", "name", "short_name", "kind", "parent__code")) == [
        (opening, "Công đoàn xã Mới", "CĐ xã Mới", "commune", "DB")
    ]
    assert eras.get().path == unit("NEW").path


def eras_of(code):
    return list(
        UnitState.objects.filter(unit__code=code)
        .order_by("valid_from")
        .values_list("valid_from", "valid_until", "is_open")
    )


def reimport_dates(tmp_path, code, *dates):
    """Import the `tree` fixture's row of `code` once per (opened_on, closed_on) in `dates`."""
    header = [*HEADER, "opened_on", "closed_on"]
    row = next(row for row in TREE_ROWS if row[0] == code)
    for number, (opened_on, closed_on) in enumerate(dates):
        cells = [day.strftime("%d/%m/%Y") if day else "" for day in (opened_on, closed_on)]
        import_file(write_csv(tmp_path, [[*row, *cells]], header, name=f"{number}.csv"))


def test_a_closing_to_come_brought_forward_leaves_one_closed_era_from_the_new_day(tree, tmp_path):
    today = timezone.localdate()
    first, sooner = today + datetime.timedelta(days=50), today + datetime.timedelta(days=20)
    reimport_dates(tmp_path, "A1", (None, first), (None, sooner))

    assert eras_of("A1") == [
        (datetime.date(1900, 1, 1), sooner, True),
        (sooner, None, False),
    ]
    assert UnitState.objects.overlapping() == []


@pytest.mark.parametrize("postponed", [60, None], ids=["postponed", "withdrawn"])
def test_a_closing_to_come_postponed_or_withdrawn_moves_or_removes_the_closed_era(
    tree, tmp_path, postponed
):
    today = timezone.localdate()
    first = today + datetime.timedelta(days=20)
    later = postponed and today + datetime.timedelta(days=postponed)
    reimport_dates(tmp_path, "A1", (None, first), (None, later))

    expected = [(datetime.date(1900, 1, 1), later, True)]
    assert eras_of("A1") == ([*expected, (later, None, False)] if later else expected)
    between = today + datetime.timedelta(days=40)
    assert UnitState.objects.on(between).filter(unit__code="A1").exists()


def test_an_opening_to_come_brought_to_today_writes_its_eras_from_today(tree, tmp_path):
    today = timezone.localdate()
    header = [*HEADER, "opened_on"]
    for number, opening in enumerate([today + datetime.timedelta(days=40), today]):
        row = ["NEW", "CĐCS Mới", "grassroots", "DA", opening.strftime("%d/%m/%Y")]
        import_file(write_csv(tmp_path, [row], header, name=f"{number}.csv"))

    assert eras_of("NEW") == [(today, None, True)]
    assert UnitState.objects.on(today).get(unit__code="NEW").path == unit("NEW").path


def test_an_opening_to_come_brought_into_the_past_writes_its_eras_from_then(tree, tmp_path):
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=10)
    header = [*HEADER, "opened_on"]
    for number, opening in enumerate([today + datetime.timedelta(days=40), earlier]):
        row = ["NEW", "CĐCS Mới", "grassroots", "DA", opening.strftime("%d/%m/%Y")]
        import_file(write_csv(tmp_path, [row], header, name=f"{number}.csv"))

    assert eras_of("NEW") == [(earlier, None, True)]
    assert UnitState.objects.overlapping() == []


def test_reimporting_with_a_changed_parent_moves_the_unit_with_its_children(tree, tmp_path):
    rows = [list(row) for row in TREE_ROWS]
    rows[1][3] = "SE"  # district A goes under the sector union
    path = write_csv(tmp_path, rows)

    result = import_file(path)

    assert result == ImportResult(moved=1, unchanged=7)
    district_a, sector = unit("DA"), unit("SE")
    assert parent_code("DA") == "SE"
    assert district_a.path.startswith(sector.path)
    for child in ("A1", "A2"):
        assert unit(child).path.startswith(district_a.path)
        assert parent_code(child) == "DA"
    assert sorted(c.code for c in Unit.objects.get_children(sector)) == ["DA", "S1"]
    assert Unit.objects.count() == 8


def test_a_unit_can_move_below_its_former_child_when_that_child_moves_out_first(tree, tmp_path):
    # A1 leaves district A for the province as a federation of its own (nothing stands
    # under a grassroots union), and district A goes below A1.
    path = write_csv(
        tmp_path, [["DA", "LĐLĐ huyện A", "district", "A1"], ["A1", "LĐLĐ A1", "district", "PV"]]
    )

    result = import_file(path)

    assert result == ImportResult(updated=1, moved=2)
    assert parent_code("A1") == "PV"
    assert parent_code("DA") == "A1"
    assert parent_code("A2") == "DA"
    assert unit("A2").path.startswith(unit("A1").path)


def test_an_empty_parent_code_moves_an_existing_unit_to_the_root(tree, tmp_path):
    path = write_csv(tmp_path, [["SE", "CĐ ngành S", "sector", ""]])

    result = import_file(path)

    assert result == ImportResult(moved=1)
    assert unit("SE").is_root()
    assert parent_code("S1") == "SE"


def test_a_missing_optional_column_keeps_the_value_and_an_empty_one_clears_it(tree, tmp_path):
    Unit.objects.filter(code="A1").update(short_name="A1", opened_on=datetime.date(2000, 1, 1))
    keep = write_csv(tmp_path, [["A1", "CĐCS A1", "grassroots", "DA"]], name="keep.csv")
    clear = write_csv(
        tmp_path,
        [["A1", "CĐCS A1", "grassroots", "DA", "", ""]],
        header=[*HEADER, "short_name", "opened_on"],
        name="clear.csv",
    )

    kept = import_file(keep)
    assert kept == ImportResult(unchanged=1)
    assert unit("A1").short_name == "A1"
    cleared = import_file(clear)

    assert cleared == ImportResult(updated=1)
    assert unit("A1").short_name == ""
    assert unit("A1").opened_on is None


def test_a_unit_imported_with_a_past_opening_day_takes_no_path_a_unit_held_then(tree, tmp_path):
    # B1, district B's only child, moved to district A in 2025: its path below B stays in
    # its history until then, and a union founded under B in 2015 must not share it.
    Unit.objects.move_under([tree["B1"]], tree["DA"], effective_on=datetime.date(2025, 7, 1))
    path = write_csv(
        tmp_path,
        [["NEW", "CĐCS Mới", "grassroots", "DB", "01/07/2015"]],
        header=[*HEADER, "opened_on"],
    )

    assert import_file(path) == ImportResult(created=1)

    assert parent_code("NEW") == "DB" and unit("NEW").opened_on == datetime.date(2015, 7, 1)
    for day in (datetime.date(2020, 1, 1), datetime.date(2026, 1, 1)):
        paths = list(UnitState.objects.on(day).values_list("path", flat=True))
        assert len(paths) == len(set(paths)), day


# --- Bad rows -----------------------------------------------------------------------------------

BAD_ROWS = {
    "unknown parent": ([["X1", "CĐCS X1", "grassroots", "NOPE"]], [3], "Unknown parent code"),
    "unknown kind": ([["X1", "CĐCS X1", "club", "PV"]], [3], "Unknown kind"),
    "duplicate code": (
        [["NEW", "CĐCS Khác", "grassroots", "DA"]],
        [3],
        "already appears on line 2",
    ),
    "empty name": ([["X1", "  ", "grassroots", "PV"]], [3], "name is empty"),
    # Refused before the database: PostgreSQL cannot store NUL.
    "control character in a name": (
        [["X1", "CĐCS\x00 X1", "grassroots", "PV"]],
        [3],
        "name (name) contains an invisible control character (U+0000)",
    ),
    "control character in a parent code": (
        [["X1", "CĐCS X1", "grassroots", "P\x01V"]],
        [3],
        "contains an invisible control character (U+0001)",
    ),
    # It looks like "CĐCS X1" but is not equal to it, to search or to match.
    "zero-width space inside a name": (
        [["X1", "CĐCS\u200b X1", "grassroots", "PV"]],
        [3],
        "name (name) contains an invisible character (U+200B) just after “CĐCS”",
    ),
    "empty code": ([["", "CĐCS X1", "grassroots", "PV"]], [3], "code is empty"),
    "own parent": ([["X1", "CĐCS X1", "grassroots", "X1"]], [3], "its own parent"),
    "cycle in the file": (
        [["X1", "CĐCS X1", "grassroots", "X2"], ["X2", "CĐCS X2", "grassroots", "X1"]],
        [3, 4],
        "below itself",
    ),
    "cycle through the database": (
        [["DA", "LĐLĐ huyện A", "district", "A1"]],
        [3],
        "below itself",
    ),
    "bad date": (
        [["X1", "CĐCS X1", "grassroots", "PV", "31/02/2020", ""]],
        [3],
        "is not a date",
    ),
    "closing before opening": (
        [["X1", "CĐCS X1", "grassroots", "PV", "02/01/2020", "01/01/2020"]],
        [3],
        "closing date is before",
    ),
    # A1 and A2 are not in the file: they would stay open under a closed district.
    "closing a unit with open units below it": (
        [["DA", "LĐLĐ huyện A", "district", "PV", "", "01/03/2025"]],
        [3],
        "still has open units below it (A1, A2)",
    ),
    # A closing to come: A1 and A2 would stay open under it from that day.
    "closing a unit later with open units below it": (
        [["DA", "LĐLĐ huyện A", "district", "PV", "", "01/01/2099"]],
        [3],
        "still has open units below it (A1, A2)",
    ),
    # Only each row's own parent was checked: A1 and A2 stayed under a grassroots union.
    "a kind that cannot have the open units below it": (
        [["DA", "Công đoàn xã Châu Thành", "grassroots", "PV"]],
        [3],
        "DA – Công đoàn xã Châu Thành is a grassroots union: no unit can stand under it. "
        "2 open units stand under it (A1, A2): move or close them first.",
    ),
}


@pytest.mark.parametrize(
    ("bad_rows", "expected_lines", "expected_message"), BAD_ROWS.values(), ids=BAD_ROWS.keys()
)
def test_a_bad_row_is_reported_on_its_line_and_nothing_is_imported(
    tree, tmp_path, bad_rows, expected_lines, expected_message
):
    header = [*HEADER, "opened_on", "closed_on"]
    rows = [row + [""] * (len(header) - len(row)) for row in [VALID_ROW, *bad_rows]]
    path = write_csv(tmp_path, rows, header=header)
    paths_before = dict(Unit.objects.values_list("code", "path"))

    with pytest.raises(UnitImportError) as excinfo:
        import_file(path)

    assert error_lines(excinfo) == expected_lines
    assert all(expected_message in message for _line, message in excinfo.value.errors)
    assert not Unit.objects.filter(code="NEW").exists()
    assert dict(Unit.objects.values_list("code", "path")) == paths_before


def test_a_unit_whose_units_below_close_by_its_closing_day_closes_later(tree, tmp_path):
    # The units below it may go with it: what the refusals above ask for.
    header = [*HEADER, "opened_on", "closed_on"]
    rows = [
        ["DA", "LĐLĐ huyện A", "district", "PV", "", "01/01/2099"],
        ["A1", "CĐCS A1", "grassroots", "DA", "", "01/01/2099"],
        ["A2", "CĐCS A2", "grassroots", "DA", "", "01/06/2098"],
    ]
    assert import_file(write_csv(tmp_path, rows, header=header)) == ImportResult(updated=3)


def test_a_kind_change_that_leaves_no_open_unit_below_a_grassroots_union_is_imported(
    tree, tmp_path
):
    # B1 moves to district A in the same file: nothing stays under B.
    rows = [["DB", "CĐCS B", "grassroots", "PV"], ["B1", "CĐCS B1", "grassroots", "DA"]]
    assert import_file(write_csv(tmp_path, rows)) == ImportResult(updated=1, moved=1)
    assert unit("DB").kind == "grassroots" and parent_code("B1") == "DA"


def test_it_reports_every_bad_row_in_the_file_at_once(tree, tmp_path):
    path = write_csv(
        tmp_path,
        [
            VALID_ROW,
            ["X1", "", "grassroots", "PV"],  # line 3: empty name
            ["X2", "CĐCS X2", "club", "NOPE"],  # line 4: unknown kind and unknown parent
            ["NEW", "CĐCS Mới", "grassroots", "PV"],  # line 5: duplicate
            ["X3", "CĐCS X3", "grassroots", "PV"],  # fine
        ],
    )

    with pytest.raises(UnitImportError) as excinfo:
        import_file(path)

    assert error_lines(excinfo) == [3, 4, 5]
    messages = " ".join(message for _line, message in excinfo.value.errors)
    assert "Unknown kind “club”" in messages
    assert "duplicate" not in messages  # the messages are sentences, not codes
    assert "already appears on line 2" in messages
    assert Unit.objects.count() == 8
    assert not Unit.objects.filter(code__in=["NEW", "X3"]).exists()


def test_an_unknown_parent_is_also_reported_next_to_other_errors(tree, tmp_path):
    path = write_csv(tmp_path, [["X2", "CĐCS X2", "grassroots", "NOPE"], ["X3", "", "cđcs", "PV"]])

    with pytest.raises(UnitImportError) as excinfo:
        import_file(path)

    assert excinfo.value.errors == [
        (2, "Unknown parent code “NOPE”."),
        (3, "The name is empty."),
    ]


def test_a_new_code_that_cannot_be_typed_again_is_refused_and_an_old_one_kept(tree, tmp_path):
    # A comma would split it in a split's list of codes; a full-width "Ａ" looks like "A".
    Unit.objects.filter(code="A2").update(code="A 2")  # given before the rule
    rows = [
        ["X,1", "CĐCS X1", "grassroots", "DA"],
        ["Ａ3", "CĐCS A3", "grassroots", "DA"],
        ["A 2", "CĐCS A2 mới", "grassroots", "DA"],
    ]
    with pytest.raises(UnitImportError) as excinfo:
        import_file(write_csv(tmp_path, rows))
    assert error_lines(excinfo) == [2, 3]
    assert excinfo.value.errors[0][1].startswith("A code holds letters without marks")

    import_file(write_csv(tmp_path, rows[2:], name="old.csv"))
    assert unit("A 2").name == "CĐCS A2 mới"


def test_a_new_code_in_other_capitals_than_one_in_use_is_refused(tree, tmp_path):
    rows = [
        ["a1", "CĐCS a1", "grassroots", "DA"],  # A1 is in the tree
        ["X9", "CĐCS X9", "grassroots", "DA"],
        ["x9", "CĐCS x9", "grassroots", "DA"],  # X9 two lines above
        ["A2", "CĐCS A2 đổi tên", "grassroots", "DA"],  # A2 itself: an update
    ]
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_file(write_csv(tmp_path, rows))
    assert error_lines(excinfo) == [2, 4]
    assert excinfo.value.errors[0][1] == (
        "Mã “a1” đã được dùng cho CĐCS A1, viết là “A1”: hai mã phải khác nhau không chỉ ở "
        "chữ hoa, chữ thường."
    )
    assert "CĐCS X9, viết là “X9”" in excinfo.value.errors[1][1]
    assert not Unit.objects.filter(code__in=["a1", "X9", "x9"]).exists()


def test_a_missing_required_column_is_reported_on_line_1(db, tmp_path):
    path = write_csv(tmp_path, [["X1", "CĐCS X1", "grassroots"]], header=["Mã", "Tên", "Loại"])

    with pytest.raises(UnitImportError) as excinfo:
        read_rows(path)

    assert error_lines(excinfo) == [1]
    assert "parent_code" in excinfo.value.errors[0][1]


def test_an_unsupported_file_type_is_refused(tmp_path):
    path = tmp_path / "units.ods"
    path.write_bytes(b"not a spreadsheet")

    with pytest.raises(UnitImportError) as excinfo:
        read_rows(path)

    assert ".ods" in excinfo.value.errors[0][1]


# --- The management command ---------------------------------------------------------------------


def test_the_command_imports_the_file_and_prints_a_summary(tree, tmp_path, capsys):
    path = write_csv(tmp_path, [*TREE_ROWS, VALID_ROW])

    call_command("import_units", str(path))

    assert "1 created" in capsys.readouterr().out
    assert parent_code("NEW") == "PV"


def test_the_command_lists_every_bad_line_and_fails_without_importing(tree, tmp_path, capsys):
    path = write_csv(
        tmp_path, [VALID_ROW, ["X1", "CĐCS X1", "club", "PV"], ["X2", "CĐCS X2", "cđcs", "NOPE"]]
    )

    with pytest.raises(CommandError, match=r"Nothing was imported: 2 error\(s\)"):
        call_command("import_units", str(path))

    stderr = capsys.readouterr().err
    assert "Line 3: Unknown kind “club”." in stderr
    assert "Line 4: Unknown parent code “NOPE”." in stderr
    assert not Unit.objects.filter(code="NEW").exists()


def test_the_command_dry_run_reports_what_would_change_and_leaves_the_database_alone(
    tree, tmp_path, capsys
):
    rows = [list(row) for row in TREE_ROWS]
    rows[1][3] = "SE"
    path = write_csv(tmp_path, [*rows, VALID_ROW])
    paths_before = dict(Unit.objects.values_list("code", "path"))

    call_command("import_units", str(path), "--dry-run")

    out = capsys.readouterr().out
    assert "Would create 1" in out
    assert "move 1" in out
    assert dict(Unit.objects.values_list("code", "path")) == paths_before
    assert not Unit.objects.filter(code="NEW").exists()


def test_a_unit_closed_with_the_units_below_it_is_imported(tree, tmp_path):
    # The refusal above names what to do: close (or move) the units below in the same file.
    header = [*HEADER, "opened_on", "closed_on"]
    rows = [
        ["DA", "LĐLĐ huyện A", "district", "PV", "", "01/03/2025"],
        ["A1", "CĐCS A1", "grassroots", "DA", "", "01/03/2025"],
        ["A2", "CĐCS A2", "grassroots", "DB", "", ""],
    ]
    import_file(write_csv(tmp_path, rows, header=header))
    assert unit("DA").closed_on == unit("A1").closed_on == datetime.date(2025, 3, 1)
    assert Unit.objects.get_parent(unit("A2")) == unit("DB")
