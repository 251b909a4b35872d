"""Names in Vietnamese alphabetical order, the same on PostgreSQL and SQLite.

Code-point order, which both databases use by default (PostgreSQL's C.UTF-8, SQLite's
BINARY), puts every letter with a diacritic after "z": "Ấp Bắc" and "Đồng Khởi" came
after "Xã Z". Vietnamese order compares names by the letters of the Vietnamese alphabet
first (a ă â b c d đ e ê … o ô ơ … u ư …: "Đ" after every "D"), ignoring tones and case;
then by tone, in the dictionaries' order (none, huyền, hỏi, ngã, sắc, nặng); then lower
case before upper. A space comes before any letter ("An Bình" before "Anh").

One collation, `portal_vi`, does it in the database, so that a query sorts (and pages) on
it like any column:

- on PostgreSQL it is ICU's Vietnamese collation, created by migration units.0010;
- on SQLite (the embedded default) it compares `sort_key` below, registered on every new
  connection (`register_on_sqlite`, connected in units.apps).

The two agree on Vietnamese names (tests/units/test_collation.py), as units.folding's
two halves do.
"""

import functools
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models.functions import Collate

COLLATION = "portal_vi"

# The alphabet, with the Latin letters it does not use where ICU puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# A base letter and the mark that makes it another letter of the alphabet.
LETTERS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# The tones, in the order they sort: none (0), huyền, hỏi, ngã, sắc, nặng.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Before the digits, as ICU has them: white space, then punctuation and symbols in its order.
PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
DIGITS = 0x100
LETTER = 0x200
OTHER = 0x1000


def _primary(char: str) -> int:
    letter = ALPHABET.find(char)
    if letter >= 0:
        return LETTER + letter
    if char.isdigit():
        return DIGITS + unicodedata.digit(char, 0)
    if char.isspace():
        return 0
    mark = PUNCTUATION.find(char)
    if mark >= 0:
        return 1 + mark
    return OTHER + ord(char)


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> tuple:
    """A key that sorts `text` in Vietnamese order (the module's docstring says which):
    the letters, then the tones, then the case, each compared left to right."""
    letters, tones, cases = [], [], []
    for char in unicodedata.normalize("NFD", text):
        if not unicodedata.combining(char):
            lower = char.lower()
            lower = lower if len(lower) == 1 else char  # "İ" lowers to two characters
            letters.append(lower)
            tones.append(0)
            cases.append(int(char != lower))
        elif letters and char in TONES:
            tones[-1] = TONES[char]
        elif letters:
            letters[-1] = LETTERS.get((letters[-1], char), letters[-1])
    return (tuple(_primary(letter) for letter in letters), tuple(tones), tuple(cases))


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` sorts before, with or after `right`; names equal in Vietnamese
    order fall back on code points, as PostgreSQL's deterministic collations do."""
    first, second = (sort_key(left), left), (sort_key(right), right)
    return (first > second) - (first < second)


def vietnamese(field: str) -> Collate:
    """`field` in Vietnamese order, for `order_by`: `order_by(vietnamese("name"), "path")`."""
    return Collate(field, COLLATION)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection the `portal_vi` collation (PostgreSQL has it from the
    migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)


def connect() -> None:
    connection_created.connect(register_on_sqlite, dispatch_uid="units.collation")
