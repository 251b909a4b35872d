"""The Excel export of the CSPL dashboard: the same rollup, as a workbook to work on.

Sheets: the headline figures, the breakdowns by kind of unit and by unit directly below,
every expected unit with its own report's category, first submission and figures, when the
campaign has text indicators the texts those units reported, then what the dashboard shows
below its tables: the years of the trend, the content covered by accepted plans, and the
area's open obstacles. Every figure comes from the rollup (cached, like the dashboard's),
its one query of units (`reports.rollup.unit_rows`) and, for the obstacles, one query of
the rows the rollup counts (`open_obstacles`), by the README's counting rule: a report
holds its unit's own figures; an area's total is the sum of its included reports, written
beside its coverage (units included of units expected, reports summed); a total with
nothing included is an empty cell, never 0. Numbers are numeric cells, dates real dates,
rates fractions shown as percentages; labels are translated at run time (Vietnamese by
default).

Every sheet is a table to work on and to print: its header row is bold, frozen, filtered
(an autofilter over the table) and repeated on every printed page, and it prints landscape
on A4, fitted to the page's width. A text a user typed is always written as text, never as
a formula, whatever it starts with.
"""

import datetime
import math
import re
from io import BytesIO
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from campaign.counting import ACCEPTED_ONLY, ALL_SUBMITTED, inclusion
from campaign.downloads import protect_download
from campaign.models import AnnualReport, Campaign, Obstacle, Period, Status
from campaign.periods import pick_campaign
from campaign.workbooks import NOT_IN_XML
from config.http import Explained404, require_safe
from reports.rollup import ASSESSMENTS, cached_rollup, unit_rows
from reports.selection import (
    selected_unit,
    selected_year,
)
from reports.trees import TODAY, tree_mode
from units.access import Scope
from units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNT = "#,##0"
RATE = "0.0%"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
YEAR = "0"
BOLD = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 8, 50, 16
# Points a line of 11 pt Calibri takes, for the height of a row whose text wraps.
LINE_HEIGHT = 15
SHEET_TITLE_LENGTH = 31
NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
# The mark of a yes in a column of marks: the same in every language.
MARK = "✓"


class V(NamedTuple):
    """A cell to write: its value, an explicit number format and an indentation level."""

    value: object
    number_format: str | None = None
    indent: int = 0


