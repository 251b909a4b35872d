"""The Excel export of the CSPL dashboard: the same rollup, as a workbook to work on.

Four sheets: the headline figures, the breakdowns by kind of unit and by unit directly
below, and every expected unit with its report's status, first submission and figures.
Every figure comes from the rollup (cached, like the dashboard's); the unit sheet costs two
queries whatever the number of units. Numbers are numeric cells, dates real dates, rates
fractions shown as percentages; labels are translated at run time (Vietnamese by default).
"""

import datetime
import re
from io import BytesIO
from types import SimpleNamespace
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import FilteredRelation, Q
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from campaign.periods import report_year
from campaign.uploads import protect_download
from reports.rollup import ACCEPTED_ONLY, ALL_SUBMITTED, ASSESSMENTS, cached_rollup, status_of
from reports.selection import int_or_none as _int
from reports.selection import offered_years as _years
from reports.selection import pick_campaign as _pick
from reports.selection import selected_unit as _unit
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
SHEET_TITLE_LENGTH = 31
NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
# Figures of a report the unit has sent, even if returned since; a draft's are not data yet.
SENT = [Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED]


class V(NamedTuple):
    """A cell to write: its value, an explicit number format and an indentation level."""

    value: object
    number_format: str | None = None
    indent: int = 0


# --- the units sheet's data -----------------------------------------------------------------------
def unit_rows(campaign, year, unit, data):
    """Every expected unit of `unit`'s subtree (itself included), in tree order, with its
    report's category (on_time, late, returned, missing), workflow status, first submission
    (a naive local datetime, as Excel wants it) and figures by indicator code.

    Two queries whatever the number of units: the units joined to their report, and the
    figures of those reports. The figures of a draft are left out: the unit has not sent them.
    """
    period = SimpleNamespace(**data["period"])
    expected = Unit.objects.filter(
        path__startswith=unit.path, kind__in=campaign.addressed_kinds
    ).open_on(period.ends_on)
    units = list(
        expected.annotate(
            report=FilteredRelation(
                "annualreports",
                condition=Q(annualreports__campaign=campaign, annualreports__year=year),
            )
        )
        .order_by("path")
        .values(
            "pk",
            "code",
            "name",
            "kind",
            "depth",
            "report__pk",
            "report__status",
            "report__first_submitted_at",
        )
    )
    kinds = {i["pk"]: (i["code"], i["kind"]) for i in data["indicators"]}
    values = {}
    for report_id, indicator_id, int_value, text_value in IndicatorValue.objects.filter(
        report__campaign=campaign,
        report__year=year,
        report__status__in=SENT,
        report__unit__in=expected,
    ).values_list("report_id", "indicator_id", "int_value", "text_value"):
        if indicator_id not in kinds:
            continue
        code, kind = kinds[indicator_id]
        value = int_value if kind == Indicator.Kind.INTEGER else (text_value or None)
        values.setdefault(report_id, {})[code] = value

    zone = ZoneInfo(settings.TIME_ZONE)
    rows = []
    for row in units:
        report = None
        if row["report__pk"] is not None:
            report = SimpleNamespace(
                status=row["report__status"],
                first_submitted_at=row["report__first_submitted_at"],
            )
        first = row["report__first_submitted_at"]
        rows.append(
            {
                "pk": row["pk"],
                "code": row["code"],
                "name": row["name"],
                "kind": row["kind"],
                "level": row["depth"] - unit.depth,
                "category": status_of(report, period),
                "status": row["report__status"] or "",
                "first_submitted_at": (
                    timezone.localtime(first, zone).replace(tzinfo=None) if first else None
                ),
                "values": values.get(row["report__pk"], {}),
            }
        )
    return rows


# --- the workbook ---------------------------------------------------------------------------------
def build_workbook(data, units, campaign=None):
    """The workbook of a rollup `data` and the `units` of `unit_rows`. No query."""
    kind_labels = {value: str(label) for value, label in Unit.Kind.choices}
    integers = [i for i in data["indicators"] if i["kind"] == Indicator.Kind.INTEGER]
    workbook = Workbook()
    taken = set()

    summary = workbook.active
    summary.title = sheet_title(pgettext("spreadsheet", "Summary"), taken)
    _table(
        summary,
        [_("Item"), capfirst(_("value")), capfirst(_("unit of measure"))],
        _summary_rows(data, integers, campaign),
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
        (_("Reports counted"), "included"),
    ]
    figure_headers = [
        *(label for label, _key in counts),
        _("Reporting rate"),
        _("On-time rate"),
        *(_indicator_header(i) for i in integers),
    ]

    def figures(group):
        return [
            *(V(group[key]) for _label, key in counts),
            _rate(group["rate"]),
            _rate(group["on_time_rate"]),
            *(V(group["totals"].get(i["code"])) for i in integers),
        ]

    by_kind = workbook.create_sheet(sheet_title(_("By kind of unit"), taken))
    _table(
        by_kind,
        [_("Kind"), *figure_headers],
        ([V(kind_labels.get(row["kind"], row["kind"])), *figures(row)] for row in data["by_kind"]),
        freeze="B2",
    )

    by_child = workbook.create_sheet(sheet_title(_("By unit directly below"), taken))
    _table(
        by_child,
        [_("Unit"), _("Kind"), *figure_headers],
        (
            [
                V(capfirst(_("the unit itself")) if row["is_scope"] else row["name"]),
                V(kind_labels.get(row["kind"], row["kind"])),
                *figures(row),
            ]
            for row in data["by_child"]
        ),
        freeze="B2",
    )

    every = workbook.create_sheet(sheet_title(_("Every unit"), taken))
    category_labels = {
        "on_time": _("On time"),
        "late": _("Late"),
        "returned": _("Returned"),
        "missing": _("Missing"),
    }
    status_labels = {value: str(label) for value, label in Status.choices}
    _table(
        every,
        [
            _("Unit"),
            _("Code"),
            _("Kind"),
            _("Status"),
            _("Report status"),
            _("First submitted"),
            *(_indicator_header(i) for i in data["indicators"]),
        ],
        (
            [
                V(row["name"], indent=row["level"]),
                V(row["code"]),
                V(kind_labels.get(row["kind"], row["kind"])),
                V(category_labels[row["category"]]),
                V(status_labels.get(row["status"])),
                V(row["first_submitted_at"], DATETIME),
                *(V(row["values"].get(i["code"])) for i in data["indicators"]),
            ]
            for row in units
        ),
        freeze="B2",
    )
    return workbook


