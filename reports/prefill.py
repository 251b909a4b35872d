"""A new summary report's draft, pre-filled from the rollup and the units' own words.

`prefill(summary, result)` writes the header (parent body, issuing body, subject) and the
narrative (general assessment, results, shortcomings, obstacles and proposals, direction)
of an unsaved summary for its author to edit: every figure is the rollup's, each total
quoted with what it adds up, in the site's language.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign.models import MAX_NARRATIVE, AnnualReport, Obstacle
from reports import pdf
from reports.models import SUMMARY_PARENT_BODY, SummaryReport
from reports.rollup import ASSESSMENTS, INCLUDE, Rollup
from units.models import Unit

# How many lines of the units' own obstacles and proposals, and of the obstacle tracker,
# the pre-filled narrative quotes: a few, for the author to edit.
QUOTED_LINES = 5
QUOTED_UNITS = 3


def prefill(summary: SummaryReport, result: Rollup) -> None:
    """Fill the subject, header and narrative of a new `summary` from the rollup `result`
    (a `reports.rollup.Rollup`) and the units' own words (their reports' obstacles and
    proposals, the obstacle tracker). Written in the site's language; every figure is the
    rollup's, each total quoted with what it adds up (reports summed, units included).
    Three queries (the parent unit, the reports' words, the open obstacles) once the
    summary's campaign and unit are loaded; `summary` is not saved."""
    with translation.override(settings.LANGUAGE_CODE):
        _prefill(summary, result)


def _prefill(summary, result):
    campaign, unit = summary.campaign, summary.unit
    headline = result.headline
    fmt = pdf.number
    parent = (
        Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None
    )
    summary.parent_body = (parent.short_name or parent.name) if parent else SUMMARY_PARENT_BODY
    summary.issuing_body = unit.name
    summary.subject = _("Results in %(year)s of carrying out plan %(number)s: %(title)s") % {
        "year": summary.year,
        "number": campaign.number,
        "title": campaign.title,
    }
    summary.subject = summary.subject[:500]

    general = [
        _(
            "In %(year)s, %(submitted)s of the %(expected)s units expected to report sent "
            "their annual report (%(rate)s%%): %(on_time)s on time and %(late)s late; "
            "%(returned)s were returned for correction and %(missing)s are missing."
        )
        % {
            "year": summary.year,
            "submitted": fmt(headline.submitted),
            "expected": fmt(headline.expected),
            "rate": pdf.rate(headline.rate),
            "on_time": fmt(headline.on_time),
            "late": fmt(headline.late),
            "returned": fmt(headline.returned),
            "missing": fmt(headline.missing),
        },
        ngettext(
            "%(filed)s unit has filed its implementation plan, %(accepted)s of them accepted.",
            "%(filed)s units have filed their implementation plan, %(accepted)s of them accepted.",
            headline.plans_filed,
        )
        % {"filed": fmt(headline.plans_filed), "accepted": fmt(headline.plans_accepted)},
        _(
            "The units' self-assessment: good %(good)s, fair %(fair)s, average %(average)s, "
            "weak %(weak)s."
        )
        % {grade: fmt(result.assessment.get(grade, 0)) for grade in ASSESSMENTS},
    ]
    results = []
    if headline.reports:
        results.append(
            _(
                "Added up from %(reports)s reports, %(included)s/%(expected)s units included, "
                "the figures are:"
            )
            % {
                "reports": fmt(headline.reports),
                "included": fmt(headline.included),
                "expected": fmt(headline.expected),
            }
        )
    else:
        results.append(_("No report is included yet: there is no total to show."))
    for indicator in result.integer_indicators:
        total = headline.totals.get(indicator.code)
        if total is None:
            continue  # nothing included: no figure, rather than a 0 that is not one
        line = f"- {indicator.name}: {fmt(total)} {indicator.unit_of_measure}".rstrip()
        if indicator.computed:
            line += " (" + _("counted by the portal") + ")"
        results.append(line + ";")
    shortcomings = []
    if headline.late or headline.missing or headline.returned:
        shortcomings.append(
            _(
                "Reports sent late: %(late)s; reports returned for correction: %(returned)s; "
                "units that have not reported: %(missing)s."
            )
            % {
                "late": fmt(headline.late),
                "returned": fmt(headline.returned),
                "missing": fmt(headline.missing),
            }
        )
    obstacles = _quoted_reports(summary)
    if result.obstacles_open:
        obstacles.append(
            _("Obstacles raised by the units still open: %(open)s, of them overdue: %(overdue)s.")
            % {"open": fmt(result.obstacles_open), "overdue": fmt(result.obstacles_overdue)}
        )
    obstacles += _quoted_obstacles(summary)
    direction = [
        _(
            "Keep carrying out plan %(number)s; urge the units that have not reported, and "
            "answer the open obstacles."
        )
        % {"number": campaign.number}
    ]
    summary.general_assessment = _limit(general)
    summary.results = _limit(results)
    summary.shortcomings = _limit(shortcomings)
    summary.obstacles_proposals = _limit(obstacles)
    summary.direction = _limit(direction)


def _quoted_reports(summary):
    """A few lines of the obstacles and proposals the units wrote in their counted reports,
    identical texts once, with the units that wrote them. One query."""
    rows = (
        AnnualReport.objects.filter(
            campaign=summary.campaign,
            year=summary.year,
            status__in=INCLUDE[summary.include],
            unit__path__startswith=summary.unit.path,
        )
        .filter(~Q(obstacles="") | ~Q(proposals=""))
        .order_by("unit__path")
        .values_list("unit__short_name", "unit__name", "obstacles", "proposals")[:500]
    )
    by_text = {"obstacles": {}, "proposals": {}}
    for short_name, name, obstacles, proposals in rows:
        for key, text in (("obstacles", obstacles), ("proposals", proposals)):
            text = " ".join(text.split())
            if text:
                by_text[key].setdefault(text, []).append(short_name or name)
    lines = []
    for key, label in (("obstacles", _("Obstacles")), ("proposals", _("Proposals"))):
        quoted = sorted(by_text[key].items(), key=lambda item: -len(item[1]))[:QUOTED_LINES]
        if quoted:
            lines.append(f"{label}:")
        for text, units in quoted:
            names = ", ".join(units[:QUOTED_UNITS])
            if len(units) > QUOTED_UNITS:
                names = _("%(names)s and %(more)s more") % {
                    "names": names,
                    "more": len(units) - QUOTED_UNITS,
                }
            lines.append(f"- {Truncator(text).chars(300)} ({names});")
    return lines


def _quoted_obstacles(summary):
    """The oldest open obstacles of the tracker in the summary's subtree. One query."""
    rows = (
        Obstacle.objects.filter(
            campaign=summary.campaign,
            unit__path__startswith=summary.unit.path,
            status=Obstacle.Status.OPEN,
        )
        .order_by("raised_at", "pk")
        .values_list("subject", "unit__short_name", "unit__name")[:QUOTED_LINES]
    )
    return [f"- {subject} ({short or name});" for subject, short, name in rows]


def _limit(lines):
    """The lines as one text; a list of "- item;" lines ends with a full stop."""
    if lines and lines[-1].startswith("- ") and lines[-1].endswith(";"):
        lines = [*lines[:-1], lines[-1][:-1] + "."]
    return "\n".join(lines)[:MAX_NARRATIVE]
