"""What the unit import tells the administrator and the units' history: every existing unit a
file renames or moves, line by line (a code reused by mistake changes that unit), and who
imported, in the admin history of each unit created or changed."""

import datetime
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory
from tests.units.unit_files import HEADER, TREE_ROWS, VALID_ROW, import_file, write_csv
from units.importing import import_units, read_rows
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


# --- Who imported ----------------------------------------------------------------------------


def test_the_history_of_each_unit_created_or_changed_names_the_importer_and_the_file(
    tree, tmp_path, admin_user
):
    rows = [REUSED_CODE, VALID_ROW, ["B1", "CĐCS B1", "grassroots", "DB"]]

    run(write_csv(tmp_path, rows, name="ds-don-vi-2026.csv"), "--user", admin_user.username)

    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Unit))
    assert sorted(
        (e.object_id, e.user.username, e.action_flag, e.object_repr, e.change_message)
        for e in entries
    ) == sorted(
        [
            (
                str(tree["A1"].pk),
                "federation_admin",
                CHANGE,
                "CĐCS Trường Mới",
                "Sửa bằng lệnh nhập danh sách đơn vị, từ tệp ds-don-vi-2026.csv: tên “CĐCS A1” "
                "→ “CĐCS Trường Mới”; cấp trên “LĐLĐ huyện A” (DA) → “LĐLĐ huyện B” (DB), "
                f"từ ngày {timezone.localdate():%d/%m/%Y}.",
            ),
            (
                str(Unit.objects.get(code="NEW").pk),
                "federation_admin",
                ADDITION,
                "CĐCS Mới",
                "Thêm bằng lệnh nhập danh sách đơn vị, từ tệp ds-don-vi-2026.csv.",
            ),
        ]
    )  # B1, unchanged, has no entry


def test_the_units_admin_history_page_shows_who_imported(staff_client, tree, tmp_path, admin_user):
    run(write_csv(tmp_path, [REUSED_CODE], name="ds.csv"), "--user", admin_user.username)

    page = staff_client.get(reverse("admin:units_unit_history", args=[tree["A1"].pk]))

    text = page.content.decode()
    assert "federation_admin" in text
    assert "Sửa bằng lệnh nhập danh sách đơn vị, từ tệp ds.csv" in text


def test_a_dry_run_and_a_run_without_user_write_no_history(tree, tmp_path, admin_user):
    path = write_csv(tmp_path, [REUSED_CODE, VALID_ROW])

    run(path, "--dry-run", "--user", admin_user.username)
    assert not LogEntry.objects.exists()
    out = run(path)

    assert not LogEntry.objects.exists()
    assert "lần sau hãy thêm --user kèm tên đăng nhập của bạn" in out


@pytest.mark.parametrize(
    ("account", "message"),
    [
        (None, "Không có tài khoản nào có tên đăng nhập “someone”."),
        (
            {"is_staff": True, "is_active": False},
            "Tài khoản “someone” đã bị vô hiệu hóa: hãy ghi tên đăng nhập của một tài khoản "
            "quản trị đang hoạt động.",
        ),
        (
            {"is_staff": False},
            "Tài khoản “someone” không phải tài khoản quản trị: cây tổ chức do cán bộ quản trị "
            "cập nhật. Hãy ghi tên đăng nhập quản trị của bạn.",
        ),
    ],
)
def test_an_unknown_inactive_or_non_staff_importer_is_refused_before_anything_is_imported(
    tree, tmp_path, account, message
):
    if account is not None:
        UserFactory(username="someone", **account)

    with pytest.raises(CommandError) as excinfo:
        run(write_csv(tmp_path, [REUSED_CODE, VALID_ROW]), "--user", "someone")

    assert str(excinfo.value) == message
    assert not Unit.objects.filter(code="NEW").exists()
    assert not LogEntry.objects.exists()


def test_a_username_with_a_control_character_is_an_unknown_account(tree, tmp_path):
    # PostgreSQL refuses a NUL in a query: a traceback, not a message.
    with pytest.raises(CommandError, match="Không có tài khoản nào có tên đăng nhập"):
        run(write_csv(tmp_path, [VALID_ROW]), "--user", "ad\x00min")


def test_the_history_of_many_units_costs_one_query(tree, tmp_path, admin_user):
    rows = [[code, f"{name} mới", kind, parent] for code, name, kind, parent in TREE_ROWS]
    rows += [[f"N{n}", f"CĐCS N{n}", "grassroots", "DB"] for n in range(10)]
    parsed = read_rows(write_csv(tmp_path, rows))
    ContentType.objects.get_for_model(Unit)  # cached for the process, as in any real run

    def queries(**history):
        with CaptureQueriesContext(connection) as captured:
            savepoint = transaction.savepoint()
            import_units(parsed, **history)
            transaction.savepoint_rollback(savepoint)
        return [query["sql"] for query in captured.captured_queries]

    # Each run starts as the last left off: after a rolled-back savepoint (whose first write
    # moves the data version again).
    queries()
    without = queries()
    with_history = queries(user=admin_user, source="ds.csv")

    # The same import, plus one INSERT of the 18 history entries (8 changed, 10 created).
    assert len(with_history) == len(without) + 1
    [insert] = [sql for sql in with_history if "django_admin_log" in sql]
    assert insert.startswith('INSERT INTO "django_admin_log"')
    assert insert.count("CĐCS N") == 10
