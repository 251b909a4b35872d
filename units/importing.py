"""Import the federation tree from a spreadsheet (.csv or .xlsx).

`read_rows` turns a file into plain dicts; `import_units` validates every row against the file
and the existing tree, then applies all of them in one transaction or none at all.

A row has the canonical keys below (plus `line`, its 1-based row number in the file, the header
being line 1). Optional columns missing from the file's header are missing from the row too and
leave the existing value alone; an optional column that is present but empty clears the value.
"""

import collections
import copy
import csv
import datetime
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow

from units.dataversion import bump_data_version
from units.forms import (
    CONTROL_CHARACTER,
    EARLIEST_DATE,
    LATEST_DATE,
    OPERATION_NEEDS,
    ZERO_WIDTH_CHARACTER,
    clean_text,
    code_case_refusal,
    code_refusal,
    decision_date_refusal,
    words_before,
)
from units.models import (
    BEGINNING,
    Operation,
    Reorganisation,
    Unit,
    UnitState,
    User,
    _era_values,
    _first_eras,
)
from units.reorganisations import (
    ReorganisationError,
    placement_refusal,
    reorganisation_preview,
    standing_refusal,
)

REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
OPTIONAL_COLUMNS = ("short_name", "opened_on", "closed_on")
DATE_COLUMNS = ("opened_on", "closed_on")
TEXT_LIMITS = {"code": 30, "name": 255, "short_name": 100}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
_LINE_BREAKS = re.compile(r"\s*[\t\n\r\u2028\u2029\x85]+\s*")

HEADER_ALIASES = {
    "code": ("code", "mã", "mã đơn vị"),
    "name": ("name", "tên", "tên đơn vị"),
    "kind": ("kind", "loại", "loại đơn vị"),
    "parent_code": (
        "parent_code",
        "parent code",
        "parent unit code",
        "parent",
        "mã cấp trên",
        "mã đơn vị cấp trên",
    ),
    "short_name": ("short_name", "short name", "tên viết tắt"),
    "opened_on": ("opened_on", "opened on", "opening date", "ngày thành lập"),
    "closed_on": (
        "closed_on",
        "closed on",
        "closing date",
        "ngày giải thể",
        "ngày ngừng hoạt động",
    ),
}

# Abbreviations and full names used in the federation's own lists, besides the stored values
# and the English and Vietnamese labels of Unit.Kind.
KIND_ALIASES = {
    "LĐLĐ tỉnh": Unit.Kind.PROVINCE,
    "Liên đoàn Lao động tỉnh": Unit.Kind.PROVINCE,
    "LĐLĐ huyện": Unit.Kind.DISTRICT,
    "LĐLĐ huyện, thành phố": Unit.Kind.DISTRICT,
    "LĐLĐ thành phố": Unit.Kind.DISTRICT,
    "Liên đoàn Lao động huyện": Unit.Kind.DISTRICT,
    "CĐ ngành": Unit.Kind.SECTOR,
    "Công đoàn ngành": Unit.Kind.SECTOR,
    "CĐ Viên chức": Unit.Kind.CIVIL_SERVANTS,
    "Công đoàn Viên chức": Unit.Kind.CIVIL_SERVANTS,
    "CĐ các KCN": Unit.Kind.INDUSTRIAL_ZONE,
    "CĐ KCN": Unit.Kind.INDUSTRIAL_ZONE,
    "Công đoàn các Khu công nghiệp": Unit.Kind.INDUSTRIAL_ZONE,
    "Công đoàn xã": Unit.Kind.COMMUNE,
    "Công đoàn phường": Unit.Kind.COMMUNE,
    "Công đoàn xã, phường": Unit.Kind.COMMUNE,
    "CĐ xã": Unit.Kind.COMMUNE,
    "CĐ phường": Unit.Kind.COMMUNE,
    "CĐCS": Unit.Kind.GRASSROOTS,
    "Công đoàn cơ sở": Unit.Kind.GRASSROOTS,
}


# How a message names a column: in words, then the canonical header the file may use.
COLUMN_LABELS = {
    "code": gettext_lazy("code"),
    "name": gettext_lazy("name"),
    "kind": gettext_lazy("kind"),
    "parent_code": gettext_lazy("parent unit code"),
    "short_name": gettext_lazy("short name"),
    "opened_on": gettext_lazy("opening date"),
    "closed_on": gettext_lazy("closing date"),
    "decision": gettext_lazy("decision number"),
    "effective_on": gettext_lazy("effective date"),
    "decided_on": gettext_lazy("decision date"),
    "signer": gettext_lazy("signer"),
    "action": gettext_lazy("operation"),
    "unit_code": gettext_lazy("unit code"),
    "target_code": gettext_lazy("parent or successor code"),
    "move_children": gettext_lazy("move the units below"),
    "move_members": gettext_lazy("move the people's roles"),
    "children_codes": gettext_lazy("codes of the units below"),
}


def column(key: str, labels: dict | None = None) -> str:
    """A column as messages name it: "effective date (effective_on)". Each label (in either
    language) is also a header the file's reader takes, so that a column named as a
    message names it is read."""
    label = (labels or COLUMN_LABELS).get(key)
    return f"{label} ({key})" if label else key


class UnitImportError(Exception):
    """Rows that cannot be imported: `errors` is a list of (line number, message).

    Line 0 means the whole file (for instance an unsupported file type).
    """

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__("; ".join(f"{line}: {message}" for line, message in self.errors))


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else _("(none)")


