"""The fold that search compares (units.folding): the SQL function portal_fold answers the same
on SQLite (a Python function registered on each connection) and on PostgreSQL (unaccent,
from migration units.0007) for Vietnamese names, and the ORM's Fold calls it."""

import pytest
from django.db import connection
from django.db.models import Value

from units.folding import Fold, fold
from units.models import Unit

# Every vowel with every tone mark, both cases, "đ"/"Đ", and names as the federation writes them.
FOLDED = {
    "Châu Thành": "chau thanh",
    "LĐLĐ tỉnh Bến Tre": "ldld tinh ben tre",
    "CĐCS Trường THPT Đồng Khởi": "cdcs truong thpt dong khoi",
    "Công đoàn xã Tân Thạch": "cong doan xa tan thach",
    "Mỏ Cày Nam": "mo cay nam",
    "Ba Tri": "ba tri",
    "Giồng Trôm": "giong trom",
    "Thạnh Phú": "thanh phu",
    "Chợ Lách": "cho lach",
    "Vĩnh Long": "vinh long",
    "Trà Vinh": "tra vinh",
    "CĐ ngành Y tế": "cd nganh y te",
    "Điện lực Bến Tre": "dien luc ben tre",
    "ĐẮK LẮK": "dak lak",
    "Thừa Thiên Huế": "thua thien hue",
    "Bà Rịa – Vũng Tàu": "ba ria - vung tau",
    "Ban Chính sách — Pháp luật “CSPL”…": 'ban chinh sach - phap luat "cspl"...',
    "12/KH-LĐLĐ": "12/kh-ldld",
    "àáảãạ ăằắẳẵặ âầấẩẫậ": "aaaaa aaaaaa aaaaaa",
    "ÈÉẺẼẸ ÊỀẾỂỄỆ": "eeeee eeeeee",
    "ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ": "iiiii ooooo oooooo oooooo",
    "ÙÚỦŨỤ ƯỪỨỬỮỰ ỳýỷỹỵ": "uuuuu uuuuuu yyyyy",
    # Typed with the marks as separate characters (NFD), as some keyboards send them.
    "Cha\u0302u Tha\u0300nh": "chau thanh",
    "": "",
}


def test_the_python_fold_gives_the_expected_text():
    assert {name: fold(name) for name in FOLDED} == FOLDED
    assert fold(None) is None


def test_the_database_function_gives_the_same_text(db):
    """Run on both backends (the PostgreSQL run of the suite checks unaccent)."""
    with connection.cursor() as cursor:
        folded = {}
        for name in FOLDED:
            cursor.execute("SELECT portal_fold(%s)", [name])
            folded[name] = cursor.fetchone()[0]
        cursor.execute("SELECT portal_fold(NULL)")
        assert cursor.fetchone()[0] is None
    assert folded == FOLDED


def test_the_orm_expression_folds_columns_and_values(tree):
    Unit.objects.filter(code="A1").update(name="CĐCS Trường Đồng Khởi", short_name="Đồng Khởi")
    row = (
        Unit.objects.filter(code="A1")
        .annotate(name_folded=Fold("name"), short_folded=Fold("short_name"))
        .values("name_folded", "short_folded")
        .get()
    )
    assert row == {"name_folded": "cdcs truong dong khoi", "short_folded": "dong khoi"}
    assert Unit.objects.filter(code="A1").annotate(v=Fold(Value("ĐỒNG"))).get().v == "dong"


@pytest.mark.postgres
def test_the_postgresql_function_is_immutable_so_an_index_may_use_it(require_postgres, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'portal_fold'")
        assert cursor.fetchall() == [("i",)]
        cursor.execute(
            "SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm') "
            "ORDER BY extname"
        )
        assert cursor.fetchall() == [("pg_trgm",), ("unaccent",)]
