"""A new summary report's draft, pre-filled from the rollup and the units' own words.

`prefill(summary, result)` writes the header (parent body, issuing body, subject) and the
narrative (general assessment, results, shortcomings, obstacles and proposals, direction)
of an unsaved summary for its author to edit: every figure is the rollup's, each total
quoted with what it adds up, in the site's language.
"""

import dataclasses
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaign.models import MAX_NARRATIVE, AnnualReport, Obstacle
from reports import parties, pdf
from reports.models import SummaryReport, placeholder_in
from reports.rollup import ASSESSMENTS, INCLUDE, Figures, Rollup

# How many lines of the units' own obstacles and proposals, and of the obstacle tracker,
# the pre-filled narrative quotes: a few, for the author to edit.
QUOTED_LINES = 5
QUOTED_UNITS = 3


# The headline's counts the narrative quotes, and how a change of one is named; with them the
# totals (named by their indicator) and the self-assessments.
QUOTED = {
    "expected": gettext_lazy("units expected to report"),
    "on_time": gettext_lazy("reports on time"),
    "late": gettext_lazy("reports sent late"),
    "returned": gettext_lazy("reports returned for correction"),
    "included": gettext_lazy("units included"),
    "reports": gettext_lazy("reports added up"),
    "plans_filed": gettext_lazy("plans sent"),
    "plans_accepted": gettext_lazy("plans accepted"),
}


def written_from(headline: Figures | dict) -> dict:
    """The figures of `headline` (a rollup's `Figures`, or that as JSON) that a narrative
    quotes, as plain JSON: kept with a draft (`SummaryReport.drafted_from`) and compared at
    issue (`figure_changes`)."""
    data = headline if isinstance(headline, dict) else dataclasses.asdict(headline)
    quoted = {name: data.get(name) for name in (*QUOTED, "assessed", "totals")}
    return json.loads(json.dumps(quoted, cls=DjangoJSONEncoder))


def figure_changes(
    summary: SummaryReport, headline: Figures | dict, indicator_names: dict
) -> list[str]:
    """What differs between the figures `summary`'s text was written from and `headline`:
    one phrase a figure ("reports added up: 23 → 24"); none for a draft that kept none.
    `indicator_names` names the totals by code."""
    if not summary.drafted_from:
        return []
    return headline_changes(summary.drafted_from, headline, indicator_names)


def headline_changes(before: dict, headline: Figures | dict, indicator_names: dict) -> list[str]:
    """What differs between the quoted figures `before` (`written_from`) and `headline`: one
    phrase a figure ("reports added up: 23 → 24"), for the figures `before` has.
    `indicator_names` names the totals by code. No query."""
    now = written_from(headline)
    fmt = pdf.number

    def shown(value):
        return "—" if value is None else fmt(value)

    changes = [
        f"{label}: {shown(before.get(name))} → {shown(now[name])}"
        for name, label in QUOTED.items()
        if name in before and before[name] != now[name]
    ]
    old_totals = before.get("totals") or {}
    changes += [
        f"{indicator_names.get(code, code)}: {shown(old_totals.get(code))} → {shown(value)}"
        for code, value in (now["totals"] or {}).items()
        if "totals" in before and old_totals.get(code) != value
    ]
    if "assessed" in before and (before["assessed"] or {}) != (now["assessed"] or {}):
        changes.append(str(_("the units' self-assessments")))
    return changes


def prefill(summary: SummaryReport, result: Rollup) -> None:
    """Fill the subject, header and narrative of a new `summary` from the rollup `result`
    (a `reports.rollup.Rollup`) and the units' own words (their reports' obstacles and
    proposals, the obstacle tracker). Written in the site's language; every figure is the
    rollup's, each total quoted with what it adds up (reports summed, units included).
    A few queries (the parties: the unit's names on the document's date and its
    letterhead; the plan's issuer; the reports' words; the open obstacles) once the
    summary's campaign and unit are loaded; `summary` is not saved."""
    with translation.override(settings.LANGUAGE_CODE):
        _prefill(summary, result)
    summary.drafted_from = written_from(result.headline)


