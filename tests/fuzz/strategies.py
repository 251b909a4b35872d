"""Hostile input for the portal's forms: what a browser, a script or a paste can send.

Every strategy draws strings, because that is all an HTML form ever posts. Surrogates are
left out: a browser cannot encode them in UTF-8, so they never reach the server.
"""

import datetime
import unicodedata

from hypothesis import strategies as st

# Vietnamese as people type it, composed (NFC): these become NFD below.
VIETNAMESE = [
    "Liên đoàn Lao động tỉnh Bến Tre",
    "Công đoàn cơ sở UBND xã Tân Thạch",
    "Tuyên truyền cải cách hành chính đến đoàn viên, người lao động",
    "Hội nghị quán triệt Nghị quyết; tọa đàm, hội thi tìm hiểu",
    "Chủ tịch Ban Chấp hành Công đoàn",
    "Ưu tiên đổi mới, nâng cao chất lượng phục vụ",
    "Được, Đặng Thị Ngọc Hương, Nguyễn Văn Ước",
]

# Text that a Vietnamese user would accept as normal input.
plain_vietnamese = st.sampled_from(VIETNAMESE)

# The same text decomposed: macOS file names, some PDF copy-pastes and old input methods
# send each tone mark as a separate combining character.
nfd_vietnamese = st.sampled_from(VIETNAMESE).map(lambda text: unicodedata.normalize("NFD", text))

# Any character but surrogates: combining marks, right-to-left scripts, emoji, private use,
# noncharacters, format characters (zero-width joiners, bidi overrides) and control codes.
any_character = st.characters(exclude_categories=("Cs",))
arbitrary_text = st.text(any_character, max_size=60)

# Strings that are hard for the layers behind a form: escapes, markup, SQL, bidi overrides.
NASTY = [
    "\u202eTrái sang phải\u202c",  # right-to-left override
    "مرحبا بالعالم",  # Arabic
    "שלום עולם",  # Hebrew
    "👨‍👩‍👧‍👦🇻🇳✊🏽",  # emoji sequences, flags, skin tones
    "a\u0300\u0301\u0302\u0303\u0309\u0323" * 3,  # stacked combining marks
    "Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢L̠ͨͧͩ͘G̴̻͈͍͔̹̑͗̎̅͛́Ǫ̵̹̻̝̳͂̌̌͘",
    "<script>alert(1)</script>",
    "'; DROP TABLE units_unit; --",
    "{{ request }} {% debug %} %(name)s %s {0}",
    "\ufeffBOM",
    "\u200b\u200c\u200d\u2060",
    "\ufffe\uffff",
    "\U0010fffd",
    "NaN",
    "None",
    "null",
    "undefined",
    "-0",
    "1e309",
]
nasty_text = st.sampled_from(NASTY)

# C0 and C1 control characters, NUL among them, alone or inside normal words.
control_character = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.characters(
    min_codepoint=0x7F, max_codepoint=0x9F
)
with_controls = st.builds(
    lambda before, control, after: before + control + after,
    plain_vietnamese,
    st.text(control_character, min_size=1, max_size=3),
    plain_vietnamese,
)

# Nothing a person would call text: spaces, tabs, line breaks, no-break and ideographic
# spaces, zero-width space.
whitespace_only = st.lists(
    st.sampled_from([" ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u200b"]),
    min_size=1,
    max_size=8,
).map("".join)


def huge(limit):
    """Strings just over `limit` characters and far beyond it (100,000)."""
    sizes = st.sampled_from(sorted({limit, limit + 1, limit + 7, 100_000}))
    pieces = st.sampled_from(["a", "ạ", "ệ", "😀", "a\u0323", "\u0301", " x"])
    return st.builds(lambda piece, size: (piece * size)[: max(size, 1)], pieces, sizes)


def hostile_text(limit=255):
    """Any of the above, for a text field whose limit is `limit` characters."""
    return st.one_of(
        plain_vietnamese,
        nfd_vietnamese,
        arbitrary_text,
        nasty_text,
        with_controls,
        whitespace_only,
        huge(limit),
        st.just(""),
    )


# --- numbers ----------------------------------------------------------------------------------
NUMBER_EDGES = [
    "0",
    "-1",
    "-0",
    "1",
    "4",
    "5",
    "40",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999",
    "1.5",
    "1,5",
    "1.234",
    "1.234.567",
    "10.000.001",
    "1 234",
    "12\u00a0345",
    "٣",
    "１２",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x10",
    "1_000",
    "+5",
    "",
    " ",
    "abc",
    "Ⅻ",
    "١٢٣",
]


def hostile_number():
    """A number as a form posts it: edges, any size of integer, decimals, or any text."""
    return st.one_of(
        st.sampled_from(NUMBER_EDGES),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        arbitrary_text,
    )


# --- dates ------------------------------------------------------------------------------------
DATE_EDGES = [
    "0000-00-00",
    "00/00/0000",
    "31/02/2025",
    "29/02/2023",
    "29/02/2024",
    "31/12/9999",
    "9999-12-31",
    "01/01/0001",
    "0001-01-01",
    "10000-01-01",
    "01/01/10000",
    "1/1/1",
    "2025-13-01",
    "32/01/2025",
    "2025/01/01",
    "01-01-2025",
    "yesterday",
    "",
    " ",
    "01/07/2015",
    "2015-07-01",
    "１５/０７/２０１５",
]


def hostile_date():
    """A date as a form posts it: edges, any real date in either format, or any text."""
    real = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
    return st.one_of(
        st.sampled_from(DATE_EDGES),
        real.map(lambda day: day.strftime("%d/%m/%Y")),
        real.map(lambda day: day.isoformat()),
        arbitrary_text,
    )


def hostile_choice(valid):
    """A choice or key as a form posts it: one of `valid`, or anything else."""
    return st.one_of(
        st.sampled_from(list(valid)) if valid else st.nothing(),
        st.sampled_from(NUMBER_EDGES),
        arbitrary_text,
    )
