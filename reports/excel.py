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
a formula, whatever it starts with. No sheet is longer than a list's download
(`settings.LIST_DOWNLOAD_MAX_ROWS`): a longer workbook is refused, never cut short.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from campaign.counting import ACCEPTED_ONLY, ALL_SUBMITTED, inclusion
from campaign.models import AnnualReport, Campaign, Obstacle, Period, Status
from campaign.periods import pick_campaign
from campaign.spreadsheets import (
    DATE,
    DATETIME,
    MARK,
    RATE,
    YEAR,
    V,
    local_now,
    naive_local,
    sheet_title,
    workbook_response,
    write_table,
)
from config.http import Explained404, require_safe
from reports.rollup import ASSESSMENTS, cached_rollup, unit_rows, with_forebears
from reports.selection import (
    selected_unit,
    selected_year,
)
from reports.trees import TODAY, tree_mode
from units.access import Scope
from units.models import Unit


# --- the workbook ---------------------------------------------------------------------------------
def build_workbook(result, units, campaign=None, obstacles=None, *, write_only=False):
    """The workbook of a rollup `result` and the `units` of `unit_rows(..., with_values=True)`
    for the same campaign, year, unit and inclusion, with a sheet of the `obstacles` of
    `open_obstacles` for that campaign and unit when given. No query.

    `write_only` makes it a workbook to save once (openpyxl's write-only mode: each row
    streamed out as it is written, nothing kept to read back), as the download does."""
    kind_labels = {value: str(label) for value, label in Unit.Kind.choices}
    category_labels = {
        "on_time": _("On time"),
        "late": _("Late"),
        "returned": _("Returned"),
        "missing": _("Missing"),
    }
    integers = result.integer_indicators
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)  # each sheet below is made with its title
    taken = set()

    summary = workbook.create_sheet(sheet_title(pgettext("spreadsheet", "Summary"), taken))
    write_table(
        summary,
        [_("Item"), capfirst(_("value")), capfirst(_("unit of measure")), _("Coverage")],
        _summary_rows(result, campaign),
        freeze_column="A",
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
    write_table(
        by_kind,
        [_("Kind"), *figure_headers],
        ([V(kind_labels.get(row.kind, row.kind)), *figures(row)] for row in result.by_kind),
        freeze_column="B",
    )

    by_child = workbook.create_sheet(sheet_title(_("By unit directly below"), taken))
    write_table(
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
        freeze_column="B",
    )

    # The figures a unit types: a computed one is counted over an area, not typed by a unit.
    typed = [i for i in result.indicators if not i.computed]
    every = workbook.create_sheet(sheet_title(_("Every unit"), taken))
    # A cell stands alone: these labels are written to go mid-sentence ("không thuộc diện
    # báo cáo"), so each starts here with a capital (capfirst leaves the rest as it is).
    status_labels = {value: capfirst(str(label)) for value, label in Status.choices}
    reopened = capfirst(pgettext("state of a plan or report", "Reopened"))
    not_filing = capfirst(_("does not file"))
    write_table(
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
                V(naive_local(row.first_submitted_at), DATETIME),
                V(MARK if row.included else None),
                *(V(_cell_value(row.values.get(i.code))) for i in typed),
            ]
            for row in units
        ),
        freeze_column="B",
    )

    if result.text_indicators:
        listed = workbook.create_sheet(sheet_title(_("Texts reported"), taken))
        write_table(
            listed,
            [_("Unit"), _("Code"), _("Indicator"), capfirst(_("value"))],
            (
                [
                    V(_listed_name(row)),
                    V(row.code),
                    V(indicator.name),
                    V(row.values[indicator.code]),
                ]
                for row, indicator in _texts(result, units)
            ),
            freeze_column="B",
        )

    trend = workbook.create_sheet(sheet_title(_("Over the years"), taken))
    write_table(
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
        freeze_column="B",
    )

    themes = workbook.create_sheet(sheet_title(pgettext("spreadsheet", "Content covered"), taken))
    write_table(
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
        freeze_column="C",
    )

    if obstacles is not None:
        listed = workbook.create_sheet(sheet_title(_("Obstacles open"), taken))
        today = timezone.localdate()
        write_table(
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
                    V(naive_local(obstacle.raised_at), DATETIME),
                    V(obstacle.answer_by, DATE),
                    V(MARK if obstacle.is_overdue(today) else None),
                ]
                for obstacle in obstacles
            ),
            freeze_column="B",
        )
    return workbook


