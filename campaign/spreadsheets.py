"""Tables written to Excel: the rules every workbook the portal writes shares.

A text a user typed is always written as a text, never as a formula or an error value,
whatever it holds (`keep_as_text`); a character XML cannot hold is left out (`NOT_IN_XML`).
A table (`write_table`) has a bold, frozen, filtered header row repeated on every printed page, may
have lines above it (what the table is, its filters, when it was written), sizes its columns
to fit and wraps what is wider, and prints landscape on A4, fitted to the page's width.
Numbers are numeric cells, dates real dates shown dd/mm/yyyy.

The dashboard's workbook (reports.excel) and the lists' downloads (campaign.list_exports)
both write their tables here, to openpyxl's write-only sheets (each row streamed out as it is
written, no cell kept); `write_table` writes the same table to a normal sheet.
"""

import datetime
import functools
import math
import re
from collections.abc import Collection, Iterable, Sequence
from io import BytesIO
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from campaign.downloads import protect_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNT = "#,##0"
RATE = "0.0%"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
YEAR = "0"
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 8, 50, 16
# Points a line of 11 pt Calibri takes, for the height of a row whose text wraps.
LINE_HEIGHT = 15
SHEET_TITLE_LENGTH = 31
NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
# The mark of a yes in a column of marks: the same in every language.
MARK = "✓"
# What an XML 1.0 document cannot hold: C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. The forms refuse controls but not the others.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class V(NamedTuple):
    """A cell to write: its value, an explicit number format and an indentation level."""

    value: object
    number_format: str | None = None
    indent: int = 0


