"""The letterhead of a unit's own letters (công văn), from the tree as it stood on the
letter's date, laid out as Decree 30/2020/NĐ-CP (Appendix I) and Decision 933/QĐ-TLĐ ask:
the issuing body under its parent body, the place and date, the number's code.

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

# The word before a place name in a unit's name, longest first.
PLACE_WORDS = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã")
PLACE = re.compile(r"\b(?:" + "|".join(PLACE_WORDS) + r")\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Letterhead:
    parent_body: str  # short: "LĐLĐ tỉnh Vĩnh Long"; "" at the top of a non-province tree
    issuing_body: str
    short_name: str
    place: str
    code: str  # after "CV-" in the number: "LĐLĐ"
    kind: str

    def date_line(self, day: datetime.date) -> str:
        return date_line(self.place, day)


def letterhead(unit: Unit, day: datetime.date) -> Letterhead:
    """`unit`'s letterhead on `day`: its name then, and its parent's. Two queries."""
    state = UnitState.objects.placed_on(day).filter(unit=unit).first()
    parent = None
    if state is not None and state.parent_id:
        parent = UnitState.objects.placed_on(day).filter(unit_id=state.parent_id).first()
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


def place_of(name: str) -> str:
    """ "Liên đoàn Lao động huyện Châu Thành" → "Châu Thành"; "" when the name has no place."""
    match = PLACE.search(" ".join(name.split()))
    return match.group(1) if match else ""


def date_line(place: str, day: datetime.date) -> str:
    """ "Vĩnh Long, ngày 05 tháng 01 năm 2026": Decree 30 writes a day below 10 and a month
    below 3 with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    prefix = f"{place}, " if place else ""
    return f"{prefix}ngày {day.day:02d} tháng {month} năm {day.year}"
