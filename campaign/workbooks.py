"""Excel templates that units fill in offline: the file itself.

A template is one table to fill in (one row per unit for annual reports, one row per
activity for a plan), a sheet that explains its columns, and a hidden sheet holding the
template's metadata: what it is for (campaign, year, unit(s) or plan), its version, its
sheet's name and its column headers, signed with the site's SECRET_KEY
(`django.core.signing`), so that a template altered or made for something else is refused.
The hidden sheet is "very hidden" in Excel; LibreOffice keeps it as a hidden sheet, which
is as good, since the signature, not the hiding, is what protects it. It also holds the
lists that the data validation of choice columns reads.

The table's cells that must not change (a unit's code and name, a report's status, an
activity's number) are locked and the sheet is protected without a password: it keeps
people from typing over them by mistake; it is not a security boundary. What comes back is
checked anyway: its signature, its headers, and each cell through the web form's own
validation (campaign.workbook_checks).

Reading an upload is defensive, in this order: the size (at most 5 MB), the content (a zip
whose [Content_Types].xml declares a workbook: not .xls, .xlsm, .ods or a renamed file),
the zip's directory (at most `MAX_ENTRIES` entries and `MAX_UNPACKED` bytes once unpacked,
read from the directory before anything is extracted; Python's zipfile never inflates an
entry past its declared size), then openpyxl, in read-only mode, with formulas and their
last computed values read side by side. A formula is used only when the file carries its
computed value (a file last saved by Excel or LibreOffice does; one written by a script
usually does not) and the preview says so; otherwise the cell is refused. At most
`MAX_ROWS` rows are read.
"""

import datetime
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO

import magic
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from campaign import file_checks
from campaign.spreadsheets import COUNT, DATE, NOT_IN_XML, XLSX, keep_as_text

TEMPLATE_VERSION = 1
SIGNING_SALT = "campaign.workbooks"
# The part of [Content_Types].xml that makes a zip an .xlsx workbook (an .xlsm or an .xltx
# declares another main part).
MAIN_CONTENT_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES = "[Content_Types].xml"

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# Rows a sheet may run to, blank ones included: a template has one per unit or activity, and
# a few blank ones left between them are harmless; hundreds of thousands only cost the
# worker its time (each is parsed twice).
MAX_SHEET_ROWS = 10 * MAX_ROWS
# A sheet part's unzipped size: a filled template of MAX_ROWS rows is a few megabytes (its
# texts are in the shared strings); parsing each megabyte costs about a fifth of a second.
MAX_SHEET_BYTES = 16 * 1024 * 1024
MAX_ENTRIES = 500  # a workbook has a few dozen parts
MAX_UNPACKED = 50 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

META_SHEET = "_portal"
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
# A cell holds at most 32,767 characters: a long token is spread over several.
TOKEN_CHUNK = 30_000
LIST_COLUMNS = "CDEFGHIJ"

EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
UNLOCKED = Protection(locked=False)
# Excel's limits on a validation's prompt and message.
PROMPT_TITLE, PROMPT_TEXT, ERROR_TEXT = 32, 255, 225

_ZIP_TYPES = {XLSX, "application/zip", "application/x-zip-compressed", "application/octet-stream"}


class WorkbookError(Exception):
    """The whole file is refused; `message` says why, in the active language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


# --- layout -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a template's table.

    `kind` is how it is validated in the spreadsheet: "integer" (whole numbers from
    `minimum` to `limit`), "text" (at most `limit` characters), "date", "choice" (one of
    `choices`), or "fixed" (locked, written by the portal).
    """

    key: str
    header: str
    kind: str = "text"
    limit: int | None = None
    minimum: int = 0
    choices: tuple[str, ...] = ()
    help: str = ""
    width: int = 16

    @property
    def editable(self):
        return self.kind != "fixed"