# --- the workbook ---------------------------------------------------------------------------------
def build_workbook(result, units, campaign=None, obstacles=None):
    """The workbook of a rollup `result` and the `units` of `unit_rows(..., with_values=True)`
    for the same campaign, year, unit and inclusion, with a sheet of the `obstacles` of
    `open_obstacles` for that campaign and unit when given. No query."""
    kind_labels = {value: str(label) for value, label in Unit.Kind.choices}
    category_labels = {
        "on_time": _("On time"),
        "late": _("Late"),
        "returned": _("Returned"),
        "missing": _("Missing"),
    }
    integers = result.integer_indicators
    workbook = Workbook()
    taken = set()

    summary = workbook.active
    summary.title = sheet_title(pgettext("spreadsheet", "Summary"), taken)
    _table(
        summary,
        [_("Item"), capfirst(_("value")), capfirst(_("unit of measure")), _("Coverage")],
        _summary_rows(result, campaign),
        freeze="A2",
    )

    counts = [
        (_("Expected"), "expected"),
        (_("Plans filed"), "plans_filed"),
        (_("Plans accepted"), "plans_accepted"),
        (_("Reports submitted"), "submitted"),
        (_("On time"), "on_time"),
        (_("Late"), "late"),
        (_("Returned"), "returned"),
        (_("Missing"), "missing"),
    ]
    figure_headers = [
        *(label for label, _key in counts),
        _("Reporting rate"),
        _("On-time rate"),
        _("Units included"),
        _("Coverage"),
        _("Reports summed"),
        *(_indicator_header(i) for i in integers),
    ]

    def figures(group):
        """A group's counts, its coverage, then its totals: None (an empty cell) while
        nothing is included."""
        return [
            *(V(getattr(group, key)) for _label, key in counts),
            _rate(group.rate),
            _rate(group.on_time_rate),
            V(group.included),
            _rate(group.coverage),
            V(group.reports),
            *(V(group.totals.get(i.code)) for i in integers),
        ]

    by_kind = workbook.create_sheet(sheet_title(_("By kind of unit"), taken))
    _table(
        by_kind,
        [_("Kind"), *figure_headers],
        ([V(kind_labels.get(row.kind, row.kind)), *figures(row)] for row in result.by_kind),
        freeze="B2",
    )

    by_child = workbook.create_sheet(sheet_title(_("By unit directly below"), taken))
    _table(
        by_child,
        [
            _("Unit"),
            _("Kind"),
            _("Own report"),
            capfirst(_("figures of the units below only")),
            *figure_headers,
        ],
        (
            [
                V(
                    capfirst(_("the unit itself"))
                    if row.is_scope
                    else f"{row.name} ({row.tree_label})"
                    if row.tree_label
                    else row.name
                ),
                V(kind_labels.get(row.kind, row.kind)),
                V(row.own_label(category_labels)),
                V(MARK if row.from_below else None),
                *figures(row),
            ]
            for row in result.by_child
        ),
        freeze="B2",
    )

    # The figures a unit types: a computed one is counted over an area, not typed by a unit.
    typed = [i for i in result.indicators if not i.computed]
    every = workbook.create_sheet(sheet_title(_("Every unit"), taken))
    # A cell stands alone: these labels are written to go mid-sentence ("không thuộc diện
    # báo cáo"), so each starts here with a capital (capfirst leaves the rest as it is).
    status_labels = {value: capfirst(str(label)) for value, label in Status.choices}
    reopened = capfirst(pgettext("state of a plan or report", "Reopened"))
    not_filing = capfirst(_("does not file"))
    _table(
        every,
        [
            _("Unit"),
            _("Code"),
            _("Kind"),
            _("Status"),
            _("Report status"),
            _("First submitted"),
            _("Included in the totals"),
            *(_indicator_header(i) for i in typed),
        ],
        (
            [
                # Marked as on the sheet of units below when it closed by the cut-off: why
                # it does not file.
                V(_listed_name(row), indent=row.level),
                V(row.code),
                V(kind_labels.get(row.kind, row.kind)),
                # A unit not expected that filed all the same is listed for its figures.
                V(capfirst(category_labels[row.category]) if row.category else not_filing),
                # As the report's own page names it; the category beside it still counts
                # a reopened report as returned, as the headline does.
                V(reopened if row.reopened else status_labels.get(row.status)),
                V(_naive_local(row.first_submitted_at), DATETIME),
                V(MARK if row.included else None),
                *(V(_cell_value(row.values.get(i.code))) for i in typed),
            ]
            for row in units
        ),
        freeze="B2",
    )

    texts = result.text_indicators
    if texts:
        listed = workbook.create_sheet(sheet_title(_("Texts reported"), taken))
        _table(
            listed,
            [_("Unit"), _("Code"), _("Indicator"), capfirst(_("value"))],
            (
                [
                    V(_listed_name(row)),
                    V(row.code),
                    V(indicator.name),
                    V(row.values[indicator.code]),
                ]
                for row in units
                if row.included
                for indicator in texts
                if row.values.get(indicator.code)
            ),
            freeze="B2",
        )

    trend = workbook.create_sheet(sheet_title(_("Over the years"), taken))
    _table(
        trend,
        [
            _("Year"),
            _("Reports summed"),
            _("Units expected"),
            # The year's coverage beside its totals, as on every other sheet.
            _("Units included"),
            _("Coverage"),
            *(_indicator_header(i) for i in integers),
            pgettext("spreadsheet", "Days the tree changed"),
        ],
        (
            [
                V(row.year, YEAR),
                V(row.reports),
                V(row.expected),
                V(row.included),
                _rate(row.coverage),
                *(V(row.totals.get(i.code)) for i in integers),
                V("; ".join(row.changes) or None),
            ]
            for row in result.trend
        ),
        freeze="B2",
    )

    themes = workbook.create_sheet(sheet_title(pgettext("spreadsheet", "Content covered"), taken))
    _table(
        themes,
        [
            pgettext("a content item's number", "Item"),
            _("Content item"),
            _("Plans"),
            _("Activities"),
        ],
        (
            [
                V(row.number),
                V(row.title, indent=1 if row.parent_id else 0),
                V(row.plans),
                V(row.activities),
            ]
            for row in result.themes
        ),
        freeze="C2",
    )

    if obstacles is not None:
        listed = workbook.create_sheet(sheet_title(_("Obstacles open"), taken))
        today = timezone.localdate()
        _table(
            listed,
            [
                _("Unit"),
                _("Code"),
                _("Campaign"),
                _("Subject"),
                capfirst(_("raised at")),
                _("Answer by"),
                _("Overdue"),
            ],
            (
                [
                    V(obstacle.unit.name),
                    V(obstacle.unit.code),
                    V(obstacle.campaign.reference),
                    V(obstacle.subject),
                    V(_naive_local(obstacle.raised_at), DATETIME),
                    V(obstacle.answer_by, DATE),
                    V(MARK if obstacle.is_overdue(today) else None),
                ]
                for obstacle in obstacles
            ),
            freeze="B2",
        )
    return workbook


