"""Who issues a summary document, to whom, and who signs it: from the issuing unit's data.

The seed plan (section III.3 and its closing paragraph) has two documents: the CSPL
board reports to the Standing Committee, and the Standing Committee reports on to the
bodies above. `parties(unit, kind, day)` gives what each prints in its header, addressee,
signature and "Nơi nhận", for a unit on the document's date:

- names come from the tree's history on that day (`units.letterhead`, which the
  campaign's documents use too): the issuing body is the unit (or its board, under the
  unit), the parent body the unit above it, the place the place in the unit's name;
- the rest comes from the unit's letterhead for that kind (`DocumentProfile`), kept in
  the admin and remembered from the last document issued (`remember`);
- where neither says, a default follows the union's usual practice for the unit's kind.

The defaults and the words below are document text in Vietnamese, whatever the interface
language, as the national name in `reports.pdf` is.
"""

import datetime
import re

from reports.models import DocumentProfile, SummaryReport
from units.letterhead import CONFEDERATION, names_on, place_of
from units.models import Unit

Kind = SummaryReport.Kind

# The party fields a summary prints, as `parties` returns them.
PARTY_FIELDS = [
    "parent_body",
    "issuing_body",
    "place",
    "number_code",
    "addressee",
    "signer_block",
    "signer_title",
    "signer_name",
    "recipients",
]

# The board that follows the campaign (seed III.3), for a provincial federation's letterhead
# before one is kept.
DEFAULT_BOARD = "Ban Chính sách – Pháp luật"
REPORTING = " (để báo cáo)"


def initials(name: str) -> str:
    """ "Ban Chính sách – Pháp luật" → "CSPL": the capitals of the words after "Ban"."""
    words = [word for word in re.split(r"[\s–\-]+", name) if word]
    if words and words[0].lower() == "ban":
        words = words[1:]
    return "".join(word[0].upper() for word in words if word[0].isalpha())


def party_committee(state) -> str:
    """The Party committee at the unit's level, by its kind and name: "Tỉnh ủy"…"""
    name = state.name.lower()
    if state.kind == Unit.Kind.PROVINCE:
        return "Tỉnh ủy"
    if state.kind == Unit.Kind.DISTRICT:
        if "thành phố" in name:
            return "Thành ủy"
        return "Thị ủy" if "thị xã" in name else "Huyện ủy"
    if state.kind == Unit.Kind.COMMUNE:
        return "Đảng ủy phường" if "phường" in name else "Đảng ủy xã"
    return ""


def defaults(unit: Unit, kind: str, day: datetime.date) -> dict:
    """The parties of `unit`'s document of `kind` on `day` before any letterhead is kept:
    names from the tree's history, the rest by the usual practice. One or two queries."""
    state, parent = names_on(unit, day)
    name = state.name if state else unit.name
    short = (state.short_name if state else unit.short_name) or name
    level_kind = state.kind if state else unit.kind
    place = place_of(name) or (place_of(parent.name) if parent else "")
    if kind == Kind.BOARD:
        board = DEFAULT_BOARD if level_kind == Unit.Kind.PROVINCE else ""
        letters = initials(board)
        return {
            "body_name": board,
            "parent_body": short,
            "issuing_body": board,
            "place": place,
            "number_code": f"BC-{letters}" if letters else "",
            "addressee": f"Kính gửi: Ban Thường vụ {short}",
            "signer_block": "",
            "signer_title": "Trưởng ban",
            "signer_name": "",
            "recipients": "\n".join(
                [
                    "Như trên;",
                    f"Thường trực {short};",
                    f"Lưu: VT, Ban {letters}." if letters else "Lưu: VT.",
                ]
            ),
        }
    if parent is not None:
        above = parent.short_name or parent.name
    else:
        above = CONFEDERATION if level_kind == Unit.Kind.PROVINCE else ""
    committee = party_committee(state or unit)
    recipients = [f"{above}{REPORTING};"] if above else []
    if committee:
        recipients += [
            f"Thường trực {committee}{REPORTING};",
            f"Ban Dân vận {committee}{REPORTING};",
        ]
    recipients += [f"Thường trực {short};"]
    if level_kind == Unit.Kind.PROVINCE:
        recipients += [f"Các ban {short};", f"Lưu: VT, Ban {initials(DEFAULT_BOARD)}."]
    else:
        recipients += ["Lưu: VT."]
    code = short.split()[0] if short.split() and short.split()[0].isupper() else ""
    return {
        "body_name": "",
        "parent_body": above,
        "issuing_body": name,
        "place": place,
        "number_code": f"BC-{code}" if code else "",
        "addressee": "",
        "signer_block": "TM. Ban Thường vụ",
        "signer_title": "Phó Chủ tịch",
        "signer_name": "",
        "recipients": "\n".join(recipients),
    }


def parties(unit: Unit, kind: str, day: datetime.date) -> dict:
    """What `unit`'s document of `kind` dated `day` prints of its parties, by PARTY_FIELDS:
    its letterhead's where it has one, else the defaults. Two or three queries."""
    values = defaults(unit, kind, day)
    profile = DocumentProfile.objects.filter(unit=unit, kind=kind).first()
    if profile is None:
        return {name: values[name] for name in PARTY_FIELDS}
    for name in PARTY_FIELDS:
        kept = getattr(profile, name, "")
        if name == "issuing_body":
            kept = profile.body_name
        if kept.strip():
            values[name] = kept
    return {name: values[name] for name in PARTY_FIELDS}


def remember(summary: SummaryReport) -> DocumentProfile:
    """Keep the parties of the issued `summary` as its unit's letterhead for its kind, so
    that the next document starts from them. What equals the default of the document's date
    is kept blank, so that a later renaming in the tree still shows. Three or four
    queries."""
    derived = defaults(summary.unit, summary.kind, summary.dated_on)
    values = {}
    for name in PARTY_FIELDS:
        value = getattr(summary, name)
        target = "body_name" if name == "issuing_body" else name
        if summary.kind == Kind.COMMITTEE and name == "issuing_body":
            value = ""  # the unit itself issues it: its name comes from the tree
        derivable = ("parent_body", "place", "addressee", "recipients", "issuing_body")
        if name in derivable and value == derived[name]:
            value = ""
        values[target] = value
    profile, _created = DocumentProfile.objects.update_or_create(
        unit=summary.unit, kind=summary.kind, defaults=values
    )
    return profile


def refresh(summary: SummaryReport, old_day: datetime.date) -> list[str]:
    """After the document's date changed from `old_day`: the party fields the author left
    as they were prefilled for `old_day` take their value for the new date (a name changed
    by a reorganisation between the two). Returns the fields changed."""
    before = parties(summary.unit, summary.kind, old_day)
    after = parties(summary.unit, summary.kind, summary.dated_on)
    changed = []
    for name in PARTY_FIELDS:
        if getattr(summary, name) == before[name] and before[name] != after[name]:
            setattr(summary, name, after[name])
            changed.append(name)
    return changed