def _prefill(summary, result):
    campaign, unit = summary.campaign, summary.unit
    headline = result.headline
    fmt = pdf.number
    for name, value in parties.parties(unit, summary.kind, summary.dated_on).items():
        setattr(summary, name, value)
    summary.subject = _("Results in %(year)s of carrying out %(plan)s") % {
        "year": summary.year,
        "plan": plan_citation(campaign),
    }
    summary.subject = summary.subject[:500]

    general = [
        _reporting_sentence(summary.year, headline),
        _plans_sentence(headline),
        _assessment_sentence(result.assessment),
    ]
    general = [sentence for sentence in general if sentence]
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
    # Only the counts that are not zero: "0 returned" reads as a machine's sentence.
    lapses = [
        phrase % {"n": fmt(count)}
        for phrase, count in (
            (_("reports sent late: %(n)s"), headline.late),
            (_("reports returned for correction: %(n)s"), headline.returned),
            (_("units that have not reported: %(n)s"), headline.missing),
        )
        if count
    ]
    if lapses:
        shortcomings.append(capfirst("; ".join(lapses)) + ".")
    obstacles = _quoted_reports(summary, result)
    if result.obstacles_open and result.obstacles_overdue:
        obstacles.append(
            _("Obstacles raised by the units still open: %(open)s, of them overdue: %(overdue)s.")
            % {"open": fmt(result.obstacles_open), "overdue": fmt(result.obstacles_overdue)}
        )
    elif result.obstacles_open:  # "of them overdue: 0" is a machine's sentence
        obstacles.append(
            _("Obstacles raised by the units still open: %(open)s.")
            % {"open": fmt(result.obstacles_open)}
        )
    obstacles += _quoted_obstacles(summary)
    direction = [
        _(
            "Keep carrying out %(plan)s; urge the units that have not reported, and answer "
            "the open obstacles."
        )
        % {"plan": plan_citation(campaign, short=True)}
    ]
    summary.general_assessment = _limit(general)
    summary.results = _limit(results)
    summary.shortcomings = _limit(shortcomings)
    summary.obstacles_proposals = _limit(obstacles)
    summary.direction = _limit(direction)


def plan_citation(campaign, short=False) -> str:
    """How a document cites the campaign's plan: "Kế hoạch số 12/KH-LĐLĐ ngày 15/06/2015 về
    …" by its number, or by its date and title alone while its number is not known (a
    placeholder such as "…/KH-LĐLĐ" is never printed). `short`: without the title, where
    the subject has already named it."""
    title = campaign.title.strip().rstrip(".")
    title = title[:1].lower() + title[1:]
    values = {
        "number": campaign.number.strip(),
        # As every other date of the document is written (the appendix's, the date line's).
        "date": campaign.issued_on.strftime("%d/%m/%Y"),
        "title": title,
        "issuer": _issuer_name(campaign),
    }
    known = values["number"] and not placeholder_in(values["number"])
    if short:
        if known:
            return _("plan %(number)s of %(date)s") % values
        return _("the plan of %(date)s") % values
    if known:
        return _("plan %(number)s of %(date)s of %(issuer)s on %(title)s") % values
    return _("the plan of %(date)s of %(issuer)s on %(title)s") % values


def _issuer_name(campaign):
    """The campaign's issuer as it was named on the plan's date. One query."""
    return campaign.issuer_named_then()