@dataclass
class UnitChange:
    """A unit already in the tree that a row of the file renames, moves or otherwise changes:
    a reused code changes that unit, which the counts alone do not show."""

    line: int
    pk: int
    code: str
    name: str  # as the tree had it before the import
    # Field name -> (before, after), for the fields the row changes.
    fields: dict = field(default_factory=dict)
    # (before, after) as "name (code)", or None: not moved.
    parent: tuple[str, str] | None = None
    moved_on: datetime.date | None = None  # the day the move takes effect in its history

    def describe(self) -> str:
        """What changes, in the active language: "name “A” → “B”; parent … → …, from …"."""
        parts = []
        for key, (before, after) in self.fields.items():
            if key in ("name", "short_name"):
                before, after = f"“{before}”", f"“{after}”"
            elif key == "kind":
                before, after = Unit.Kind(before).label, Unit.Kind(after).label
            else:
                before, after = _day(before), _day(after)
            parts.append(
                _("%(column)s %(before)s → %(after)s")
                % {"column": COLUMN_LABELS[key], "before": before, "after": after}
            )
        if self.parent:
            parts.append(
                _("parent %(before)s → %(after)s, from %(date)s")
                % {
                    "before": self.parent[0],
                    "after": self.parent[1],
                    "date": _day(self.moved_on),
                }
            )
        return "; ".join(parts)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    # Of the updated, those whose names were corrected in their history: a note beside the
    # counts, left out of comparing results.
    names_corrected: int = field(default=0, compare=False)
    # Of the created, those given no opening date that open on the day of the import.
    opened_today: int = field(default=0, compare=False)
    # The units updated or moved, in the file's order, and the units created.
    changes: list[UnitChange] = field(default_factory=list, compare=False)
    created_units: list[Unit] = field(default_factory=list, compare=False, repr=False)