def _summary_rows(data, integers, campaign):
    headline = data["headline"]
    unit_name = data["ancestors"][-1]["name"] if data["ancestors"] else ""
    include_labels = {
        ACCEPTED_ONLY: _("accepted reports"),
        ALL_SUBMITTED: _("all submitted reports"),
    }
    assessment_labels = dict(AnnualReport.Assessment.choices)
    period_field = Period._meta.get_field
    assessed = capfirst(_("self-assessment"))  # outside the f-string, where xgettext finds it
    rows = []
    if campaign is not None:
        rows.append([V(_("Campaign")), V(f"{campaign.number} – {campaign.title}")])
    rows += [
        [V(_("Unit")), V(unit_name)],
        [V(_("Year")), V(data["year"], YEAR)],
        [V(_("Figures from")), V(include_labels.get(data["include"], data["include"]))],
        *(
            [V(capfirst(period_field(name).verbose_name)), V(data["period"][name], DATE)]
            for name in ("starts_on", "ends_on", "due_on", "locks_on")
        ),
        [V(_("Units expected")), V(headline["expected"])],
        [V(_("Plans filed")), V(headline["plans_filed"])],
        [V(_("Plans accepted")), V(headline["plans_accepted"])],
        [V(_("Reports submitted")), V(headline["submitted"])],
        [V(_("On time")), V(headline["on_time"])],
        [V(_("Late")), V(headline["late"])],
        [V(_("Returned")), V(headline["returned"])],
        [V(_("Missing")), V(headline["missing"])],
        [V(_("Reporting rate")), _rate(headline["rate"])],
        [V(_("On-time rate")), _rate(headline["on_time_rate"])],
        [V(_("Reports counted")), V(headline["included"])],
        *(
            [
                V(f"{assessed}: {assessment_labels[grade]}"),
                V(data["assessment"][grade]),
            ]
            for grade in ASSESSMENTS
        ),
        *(
            [V(i["name"]), V(headline["totals"].get(i["code"])), V(i["unit_of_measure"] or None)]
            for i in integers
        ),
        [V(_("Obstacles open")), V(data["obstacles"]["open"])],
        [V(_("Obstacles overdue")), V(data["obstacles"]["overdue"])],
        [V(_("Reminders sent")), V(data["reminders"]["sent"])],
        [V(_("Reminders sent by hand")), V(data["reminders"]["manual"])],
        [V(_("Exported on")), V(_local_now(), DATETIME)],
    ]
    return rows


def _table(sheet, headers, rows, freeze):
    """Write a bold, frozen header row and `rows` of V cells; size the columns to fit."""
    sheet.append([str(header) for header in headers])
    widths = {}
    for column, cell in enumerate(sheet[1], start=1):
        cell.font = BOLD
        cell.alignment = HEADER_ALIGNMENT
        # A short header fits on one line; a long one wraps rather than widen its column.
        words = str(cell.value).split() or [""]
        widths[column] = max(min(len(str(cell.value)), HEADER_WIDTH), *map(len, words))
    for row_number, row in enumerate(rows, start=2):
        for column, item in enumerate(row, start=1):
            value = str(item.value) if isinstance(item.value, Promise) else item.value
            cell = sheet.cell(row=row_number, column=column, value=value)
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
    sheet.freeze_panes = freeze


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
    unit = indicator["unit_of_measure"]
    return f"{indicator['name']} ({unit})" if unit else indicator["name"]


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
@login_required
def dashboard_excel(request):
    """The dashboard's rollup as an .xlsx: the same parameters and access rules."""
    scope = Scope.for_request(request)
    if not scope.memberships:
        raise PermissionDenied
    campaigns = list(Campaign.objects.order_by("-issued_on", "pk"))
    if not campaigns:
        raise Http404
    campaign = _pick(campaigns, request.GET.get("campaign"))
    year = _int(request.GET.get("year")) or report_year(campaign, from_rules=True)
    if year not in _years(campaign):  # a year still to come: no period is created for it
        raise Http404
    include = ALL_SUBMITTED if request.GET.get("include") == ALL_SUBMITTED else ACCEPTED_ONLY
    unit = _unit(request, scope)
    try:
        data = cached_rollup(campaign, year, unit, include)
    except ValidationError as error:
        raise Http404(error.messages[0]) from None
    workbook = build_workbook(data, unit_rows(campaign, year, unit, data), campaign)
    buffer = BytesIO()
    workbook.save(buffer)
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code).strip("-") or str(unit.pk)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{campaign.slug}-{year}-{code}.xlsx"
    )
    return protect_download(response)


urlpatterns = [path("dashboard/excel/", dashboard_excel, name="dashboard_excel")]
