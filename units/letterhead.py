"""A unit's letterhead on a day: the names its documents of that day print in their header.

Decree 30/2020/NĐ-CP (Appendix I), as the trade union applies it (Decision 933/QĐ-TLĐ),
heads a document with the issuing body under the name of the body it belongs to, and dates
it at a place. Units are renamed, moved and merged; a document keeps the names of its date
(README.md, "The tree over time"), read from the tree's history (`UnitState`). Campaign
documents (a unit's plan, its annual report, a reminder letter) use this; the summary
reports' fuller letterhead (reports.parties) starts from the same names.

This is document text in Vietnamese whatever the interface language, like the national
name; it is not translated.
"""

import datetime
import re
from dataclasses import dataclass

from units.models import Unit, UnitState

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# A provincial federation is directly under the Confederation (the union's statute); the
# tree holds no unit above the provinces.
CONFEDERATION = "Tổng LĐLĐ Việt Nam"

# Where a name in the header may break: before the word that starts its place or sector
# ("LIÊN ĐOÀN LAO ĐỘNG | HUYỆN CHÂU THÀNH"), after "CÔNG ĐOÀN CƠ SỞ" and after a dash.
# Nowhere else: "HUYỆN CHÂU / THÀNH" would split the place's name.
HEADER_GROUP_CHARS = 30  # capitals of 12 pt on the left column's 71 mm
HEADER_BREAK = re.compile(
    r"\s+(?=(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|NGÀNH|CÁC|VIỆT NAM)\b)"
    # After "CÔNG ĐOÀN CƠ SỞ" (a grassroots union), one term: not before any "CƠ SỞ", which
    # split it and "TRUNG HỌC CƠ SỞ" alike.
    r"|(?<=CÔNG ĐOÀN CƠ SỞ)\s+"
    r"|(?<=[–-])\s+"
)

# The word before a place name in a unit's name, longest first.
PLACE_WORDS = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã")
PLACE = re.compile(r"\b(?:" + "|".join(PLACE_WORDS) + r")\s+(.+)$", re.IGNORECASE)


def names_on(unit: Unit, day: datetime.date) -> tuple[UnitState | None, UnitState | None]:
    """The unit's and its parent's states on `day` (None where there is none: a unit not
    opened yet, or a unit at the top). One query, two with a parent."""
    state = UnitState.objects.placed_on(day).filter(unit=unit).first()
    if state is None:
        return None, None
    parent = None
    if state.parent_id:
        parent = UnitState.objects.placed_on(day).filter(unit_id=state.parent_id).first()
    return state, parent


def place_of(name: str) -> str:
    """ "Liên đoàn Lao động huyện Châu Thành" → "Châu Thành"; "" when the name has no place.

    A place is the words after a place word that a capital (or a number: "quận 1")
    follows, up to the next such place word: "Trường Tiểu học xã Phú Túc huyện Châu Thành"
    is at Phú Túc. In "Bảo hiểm xã hội tỉnh Bến Tre" the words "xã hội" are no place, nor
    "Tỉnh ủy" in "Văn phòng Tỉnh ủy Bến Tre", which has none (its parent's is used). A name
    written all in lower case falls back to what follows its first place word."""
    words = name.split()
    starts = _place_starts(words)
    if starts:
        (start, _word_at), *rest = starts
        end = rest[0][1] if rest else len(words)
        return " ".join(words[start:end])
    if any(character.isupper() for character in name):
        return ""
    match = PLACE.search(" ".join(words))
    return match.group(1) if match else ""


def _place_starts(words: list[str]) -> list[tuple[int, int]]:
    """(where a place begins, where its place word stands) for each place word of `words`
    that a capital or a number follows."""
    lowered = [word.lower() for word in words]
    found = []
    for index in range(len(words)):
        for place_word in PLACE_WORDS:
            parts = place_word.split()
            after = index + len(parts)
            if lowered[index:after] == parts and after < len(words):
                first = words[after][:1]
                if first.isupper() or first.isdigit():
                    found.append((after, index))
                break
    return found


@dataclass(frozen=True)
class Letterhead:
    parent_body: str  # by its short name: "LĐLĐ tỉnh Vĩnh Long"; "" at the top of the tree
    issuing_body: str
    short_name: str
    place: str
    code: str  # the number's code after "CV-": "LĐLĐ"
    kind: str

    def date_line(self, day: datetime.date) -> str:
        return date_line(self.place, day)


def letterhead(unit: Unit, day: datetime.date) -> Letterhead:
    """What a document of `unit` dated `day` prints in its header: the parent body (the unit
    above, by its short name; the Confederation above a province), the issuing body (the
    unit's name that day) and the place (from its name, else from its parent's). Today's
    names where the history has none for that day. One or two queries."""
    state, parent = names_on(unit, day)
    name = state.name if state else unit.name
    short = (state.short_name if state else unit.short_name) or name
    kind = state.kind if state else unit.kind
    if parent is not None:
        # The parent body is usually abbreviated: it must fit on one line of the column.
        above = parent.short_name or parent.name
    else:
        above = CONFEDERATION if kind == Unit.Kind.PROVINCE else ""
    first = short.split()[0] if short.split() else ""
    return Letterhead(
        parent_body=above,
        issuing_body=name,
        short_name=short,
        place=place_of(name) or (place_of(parent.name) if parent else ""),
        code=first if first.isupper() else "",
        kind=kind,
    )


def date_line(place: str, day: datetime.date) -> str:
    """ "Bến Tre, ngày 05 tháng 01 năm 2026": Decree 30 writes a day below 10 and a month
    below 3 with a leading zero. Without a place, the date alone."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def header_groups(name: str) -> list[dict]:
    """A name of the header in capitals, as the groups of words a line may not split
    ("LIÊN ĐOÀN LAO ĐỘNG", "HUYỆN CHÂU THÀNH"): the template keeps each group on one line
    ("whole"), unless it is longer than a line of the column, which then wraps as text."""
    text = " ".join(name.split()).upper()
    return [
        {"text": group, "whole": len(group) <= HEADER_GROUP_CHARS}
        for group in HEADER_BREAK.split(text)
        if group
    ]
