"""What the unit import tells the administrator: every existing unit a file renames or moves,
line by line (a code reused by mistake changes that unit)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from tests.units.unit_files import HEADER, TREE_ROWS, VALID_ROW, import_file, write_csv
from units.management.commands import import_units as command
from units.models import Unit

# The administrator meant a new union under district B and reused the code of A1 (under A).
REUSED_CODE = ["A1", "CĐCS Trường Mới", "grassroots", "DB"]


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def run(*args):
    out = io.StringIO()
    call_command("import_units", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_an_existing_unit_a_reused_code_would_rename_and_move(
    tree, tmp_path, today
):
    path = write_csv(tmp_path, [REUSED_CODE, VALID_ROW])

    out = run(path, "--dry-run")

    assert "Chạy thử, chưa lưu gì. Sẽ tạo mới 1, cập nhật 1, chuyển 1; 0 không đổi." in out
    assert (
        "Sẽ thay đổi 1 đơn vị đã có trong cây. Mã đã có trong cây là mã của đơn vị đó; "
        "công đoàn mới cần một mã mới:\n"
        "  Dòng 2, mã A1: tên “CĐCS A1” → “CĐCS Trường Mới”; "
        "cấp trên “LĐLĐ huyện A” (DA) → “LĐLĐ huyện B” (DB), "
        f"từ ngày {today:%d/%m/%Y}\n"
    ) in out
    # The new unit is no change to an existing one.
    assert "NEW" not in out
    assert Unit.objects.get(code="A1").name == "CĐCS A1"


def test_each_changed_unit_is_one_line_naming_what_changes_in_the_files_order(tree, tmp_path):
    header = [*HEADER, "closed_on"]
    rows = [
        ["B1", "CĐCS B1", "grassroots", "DB", "31/12/2030"],  # a closing set
        ["SE", "CĐ ngành S", "civil_servants", "PV", ""],  # another kind
        ["DA", "LĐLĐ huyện A", "district", "", ""],  # to the top level
        ["A2", "CĐCS A2", "grassroots", "DA", ""],  # unchanged
    ]

    out = run(write_csv(tmp_path, rows, header), "--dry-run")

    listed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert listed == [
        "Dòng 2, mã B1 “CĐCS B1”: ngày ngừng hoạt động (trống) → 31/12/2030",
        "Dòng 3, mã SE “CĐ ngành S”: loại CĐ ngành → CĐ Viên chức",
        "Dòng 4, mã DA “LĐLĐ huyện A”: cấp trên “LĐLĐ tỉnh Thử nghiệm” (PV) → cấp cao nhất, "
        f"từ ngày {timezone.localdate():%d/%m/%Y}",
    ]


def test_the_real_run_lists_the_units_it_changed(tree, tmp_path):
    out = run(write_csv(tmp_path, [REUSED_CODE]))

    assert "Đã thay đổi 1 đơn vị đã có trong cây:\n  Dòng 2, mã A1: tên “CĐCS A1”" in out
    assert Unit.objects.get_parent(Unit.objects.get(code="A1")).code == "DB"


def test_a_move_of_a_unit_not_open_yet_takes_effect_from_its_opening(tree, tmp_path):
    opening = timezone.localdate() + datetime.timedelta(days=90)
    header = [*HEADER, "opened_on"]
    day = opening.strftime("%d/%m/%Y")
    import_file(write_csv(tmp_path, [["NEW", "CĐCS Mới", "grassroots", "DA", day]], header))

    result = import_file(
        write_csv(tmp_path, [["NEW", "CĐCS Mới", "grassroots", "DB", day]], header, "again.csv")
    )

    [change] = result.changes
    assert change.moved_on == opening
    assert change.describe().endswith(f"từ ngày {day}")


def test_a_national_size_list_is_cut_after_the_first_units_with_the_rest_counted(
    tree, tmp_path, monkeypatch
):
    monkeypatch.setattr(command, "LISTED_CHANGES", 2)
    rows = [[code, f"{name} mới", kind, parent] for code, name, kind, parent in TREE_ROWS]

    out = run(write_csv(tmp_path, rows), "--dry-run")

    listed = [line for line in out.splitlines() if line.startswith("  ")]
    assert [line.split(":")[0] for line in listed] == [
        "  Dòng 2, mã PV",
        "  Dòng 3, mã DA",
        "  … và 6 đơn vị khác.",
    ]
    assert sum(line.startswith("  Dòng") for line in listed) == 2