@dataclass
class Layout:
    """A template's table: what it is for, its sheet and its columns."""

    kind: str
    sheet: str
    title: str
    note: str
    columns: list[Column]
    # The second sheet: its title, headers and rows (what the columns mean).
    guide_title: str = ""
    guide_headers: list[str] = field(default_factory=list)
    guide_rows: list[list] = field(default_factory=list)

    @property
    def headers(self):
        return [column.header for column in self.columns]

    @property
    def keys(self):
        return [column.key for column in self.columns]


@dataclass
class Reference:
    """A sheet shown beside the table for reference (e.g. each unit's figures of last year),
    its rows level with the table's: every cell locked, and never read back (an upload reads
    only the table's sheet, which the metadata names)."""

    sheet: str
    title: str
    note: str
    columns: list[Column]
    rows: list[dict]


# --- building ---------------------------------------------------------------------------------
def build(
    layout: Layout,
    meta: dict,
    rows: list[dict],
    *,
    locked_rows: Iterable[int] = (),
    blank_rows: int = 0,
    reference: Reference | None = None,
) -> bytes:
    """The .xlsx of `layout` with `rows` (values by column key) and `blank_rows` empty rows
    to fill in after them; rows whose index is in `locked_rows` are written locked (their
    submission cannot be changed); `reference`, if any, right after the table's sheet.
    `meta` is signed into the hidden sheet. No query."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.sheet
    meta_sheet = workbook.create_sheet(META_SHEET)
    meta_sheet.sheet_state = "veryHidden"
    lists = _write_lists(meta_sheet, layout)

    width = len(layout.columns)
    sheet.cell(TITLE_ROW, 1, _text(layout.title)).font = TITLE_FONT
    note = sheet.cell(NOTE_ROW, 1, _text(layout.note))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=width)
    sheet.row_dimensions[NOTE_ROW].height = 45
    for number, column in enumerate(layout.columns, start=1):
        cell = sheet.cell(HEADER_ROW, number, column.header)
        cell.font, cell.alignment, cell.fill = BOLD, WRAP, HEADER_FILL
        if column.help:
            cell.comment = Comment(column.help, "portal", width=300, height=150)
        sheet.column_dimensions[get_column_letter(number)].width = column.width

    last_row = FIRST_ROW + len(rows) + blank_rows - 1
    locked_rows = set(locked_rows)
    for index in range(len(rows) + blank_rows):
        values = rows[index] if index < len(rows) else {}
        row_number = FIRST_ROW + index
        locked = index in locked_rows
        for number, column in enumerate(layout.columns, start=1):
            cell = _write(sheet, row_number, number, values.get(column.key))
            cell.alignment = WRAP
            if column.kind == "integer":
                cell.number_format = COUNT
            elif column.kind == "date":
                cell.number_format = DATE
            if column.editable and not locked:
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL
    if last_row >= FIRST_ROW:
        for number, column in enumerate(layout.columns, start=1):
            validation = _validation(column, lists.get(column.key))
            if validation is not None:
                sheet.add_data_validation(validation)
                letter = get_column_letter(number)
                validation.add(f"{letter}{FIRST_ROW}:{letter}{last_row}")

    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1 + _leading_fixed(layout.columns))
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    _protect(sheet)

    if layout.guide_title:
        guide = workbook.create_sheet(layout.guide_title, 1)
        guide.append(layout.guide_headers)
        for cell in guide[1]:
            cell.font, cell.alignment, cell.fill = BOLD, WRAP, HEADER_FILL
        for row_number, row in enumerate(layout.guide_rows, start=2):
            for number, value in enumerate(row, start=1):
                _write(guide, row_number, number, value).alignment = WRAP
        for number, column_width in enumerate((14, 50, 16, 60, 10), start=1):
            guide.column_dimensions[get_column_letter(number)].width = column_width
        _protect(guide)
    if reference is not None:
        _write_reference(workbook.create_sheet(reference.sheet, 1), reference)

    token = sign({**meta, "headers": layout.headers, "columns": layout.keys})
    for number, start in enumerate(range(0, len(token), TOKEN_CHUNK), start=1):
        meta_sheet.cell(number, 1, token[start : start + TOKEN_CHUNK])
    _protect(meta_sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sign(meta: dict) -> str:
    return signing.dumps({**meta, "version": TEMPLATE_VERSION}, salt=SIGNING_SALT, compress=True)


def _protect(sheet):
    sheet.protection.sheet = True
    # Widening a column or a row to read a long text is allowed; nothing else.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _write(sheet, row, column, value):
    """Write `value` (see _cell_value) in a cell and return it; a text that looks like a
    formula is written as a text."""
    return keep_as_text(sheet.cell(row, column, _cell_value(value)))


def _write_reference(sheet, reference):
    """A read-only sheet laid out as the table's (title, note, headers, rows from FIRST_ROW):
    a row of the reference stands level with the same row of the table."""
    sheet.cell(TITLE_ROW, 1, _text(reference.title)).font = TITLE_FONT
    note = sheet.cell(NOTE_ROW, 1, _text(reference.note))
    note.alignment = WRAP
    sheet.merge_cells(
        start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=len(reference.columns)
    )
    sheet.row_dimensions[NOTE_ROW].height = 45
    for number, column in enumerate(reference.columns, start=1):
        cell = sheet.cell(HEADER_ROW, number, column.header)
        cell.font, cell.alignment, cell.fill = BOLD, WRAP, HEADER_FILL
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    for row_number, values in enumerate(reference.rows, start=FIRST_ROW):
        for number, column in enumerate(reference.columns, start=1):
            cell = _write(sheet, row_number, number, values.get(column.key))
            cell.alignment, cell.fill = WRAP, LOCKED_FILL
            if column.kind == "integer":
                cell.number_format = COUNT
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1 + _leading_fixed(reference.columns))
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    _protect(sheet)


def _leading_fixed(columns):
    count = 0
    for column in columns:
        if column.editable:
            break
        count += 1
    return count


def _write_lists(meta_sheet, layout):
    """Write the choices of each choice column in a column of the hidden sheet; return
    the range each choice column's validation reads, by column key. A range rather than
    an inline list: Excel limits an inline list to 255 characters and splits it on commas,
    which Vietnamese labels may contain."""
    ranges = {}
    choice_columns = [column for column in layout.columns if column.kind == "choice"]
    # Columns that offer the same choices (a mark "x") share one list.
    by_choices = {}
    for column in choice_columns:
        if column.choices in by_choices:
            ranges[column.key] = by_choices[column.choices]
            continue
        letter = LIST_COLUMNS[len(by_choices)]
        for number, choice in enumerate(column.choices, start=1):
            meta_sheet[f"{letter}{number}"] = choice
        reference = (
            f"{quote_sheetname(META_SHEET)}!${letter}$1:${letter}${max(len(column.choices), 1)}"
        )
        by_choices[column.choices] = ranges[column.key] = reference
    return ranges


def _validation(column, list_range):
    if column.kind == "integer":
        limit = column.limit
        validation = DataValidation(
            type="whole", operator="between", formula1=str(column.minimum), formula2=str(limit)
        )
        error = _("Enter a whole number from %(low)s to %(high)s.") % {
            "low": number_format(column.minimum, force_grouping=True),
            "high": number_format(limit, force_grouping=True),
        }
    elif column.kind == "text" and column.limit:
        validation = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(column.limit)
        )
        error = _("At most %(limit)s characters.") % {
            "limit": number_format(column.limit, force_grouping=True)
        }
    elif column.kind == "date":
        validation = DataValidation(
            type="date",
            operator="between",
            formula1=str(_serial(EARLIEST)),
            formula2=str(_serial(LATEST)),
        )
        error = _("Enter a date from 01/01/2000 to 31/12/2100.")
    elif column.kind == "choice" and list_range:
        validation = DataValidation(type="list", formula1=f"={list_range}")
        error = _("Choose one of the values in the list.")
    else:
        return None
    validation.allow_blank = True
    validation.showErrorMessage = True
    validation.errorTitle = column.header[:PROMPT_TITLE]
    validation.error = error[:ERROR_TEXT]
    if column.help or column.kind != "text":
        validation.showInputMessage = True
        validation.promptTitle = column.header[:PROMPT_TITLE]
        validation.prompt = _shorten(column.help or error, PROMPT_TEXT)
    return validation


def _serial(day):
    return (day - datetime.date(1899, 12, 30)).days


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(value):
    return NOT_IN_XML.sub("", str(value))


def _cell_value(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # A spreadsheet cannot hold every character a form accepts (U+FFFE, U+FFFF) or
        # an older record may hold (controls): they are left out.
        return _text(value)
    return value


# --- reading ----------------------------------------------------------------------------------
@dataclass
class Row:
    """A non-empty row of the uploaded table: its sheet row number and its cells, each
    read as the text a form field would receive."""

    number: int
    values: dict[str, str]


@dataclass
class Parsed:
    """What was read from an uploaded template."""

    meta: dict
    sheet: str
    columns: list[str]
    rows: list[Row]
    # Cells refused while reading (a formula without its value, an error value), by
    # (row number, column key): their message.
    problems: dict[tuple[int, str], str] = field(default_factory=dict)
    # Cells whose formula's last computed value is used.
    computed: list[tuple[int, str]] = field(default_factory=list)

    def cell(self, row_number: int, key: str) -> str:
        """The cell's reference as the preview shows it, in words and with its column's
        header: read on a phone, away from the sheet, "C7" alone says nothing, and a
        spreadsheet's "Báo cáo!C7" is a formula's notation, not a user's. "trang Báo cáo, ô
        C7 “Số buổi (buổi)”", in lower case, to stand in a sentence (`Review` capitalises
        it where it begins one)."""
        position = self.columns.index(key)
        reference = _("sheet %(sheet)s, cell %(cell)s") % {
            "sheet": self.sheet,
            "cell": f"{get_column_letter(position + 1)}{row_number}",
        }
        headers = self.meta.get("headers") or []
        if position < len(headers) and str(headers[position]).strip():
            return f"{reference} “{' '.join(str(headers[position]).split())}”"
        return reference


def read(uploaded: UploadedFile) -> Parsed:
    """Read an uploaded template (a Django UploadedFile) or raise WorkbookError."""
    size = uploaded.size
    if not size:
        raise WorkbookError(_("The file is empty."))
    if size > MAX_BYTES:
        raise WorkbookError(
            _("The file is too large (%(size)s). A workbook can be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}
        )
    uploaded.seek(0)
    content = uploaded.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise WorkbookError(
            _("The file is too large. A workbook can be at most %(limit)s.")
            % {"limit": filesizeformat(MAX_BYTES)}
        )
    check_container(content)
    return _read_workbook(content)


def check_container(content: bytes) -> None:
    """Refuse anything that is not an .xlsx workbook of reasonable size once unpacked."""
    not_xlsx = WorkbookError(
        _(
            "This file is not an Excel workbook (.xlsx). Open it in Excel or LibreOffice, "
            "save it as “Excel Workbook (.xlsx)” and upload it again."
        )
    )
    damaged = WorkbookError(
        _(
            "The %(what)s is damaged: it cannot be read. Save it again from the program "
            "that made it."
        )
        % {"what": _("Excel workbook")}
    )
    if not content.startswith(b"PK\x03\x04"):
        raise not_xlsx
    if magic.from_buffer(content[:8192], mime=True) not in _ZIP_TYPES:
        raise not_xlsx
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES or sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise WorkbookError(
                    _(
                        "The workbook unpacks to more than %(limit)s. Upload the template "
                        "as the portal made it, with the rows filled in."
                    )
                    % {"limit": filesizeformat(MAX_UNPACKED)}
                )
            names = {info.filename: info for info in infos}
            types = names.get(CONTENT_TYPES)
            if types is None or types.file_size > MAX_CONTENT_TYPES_BYTES:
                raise not_xlsx
            sheets = [info for info in infos if SHEET_PART.fullmatch(info.filename)]
            if any(info.file_size > MAX_SHEET_BYTES for info in sheets):
                raise WorkbookError(
                    _(
                        "A sheet of the workbook unpacks to more than %(limit)s, far more "
                        "than a filled template. Upload the template as the portal made it, "
                        "with the rows filled in."
                    )
                    % {"limit": filesizeformat(MAX_SHEET_BYTES)}
                )
            declared = archive.read(types)
            # Checked on the bytes because openpyxl skips, without a word, a row numbered
            # below one it has read: its figures would be lost.
            if not all(_rows_in_order(archive.read(info)) for info in sheets):
                raise damaged
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        # Compressed data that does not inflate, an encrypted part, an unknown compression.
        zlib.error,
        RuntimeError,
        NotImplementedError,
    ):
        raise not_xlsx from None
    if MAIN_CONTENT_TYPE not in declared:
        raise not_xlsx
    # Inside: only a workbook's parts, their real unzipped size, XML that parses without
    # entities (campaign.file_checks, as for Word uploads).
    try:
        file_checks.check_xlsx(BytesIO(content))
    except ValidationError as error:
        raise WorkbookError(error.messages[0]) from None


SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# A row's start tag with its number; a row without one follows the row before.
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr=[\"'](\d+)[\"']")


def _rows_in_order(xml: bytes) -> bool:
    """Whether the numbered rows of a sheet's XML come in increasing order, as the format
    requires."""
    last = 0
    for match in _ROW_NUMBER.finditer(xml):
        number = int(match.group(1))
        if number <= last:
            return False
        last = number
    return True


def _read_workbook(content):
    unreadable = WorkbookError(
        _(
            "The workbook could not be read. Save it again in Excel or LibreOffice as "
            "“Excel Workbook (.xlsx)” and upload it again."
        )
    )
    try:
        formulas = load_workbook(BytesIO(content), read_only=True, data_only=False)
        values = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise unreadable from None
    try:
        meta = _metadata(formulas)
        try:
            return _read_table(formulas, values, meta)
        except WorkbookError:
            raise
        except Exception:  # a damaged sheet part: the same answer as a damaged file
            raise unreadable from None
    finally:
        formulas.close()
        values.close()


def _metadata(workbook):
    altered = WorkbookError(
        _(
            "This file is not a template made by the portal, or its hidden data was altered. "
            "Download a new template and fill it in."
        )
    )
    if META_SHEET not in workbook.sheetnames:
        raise altered
    try:
        chunks = []
        for (value,) in workbook[META_SHEET].iter_rows(
            min_col=1, max_col=1, max_row=100, values_only=True
        ):
            if not isinstance(value, str) or not value:
                break
            chunks.append(value)
        meta = signing.loads("".join(chunks), salt=SIGNING_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise altered from None
    if not isinstance(meta, dict) or meta.get("version") != TEMPLATE_VERSION:
        raise WorkbookError(
            _("This template was made by an older version of the portal. Download a new one.")
        )
    return meta


def _read_table(formulas, values, meta):
    sheet_name, headers, keys = meta["sheet"], meta["headers"], meta["columns"]
    if sheet_name not in formulas.sheetnames:
        raise WorkbookError(
            _("The sheet “%(sheet)s” is missing. Upload the template as the portal made it.")
            % {"sheet": sheet_name}
        )
    width = len(keys)
    formula_sheet, value_sheet = formulas[sheet_name], values[sheet_name]
    # The size the file declares may be wrong (openpyxl would stop reading there): read
    # every row there is.
    formula_sheet.reset_dimensions()
    value_sheet.reset_dimensions()
    found = next(
        formula_sheet.iter_rows(
            min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=width, values_only=True
        ),
        (),
    )
    found = [str(value).strip() if value is not None else "" for value in found]
    for number, header in enumerate(headers, start=1):
        if number > len(found) or found[number - 1] != header.strip():
            raise WorkbookError(
                _(
                    "The columns of the sheet “%(sheet)s” were changed: column %(column)s "
                    "should be “%(header)s”. Put the columns back as they were, or download a "
                    "new template."
                )
                % {"sheet": sheet_name, "column": get_column_letter(number), "header": header}
            )
    parsed = Parsed(meta=meta, sheet=sheet_name, columns=keys, rows=[])
    # The computed values as cells, not values: a formula whose text result is empty has
    # no value, and only its type tells it from a formula the file carries no result of.
    rows = zip(
        formula_sheet.iter_rows(min_row=FIRST_ROW, max_col=width),
        value_sheet.iter_rows(min_row=FIRST_ROW, max_col=width),
        strict=False,
    )
    for row_number, (formula_row, value_row) in enumerate(rows, start=FIRST_ROW):
        if row_number >= FIRST_ROW + MAX_SHEET_ROWS:
            raise WorkbookError(
                _(
                    "The sheet runs past row %(row)s, far below the template's rows. Delete "
                    "the rows below the last one filled in, or copy the rows into a new "
                    "template, and upload it again."
                )
                % {"row": number_format(row_number - 1, force_grouping=True)}
            )
        if all(cell.value is None for cell in formula_row):
            continue  # a blank row, or a gap in the file's rows
        read_values = {}
        for index, key in enumerate(keys):
            cell = formula_row[index] if index < len(formula_row) else None
            computed = value_row[index] if index < len(value_row) else None
            read_values[key] = _read_cell(parsed, row_number, key, cell, computed)
        if not any(read_values.values()) and not any(
            (row_number, key) in parsed.problems for key in keys
        ):
            continue
        if len(parsed.rows) == MAX_ROWS:
            raise WorkbookError(
                _("The sheet has more than %(limit)s rows. Upload at most %(limit)s at a time.")
                % {"limit": number_format(MAX_ROWS, force_grouping=True)}
            )
        parsed.rows.append(Row(row_number, read_values))
    return parsed


def _read_cell(parsed, row_number, key, cell, computed):
    """The cell as text; a problem is recorded (and "" returned) for what cannot be used.
    `computed` is the same cell read for its last computed value."""
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if cell.data_type == "f":
        if computed is not None and computed.value is None and computed.data_type == "str":
            return ""  # a formula whose result is an empty text ("" or an IF's "")
        computed = computed.value if computed is not None else None
        if computed is None:
            parsed.problems[(row_number, key)] = _(
                "This cell holds a formula whose result the file does not carry. Type the "
                "value itself, or open and save the file in Excel or LibreOffice first."
            )
            return ""
        value = computed
        if value not in ERROR_VALUES:
            parsed.computed.append((row_number, key))
    if cell.data_type == "e" or (cell.data_type == "f" and value in ERROR_VALUES):
        parsed.problems[(row_number, key)] = _(
            "This cell shows an error (%(error)s). Type the value itself."
        ) % {"error": value}
        return ""
    return as_text(value)


ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def as_text(value) -> str:
    """A cell's value as a form field would receive it from a browser."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 12.0 is the whole number 12, and so is one too large for its digits to be exact
        # (a long number typed into Excel is kept as 1.2345678901234567e+19): far past any
        # limit, the form says which. A fraction stays as written, for the form to judge,
        # with a decimal comma as a Vietnamese user types it: "1.234" would be read as 1234,
        # grouped.
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