def keep_as_text(cell: Cell) -> Cell:
    """Make `cell`, when it holds a text, a plain text: openpyxl would otherwise write "=…"
    as a formula, which the reader's Excel would run, and "#N/A" (not applicable, as a unit
    may type it) or "#REF!" as Excel's error values."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def write_table(
    sheet: Worksheet | WriteOnlyWorksheet,
    headers: Sequence,
    rows: Iterable[Sequence],
    *,
    freeze_column: str = "A",
    above: Sequence[Sequence] = (),
) -> None:
    """Write `above` (lines of V cells, the first one in the title's font), then a bold,
    frozen, filtered header row and `rows` of V cells; size the columns to fit; print it
    landscape, fitted to the page's width, its header on every page. The panes are frozen
    left of `freeze_column` and below the header.

    `sheet` is a new, empty sheet of a normal workbook or of a write-only one
    (`Workbook(write_only=True)`, which streams each row out as it is written and keeps no
    cell): the rows are read first, since a write-only sheet takes its columns' widths, its
    frozen panes and each row's height before any row."""
    header_row = len(above) + 1
    widths = {}
    for column, header in enumerate(headers, start=1):
        # A short header fits on one line; a long one wraps rather than widen its column.
        text = NOT_IN_XML.sub("", str(header))
        words = text.split() or [""]
        widths[column] = max(min(len(text), HEADER_WIDTH), *map(len, words))
    body = []
    for row in rows:
        cells = []
        for column, item in enumerate(row, start=1):
            value, number_format = _prepared(item)
            widths[column] = max(
                widths.get(column, 0),
                _display_width(value, number_format) + 2 * item.indent,
            )
            cells.append((value, number_format, item.indent))
        body.append(cells)
    width_of = {
        column: min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for column, width in widths.items()
    }
    for column, width in width_of.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"{freeze_column}{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    last_column = max([len(headers), *map(len, above), *widths])
    last_cell = f"{get_column_letter(last_column)}{header_row + len(body)}"
    if not hasattr(sheet, "calculate_dimension"):
        # A write-only sheet states its size (the file's <dimension>, which a normal sheet
        # counts from its cells) only when told before its first row: without it a reader
        # that goes by it, as openpyxl's read-only mode, gives rows of uneven lengths.
        sheet.calculate_dimension = lambda: f"A1:{last_cell}"
    styles = _Styles(sheet)
    for number, line in enumerate(above, start=1):
        font = TITLE_FONT if number == 1 else None
        sheet.append([styles.cell(*_prepared(item), item.indent, font=font) for item in line])
    sheet.append(
        [
            styles.cell(NOT_IN_XML.sub("", str(header)), None, font=BOLD, header=True)
            for header in headers
        ]
    )
    for row_number, cells in enumerate(body, start=header_row + 1):
        written, lines = [], 1
        for column, (value, number_format, indent) in enumerate(cells, start=1):
            wrapped = 0
            if isinstance(value, str):
                wrapped = _wrapped_lines(value, width_of[column] - 2 - 2 * int(indent or 0))
                lines = max(lines, wrapped)
            written.append(styles.cell(value, number_format, indent, wrap=wrapped > 0))
        # Before the row: a write-only sheet writes the row's height with it.
        if lines > 1:
            sheet.row_dimensions[row_number].height = LINE_HEIGHT * lines
        sheet.append(written)
        cells.clear()  # the row is written: its values need not wait for the rest
    sheet.auto_filter.ref = f"A{header_row}:{last_cell}"


def _prepared(item: V) -> tuple[object, str | None]:
    """`item`'s value as a cell holds it (a lazy text translated, what XML cannot hold left
    out), and its number format (None for openpyxl's General, and for an empty cell)."""
    value = str(item.value) if isinstance(item.value, Promise) else item.value
    if isinstance(value, str):
        value = NOT_IN_XML.sub("", value)
    number_format = item.number_format or _default_format(value)
    return value, (number_format if number_format and value is not None else None)


def _wrapped_lines(text, room) -> int:
    """The lines `text` takes wrapped in `room` characters, or 0 when its longest line fits
    unwrapped: unwrapped, a content item or a long unit name was cut off at the next cell,
    or ran out of the printed page."""
    if len(max(text.splitlines() or [""], key=len)) <= room:
        return 0
    return sum(math.ceil(max(len(line), 1) / room) for line in text.splitlines())


PLAIN = (None, 0, None, False, False)


def _plain_text(value) -> bool:
    """Whether openpyxl, given `value`, makes it a text: a text that starts with "=" would
    be a formula, one that starts with "#" may be an error value (as "#N/A")."""
    return isinstance(value, str) and not value.startswith(("=", "#"))


class _Styles:
    """The cells of one sheet, each given its style as a copy of one made once for its font,
    number format, indentation and wrapping, rather than its font, number format and
    alignment set one by one, each looked up in the workbook's lists for every cell. A text
    is always a plain text (`keep_as_text`)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.made = {}

    def cell(self, value, number_format, indent=0, *, font=None, header=False, wrap=False):
        key = (number_format, indent, font, header, wrap)
        if key == PLAIN and (value is None or _plain_text(value)):
            # Most cells of a long list: openpyxl writes an empty cell as nothing, and makes a
            # text that starts with neither "=" nor "#" a plain text without being told. A
            # write-only sheet takes such a value as it is, but tries (and fails) to take a
            # cell as a value before it takes it as a cell.
            return value
        style = self.made.get(key)
        if style is None:
            model = Cell(self.sheet, 1, 1)
            if font is not None:
                model.font = font
            if number_format:
                model.number_format = number_format
            if header:
                model.alignment = HEADER_ALIGNMENT
            elif wrap:
                model.alignment = _wrapped(float(indent or 0))
            elif indent:
                model.alignment = _indented(indent)
            style = self.made[key] = model._style
        # Placed where `append` puts it; row and column are set so that openpyxl can name it.
        return keep_as_text(Cell(self.sheet, 1, 1, value, style))


# One alignment object per indentation level: openpyxl stores each distinct style once.
@functools.cache
def _indented(indent):
    return Alignment(indent=indent)


@functools.cache
def _wrapped(indent):
    return Alignment(indent=indent, wrap_text=True, vertical="top")


def _default_format(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return COUNT
    if isinstance(value, datetime.datetime):
        return DATETIME
    if isinstance(value, datetime.date):
        return DATE
    return None


def _display_width(value, number_format):
    if value is None:
        return 0
    if number_format == COUNT:
        return len(f"{value:,}")
    if number_format == RATE:
        return len("100.0%")
    if number_format in (DATE, DATETIME):
        return len(number_format)
    return max(len(line) for line in str(value).splitlines() or [""])


def naive_local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """An aware datetime as the naive local time Excel wants, or None."""
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def local_now() -> datetime.datetime:
    return naive_local(timezone.now())


def sheet_title(text: object, taken: Collection[str]) -> str:
    """`text` made a valid Excel sheet name: at most 31 characters, none of []:*?/\\, no
    leading or trailing apostrophe, and unique (case-insensitively) among `taken`."""
    title = NOT_IN_SHEET_TITLES.sub(" ", str(text))
    title = " ".join(title.split()).strip("'")[:SHEET_TITLE_LENGTH].strip() or "Sheet"
    base, number = title, 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title = base[: SHEET_TITLE_LENGTH - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(title.casefold())
    return title


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    """`workbook` as an .xlsx download named `filename` (ASCII), which the browser neither
    sniffs, renders nor keeps."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return protect_download(response)