def _texts(result, units):
    """The (unit row, text indicator) pairs the sheet of texts lists: each text an included
    report holds."""
    return (
        (row, indicator)
        for row in units
        if row.included
        for indicator in result.text_indicators
        if row.values.get(indicator.code)
    )


def _listed_name(row) -> str:
    """A unit's name as the sheets of every unit list it: marked, as the sheet of units
    below marks it, when it had closed by the cut-off."""
    return f"{row.name} ({row.tree_label})" if row.tree_label else row.name


def open_obstacles(campaign, unit, scope=None, at_most=None):
    """The open obstacles of `campaign` raised in `unit`'s area (the unit and its subtree
    today), those to answer first first: the ones the rollup counts as open (and overdue,
    past their answer-by date). Within the access `scope` when given; the first `at_most`
    when given. One query."""
    obstacles = Obstacle.objects.filter(
        campaign=campaign, unit__path__startswith=unit.path, status=Obstacle.Status.OPEN
    )
    if scope is not None:
        obstacles = scope.filter(obstacles)
    obstacles = obstacles.select_related("unit", "campaign").order_by(
        "answer_by", "raised_at", "unit__path", "pk"
    )
    return list(obstacles if at_most is None else obstacles[:at_most])


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
        # Beside it, what that means, in the dashboard's words.
        [
            V(_("Counted on")),
            V(capfirst(_("today's tree") if result.tree == TODAY else _("the tree of that year"))),
            V(None),
            V(result.counted_on),
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
        [V(_("Exported on")), V(local_now(), DATETIME)],
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


def _rate(percent):
    """The rollup's rate (a percentage, or None without expected units) as a fraction."""
    return V(None if percent is None else round(percent / 100, 4), RATE)


def _indicator_header(indicator):
    unit = indicator.unit_of_measure
    return f"{indicator.name} ({unit})" if unit else indicator.name


def _cell_value(value):
    """A unit's figure as a cell: a number, a text, or empty (an empty text too)."""
    return value if value not in ("", None) else None


# --- the download ---------------------------------------------------------------------------------
@require_safe
@login_required
def dashboard_excel(request):
    """The dashboard's rollup as an .xlsx: the same parameters and access rules. A workbook
    with a sheet longer than `settings.LIST_DOWNLOAD_MAX_ROWS` is refused: the dashboard
    says so, its query kept."""
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
    # No sheet holds more rows than a list's download (settings.LIST_DOWNLOAD_MAX_ROWS),
    # and a longer workbook is not written: written, a national root's (every unit of the
    # country, one row each) would pass gunicorn's 30 s. Every expected unit is a row of
    # the sheet of every unit: the rollup's count refuses most of them before any row is
    # read; then each sheet's rows, at most the limit and one more read.
    limit = settings.LIST_DOWNLOAD_MAX_ROWS
    if result.headline.expected > limit:
        return _too_long(request, limit)
    window = (0, limit + 1)
    units = unit_rows(campaign, unit, result, with_values=True, with_filers=True, window=window)
    obstacles = open_obstacles(campaign, unit, scope, at_most=limit + 1)
    texts = sum(1 for _pair in _texts(result, units))
    if max(len(units), len(obstacles), texts) > limit:
        return _too_long(request, limit)
    # The rows set up after the cut-off name the units merged into them, as on the page.
    result = with_forebears(result)
    workbook = build_workbook(result, units, campaign, obstacles, write_only=True)
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code).strip("-") or str(unit.pk)
    return workbook_response(workbook, f"{campaign.slug}-{year}-{code}.xlsx")


def _too_long(request, limit):
    """The dashboard, with the same query (its campaign, year, inclusion, tree and unit)
    and a message asking for a smaller area, instead of a workbook with a sheet longer than
    `limit` rows: never a file cut short, as the lists' downloads do
    (campaign.list_exports.list_download)."""
    messages.warning(
        request,
        _(
            "This workbook would have more than %(limit)s rows in a sheet, too many for one "
            "Excel file. Choose a unit lower in the tree and download it again."
        )
        % {"limit": number_format(limit, force_grouping=True)},
    )
    query = request.GET.urlencode()
    return redirect(reverse("reports:dashboard") + (f"?{query}" if query else ""))


urlpatterns = [path("dashboard/excel/", dashboard_excel, name="dashboard_excel")]
