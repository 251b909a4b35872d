"""Vietnamese alphabetical order (units.collation): the collation portal_vi sorts the same on
SQLite (a Python comparison registered on each connection) and on PostgreSQL (ICU's, from
migration units.0010), and the Python key agrees with both."""

from units.collation import sort_key, vietnamese
from units.models import Unit

# In Vietnamese order: the letters first (a < ă < â, every "D" before "Đ", o < ô < ơ), a
# space before any letter; then, between names of the same letters, the tone (none, huyền,
# hỏi, ngã, sắc, nặng); then lower case before upper.
IN_ORDER = [
    "an",
    "An",
    "An Bình",
    "Anh",
    "Ăn",
    "Ấp Bắc",
    "Ba Tri",
    "Da",
    "Dà",
    "Dả",
    "Dã",
    "Dá",
    "Dạ",
    "Dung",
    "Dũng",
    "Đa",
    "Đà",
    "Đồng Khởi",
    "O Môn",
    "Ô Môn",
    "Ơ",
    "Xã Z",
    "Zô",
]


def test_the_python_key_sorts_in_vietnamese_order():
    # Code-point order, what both databases used, put "Đa" and "Ấp Bắc" after "Zô".
    by_code_point = sorted(IN_ORDER)
    assert by_code_point[-1] == "Ấp Bắc"
    assert sorted(by_code_point, key=sort_key) == IN_ORDER
    # Typed with the marks as separate characters (NFD), as some keyboards send them.
    assert sort_key("Đo\u0302\u0300ng Kho\u031b\u0309i") == sort_key("Đồng Khởi")


def test_the_database_sorts_names_in_the_same_order(tree, unit_factory):
    """Run on both backends (the PostgreSQL run of the suite checks ICU's collation)."""
    for name in reversed(IN_ORDER):
        unit_factory.create(parent=Unit.objects.get(pk=tree["DA"].pk), name=name)
    found = Unit.objects.filter(name__in=IN_ORDER).order_by(vietnamese("name"), "path")
    assert list(found.values_list("name", flat=True)) == IN_ORDER