def _listed_name(row) -> str:
    """A unit's name as the sheets of every unit list it: marked, as the sheet of units
    below marks it, when it had closed by the cut-off."""
    return f"{row.name} ({row.tree_label})" if row.tree_label else row.name


def open_obstacles(campaign, unit, scope=None):
    """The open obstacles of `campaign` raised in `unit`'s area (the unit and its subtree
    today), those to answer first first: the ones the rollup counts as open (and overdue,
    past their answer-by date). Within the access `scope` when given. One query."""
    obstacles = Obstacle.objects.filter(
        campaign=campaign, unit__path__startswith=unit.path, status=Obstacle.Status.OPEN
    )
    if scope is not None:
        obstacles = scope.filter(obstacles)
    return list(
        obstacles.select_related("unit", "campaign").order_by(
            "answer_by", "raised_at", "unit__path", "pk"
        )
    )


def _summary_rows(result, campaign):
    headline = result.headline
    # Values in cells of their own, as the sheet of every unit writes its statuses.
    include_labels = {
        ACCEPTED_ONLY: capfirst(_("accepted reports")),
        ALL_SUBMITTED: capfirst(_("all submitted reports")),
    }
    assessment_labels = dict(AnnualReport.Assessment.choices)
    period_field = Period._meta.get_field
    assessed = capfirst(_("self-assessment"))  # outside the f-string, where xgettext finds it
    coverage = coverage_text(headline)
    now_every_year = capfirst(_("on the day of export, raised in any year"))
    rows = []
    if campaign is not None:
        rows.append([V(_("Campaign")), V(str(campaign))])
    rows.append([V(_("Unit")), V(result.unit_name)])
    note = result.tree_note
    if note:
        rows.append([V(capfirst(_("note"))), V(note)])
    rows += [
        [V(_("Year")), V(result.year, YEAR)],
        [V(_("Figures from")), V(include_labels.get(result.include, result.include))],
        [
            V(_("Counted on")),
            V(capfirst(_("today's tree") if result.tree == TODAY else _("the tree of that year"))),
        ],
        *(
            [V(capfirst(period_field(name).verbose_name)), V(getattr(result.period, name), DATE)]
            for name in ("starts_on", "ends_on", "due_on", "locks_on")
        ),
        [V(_("Units expected")), V(headline.expected)],
        [V(_("Plans filed")), V(headline.plans_filed)],
        [V(_("Plans accepted")), V(headline.plans_accepted)],
        [V(_("Reports submitted")), V(headline.submitted)],
        [V(_("On time")), V(headline.on_time)],
        [V(_("Late")), V(headline.late)],
        [V(_("Returned")), V(headline.returned)],
        [V(_("Missing")), V(headline.missing)],
        [V(_("Reporting rate")), _rate(headline.rate)],
        [V(_("On-time rate")), _rate(headline.on_time_rate)],
        [V(_("Units included")), V(headline.included)],
        [V(_("Coverage")), _rate(headline.coverage)],
        [V(_("Reports summed")), V(headline.reports)],
        *(
            [V(f"{assessed}: {assessment_labels[grade]}"), V(result.assessment.get(grade, 0))]
            for grade in ASSESSMENTS
        ),
        *(
            [
                V(i.name),
                V(headline.totals.get(i.code)),
                V(i.unit_of_measure or None),
                V(capfirst(_("counted by the portal")) if i.computed else coverage),
            ]
            for i in result.integer_indicators
        ),
        # Obstacles are today's follow-up of the whole campaign, not the year's: said beside
        # them, since every other row of the sheet is the year's.
        [V(_("Obstacles open")), V(result.obstacles_open), V(None), V(now_every_year)],
        [V(_("Obstacles overdue")), V(result.obstacles_overdue), V(None), V(now_every_year)],
        [V(_("Reminders sent")), V(result.reminders_sent)],
        [V(_("Reminders sent by hand")), V(result.reminders_manual)],
        [V(_("Exported on")), V(_local_now(), DATETIME)],
    ]
    return rows