def _quoted_reports(summary, result):
    """A few lines of the obstacles and proposals the units wrote in their counted reports,
    identical texts once, with the units that wrote them, named as they were then. The
    reports are those of the units on the tree `result` (the summary's rollup) counts on,
    so the words agree with the figures. One query."""
    tree = result.year_tree()
    reports, place = tree.place(
        AnnualReport.objects.filter(
            campaign=summary.campaign,
            year=summary.year,
            status__in=INCLUDE[summary.include],
        ),
        "unit",
    )
    rows = (
        reports.filter(tree.area(place))
        .filter(~Q(obstacles="") | ~Q(proposals=""))
        .order_by(f"{place}path")
        .values_list(f"{place}short_name", f"{place}name", "obstacles", "proposals")[:500]
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
            lines.append(f"- {Truncator(_clause(text)).chars(300)} ({names});")
    return lines


def _clause(text: str) -> str:
    """`text` as an item of a "- item (units);" list: without the full stop, semicolon,
    comma or colon its writer ended it with, which would stand before the units' names
    ("in sẵn. (CĐ…);"). An ellipsis is kept."""
    text = text.strip()
    if text.endswith(("...", "…")) or text[-1:] not in ".;,:":
        return text
    return text[:-1].rstrip()


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
    return [f"- {_clause(subject)} ({short or name});" for subject, short, name in rows]


def _limit(lines):
    """The lines as one text; a list of "- item;" lines ends with a full stop."""
    if lines and lines[-1].startswith("- ") and lines[-1].endswith(";"):
        lines = [*lines[:-1], lines[-1][:-1] + "."]
    return "\n".join(lines)[:MAX_NARRATIVE]


def _reporting_sentence(year: int, headline) -> str:
    """Who reported, in one sentence that names only the counts that are not zero: "In 2024,
    44 of the 52 units expected to report sent their annual report (84.6%): 35 on time and
    9 late; 8 are missing."."""
    fmt = pdf.number
    if not headline.expected:
        # "0/0 units … (—%)": a year before the unit's area had anyone to report, or a
        # campaign that asks none of its units.
        return _("In %(year)s, no unit was expected to report.") % {"year": year}
    sentence = _(
        "In %(year)s, %(submitted)s of the %(expected)s units expected to report sent "
        "their annual report (%(rate)s%%)"
    ) % {
        "year": year,
        "submitted": fmt(headline.submitted),
        "expected": fmt(headline.expected),
        "rate": pdf.rate(headline.rate),
    }
    timing = [
        phrase % {"n": fmt(count)}
        for phrase, count in (
            (_("%(n)s on time"), headline.on_time),
            (_("%(n)s late"), headline.late),
        )
        if count
    ]
    if timing:
        sentence += ": " + (" " + _("and") + " ").join(timing)
    rest = [
        phrase % {"n": fmt(count)}
        for phrase, count in (
            (_("%(n)s returned for correction"), headline.returned),
            (_("%(n)s units have not reported"), headline.missing),
        )
        if count
    ]
    if rest:
        sentence += "; " + "; ".join(rest)
    return sentence + "."


def _plans_sentence(headline) -> str:
    """The plans filed and accepted; "none accepted yet" rather than "0 accepted"."""
    fmt = pdf.number
    filed = headline.plans_filed
    if not filed:
        return _("No unit has filed its implementation plan yet.")
    if not headline.plans_accepted:
        return ngettext(
            "%(filed)s unit has filed its implementation plan, none accepted yet.",
            "%(filed)s units have filed their implementation plan, none accepted yet.",
            filed,
        ) % {"filed": fmt(filed)}
    return ngettext(
        "%(filed)s unit has filed its implementation plan, %(accepted)s of them accepted.",
        "%(filed)s units have filed their implementation plan, %(accepted)s of them accepted.",
        filed,
    ) % {"filed": fmt(filed), "accepted": fmt(headline.plans_accepted)}


def _assessment_sentence(assessment: dict) -> str:
    """The units' self-assessment, the grades no unit chose left out; "" when none chose."""
    labels = {
        "good": _("good %(n)s"),
        "fair": _("fair %(n)s"),
        "average": _("average %(n)s"),
        "weak": _("weak %(n)s"),
    }
    grades = [
        labels[grade] % {"n": pdf.number(assessment[grade])}
        for grade in ASSESSMENTS
        if assessment.get(grade)
    ]
    if not grades:
        return ""
    return _("The units' self-assessment: %(grades)s.") % {"grades": ", ".join(grades)}
