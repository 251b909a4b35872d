"""What the unit import says about a file it cannot use: a header with no data is an error,
not a silent success, a file in another encoding is named with the way to save it, and a
column named as the messages name it is read."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from tests.units.unit_files import HEADER, TREE_ROWS, VALID_ROW, import_file, write_csv, write_xlsx
from units.importing import (
    COLUMN_LABELS,
    HEADER_ALIASES,
    REORGANISATION_ALIASES,
    REORGANISATION_LABELS,
    UnitImportError,
    import_units,
    read_reorganisation_rows,
    read_rows,
)
from units.models import Unit


def messages(excinfo):
    return " ".join(message for _line, message in excinfo.value.errors)


def test_a_header_only_file_is_an_error_on_line_2(tmp_path):
    path = write_csv(tmp_path, [])
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        read_rows(path)
    assert excinfo.value.errors == [
        (2, "Tệp có dòng tiêu đề nhưng không có dòng dữ liệu nào bên dưới.")
    ]


def test_the_command_fails_on_a_header_only_file_and_changes_nothing(tmp_path, db):
    path = write_csv(tmp_path, [])
    with pytest.raises(CommandError):
        call_command("import_units", str(path))
    assert not Unit.objects.exists()


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text):
    """`text` as Vietnamese Windows writes it: letters with their hat or horn precomposed
    (â, ơ, ư…), the five tones as combining marks after them."""
    clusters = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1].append(char)
        else:
            clusters.append([char])
    out = []
    for base, *marks in clusters:
        shaped = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONES))
        out.append(shaped + "".join(m for m in marks if m in TONES))
    return "".join(out)


def write_encoded(tmp_path, encoding, bom=b""):
    lines = [",".join(HEADER), *(",".join(row) for row in [VALID_ROW, *TREE_ROWS])]
    text = "\r\n".join(lines)
    if encoding == "cp1258":
        text = windows_1258(text)
    path = tmp_path / f"units-{encoding}.csv"
    path.write_bytes(bom + text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "bom", "named"),
    [("cp1258", b"", "Windows-1258"), ("utf-16-le", b"\xff\xfe", "UTF-16")],
)
def test_a_file_in_another_encoding_is_named_with_how_to_save_it(
    tmp_path, db, encoding, bom, named
):
    path = write_encoded(tmp_path, encoding, bom)
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        read_rows(path)
    text = messages(excinfo)
    assert f"có vẻ được lưu theo bảng mã {named}" in text
    assert "CSV UTF-8 (Comma delimited)" in text and "Unicode (UTF-8)" in text
    assert not Unit.objects.exists()


def test_the_same_rows_in_utf8_import(tmp_path, db):
    path = write_csv(tmp_path, TREE_ROWS)
    assert len(read_rows(path)) == len(TREE_ROWS)


def test_a_closing_before_the_units_last_change_is_a_line_error(tmp_path, tree):
    # B1 was renamed on 1 March 2026; closing it in 2025 would end a history that had moved on.
    b1 = tree["B1"]
    b1.name = "CĐCS B1 (mới)"
    b1.save(update_fields=["name"], effective_on=datetime.date(2026, 3, 1))
    header = [*HEADER, "closed_on"]
    path = write_csv(
        tmp_path,
        [[*VALID_ROW, ""], ["B1", "CĐCS B1 (mới)", "grassroots", "DB", "01/09/2025"]],
        header=header,
    )
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    [(line, message)] = excinfo.value.errors
    assert line == 3 and "B1" in message
    assert not Unit.objects.filter(code="NEW").exists()
    assert Unit.objects.get(code="B1").closed_on is None


def test_an_open_unit_under_a_closed_parent_is_refused(tmp_path, tree):
    Unit.objects.get(code="DB").close(datetime.date(2025, 3, 1))
    path = write_csv(tmp_path, [VALID_ROW, ["A1", "CĐCS A1", "grassroots", "DB"]])
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    [(line, message)] = excinfo.value.errors
    assert line == 3 and message.startswith(
        "Đơn vị cấp trên “DB” đã ngừng hoạt động từ ngày 01/03/2025"
    )
    assert Unit.objects.get_parent(Unit.objects.get(code="A1")).code == "DA"


def test_a_new_unit_under_a_parent_that_closes_later_closes_by_then_too(tmp_path, tree):
    # Once DB had closed, X1 would stand open under it; the admin refuses it too.
    closes = timezone.localdate() + datetime.timedelta(days=30)
    Unit.objects.get(code="B1").close(closes)
    Unit.objects.get(code="DB").close(closes)
    header = [*HEADER, "closed_on"]
    day = closes.strftime("%d/%m/%Y")
    path = write_csv(tmp_path, [["X1", "CĐCS X1", "grassroots", "DB", ""]], header=header)
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    assert excinfo.value.errors == [
        (
            2,
            f"Đơn vị cấp trên “DB” sẽ ngừng hoạt động từ ngày {day}: hãy ghi ngày ngừng hoạt "
            "động của đơn vị này không muộn hơn ngày đó, hoặc đặt nó dưới đơn vị kế tục.",
        )
    ]
    assert not Unit.objects.filter(code="X1").exists()
    # Closing with it, it is imported; B1, already there, is left alone.
    path = write_csv(
        tmp_path,
        [["X1", "CĐCS X1", "grassroots", "DB", day], ["B1", "CĐCS B1", "grassroots", "DB", day]],
        header=header,
    )
    import_units(read_rows(path))
    assert Unit.objects.get(code="X1").closed_on == closes


def test_a_unit_under_a_grassroots_union_is_refused(tmp_path, tree):
    path = write_csv(tmp_path, [VALID_ROW, ["X1", "CĐ xã X", "commune", "A1"]])
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    [(line, message)] = excinfo.value.errors
    assert line == 3 and "A1" in message and "công đoàn cơ sở" in message
    assert not Unit.objects.filter(code__in=["NEW", "X1"]).exists()


def test_a_closed_unit_may_stand_under_the_grassroots_union_it_merged_into(tmp_path, tree):
    # Where a merge leaves it: a file of the tree as it stands imports again.
    path = write_csv(
        tmp_path,
        [["B1", "CĐCS B1", "grassroots", "A1", "01/03/2025"]],
        header=[*HEADER, "closed_on"],
    )
    import_units(read_rows(path))
    assert Unit.objects.get_parent(Unit.objects.get(code="B1")).code == "A1"


def test_a_new_unit_opening_before_its_parent_is_refused_on_its_line(tmp_path, tree):
    # The child comes first, its parent (new too) after it: on the days between their
    # openings it would stand under no unit. The admin refuses it as well.
    path = write_csv(
        tmp_path,
        [
            ["X1", "CĐCS X1", "grassroots", "XC", "01/01/2020"],
            ["XC", "Công đoàn xã X", "commune", "PV", "01/07/2025"],
            ["X2", "CĐCS X2", "grassroots", "XC", ""],  # no date known: from the start
            ["X3", "CĐCS X3", "grassroots", "XC", "01/07/2025"],
        ],
        header=[*HEADER, "opened_on"],
    )
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    assert excinfo.value.errors == [
        (
            2,
            "Đơn vị cấp trên “XC” thành lập ngày 01/07/2025, sau đơn vị này: hãy ghi ngày "
            "thành lập (opened_on) từ ngày đó trở đi.",
        )
    ]
    assert not Unit.objects.filter(code__in=["X1", "XC", "X2", "X3"]).exists()


def test_a_csv_whose_lines_end_in_cr_alone_is_read(tmp_path, db):
    # As Excel for Mac saves a CSV: it used to be "damaged".
    lines = [",".join(HEADER), *(",".join(row) for row in TREE_ROWS), ""]
    path = tmp_path / "units-mac.csv"
    path.write_bytes("\r".join(lines).encode("utf-8-sig"))
    rows = read_rows(path)
    assert [(row["line"], row["code"]) for row in rows[:2]] == [(2, "PV"), (3, "DA")]
    import_units(rows)
    assert Unit.objects.count() == len(TREE_ROWS)


def test_a_line_cut_short_is_refused_not_read_as_a_top_level_unit(tmp_path, tree):
    # DA's line lost its last separator and parent code: it used to move DA to the top.
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,kind,parent_code\nNEW,CĐCS Mới,grassroots,PV\nDA,LĐLĐ huyện A,district\n",
        encoding="utf-8",
    )
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    assert excinfo.value.errors == [
        (
            3,
            "Dòng này có ít ô hơn dòng tiêu đề: thiếu mã đơn vị cấp trên (parent_code). Với "
            "giá trị để trống, hãy để một ô trống (hai dấu phân cách liền nhau).",
        )
    ]
    assert Unit.objects.get_parent(Unit.objects.get(code="DA")).code == "PV"
    assert not Unit.objects.filter(code="NEW").exists()


# --- damaged files and impossible dates ----------------------------------------------------------
def test_a_workbook_whose_sheet_is_cut_short_is_an_error_not_a_traceback(tmp_path):
    import zipfile

    good = write_xlsx(tmp_path, TREE_ROWS)
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(cut, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the sheet's XML cut in half
            target.writestr(info, data)
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        read_rows(cut)
    assert messages(excinfo) == "Tệp bị hỏng, không đọc được."


def test_a_file_named_without_an_extension_is_told_to_get_one(tmp_path):
    path = tmp_path / "danh-sach-don-vi"
    path.write_text(",".join(HEADER), encoding="utf-8")
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        read_rows(path)
    # It said "Không hỗ trợ loại tệp “”".
    assert excinfo.value.errors == [
        (0, "Tên tệp không có phần mở rộng: hãy lưu thành tệp .csv hoặc .xlsx rồi thử lại.")
    ]


def test_a_folder_or_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    # The reason in Vietnamese, not the system's "Is a directory", "No such file…".
    for path, reason in (
        (tmp_path / "a-folder.csv", "đây là một thư mục"),
        (tmp_path / "missing.csv", "không có tệp nào mang tên này"),
    ):
        if path.name.startswith("a-"):
            path.mkdir()
        with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
            read_rows(path)
        assert messages(excinfo) == f"Không đọc được tệp: {reason}"


def test_a_csv_cell_past_the_csv_modules_limit_is_an_error(tmp_path):
    path = write_csv(tmp_path, [["X1", "CĐCS " + "x" * 200_000, "grassroots", "PV"]])
    with pytest.raises(UnitImportError):
        read_rows(path)


@pytest.mark.parametrize("typed", ["01/07/0025", "01/01/0001", "31/12/9999"])
def test_an_opening_day_outside_1900_to_2100_is_refused_on_its_line(tree, tmp_path, typed):
    path = write_csv(
        tmp_path, [["NEW", "CĐCS Mới", "grassroots", "PV", typed]], header=[*HEADER, "opened_on"]
    )
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    assert excinfo.value.errors == [
        (
            2,
            f"“{typed}” ở cột ngày thành lập (opened_on): "
            "hãy nhập năm trong khoảng từ 1900 đến 2100.",
        )
    ]
    assert not Unit.objects.filter(code="NEW").exists()


def test_turning_a_union_with_open_units_below_into_a_grassroots_union_is_refused(tree, tmp_path):
    # The file's own example: a district-level union, with its grassroots unions left out
    # of the file, made a grassroots union; they stayed open under it.
    path = write_csv(tmp_path, [["DA", "Công đoàn xã Châu Thành", "grassroots", "PV"]])
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_units(read_rows(path))
    assert excinfo.value.errors == [
        (
            2,
            "DA – Công đoàn xã Châu Thành là công đoàn cơ sở: không đơn vị nào có thể trực "
            "thuộc đơn vị này. Hiện có 2 đơn vị trực thuộc đang hoạt động (A1, A2): hãy "
            "chuyển hoặc giải thể các đơn vị này trước.",
        )
    ]
    assert Unit.objects.get(code="DA").kind == "district"


def test_a_closing_date_reads_as_the_day_the_unit_stops_not_a_dissolution(tmp_path, tree):
    """The closing date is the day a unit stops, by merger as well as by dissolution: the
    messages about it use the field's own words, "ngày ngừng hoạt động"."""
    row = ["X1", "CĐCS X1", "grassroots", "PV", "02/01/2020", "01/01/2020"]
    path = write_csv(tmp_path, [row], header=[*HEADER, "opened_on", "closed_on"])
    with translation.override("vi"), pytest.raises(UnitImportError) as excinfo:
        import_file(path)
    assert "Ngày ngừng hoạt động trước ngày thành lập." in messages(excinfo)
    unit = Unit(code="X2", name="CĐCS X2", successor=tree["PV"])
    with translation.override("vi"):
        assert unit_errors(unit, opened_on=datetime.date(2020, 1, 2)) == [
            "Đơn vị sáp nhập vào đơn vị khác phải có ngày ngừng hoạt động."
        ]
        assert unit_errors(
            unit, opened_on=datetime.date(2020, 1, 2), closed_on=datetime.date(2020, 1, 1)
        ) == ["Ngày ngừng hoạt động không thể trước ngày thành lập."]


def unit_errors(unit, **dates):
    for name, day in dates.items():
        setattr(unit, name, day)
    try:
        unit.clean()
    except ValidationError as error:
        return error.message_dict["closed_on"]
    return []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_column_named_as_the_messages_name_it_is_read(tmp_path, language):
    # "Thao tác “sáp nhập” cần cột mã đơn vị cấp trên hoặc kế thừa (target_code)": a header
    # typed as that message says it was not read, and an optional column so named was
    # ignored without a word (a merge that was to move the people's roles did not).
    for aliases, labels, read in [
        (HEADER_ALIASES, COLUMN_LABELS, read_rows),
        (REORGANISATION_ALIASES, REORGANISATION_LABELS, read_reorganisation_rows),
    ]:
        with translation.override(language):
            headers = {key: str(labels.get(key, key)) for key in aliases}
        path = tmp_path / f"{read.__name__}.csv"
        path.write_text(
            ",".join(headers.values()) + "\n" + ",".join(f"v{i}" for i in range(len(headers)))
        )
        [row] = read(path)
        assert {key: row.get(key) for key in aliases} == {
            key: f"v{i}" for i, key in enumerate(aliases)
        }, headers