def coverage_text(figures):
    """What the totals of `figures` are made of, in words: "3 of 7 units included; reports
    summed: 5", or that nothing is included yet."""
    if not figures.reports:
        return _("No report is included yet: there is no total to show.")
    return _("%(included)s of %(expected)s units included; reports summed: %(reports)s") % {
        "included": number_format(figures.included, force_grouping=True),
        "expected": number_format(figures.expected, force_grouping=True),
        "reports": number_format(figures.reports, force_grouping=True),
    }


def _table(sheet, headers, rows, freeze):
    """Write a bold, frozen, filtered header row and `rows` of V cells; size the columns to
    fit; print it landscape, fitted to the page's width, its header on every page."""
    sheet.append([NOT_IN_XML.sub("", str(header)) for header in headers])
    widths = {}
    for column, cell in enumerate(sheet[1], start=1):
        if str(cell.value).startswith("="):
            cell.data_type = "s"  # an indicator's name, typed by staff: never a formula
        cell.font = BOLD
        cell.alignment = HEADER_ALIGNMENT
        # A short header fits on one line; a long one wraps rather than widen its column.
        words = str(cell.value).split() or [""]
        widths[column] = max(min(len(str(cell.value)), HEADER_WIDTH), *map(len, words))
    for row_number, row in enumerate(rows, start=2):
        for column, item in enumerate(row, start=1):
            value = str(item.value) if isinstance(item.value, Promise) else item.value
            if isinstance(value, str):
                # Typed text the forms accept but XML cannot hold (U+FFFF…) is left out.
                value = NOT_IN_XML.sub("", value)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed by a user: a text, never a formula
            number_format = item.number_format or _default_format(value)
            if number_format and value is not None:
                cell.number_format = number_format
            if item.indent:
                cell.alignment = Alignment(indent=item.indent)
            widths[column] = max(
                widths.get(column, 0), _display_width(value, number_format) + 2 * item.indent
            )
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    _wrap_long_texts(sheet, widths)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _wrap_long_texts(sheet, widths):
    """Wrap a text wider than its column (capped at MAX_WIDTH) and make its row tall enough:
    unwrapped, a content item or a long unit name was cut off at the next cell, or ran out
    of the printed page."""
    for row in sheet.iter_rows(min_row=2):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or cell.data_type != "s":
                continue
            room = min(max(widths[cell.column] + 2, MIN_WIDTH), MAX_WIDTH) - 2
            room -= 2 * int(cell.alignment.indent or 0)
            text = max(cell.value.splitlines() or [""], key=len)
            if len(text) <= room:
                continue
            cell.alignment = Alignment(indent=cell.alignment.indent, wrap_text=True, vertical="top")
            wrapped = sum(math.ceil(max(len(line), 1) / room) for line in cell.value.splitlines())
            lines = max(lines, wrapped)
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


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


def _rate(percent):
    """The rollup's rate (a percentage, or None without expected units) as a fraction."""
    return V(None if percent is None else round(percent / 100, 4), RATE)


def _indicator_header(indicator):
    unit = indicator.unit_of_measure
    return f"{indicator.name} ({unit})" if unit else indicator.name


def _cell_value(value):
    """A unit's figure as a cell: a number, a text, or empty (an empty text too)."""
    return value if value not in ("", None) else None


def _naive_local(moment):
    """An aware datetime as the naive local time Excel wants, or None."""
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def _local_now():
    return timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


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


# --- the download ---------------------------------------------------------------------------------
@require_safe
@login_required
def dashboard_excel(request):
    """The dashboard's rollup as an .xlsx: the same parameters and access rules."""
    scope = Scope.for_request(request)
    if not scope.memberships:
        raise PermissionDenied
    campaigns = list(Campaign.objects.select_related("issuer").order_by("-issued_on", "pk"))
    if not campaigns:
        raise Http404
    campaign = pick_campaign(campaigns, request.GET.get("campaign"))
    year = selected_year(request, campaign)
    include = inclusion(request.GET.get("include"))
    unit = selected_unit(request, scope)
    try:
        result = cached_rollup(campaign, year, unit, include, tree_mode(request.GET.get("tree")))
    except ValidationError as error:
        raise Explained404(error.messages[0]) from None
    units = unit_rows(campaign, unit, result, with_values=True, with_filers=True)
    obstacles = open_obstacles(campaign, unit, scope)
    workbook = build_workbook(result, units, campaign, obstacles)
    buffer = BytesIO()
    workbook.save(buffer)
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code).strip("-") or str(unit.pk)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{campaign.slug}-{year}-{code}.xlsx"
    )
    return protect_download(response)


urlpatterns = [path("dashboard/excel/", dashboard_excel, name="dashboard_excel")]
