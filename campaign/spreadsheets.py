"""Tables written to Excel: the rules every workbook the portal writes shares.

A text a user typed is always written as a text, never as a formula or an error value,
whatever it holds (`keep_as_text`); a character XML cannot hold is left out (`NOT_IN_XML`).
A table (`write_table`) has a bold, frozen, filtered header row repeated on every printed page, may
have lines above it (what the table is, its filters, when it was written), sizes its columns
to fit and wraps what is wider, and prints landscape on A4, fitted to the page's width.
Numbers are numeric cells, dates real dates shown dd/mm/yyyy.

The dashboard's workbook (reports.excel) and the lists' downloads (campaign.list_exports)
both write their tables here.
"""

import datetime
import functools
import math
import re
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


def write_table(sheet, headers, rows, *, freeze_column="A", above=()):
    """Write `above` (lines of V cells, the first one in the title's font), then a bold,
    frozen, filtered header row and `rows` of V cells; size the columns to fit; print it
    landscape, fitted to the page's width, its header on every page. The panes are frozen
    left of `freeze_column` and below the header."""
    for number, line in enumerate(above, start=1):
        for column, item in enumerate(line, start=1):
            cell = _write(sheet, number, column, item)
            if number == 1:
                cell.font = TITLE_FONT
    header_row = len(above) + 1
    widths = {}
    for column, header in enumerate(headers, start=1):
        cell = keep_as_text(sheet.cell(header_row, column, NOT_IN_XML.sub("", str(header))))
        cell.font = BOLD
        cell.alignment = HEADER_ALIGNMENT
        # A short header fits on one line; a long one wraps rather than widen its column.
        words = str(cell.value).split() or [""]
        widths[column] = max(min(len(str(cell.value)), HEADER_WIDTH), *map(len, words))
    # The texts of each row, kept as they are written so that wrapping them need not read
    # every cell back through openpyxl: that second pass took a third of the table's time.
    texts = []
    for row_number, row in enumerate(rows, start=header_row + 1):
        row_texts = []
        for column, item in enumerate(row, start=1):
            cell, number_format = _write_cell(sheet, row_number, column, item)
            widths[column] = max(
                widths.get(column, 0),
                _display_width(cell.value, number_format) + 2 * item.indent,
            )
            if isinstance(cell.value, str):
                row_texts.append((cell, item.indent))
        if row_texts:
            texts.append((row_number, row_texts))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    _wrap_long_texts(sheet, widths, texts)
    sheet.freeze_panes = f"{freeze_column}{header_row + 1}"
    last = max(sheet.max_row, header_row)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{last}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write(sheet, row, column, item: V) -> Cell:
    return _write_cell(sheet, row, column, item)[0]


def _write_cell(sheet, row, column, item: V) -> tuple[Cell, str | None]:
    """Write `item` and return its cell with the number format it was given (None for
    openpyxl's General): reading it back from the cell costs as much as setting it."""
    value = str(item.value) if isinstance(item.value, Promise) else item.value
    if isinstance(value, str):
        value = NOT_IN_XML.sub("", value)
    cell = keep_as_text(sheet.cell(row=row, column=column, value=value))
    number_format = item.number_format or _default_format(value)
    if number_format and value is not None:
        cell.number_format = number_format
    else:
        number_format = None
    if item.indent:
        cell.alignment = _indented(item.indent)
    return cell, number_format


# One alignment object per indentation level, shared by every cell that has it: openpyxl
# stores each distinct style once anyway, and building and hashing a new Alignment for each
# cell took a sixth of the time a large table took to write.
@functools.cache
def _indented(indent):
    return Alignment(indent=indent)


@functools.cache
def _wrapped(indent):
    return Alignment(indent=indent, wrap_text=True, vertical="top")


def _wrap_long_texts(sheet, widths, texts):
    """Wrap a text wider than its column (capped at MAX_WIDTH) and make its row tall enough:
    unwrapped, a content item or a long unit name was cut off at the next cell, or ran out
    of the printed page. `texts` holds, row by row, the text cells and their indentation."""
    for row_number, row_texts in texts:
        lines = 1
        for cell, indent in row_texts:
            if cell.data_type != "s":
                continue
            room = min(max(widths[cell.column] + 2, MIN_WIDTH), MAX_WIDTH) - 2
            room -= 2 * int(indent or 0)
            text = max(cell.value.splitlines() or [""], key=len)
            if len(text) <= room:
                continue
            cell.alignment = _wrapped(float(indent or 0))
            wrapped = sum(math.ceil(max(len(line), 1) / room) for line in cell.value.splitlines())
            lines = max(lines, wrapped)
        if lines > 1:
            sheet.row_dimensions[row_number].height = LINE_HEIGHT * lines


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


def naive_local(moment):
    """An aware datetime as the naive local time Excel wants, or None."""
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def local_now():
    return naive_local(timezone.now())


def sheet_title(text, taken):
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
