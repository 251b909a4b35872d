"""Text folded for searching: lower case, without accents, "đ" read as "d".

Vietnamese users type names without their diacritics ("chau thanh" for "Châu Thành"), so a
search compares both sides folded. One SQL function, `portal_fold(text)`, does it in the
database, so that a query filters (and, on PostgreSQL, uses an index) on the same expression
the index was built on:

- on PostgreSQL it is an IMMUTABLE SQL function over the `unaccent` extension, created by
  migration units.0007 together with the trigram (pg_trgm) indexes on folded names;
- on SQLite (the embedded default) it is `fold` below, registered on every new connection
  (`register_on_sqlite`, connected in units.apps).

The two agree on Vietnamese text (tests/units/test_fold.py): unaccent strips the tone and
vowel marks and maps "đ"/"Đ" to "d"/"D", as `fold` does.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

FUNCTION = "portal_fold"

# Letters with a stroke are not decomposed by Unicode: "đ" has no combining mark to drop.
# "Ð" (the Icelandic eth) looks the same as "Đ" and unaccent maps it to "D" too. unaccent
# also writes typographic dashes, quotes and the ellipsis, common in office documents ("Ban
# Chính sách – Pháp luật"), as plain ASCII: so does this, for the same answer on SQLite.
_PLAIN = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "Ð": "D",
        **dict.fromkeys("‐‑‒–—―", "-"),
        **dict.fromkeys("‘’‛", "'"),
        **dict.fromkeys("“”‟", '"'),
        "‚": ",",
        "„": ",,",
        "…": "...",
        "«": "<<",
        "»": ">>",
    }
)


def fold(text: str | None) -> str | None:
    """`text` in lower case without diacritics ("Đồng Khởi" → "dong khoi"); NULL in, NULL
    out, as the PostgreSQL function (STRICT) answers."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", str(text).translate(_PLAIN))
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return unicodedata.normalize("NFC", bare).lower()


class Fold(Func):
    """`portal_fold(expression)`: the folded text in SQL, on PostgreSQL and SQLite alike."""

    function = FUNCTION
    output_field = TextField()


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection the `portal_fold` function (PostgreSQL has it from the
    migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)


def connect() -> None:
    connection_created.connect(register_on_sqlite, dispatch_uid="units.folding")