def _normalise(text):
    """NFC, casefolded, with runs of whitespace collapsed, for comparing labels."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip()


_HEADERS = {_normalise(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}


# --- Reading files ------------------------------------------------------------------------------


def read_rows(
    path: str | Path,
    headers: dict[str, str] | None = None,
    required: tuple[str, ...] = REQUIRED_COLUMNS,
) -> list[dict]:
    """The data rows of a .csv or .xlsx file as dicts with canonical keys and `line`.

    `headers` maps normalised header labels to keys (the units' columns by default) and
    `required` lists the keys the header row must have.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not suffix:
        # As a phone may name a download: "Unsupported file type “”" said nothing.
        message = _(
            "The file's name has no extension: save it as a .csv or .xlsx file, then try again."
        )
        raise UnitImportError([(0, message)])
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise UnitImportError(
            [(0, _("Unsupported file type “%(suffix)s”; use .csv or .xlsx.") % {"suffix": suffix})]
        )
    try:
        records = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except UnitImportError:
        raise
    except OSError as error:  # a folder, a path that does not exist, no right to read it
        # The system's own reason is in English ("No such file or directory").
        if isinstance(error, FileNotFoundError):
            reason = _("there is no file by that name")
        elif isinstance(error, IsADirectoryError):
            reason = _("it is a folder")
        elif isinstance(error, PermissionError):
            reason = _("you have no right to read it")
        else:
            reason = error.strerror or error
        raise UnitImportError(
            [(0, _("The file cannot be read: %(reason)s") % {"reason": reason})]
        ) from error
    except Exception as error:
        # Whatever else a damaged file makes the readers raise (the sheet's XML cut short,
        # a CSV cell past the csv module's limit): an answer, never a traceback or a 500.
        raise UnitImportError([(0, _("The file is damaged and cannot be read."))]) from error
    return _rows_from_records(records, headers or _HEADERS, required)


def _read_csv(path):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnitImportError([(0, _undecodable(data))]) from error
    # Lines may end in CR alone (Excel for Mac): newline="" lets the csv module read every
    # kind of line end, and a line break inside a quoted cell stays in the cell.
    first_line = (text.splitlines() or [""])[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _undecodable(data: bytes) -> str:
    """What to do with a CSV file that is not UTF-8, naming the encoding it seems to be in:
    Excel's "Unicode Text" is UTF-16, and Vietnamese Windows saves plain CSV as
    Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        found = "UTF-16"
    else:
        try:
            data.decode("cp1258")
            found = "Windows-1258"
        except UnicodeDecodeError:
            found = ""
    advice = _(
        "Save it again as UTF-8: in Excel, “Save As” → “CSV UTF-8 (Comma delimited)”; in "
        "LibreOffice, “Save As” → Text CSV with the character set “Unicode (UTF-8)”. Or "
        "import the .xlsx file itself."
    )
    if found:
        return (
            _("The file is not UTF-8 text: it looks like %(encoding)s.") % {"encoding": found}
            + " "
            + advice
        )
    return _("The file is not UTF-8 text.") + " " + advice


def _read_xlsx(path):
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as error:
        raise UnitImportError([(0, _("The file is not a readable .xlsx workbook."))]) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_value(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_from_records(records, headers, required):
    if not records or not any(_is_filled(value) for value in records[0]):
        raise UnitImportError([(1, _("The file has no header row."))])
    columns = {}
    errors = []
    for index, header in enumerate(records[0]):
        key = headers.get(_normalise(header)) if isinstance(header, str) else None
        if key is None:
            continue
        if key in columns:
            errors.append((1, _("Column “%(column)s” appears twice.") % {"column": header}))
        columns[key] = index
    missing = [key for key in required if key not in columns]
    if missing:
        names = ", ".join(column(key) for key in missing)
        errors.append((1, _("Missing required column(s): %(columns)s.") % {"columns": names}))
    if errors:
        raise UnitImportError(errors)

    rows = []
    for line, record in enumerate(records[1:], start=2):
        if not any(_is_filled(value) for value in record):
            continue
        # A line cut short (typed by hand, or from a tool that drops trailing separators)
        # would read as an empty parent code: a new top-level unit, or a unit moved there.
        short = [key for key in required if columns[key] >= len(record)]
        if short:
            names = ", ".join(column(key) for key in short)
            errors.append(
                (
                    line,
                    _(
                        "The line has fewer cells than the header: %(columns)s missing. "
                        "Leave an empty cell (two separators in a row) for an empty value."
                    )
                    % {"columns": names},
                )
            )
            continue
        row = {"line": line}
        for key, index in columns.items():
            value = record[index] if index < len(record) else ""
            row[key] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    if errors:
        raise UnitImportError(errors)
    if not rows:
        # A header and nothing under it is most likely the wrong file or sheet: an import
        # that silently does nothing would look like a success.
        raise UnitImportError([(2, _("The file has a header row but no data rows under it."))])
    return rows


def _is_filled(value):
    return value is not None and (not isinstance(value, str) or value.strip() != "")


# --- Validating ---------------------------------------------------------------------------------


def _kind_lookup():
    lookup = {_normalise(alias): kind.value for alias, kind in KIND_ALIASES.items()}
    for language in ("en", "vi", translation.get_language()):
        with translation.override(language):
            for value, label in Unit.Kind.choices:
                lookup.setdefault(_normalise(label), value)
    for value in Unit.Kind.values:
        lookup[_normalise(value)] = value
    return lookup


def _text(value):
    """A cell as text, cleaned as the portal's forms clean what people type: NFC, without
    blank or invisible characters at either end, on one line."""
    if value is None:
        return ""
    # Every column is one line (a name goes into e-mail subjects): a cell's line breaks, as
    # Alt+Enter leaves them in a spreadsheet, become spaces.
    return _LINE_BREAKS.sub(" ", clean_text(str(value)))


def _refuse_control_character(key, text, row_errors, labels=None):
    """Add to `row_errors` the refusal of a control character in column `key`'s cell, as
    the forms refuse it (units.forms.CONTROL_CHARACTER): PostgreSQL cannot store NUL, and
    the Excel export cannot write control codes. A zero-width character inside the cell
    (its ends are stripped) is refused too, as the forms refuse it: a name holding one
    looks like another name but is not equal to it."""
    found = CONTROL_CHARACTER.search(text)
    if found:
        row_errors.append(
            _("The %(column)s contains an invisible control character (%(code)s).")
            % {"column": column(key, labels), "code": f"U+{ord(found.group()):04X}"}
        )
        return
    found = ZERO_WIDTH_CHARACTER.search(text)
    if found:
        row_errors.append(
            _("The %(column)s contains an invisible character (%(code)s) just after “%(before)s”.")
            % {
                "column": column(key, labels),
                "code": f"U+{ord(found.group()):04X}",
                "before": words_before(text, found.start()),
            }
        )


def _parse_date(value):
    """A date, None for an empty cell, or raise ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    fields: dict  # short_name and dates, only for the columns the file has


def _clean_rows(rows, errors):
    """Check each row on its own; return the rows that can go on to the tree checks."""
    kinds = _kind_lookup()
    cleaned = []
    first_line = {}
    for position, raw in enumerate(rows):
        line = raw.get("line") or position + 2
        row_errors = []
        code = _text(raw.get("code"))
        name = _text(raw.get("name"))
        kind_text = _text(raw.get("kind"))
        parent_code = _text(raw.get("parent_code"))
        if not code:
            row_errors.append(_("The code is empty."))
        elif code in first_line:
            row_errors.append(
                _("Code “%(code)s” already appears on line %(line)s.")
                % {"code": code, "line": first_line[code]}
            )
        else:
            first_line[code] = line
        if not name:
            row_errors.append(_("The name is empty."))
        kind = kinds.get(_normalise(kind_text))
        if not kind_text:
            row_errors.append(_("The kind is empty."))
        elif kind is None:
            row_errors.append(_("Unknown kind “%(kind)s”.") % {"kind": kind_text})
        if code and parent_code == code:
            row_errors.append(_("Unit “%(code)s” cannot be its own parent.") % {"code": code})

        fields = {}
        if "short_name" in raw:
            fields["short_name"] = _text(raw.get("short_name"))
        for key, value in (
            ("code", code),
            ("name", name),
            ("short_name", fields.get("short_name")),
        ):
            if value and len(value) > TEXT_LIMITS[key]:
                row_errors.append(
                    _("The %(column)s is longer than %(limit)s characters.")
                    % {"column": column(key), "limit": TEXT_LIMITS[key]}
                )
        for key in ("code", "name", "kind", "parent_code", "short_name"):
            _refuse_control_character(key, _text(raw.get(key)), row_errors)
        for key in DATE_COLUMNS:
            if key not in raw:
                continue
            try:
                fields[key] = _parse_date(raw[key])
            except ValueError:
                row_errors.append(
                    _("“%(value)s” in %(column)s is not a date (use dd/mm/yyyy or yyyy-mm-dd).")
                    % {"value": _text(raw[key]), "column": column(key)}
                )
                continue
            if fields[key] is not None and not 1900 <= fields[key].year <= 2100:
                # 01/07/0015 for 01/07/2015: the year range the unit's own form takes.
                row_errors.append(
                    _("“%(value)s” in %(column)s: give a year between 1900 and 2100.")
                    % {"value": _text(raw[key]), "column": column(key)}
                )

        errors.extend((line, message) for message in row_errors)
        if not row_errors:
            cleaned.append(
                _Row(
                    line=line,
                    code=code,
                    name=name,
                    kind=kind,
                    parent_code=parent_code,
                    fields=fields,
                )
            )
    return cleaned


def _check_tree(rows, all_codes, existing, errors):
    """Check parents, cycles and dates against the file and the tree; return the final parents.

    `all_codes` holds every code the file names (even on rows with other errors), `existing`
    maps the code of each unit in the database to (unit, current parent code).
    """
    final_parent = {code: parent for code, (_unit, parent) in existing.items()}
    usable = []
    for row in rows:
        if row.parent_code and row.parent_code not in all_codes and row.parent_code not in existing:
            errors.append(
                (row.line, _("Unknown parent code “%(code)s”.") % {"code": row.parent_code})
            )
            continue
        usable.append(row)
        final_parent[row.code] = row.parent_code or None

    cyclic = set()
    for row in usable:
        chain = [row.code]
        seen = {row.code}
        parent = final_parent.get(row.code)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = final_parent.get(parent)
        if parent == row.code:
            cyclic.add(row.code)
            errors.append(
                (
                    row.line,
                    _("Unit “%(code)s” would end up below itself: %(chain)s.")
                    % {"code": row.code, "chain": " → ".join([*chain, row.code])},
                )
            )

    closing = {code: unit.closed_on for code, (unit, _parent) in existing.items()}
    for row in usable:
        unit = existing.get(row.code, (None, None))[0]
        opened_on = row.fields.get("opened_on", unit.opened_on if unit else None)
        closed_on = row.fields.get("closed_on", unit.closed_on if unit else None)
        closing[row.code] = closed_on
        if opened_on and closed_on and closed_on < opened_on:
            errors.append((row.line, _("The closing date is before the opening date.")))
        if unit and unit.successor_id and closed_on is None:
            errors.append((row.line, _("A unit merged into another must keep its closing date.")))
    # A new unit never opens under one that does not exist yet: in the years between, it
    # would stand on the tree under no unit (the admin refuses it too). One without an
    # opening date is from a tree typed in from the start, where few dates are known.
    opening = {code: unit.opened_on for code, (unit, _parent) in existing.items()}
    for row in usable:
        unit = existing.get(row.code, (None, None))[0]
        opening[row.code] = row.fields.get("opened_on", unit.opened_on if unit else None)
    for row in usable:
        parent = final_parent.get(row.code)
        parent_opens = opening.get(parent)
        if row.code in existing or row.code in cyclic or not parent_opens:
            continue
        opens = opening[row.code]
        if opens is not None and opens < parent_opens:
            errors.append(
                (
                    row.line,
                    _(
                        "Its parent “%(code)s” opens on %(date)s, after this unit: give an "
                        "%(column)s on or after that day."
                    )
                    % {
                        "code": parent,
                        "date": parent_opens.strftime("%d/%m/%Y"),
                        "column": column("opened_on"),
                    },
                )
            )
    # Nothing open under a grassroots union, a province only at the top (as a
    # reorganisation; a closed unit may stand under the successor it merged into).
    today = timezone.localdate()
    parents = {code: unit for code, (unit, _parent) in existing.items()}
    parents.update({row.code: Unit(code=row.code, name=row.name, kind=row.kind) for row in usable})
    for row in usable:
        parent = final_parent.get(row.code)
        if row.code in cyclic or (parent and parent not in parents):
            continue  # refused already
        if _closed_by(closing[row.code], today):
            continue
        refusal = placement_refusal(row.kind, parents[parent] if parent else None)
        if refusal:
            errors.append((row.line, refusal))
    # An open unit never stands under a closed one (a reorganisation refuses it too).
    for row in usable:
        parent = final_parent.get(row.code)
        closed = closing.get(parent)
        if parent and closed and closed <= today and not _closed_by(closing[row.code], today):
            errors.append(
                (
                    row.line,
                    _("Its parent “%(code)s” is closed since %(date)s: choose an open parent.")
                    % {"code": parent, "date": closed.strftime("%d/%m/%Y")},
                )
            )
        elif (
            parent
            and closed
            and closed > today
            and parent != existing.get(row.code, (None, None))[1]
            and not _closed_by(closing[row.code], closed)
        ):
            # A unit added or moved under one that closes later: once it has closed, this one
            # would stand open under it (the admin refuses it too).
            errors.append(
                (
                    row.line,
                    _(
                        "Its parent “%(code)s” closes on %(date)s: give this unit a closing "
                        "date by then too, or place it under the unit that carries on."
                    )
                    % {"code": parent, "date": closed.strftime("%d/%m/%Y")},
                )
            )
    # ... nor under one the file closes, or turns into a kind that cannot have them, while
    # leaving out the units below it: the checks above read each row's own parent, and those
    # units have no row. A reorganisation refuses both (close, change_kind).
    listed = {row.code for row in usable}
    below = {}
    for code, parent in final_parent.items():
        if parent and code not in listed:
            below.setdefault(parent, []).append(code)
    for row in usable:
        unit = existing.get(row.code, (None, None))[0]
        closed_on = closing[row.code]
        if closed_on and (unit is None or closed_on != unit.closed_on):
            # Still open once it has closed: after today, or after a closing day to come.
            day = max(closed_on, today)
            still_open = sorted(
                code for code in below.get(row.code, []) if not _closed_by(closing.get(code), day)
            )
            if still_open:
                message = _(
                    "%(unit)s still has open units below it (%(codes)s): move or close them first."
                )
                names = {"unit": row.name or row.code, "codes": ", ".join(still_open)}
                errors.append((row.line, message % names))
                continue
        if unit is None or row.kind == unit.kind or _closed_by(closed_on, today):
            continue
        refusals = {}
        for code in below.get(row.code, []):
            if not _closed_by(closing.get(code), today):
                refusal = placement_refusal(existing[code][0].kind, parents[row.code])
                if refusal:
                    refusals[code] = refusal
        if refusals:
            codes = sorted(refusals)
            count = ngettext(
                "%(count)s open unit stands under it (%(codes)s): move or close it first.",
                "%(count)s open units stand under it (%(codes)s): move or close them first.",
                len(codes),
            ) % {"count": len(codes), "codes": ", ".join(codes)}
            errors.append((row.line, f"{refusals[codes[0]]} {count}"))
    return final_parent


def _closed_by(closed_on, day):
    return closed_on is not None and closed_on <= day


def _depth(code, final_parent):
    depth = 0
    parent = final_parent.get(code)
    while parent is not None:
        depth += 1
        parent = final_parent.get(parent)
    return depth


def _open_today(cleaned, existing) -> int:
    """Give each new unit without an opening date that joins the tree already standing the
    day of the import as its opening day, as the admin does; return how many.

    Left without one, it would stand on every past year's tree (UnitStateManager.start) and
    be counted as a unit that did not report in years before it existed. It joins the tree
    when its parent was there before the import, or is a new unit of the file that opens
    today so. A tree typed in from the start, with no dates, stays without them."""
    today = timezone.localdate()
    waiting = [
        row
        for row in cleaned
        if row.code not in existing and row.fields.get("opened_on") is None and row.parent_code
    ]
    opening = set()
    while True:
        joining = [
            row for row in waiting if row.parent_code in existing or row.parent_code in opening
        ]
        if not joining:
            return len(opening)
        for row in joining:
            row.fields["opened_on"] = today
            opening.add(row.code)
        waiting = [row for row in waiting if row.code not in opening]


# --- Applying -----------------------------------------------------------------------------------


def import_units(rows: list[dict], *, user: User | None = None, source: str = "") -> ImportResult:
    """Create, update and move units as the rows say, all or nothing.

    With a `user`, every unit created or changed gets an entry in its admin history naming
    that user and the import of `source` (the file's name), all written in one query.
    Raises UnitImportError listing every bad row (nothing is changed then).
    """
    with transaction.atomic():
        errors = []
        cleaned = _clean_rows(rows, errors)
        all_codes = {_text(row.get("code")) for row in rows} - {""}
        units = list(Unit.objects.all())
        by_path = {unit.path: unit for unit in units}
        existing = {}
        for unit in units:
            parent = by_path.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None
            existing[unit.code] = (unit, parent.code if parent else None)
        # Before the tree checks, which then hold the new units to their opening day.
        opened_today = _open_today(cleaned, existing)
        final_parent = _check_tree(cleaned, all_codes, existing, errors)
        # A new code in other capitals than one in the tree or earlier in the file: typed
        # again later, it would name either.
        folded = {code.casefold(): (code, unit.name) for code, (unit, _p) in existing.items()}
        for row in cleaned:
            refusal = row.code not in existing and code_refusal(row.code)
            if refusal:
                errors.append((row.line, refusal))
                continue
            taken, holder = folded.get(row.code.casefold(), (row.code, ""))
            if taken != row.code:
                errors.append((row.line, code_case_refusal(row.code, taken, holder)))
            else:
                folded.setdefault(row.code.casefold(), (row.code, row.name))
        if errors:
            raise UnitImportError(errors)

        # Parents before children: an ancestor in the final tree is always shallower.
        levels = {}
        for row in cleaned:
            levels.setdefault(_depth(row.code, final_parent), []).append(row)
        try:
            with transaction.atomic():
                result = ImportResult(opened_today=opened_today)
                for depth in sorted(levels):
                    _apply_level(depth, levels[depth], existing, result)
        except _Refused:
            # A row the tree or its history refuses: the rows again one at a time (rolled
            # back above), which names each refused row on its line.
            result = ImportResult(opened_today=opened_today)
            for depth in sorted(levels):
                for row in levels[depth]:
                    try:
                        with transaction.atomic():
                            _apply(row, existing, result)
                    except ValidationError as error:
                        # What the unit's history refuses (a closing before its last change...).
                        errors.extend((row.line, message) for message in error.messages)
        if errors:
            raise UnitImportError(errors)
        result.changes.sort(key=lambda change: change.line)
        if user is not None:
            _log_history(result, user, source)
        return result


def _log_history(result: ImportResult, user: User, source: str) -> None:
    """The admin history of each unit created or changed names the user and the file, as an
    edit in the admin would: in bulk, since a national file holds thousands of units."""
    content_type = ContentType.objects.get_for_model(Unit)
    added = _("Added by the unit import from the file %(file)s.") % {"file": source}
    entries = [
        LogEntry(
            user=user,
            content_type=content_type,
            object_id=str(unit.pk),
            object_repr=str(unit)[:200],
            action_flag=ADDITION,
            change_message=added,
        )
        for unit in result.created_units
    ]
    entries += [
        LogEntry(
            user=user,
            content_type=content_type,
            object_id=str(change.pk),
            object_repr=change.fields.get("name", (None, change.name))[1][:200],
            action_flag=CHANGE,
            change_message=_("Changed by the unit import from the file %(file)s: %(changes)s.")
            % {"file": source, "changes": change.describe()},
        )
        for change in result.changes
    ]
    LogEntry.objects.bulk_create(entries)


def _parent_label(unit: Unit | None) -> str:
    return f"“{unit.name}” ({unit.code})" if unit else _("the top level")


def _apply(row, existing, result):
    values = {"name": row.name, "kind": row.kind, **row.fields}
    if row.code not in existing:
        parent = Unit.objects.get(code=row.parent_code) if row.parent_code else None
        # Read once the rows before have moved the parent (parents are applied first).
        moved = standing_refusal(parent, values.get("opened_on"))
        if moved:
            raise ValidationError(moved)
        result.created_units.append(
            Unit.objects.add_child_after_history(parent, code=row.code, **values)
        )
        result.created += 1
        return

    unit = Unit.objects.get(code=row.code)
    changed = [key for key, value in values.items() if getattr(unit, key) != value]
    current_parent = existing[row.code][1]
    new_parent = row.parent_code or None
    if unit.opened_on and unit.opened_on > timezone.localdate():
        # Not open yet: its eras are written again from its (new) opening at its final
        # path, as a new unit's are, so the same rule holds as for a new unit.
        parent = Unit.objects.get(code=new_parent) if new_parent else None
        moved = standing_refusal(parent, values.get("opened_on", unit.opened_on))
        if moved:
            raise ValidationError(moved)
    change = UnitChange(line=row.line, pk=unit.pk, code=row.code, name=unit.name)
    if changed:
        change.fields = {key: (getattr(unit, key), values[key]) for key in changed}
        old_names = (unit.name, unit.short_name)
        for key in changed:
            setattr(unit, key, values[key])
        # As the admin's edit: the list's name is how the unit is called, a spelling fixed,
        # not a rename decided today (a decision's rename is a reorganisation). An era from
        # today would make every reorganisation dated before it refuse the unit.
        renamed = {"name", "short_name"} & set(changed)
        if renamed and UnitState.objects.correct_names(unit, *old_names) is not None:
            result.names_corrected += 1
        unit.save(update_fields=changed)
        result.updated += 1

    # Moves keep the parent of every other unit, so the parent read before applying still holds.
    if new_parent != current_parent:
        target = Unit.objects.get(code=new_parent) if new_parent else None
        # At the end of its new parent's children, on a path no unit held on any day, as
        # a new unit is placed (and as _apply_level places both, in the file's order).
        depth = target.depth + 1 if target else 1
        step = Unit.objects.last_child_step(target) + 1
        path = Unit._get_path(target.path if target else None, depth, step)
        if len(path) != depth * Unit.steplen:
            raise PathOverflow(f"Path Overflow from: '{target.path if target else ''}'")
        Unit.objects.move_to({unit.pk: path})
        result.moved += 1
        before = existing[current_parent][0] if current_parent else None
        # Today, as any change the import makes; a unit not open yet has its history
        # written again from its opening (UnitStateManager.sync).
        today = timezone.localdate()
        opens = unit.opened_on
        change.parent = (_parent_label(before), _parent_label(target))
        change.moved_on = opens if opens and opens > today else today

    if not changed and new_parent == current_parent:
        result.unchanged += 1
    else:
        result.changes.append(change)


class _Refused(Exception):
    """A row of a level applied in bulk is refused: the caller applies the rows one at a time,
    which says which row and why."""


def _apply_level(depth, rows, existing, result):
    """Apply the rows of one level of the final tree (`depth` 0: the roots) in bulk, as
    `_apply` does row by row: the fields of the units in the tree written in one statement
    per 1,000 units and their history synced at once; the units moved and the new ones
    placed at the end of their parents' children in the file's order, as the rows one at a
    time place them (two queries for the level's parents); the moved subtrees rewritten in
    one UPDATE (`UnitManager.move_to`) and their history synced at once; the new units
    created in one INSERT, their first eras in another. Some twenty queries a level,
    whatever the number of its rows. Raises _Refused where `_apply` would refuse a row, and
    a ValidationError of the history, or a move the tree refuses, as _Refused too."""
    today = timezone.localdate()
    new_rows = [row for row in rows if row.code not in existing]
    old_rows = [row for row in rows if row.code in existing]
    parent_codes = {row.parent_code for row in rows if row.parent_code}
    parents = {unit.code: unit for unit in Unit.objects.filter(code__in=parent_codes)}

    # Where _apply checks standing_refusal: a new unit, and a unit not open yet.
    standing = [
        (parents[row.parent_code], row.fields.get("opened_on"))
        for row in new_rows
        if row.parent_code
    ]
    for row in old_rows:
        unit = existing[row.code][0]
        if unit.opened_on and unit.opened_on > today and row.parent_code:
            standing.append((parents[row.parent_code], row.fields.get("opened_on", unit.opened_on)))
    if standing and _standing_refused(standing):
        raise _Refused

    moving = [row for row in old_rows if (row.parent_code or None) != existing[row.code][1]]
    try:
        changes = _update_level(old_rows, existing, result, today)
        # One numbering for both, in the file's order: under a parent that gets both, the
        # children stand in the order the rows one at a time give them.
        moving_codes = {row.code for row in moving}
        placed = [row for row in rows if row.code in moving_codes or row.code not in existing]
        paths = _new_paths(depth, placed, parents)
        _move_level(moving, paths, existing, parents, changes, result, today)
    except (ValidationError, ValueError, InvalidMoveToDescendant, PathOverflow) as error:
        raise _Refused from error
    for row in old_rows:
        change = changes[row.code]
        if change.fields or change.parent:
            result.changes.append(change)
        else:
            result.unchanged += 1
    if new_rows:
        _create_level(depth, new_rows, paths, result)


def _standing_refused(standing) -> bool:
    """Whether standing_refusal refuses any of (parent, opening day): one query for all."""
    moved_until = {}
    eras = (
        UnitState.objects.filter(unit__in={parent.pk for parent, _day in standing})
        .exclude(path=F("unit__path"))
        .values_list("unit_id", "valid_until")
    )
    for unit_id, until in eras:
        moved_until.setdefault(unit_id, []).append(until)
    return any(
        until is None or until > (day or BEGINNING)
        for parent, day in standing
        for until in moved_until.get(parent.pk, ())
    )


def _update_level(rows, existing, result, today):
    """The fields the rows change of units in the tree; {code: UnitChange} of every row."""
    changes = {}
    updated = []
    renamed = {}
    fields = set()
    for row in rows:
        # A copy: `existing` keeps the tree as it was before the import, as _apply reads it.
        unit = copy.copy(existing[row.code][0])
        values = {"name": row.name, "kind": row.kind, **row.fields}
        changed = [key for key, value in values.items() if getattr(unit, key) != value]
        change = UnitChange(line=row.line, pk=unit.pk, code=row.code, name=unit.name)
        changes[row.code] = change
        if not changed:
            continue
        change.fields = {key: (getattr(unit, key), values[key]) for key in changed}
        if {"name", "short_name"} & set(changed):
            renamed[unit.pk] = (unit.name, unit.short_name)
        for key in changed:
            setattr(unit, key, values[key])
        fields.update(changed)
        updated.append(unit)
    if not updated:
        return changes
    if renamed:
        result.names_corrected += _correct_names(
            {unit.pk: unit for unit in updated if unit.pk in renamed}, renamed
        )
    Unit.objects.bulk_update(updated, sorted(fields), batch_size=1000)
    # bulk_update sends no signal: the data version moves as Unit.save's would move it.
    bump_data_version()
    UnitState.objects.sync([unit.pk for unit in updated], today)
    result.updated += len(updated)
    return changes


def _correct_names(units, old_names) -> int:
    """UnitStateManager.correct_names for many units: two queries; how many were corrected."""
    corrected = []
    eras = UnitState.objects.filter(unit__in=units).order_by("unit_id", "-valid_from")
    for unit_id, unit_eras in itertools.groupby(eras, key=lambda era: era.unit_id):
        unit, old = units[unit_id], old_names[unit_id]
        run = []
        # The latest run of eras that bore exactly the old names.
        for era in unit_eras:
            if (era.name, era.short_name) != old:
                break
            era.name, era.short_name = unit.name, unit.short_name
            run.append(era)
        corrected.append(run)
    UnitState.objects.bulk_update(
        [era for run in corrected for era in run], ["name", "short_name"], batch_size=1000
    )
    return sum(1 for run in corrected if run)


def _new_paths(depth, rows, parents):
    """{code: path} for the units of `rows` (new, or moved to another parent) at `depth`:
    at the end of their parents' children in the rows' order, on paths no unit held on any
    day (UnitManager.last_child_step, for all the parents at once): two queries."""
    steplen = Unit.steplen
    parent_paths = {parents[row.parent_code].path if row.parent_code else "" for row in rows}
    last = dict.fromkeys(parent_paths, "")
    for model in (Unit, UnitState):
        highest = (
            model.objects.filter(depth=depth + 1)
            .annotate(parent_path=Substr("path", 1, depth * steplen))
            .filter(parent_path__in=parent_paths)
            .order_by()
            .values("parent_path")
            .annotate(highest=Max("path"))
            .values_list("parent_path", "highest")
        )
        for parent_path, path in highest:
            last[parent_path] = max(last[parent_path], path)
    steps = {path: Unit._str2int(found[-steplen:]) if found else 0 for path, found in last.items()}
    paths = {}
    for row in rows:
        parent_path = parents[row.parent_code].path if row.parent_code else ""
        steps[parent_path] += 1
        path = Unit._get_path(parent_path or None, depth + 1, steps[parent_path])
        if len(path) != (depth + 1) * steplen:
            raise PathOverflow(f"Path Overflow from: '{parent_path}'")
        paths[row.code] = path
    return paths


def _move_level(rows, paths, existing, parents, changes, result, today):
    """Move the units of `rows` to their `paths` under their new parents, all at once
    (UnitManager.move_to: a bounded number of queries)."""
    if not rows:
        return
    Unit.objects.move_to(
        {existing[row.code][0].pk: paths[row.code] for row in rows}, effective_on=today
    )
    for row in rows:
        target = parents[row.parent_code] if row.parent_code else None
        current_parent = existing[row.code][1]
        before = existing[current_parent][0] if current_parent else None
        opens = row.fields.get("opened_on", existing[row.code][0].opened_on)
        change = changes[row.code]
        change.parent = (_parent_label(before), _parent_label(target))
        change.moved_on = opens if opens and opens > today else today
        result.moved += 1


def _create_level(depth, rows, paths, result):
    """New units at `depth` (0: the roots) on their `paths` (_new_paths), with their first
    eras (UnitStateManager.start): five queries."""
    # Read again: the level's moves have changed their child counts.
    parents = {
        unit.code: unit
        for unit in Unit.objects.filter(code__in={row.parent_code for row in rows} - {""})
    }
    units = []
    for row in rows:
        values = {"name": row.name, "kind": row.kind, **row.fields}
        path = paths[row.code]
        units.append(Unit(code=row.code, path=path, depth=depth + 1, numchild=0, **values))
    Unit.objects.bulk_create(units)
    added = collections.Counter(row.parent_code for row in rows if row.parent_code)
    for code, count in added.items():
        parents[code].numchild += count
    Unit.objects.bulk_update([parents[code] for code in added], ["numchild"], batch_size=1000)
    by_path = {parent.path: parent for parent in parents.values()}
    UnitState.objects.bulk_create(
        [
            UnitState(unit=unit, **era)
            for unit in units
            for era in _first_eras(unit, _era_values(unit, by_path))
        ]
    )
    # bulk_create sends no signal: the data version moves as Unit.save's would move it.
    bump_data_version()
    result.created_units.extend(units)
    result.created += len(units)


# --- Reorganisations ----------------------------------------------------------------------------
# One row per operation, in the order they apply; every row names the same decision.

REORGANISATION_REQUIRED = ("decision", "effective_on", "action")
REORGANISATION_ALIASES = {
    "decision": ("decision", "decision number", "số quyết định", "quyết định"),
    "effective_on": (
        "effective_on",
        "effective date",
        "effective on",
        "ngày hiệu lực",
        "ngày có hiệu lực",
    ),
    "decided_on": ("decided_on", "decision date", "ngày quyết định"),
    "signer": ("signer", "signed by", "người ký"),
    "action": ("action", "operation", "thao tác"),
    "unit_code": ("unit_code", "unit code", "unit", "mã đơn vị"),
    "target_code": (
        "target_code",
        "parent or successor code",
        "parent_code",
        "parent code",
        "successor code",
        "mã cấp trên",
        "mã đơn vị kế thừa",
        "mã cấp trên hoặc kế thừa",
        "mã đơn vị cấp trên hoặc kế thừa",
    ),
    "code": ("code", "new code", "mã mới", "mã đơn vị mới"),
    "name": ("name", "tên", "tên đơn vị", "tên mới"),
    "short_name": ("short_name", "short name", "tên viết tắt"),
    "kind": ("kind", "loại", "loại đơn vị"),
    "move_children": (
        "move_children",
        "move children",
        "move the units below",
        "chuyển đơn vị trực thuộc",
        "chuyển các đơn vị trực thuộc",
    ),
    "move_members": (
        "move_members",
        "move members",
        "move the people's roles",
        "chuyển cán bộ",
        "chuyển vai trò của cán bộ",
    ),
    "children_codes": (
        "children_codes",
        "children",
        "codes of the units below",
        "mã đơn vị trực thuộc",
        "mã các đơn vị trực thuộc",
    ),
}
# In a reorganisation, "code" is the code a created, renamed or split-off unit takes.
REORGANISATION_LABELS = {**COLUMN_LABELS, "code": gettext_lazy("new code")}
_REORGANISATION_HEADERS = {
    _normalise(alias): key for key, aliases in REORGANISATION_ALIASES.items() for alias in aliases
}
ACTION_ALIASES = {
    "thành lập": "create",
    "tạo": "create",
    "đổi tên": "rename",
    "đổi loại": "change_kind",
    "chuyển": "move",
    "giải thể": "close",
    "sáp nhập": "merge",
    "chia tách": "split",
}
YES = {"x", "1", "yes", "true", "có", "co"}
NO = {"", "0", "no", "false", "không", "khong"}


def read_reorganisation_rows(path: str | Path) -> list[dict]:
    """The rows of a reorganisation file, as read_rows gives them."""
    return read_rows(path, _REORGANISATION_HEADERS, REORGANISATION_REQUIRED)


def _action_lookup():
    lookup = {_normalise(alias): value for alias, value in ACTION_ALIASES.items()}
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in Operation.Action.choices:
                lookup.setdefault(_normalise(label), value)
    for value in Operation.Action.values:
        lookup[_normalise(value)] = value
    return lookup


def _decision_date(raw, key, row_errors):
    """The date of a decision's cell `key`, None with a message in `row_errors` when it is
    not a date or falls outside the years the decision form takes (2000–2100)."""
    try:
        day = _parse_date(raw.get(key))
    except ValueError:
        row_errors.append(
            _("“%(value)s” in %(column)s is not a date (use dd/mm/yyyy or yyyy-mm-dd).")
            % {"value": _text(raw.get(key)), "column": column(key, REORGANISATION_LABELS)}
        )
        return None
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        row_errors.append(
            _("“%(value)s” in %(column)s: enter a date from 01/01/2000 to 31/12/2100.")
            % {"value": f"{day:%d/%m/%Y}", "column": column(key, REORGANISATION_LABELS)}
        )
        return None
    return day


def import_reorganisation(rows: list[dict], *, user: User | None) -> Reorganisation:
    """A draft reorganisation from the rows, checked against the tree as applying would
    check it; all or nothing.

    Raises UnitImportError listing every bad row (a refusal of an operation is reported on
    its row). Returns the draft, to preview and apply in the portal.
    """
    errors = []
    if not rows:
        raise UnitImportError([(0, _("The file has no operation."))])
    kinds = _kind_lookup()
    actions = _action_lookup()
    decision = {}
    operations = []
    for position, raw in enumerate(rows):
        line = raw.get("line") or position + 2
        row_errors = []
        number = _text(raw.get("decision"))
        effective_on = _decision_date(raw, "effective_on", row_errors)
        decided_on = _decision_date(raw, "decided_on", row_errors)
        refusal = decision_date_refusal(decided_on)
        if refusal:
            row_errors.append(refusal)
        if not number:
            row_errors.append(_("The decision number is empty."))
        # The decision's own columns, as long as Reorganisation holds them (PostgreSQL
        # refuses a longer value with an error, not a message).
        for key, limit in (("decision", 50), ("signer", 150)):
            if len(_text(raw.get(key))) > limit:
                row_errors.append(
                    _("The %(column)s is longer than %(limit)s characters.")
                    % {"column": column(key, REORGANISATION_LABELS), "limit": limit}
                )
        if effective_on is None and not row_errors:
            row_errors.append(_("The effective date is empty."))
        # The decision's cells are stored as typed, and the operation and kind cells are
        # matched against a list, where an invisible character reads as a misspelling:
        # refuse control characters there as in the other columns (PostgreSQL cannot
        # store NUL at all).
        for key in ("decision", "signer", "action", "kind"):
            _refuse_control_character(key, _text(raw.get(key)), row_errors, REORGANISATION_LABELS)
        this = {"number": number, "effective_on": effective_on}
        if (
            decision
            and number
            and effective_on
            and this != {k: decision[k] for k in ("number", "effective_on")}
        ):
            row_errors.append(
                _("Every row must name the same decision and effective date as line %(line)s.")
                % {"line": decision["line"]}
            )
        elif not decision and number and effective_on:
            decision = {
                **this,
                "line": line,
                "decided_on": decided_on,
                "signer": _text(raw.get("signer")),
            }

        action_text = _text(raw.get("action"))
        action = actions.get(_normalise(action_text))
        if action is None:
            row_errors.append(
                _("Unknown operation “%(action)s”.") % {"action": action_text}
                if action_text
                else _("The operation is empty.")
            )
        kind_text = _text(raw.get("kind"))
        kind = kinds.get(_normalise(kind_text)) if kind_text else ""
        if kind is None:
            row_errors.append(_("Unknown kind “%(kind)s”.") % {"kind": kind_text})
        flags = {}
        for key in ("move_children", "move_members"):
            value = _normalise(_text(raw.get(key)))
            if value in YES:
                flags[key] = True
            elif value in NO:
                flags[key] = False
            else:
                row_errors.append(
                    _("“%(value)s” in %(column)s is neither yes (x) nor no (empty).")
                    % {"value": _text(raw.get(key)), "column": column(key, REORGANISATION_LABELS)}
                )
        values = {
            key: _text(raw.get(key))
            for key in ("unit_code", "target_code", "code", "name", "short_name", "children_codes")
        }
        for key, value in values.items():
            limit = {"name": 255, "short_name": 100, "children_codes": 2000}.get(key, 30)
            if len(value) > limit:
                row_errors.append(
                    _("The %(column)s is longer than %(limit)s characters.")
                    % {"column": column(key, REORGANISATION_LABELS), "limit": limit}
                )
            _refuse_control_character(key, value, row_errors, REORGANISATION_LABELS)
        refusal = code_refusal(values["code"])
        if refusal:
            row_errors.append(refusal)
        if action:
            for key in OPERATION_NEEDS[action]:
                present = kind if key == "kind" else values.get(key)
                if not present:
                    row_errors.append(
                        _("Operation “%(action)s” needs the column %(column)s.")
                        % {"action": action_text, "column": column(key, REORGANISATION_LABELS)}
                    )
        errors.extend((line, message) for message in row_errors)
        if not row_errors:
            operations.append(
                {"position": line, "action": action, "kind": kind or "", **values, **flags}
            )
    if errors:
        raise UnitImportError(errors)

    with transaction.atomic():
        reorganisation = Reorganisation.objects.create(
            number=decision["number"],
            # Without its own column, the decision was signed by its effective date, and by
            # today at the latest: a date to come is one the decision form refuses.
            decided_on=decision["decided_on"]
            or min(decision["effective_on"], timezone.localdate()),
            signer=decision["signer"][:150],
            effective_on=decision["effective_on"],
            created_by=user,
        )
        Operation.objects.bulk_create(
            Operation(reorganisation=reorganisation, **operation) for operation in operations
        )
        try:
            reorganisation_preview(reorganisation)
        except ReorganisationError as error:
            # Positions are the rows' line numbers; leaving the block undoes the draft.
            raise UnitImportError(error.errors) from error
    return reorganisation
