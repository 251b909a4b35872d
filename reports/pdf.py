"""The PDF of a summary report: its figures, its context and its HTML.

What goes into the PDF
    `document_context(summary)` gathers everything the template `pdf/summary.html` shows,
    as plain data: the document's own fields, the figures and the appendix's unit rows.
    Figures come from the rollup, never recomputed here: a draft shows the live rollup, an
    issued report the snapshot `freeze()` took when it was issued (`Rollup.as_json`, read
    back with `Rollup.from_json`; a snapshot issued before the README's counting rule
    is converted by `_current`). By that rule every total stands beside its coverage (units
    included of units expected, reports summed), and a table of totals with nothing
    included says so in one line instead of a grid of dashes. The appendix's units are the
    rollup's one query of units (`reports.rollup.unit_rows`), frozen with it. Every string
    is NFC-normalised, and the template's autoescaping turns whatever a user typed into
    text: no user text is ever markup, style or a URL.

How it is rendered
    `render_summary_pdf` hands the HTML to WeasyPrint in the sandbox of `config.pdf_sandbox`,
    which fetches only the project's own static files (the stylesheet, `STYLESHEET_URL`;
    the appendix's charts are text and CSS bars, see `_charts`) and `data:` URLs, and,
    for the background task and the preview, renders in a child process under a time and
    memory cap. Fonts come from fontconfig: Liberation Serif, whose metrics are Times New
    Roman's, which Decree 30 names.
"""

import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import get_format, number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import pdf_sandbox
from reports.charts import nothing_expected
from reports.models import SummaryReport
from reports.rollup import ASSESSMENTS, AreaRow, Figures, Rollup, rollup, unit_rows
from reports.selection import refuse_year
from units.letterhead import MOTTO, NATIONAL_NAME, date_line, header_groups
from units.models import Unit

TEMPLATE = "pdf/summary.html"
# Summaries are kept for ever: PDF/A-3b (fonts embedded, an sRGB output intent, the XMP
# claim), which a PAdES signature, an incremental update, leaves as it is.
ARCHIVAL_VARIANT = "pdf/a-3b"
STYLESHEET_URL = pdf_sandbox.STATIC_BASE + "css/pdf.css"

# The fixed wording of a Vietnamese administrative document (Decree 30/2020/NĐ-CP,
# Appendix I); the national name, motto and date line are units.letterhead's. These are not
# interface text to translate: the document is Vietnamese in any interface language.
NUMBER_LABEL = "Số:"
DOCUMENT_KIND = "BÁO CÁO"
RECIPIENTS_LABEL = "Nơi nhận:"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
APPENDIX_KIND = "PHỤ LỤC"

# The body of a province's report is 3–4 pages: a table by unit below longer than this
# goes to the appendix, as do the units' texts past TEXT_LINES lines.
BODY_ROWS = 12
TEXT_LINES = 8
# How many units a grouped text names before "and N more".
TEXT_UNITS = 6

# "Nơi nhận" beside the signature: at most this many lines of its 11 pt in the 48 % column
# (about RECIPIENT_CHARS characters a line); the rest follows under the signature block.
RECIPIENT_LINES = 20
RECIPIENT_CHARS = 44

# Bars of a chart a page holds (a 10 pt line each): a longer chart is split over pages.
CHART_PAGE_BARS = 40

# A province has dozens of grassroots unions reporting straight to it, outside any district.
# One row each would stretch the body's tables over pages (and tables are WeasyPrint's slow
# path); past this many they share one row there, and the appendix lists them one by one.
DIRECT_ROWS = 10

# The appendix's unit lines are text, not a table: a table cell costs WeasyPrint as much as
# a paragraph, and 2,000 units × 9 cells took 20 s and 490 MiB. A line is the unit's name,
# a tab to the figures' column, then the figures right-aligned by padding: in Liberation
# Serif (Times metrics) every digit, the figure space and the en dash are 0.5 em wide, and
# the punctuation space is as wide as the "." that groups thousands.
FIGURE_SPACE = "\u2007"
PUNCTUATION_SPACE = "\u2008"
EM_SPACE = "\u2003"
NO_FIGURE = "–"
COLUMN_GAP = FIGURE_SPACE * 2
# Lines per paragraph: fewer, longer paragraphs lay out faster, but WeasyPrint lays out
# what is left of a paragraph again after each page break.
APPENDIX_CHUNK = 25
# The text width of an A4 page with Decree 30's margins (210 − 30 − 15 mm), in ems of the
# appendix lines' 8.5 pt (static/css/pdf.css): where the names' column ends is set from it.
APPENDIX_POINTS = 8.5
APPENDIX_WIDTH_EM = 165 / (APPENDIX_POINTS * 25.4 / 72)
MIN_NAME_EM = 20
# How much of one unit's text figure the document quotes (the rollup lists at most 30).
TEXT_CHARS = 300


# --- the figures -------------------------------------------------------------------------------
def freeze(summary: SummaryReport) -> dict:
    """The figures of `summary` as they stand now, as JSON-ready data: the rollup
    (`Rollup.as_json`), the appendix's unit rows (`unit_rows`, with their figures), and the
    campaign and unit names the document shows. ValidationError, as on the dashboard, for a
    year it does not offer (one not begun has nothing to sum up yet)."""
    refuse_year(summary.campaign, summary.year)
    result = rollup(summary.campaign, summary.year, summary.unit, summary.include)
    units = unit_rows(summary.campaign, summary.unit, result, with_values=True, with_filers=True)
    typed = [i.code for i in result.integer_indicators if not i.computed]
    return {
        "rollup": result.as_json(),
        "units": [_frozen_row(row, typed) for row in units],
        "campaign": {"number": summary.campaign.number, "title": summary.campaign.title},
        "unit": {"name": summary.unit.name},
        "taken_at": timezone.now(),
    }


def _frozen_row(row, codes):
    """A unit row of `unit_rows` as plain data, lean: long tables are WeasyPrint's slow path,
    and a province freezes thousands of these. Its figures are the typed whole numbers (the
    appendix's columns), None unless its report is included; its name is the one the
    document shows (the short name, if any); its path places it under its child of the
    scope."""
    return {
        "pk": row.pk,
        "code": row.code,
        "name": row.label,
        "kind": row.kind,
        "path": row.path,
        "level": row.level,
        "category": row.category,
        "status": row.status,
        "report_id": row.report_id,
        "first_submitted_at": row.first_submitted_at,
        "included": row.included,
        "closed": row.closed,
        "values": {code: row.values.get(code) for code in codes},
    }


def figures_of(summary: SummaryReport) -> dict:
    """The snapshot of an issued report; the live figures of a draft."""
    if summary.rollup_snapshot:
        return summary.rollup_snapshot
    return freeze(summary)


def _current(figures):
    """`figures` in the form `freeze` writes today, and whether they were converted from a
    snapshot issued before the README's counting rule.

    Such a snapshot holds the old rollup's dict: groups without `reports` (how many reports
    were summed) nor `own` (the category of a child's own report), rates and totals of 0
    where nothing was included, and unit rows marked `counted`. It is read as it was issued:
    the counts and totals it recorded are kept; what it did not record is None (reports
    summed) or empty (own report, texts, content items, units expected in past years); a
    total of a group with nothing included is None, as it is now shown."""
    data = figures.get("rollup") or {}
    if "texts" in data:
        return figures, False

    def group(old, **extra):
        included = old.get("included") or 0
        return {
            **{name: old.get(name) or 0 for name in OLD_COUNTS},
            "reports": None,
            "assessed": {grade: old.get(f"assessed_{grade}") or 0 for grade in ASSESSMENTS},
            "totals": {
                code: (value if included else None)
                for code, value in (old.get("totals") or {}).items()
            },
            **extra,
        }

    assessment = data.get("assessment") or {}
    headline = group(data.get("headline") or {})
    headline["assessed"] = {grade: assessment.get(grade, 0) for grade in ASSESSMENTS}
    converted = {
        "campaign_id": data.get("campaign_id"),
        "year": data.get("year"),
        "unit_id": data.get("unit_id"),
        "include": data.get("include") or "accepted",
        "period": data["period"],
        "indicators": [
            {
                "pk": i["pk"],
                "code": i["code"],
                "name": i["name"],
                "unit_of_measure": i.get("unit_of_measure") or "",
                "kind": i["kind"],
            }
            for i in data.get("indicators") or []
        ],
        "headline": headline,
        "by_child": [
            group(
                row,
                unit_id=row.get("unit_id"),
                path=row.get("path") or "",
                name=row.get("name") or "",
                kind=row.get("kind") or "",
                has_children=bool(row.get("has_children")),
                is_scope=bool(row.get("is_scope")),
            )
            for row in data.get("by_child") or []
        ],
        "by_kind": [group(row, kind=row.get("kind") or "") for row in data.get("by_kind") or []],
        "themes": [],
        "trend": [
            {
                "year": row["year"],
                "reports": row.get("reports") or 0,
                "totals": {
                    code: (value if row.get("reports") else None)
                    for code, value in (row.get("totals") or {}).items()
                },
            }
            for row in data.get("trend") or []
        ],
        "texts": [],
        "texts_more": False,
        "ancestors": data.get("ancestors") or [],
        "obstacles_open": (data.get("obstacles") or {}).get("open", 0),
        "obstacles_overdue": (data.get("obstacles") or {}).get("overdue", 0),
        "reminders_sent": (data.get("reminders") or {}).get("sent", 0),
        "reminders_manual": (data.get("reminders") or {}).get("manual", 0),
    }
    units = [
        {**row, "included": bool(row.get("counted", row.get("included")))}
        for row in figures.get("units") or []
    ]
    return {**figures, "rollup": converted, "units": units}, True


# The counts an old snapshot's groups recorded, under the same names today.
OLD_COUNTS = (
    "expected",
    "on_time",
    "late",
    "returned",
    "included",
    "plans_filed",
    "plans_accepted",
)


# --- the document ------------------------------------------------------------------------------
def number(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, force_grouping=True)


def rate(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=1)


def document_context(summary: SummaryReport, figures: dict | None = None) -> dict:
    """Everything the PDF template shows, as NFC-normalised plain data. Language: the site's
    (Vietnamese), whatever the person who asked for it reads the interface in."""
    figures = figures if figures is not None else figures_of(summary)
    figures, legacy = _current(figures)
    with translation.override(settings.LANGUAGE_CODE):
        context = _document_context(summary, _nfc_figures(figures), legacy)
    return _nfc(context)


def _nfc_figures(figures):
    """`figures` in NFC. In the appendix's thousands of unit rows only the name is text
    (the rest are codes, paths and numbers): walking every row's values is most of the cost
    of normalising."""
    units = [
        {**row, "name": unicodedata.normalize("NFC", row["name"])}
        for row in figures.get("units") or []
    ]
    return {
        **_nfc({key: value for key, value in figures.items() if key != "units"}),
        "units": units,
    }


def _summed(group):
    """Whether any report was summed into `group`'s totals (for an old snapshot, which did
    not record how many: whether any unit was included)."""
    return bool(group.reports if group.reports is not None else group.included)


def _coverage(group):
    """Units included of units expected, as the tables write it: "3/7"."""
    return f"{number(group.included)}/{number(group.expected)}"


def _document_context(summary, figures, legacy=False):
    result = Rollup.from_json(figures["rollup"])
    headline = result.headline
    integers = result.integer_indicators
    typed = [i for i in integers if not i.computed]
    kind_labels = dict(Unit.Kind.choices)
    category_labels = {
        "on_time": _("On time"),
        "late": _("Late"),
        "returned": _("Returned"),
        "missing": _("Missing"),
    }
    period = result.period
    draft = summary.is_draft
    summed = _summed(headline)
    # A draft has no number yet: it is given at issue.
    number_text = summary.number or f"…/{summary.number_code}"

    def status_cells(group):
        return [
            number(group.expected),
            number(group.submitted),
            number(group.on_time),
            number(group.late),
            number(group.returned),
            number(group.missing),
            rate(group.rate),
        ]

    def totals(group):
        return [number(group.totals.get(i.code)) for i in integers]

    kinds = [
        {
            "label": str(kind_labels.get(row.kind, row.kind)),
            "status": status_cells(row),
            "coverage": _coverage(row),
        }
        for row in result.by_kind
    ]
    child_groups = _child_groups(result.by_child, integers)
    children = []
    for group in child_groups:
        row = group["row"]
        own = ""
        if not legacy and not group["combined"]:
            own = row.own_label(category_labels)
        children.append(
            {
                "label": group["label"],
                "mark": "*" if not legacy and not group["combined"] and row.from_below else "",
                "own": own,
                "status": status_cells(row),
                "coverage": _coverage(row),
                "totals": totals(row),
            }
        )
    indicator_rows = [
        {
            "name": i.name,
            "unit_of_measure": i.unit_of_measure,
            "computed": i.computed,
            "total": number(headline.totals.get(i.code)),
            "by_kind": [number(row.totals.get(i.code)) for row in result.by_kind],
        }
        for i in integers
    ]
    headline_rows = [
        {"label": _("Units expected to report"), "unit_of_measure": _("units"), "key": "expected"},
        {"label": _("Reports submitted"), "unit_of_measure": _("reports"), "key": "submitted"},
        {"label": _("of which on time"), "unit_of_measure": _("reports"), "key": "on_time"},
        {"label": _("of which late"), "unit_of_measure": _("reports"), "key": "late"},
        {"label": _("Returned"), "unit_of_measure": _("reports"), "key": "returned"},
        {"label": _("Missing"), "unit_of_measure": _("reports"), "key": "missing"},
    ]
    for row in headline_rows:
        row["value"] = number(getattr(headline, row.pop("key")))
    headline_rows.insert(
        2, {"label": _("Reporting rate"), "unit_of_measure": "%", "value": rate(headline.rate)}
    )
    headline_rows += [
        {
            "label": _("Units included"),
            "unit_of_measure": _("units"),
            "value": _coverage(headline),
        },
        {
            "label": _("Reports summed"),
            "unit_of_measure": _("reports"),
            "value": number(headline.reports),
        },
    ]
    # The totals: those summed from the reports only once a report is included (else one
    # line says so); those the portal counts itself whatever the reports.
    total_rows = [
        {
            "label": i.name + (" (" + _("counted by the portal") + ")" if i.computed else ""),
            "unit_of_measure": i.unit_of_measure,
            "value": row["total"],
        }
        for i, row in zip(integers, indicator_rows, strict=True)
        if summed or i.computed
    ]
    # A column keeps the number its indicator has in the body's tables, the dashboard and
    # the Excel export (the computed ones, not typed, have no column here).
    numbers = {i.code: n for n, i in enumerate(integers, start=1)}
    appendix = _appendix(
        figures.get("units") or [],
        result.by_child,
        typed,
        category_labels,
        legacy,
        numbers=[numbers[i.code] for i in typed],
    )
    # The dashboard's colour charts would print with labels too small to read: the
    # document draws its own in the appendix, as text and grey bars in the body's font.
    # The years up to the document's own: the rollup's trend also has the later years
    # someone has filed for already, which a report on this year never quotes.
    years = [entry for entry in result.trend if entry.year <= result.year]
    trend = _trend(years, integers)
    charts = _charts(child_groups, years)

    texts = _texts(result)
    # What goes where: by kind of unit in the body when there are kinds to compare; by unit
    # below in the body when it is short, else in the appendix; long texts and the years
    # in the appendix. Tables are numbered in the order they print.
    place = {"children": "body" if len(children) <= BODY_ROWS else "appendix"}
    # Two kinds (a district: its own report and its grassroots unions) say no more than
    # the few rows by unit below.
    place["kinds"] = len(kinds) > 2 or (len(kinds) > 1 and place["children"] == "appendix")
    if not place["kinds"] and children:
        place["children"] = "body" if len(children) <= 2 * BODY_ROWS else "appendix"
    captions = {}
    order = []
    if place["kinds"]:
        order += ["kind_status", "kind_figures"]
    if children and place["children"] == "body":
        order += ["child_status", "child_figures"]
    if children and place["children"] == "appendix":
        order += ["child_status", "child_figures"]
    if trend["rows"]:
        order.append("trend")
    titles = {
        "kind_status": _("Reports by kind of unit"),
        "kind_figures": _("Figures by kind of unit"),
        "child_status": _("Reports by unit below"),
        "child_figures": _("Figures by unit below"),
        "trend": _("Figures over the years"),
    }
    for n, key in enumerate(order, start=1):
        captions[key] = _("Table %(n)s. %(title)s") % {"n": n, "title": titles[key]}
    place["texts"] = "body" if sum(len(t["entries"]) for t in texts) <= TEXT_LINES else "appendix"

    sections = []
    for field, heading in (
        ("general_assessment", _("General assessment")),
        ("results", _("Results")),
        ("shortcomings", _("Shortcomings")),
        ("obstacles_proposals", _("Obstacles and proposals")),
        ("direction", _("Direction for next year")),
    ):
        text = getattr(summary, field)
        if not text.strip() and field != "results":
            continue
        sections.append(
            {
                "number": ROMAN[len(sections)],
                "heading": str(heading).upper(),
                "paragraphs": _paragraphs(text),
                "figures": field == "results",
            }
        )

    # The signature never stands alone on a page: the last paragraph goes with it.
    ending = ""
    if sections and sections[-1]["paragraphs"] and not sections[-1]["figures"]:
        ending = sections[-1]["paragraphs"].pop()

    return {
        "draft": draft,
        "ending": ending,
        "draft_label": _("Draft").upper(),
        "draft_note": _("Draft for review: not issued, figures may still change."),
        "stylesheet": STYLESHEET_URL,
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
        "number_label": NUMBER_LABEL,
        "document_kind": DOCUMENT_KIND,
        "recipients_label": RECIPIENTS_LABEL,
        "doc": {
            "parent_body": header_groups(summary.parent_body),
            "issuing_body": header_groups(summary.issuing_body),
            "issuer": summary.issuing_body,
            "number": number_text,
            "date_line": date_line(summary.place, summary.dated_on),
            "subject": summary.subject,
            "addressee": summary.addressee,
            "signer_block": summary.signer_block.upper(),
            "signer_title": summary.signer_title.upper(),
            "signer_name": summary.signer_name,
            **_recipients([line.lstrip("-–• ").strip() for line in summary.recipient_lines]),
            "title": f"{DOCUMENT_KIND} {number_text}",
            # A correction says, under its subject, which document it replaces.
            "corrects": (
                _("(Correcting report no. %(number)s of %(date)s)")
                % {
                    "number": summary.supersedes.number,
                    "date": summary.supersedes.dated_on.strftime("%d/%m/%Y"),
                }
                if summary.supersedes_id
                else ""
            ),
            # Decree 30: an appendix names the document it goes with.
            "appendix_of": _("(Attached to report no. %(number)s of %(date)s of %(issuer)s)")
            % {
                "number": number_text,
                "date": summary.dated_on.strftime("%d/%m/%Y"),
                "issuer": summary.issuer_in_full,
            },
        },
        "campaign": figures["campaign"],
        "scope_name": figures["unit"]["name"],
        "year": result.year,
        "legacy": legacy,
        "include_note": (
            _("Figures from the accepted reports only.")
            if result.include == "accepted"
            else _("Figures from every submitted report, accepted or awaiting review.")
        ),
        "period_note": _("Figures from %(start)s to %(end)s; reports due on %(due)s.")
        % {
            "start": period.starts_on.strftime("%d/%m/%Y"),
            "end": period.ends_on.strftime("%d/%m/%Y"),
            "due": period.due_on.strftime("%d/%m/%Y"),
        },
        # Which tree the figures are counted on, in the dashboard's and the Excel export's
        # words (`Rollup.counted_on`): a year before a reorganisation reads as it stood. Not
        # of figures frozen before the rollup kept its tree (an old snapshot): those were
        # counted on the tree of their day of issue, and a re-render (of a failed one) must
        # not say otherwise.
        "counted_on": result.counted_on if "tree" in figures["rollup"] else "",
        # A unit that did not exist at the year's cut-off shows the figures of the units
        # merged into it that stood then: the document says whose they are, as the
        # dashboard and the Excel export do.
        "tree_note": result.tree_note if result.stands_for else "",
        "coverage_note": coverage_sentence(headline),
        # The prefilled results already say what the totals add up: not twice.
        "coverage_said": _coverage(headline) in summary.results,
        "summed": summed,
        "sections": sections,
        "status_headers": [
            _("Units expected"),
            _("Submitted"),
            _("On time"),
            _("Late"),
            _("Returned"),
            _("Missing"),
            _("Rate (%)"),
        ],
        "headline": {
            "status": status_cells(headline),
            "totals": totals(headline),
            "coverage": _coverage(headline),
        },
        "indicators": [{"name": i.name, "unit_of_measure": i.unit_of_measure} for i in integers],
        "indicator_rows": indicator_rows,
        "headline_rows": headline_rows,
        "total_rows": total_rows,
        "kinds": kinds,
        "children": children,
        "marked": any(row["mark"] for row in children),
        "texts": texts,
        "trend": trend,
        "charts": charts,
        "place": place,
        "appendix": appendix,
        "labels": {
            "kind": _("Kind of unit"),
            "unit": _("Unit"),
            "indicator": _("Indicator"),
            "unit_of_measure": _("Unit of measure"),
            "total": _("Total"),
            "whole_scope": _("Whole scope"),
            "own_report": _("Own report"),
            "units_included": _("Units included"),
            "nothing_included": _("No report is included yet: there is no total to show."),
            "from_below": "* " + capfirst(_("figures of the units below only")) + ".",
            "captions": captions,
            "year": _("Year"),
            "reports_summed": _("Reports summed"),
            "texts_in_appendix": _("The units' own words are listed in the appendix."),
            "children_in_appendix": _(
                "The reports and figures of each unit below are in the appendix (tables "
                "%(status)s and %(figures)s)."
            )
            % {
                "status": captions.get("child_status", "").split(".")[0],
                "figures": captions.get("child_figures", "").split(".")[0],
            },
            "appendix": APPENDIX_KIND,
            "appendix_title": _(
                "Every unit expected to report or whose report is counted, its status and figures"
            )
            if appendix.get("not_expected")
            else _("Every unit expected to report, its status and figures"),
            "appendix_columns": _("Figures by column"),
            "appendix_note": _appendix_note(appendix, legacy),
        },
    }


def _appendix_note(appendix, legacy):
    """What the appendix's lines are, after its columns' legend; and, when it lists units not
    expected to report whose report is counted all the same, why, in their lines' words."""
    note = (
        _(
            "Under each unit below the scope: the units that reported, with their "
            "figures, then those whose report was returned and those that have not "
            "reported. A dash: no figure counted. A unit reports for the units below it, "
            "so the lines do not add up to the totals."
        )
        if legacy
        else _(
            "Under each unit below the scope: the units that reported, with the figures "
            "of their own report, then those whose report was returned and those that "
            "have not reported. A dash: no figure counted (the report is not included, "
            "or the figure was left empty). Each report holds its own unit's figures "
            "only: an area's total is the sum of the included reports in it."
        )
    )
    if not appendix.get("not_expected"):
        return note
    return (
        note
        + " "
        + _(
            "A unit not expected to report in the year whose report is counted all the same "
            "(such as a unit that filed, then closed before the cut-off, marked "
            "“(%(closed)s)” after its name) is listed too, with the status “%(status)s”, "
            "because its figures are in the totals."
        )
        % {"closed": _("closed by then"), "status": capfirst(_("does not file"))}
    )


def _recipients(lines):
    """ "Nơi nhận" as {"recipients", "recipients_more"}: those printed beside the signature,
    which stay on one page with it and the body's last paragraph, and those that follow
    below it. A list taller than a page kept whole beside the signature was pushed whole to
    a page of its own, with the signature, the last paragraph on the page before, alone,
    and the last heading alone on the one before that."""
    beside, used = [], 0
    for index, line in enumerate(lines):
        used += -(-(len(line) + 2) // RECIPIENT_CHARS)  # "- " and the line, in lines
        if used > RECIPIENT_LINES and beside:
            return {"recipients": beside, "recipients_more": lines[index:]}
        beside.append(line)
    return {"recipients": beside, "recipients_more": []}


def _trend(years, integers):
    """Of `years` (the trend's rows up to the document's year), those that have a report
    summed, as a table: the reports summed and each whole-number total; and the years with
    none, in one line. A row counted on another tree than the row above it is marked, and
    a note under the table says on which days (and by which decision) the tree changed
    between them, as the dashboard does: a reader comparing two years sees that the area
    differs. Returns {"rows", "empty_years", "changes"}."""
    rows, empty, changes, pending = [], [], [], []
    for entry in years:
        pending += entry.changes
        if entry.reports:
            # The changes since the row above (those of the years not printed between
            # included); none before the first row, which is compared with nothing.
            changed = pending if rows else []
            pending = []
            rows.append(
                {
                    "year": str(entry.year),
                    "mark": "*" if changed else "",
                    "reports": number(entry.reports),
                    "totals": [number(entry.totals.get(i.code)) for i in integers],
                }
            )
            if changed:
                changes.append(
                    _("* %(year)s – tree changed: %(days)s")
                    % {"year": entry.year, "days": ", ".join(changed)}
                )
        else:
            empty.append(str(entry.year))
    if len(rows) < 2:  # one year is this year's table already
        return {"rows": [], "empty_years": "", "changes": []}
    return {"rows": rows, "empty_years": ", ".join(empty), "changes": changes}


def _charts(child_groups, trend):
    """The appendix's charts, for print: the reporting rate by unit below and by year, each
    a list of {"label", "value", "width", "note"} (width: the bar's share of the full
    100 %; note: the words standing instead of a bar). One series each, in one grey with a
    black outline, so that a greyscale copy loses nothing; the figure stands at the end of
    every bar. A chart of one bar says nothing a sentence does not: it is left out."""
    charts = []
    # As on the dashboard, a unit below with nothing expected is there, with words and no
    # bar; the scope's own report, which the dashboard does not chart, only when expected.
    by_child = [
        _bar(group["label"], group["row"].rate)
        for group in child_groups
        if group["row"].expected or not group["row"].is_scope
    ]
    if len(by_child) > 1:
        charts.append({"title": _("Reporting rate by unit below (%)"), "bars": by_child})
    # The years with a report summed, as the table of the years has them: a row of empty
    # years would only draw zeros. The share is of the expected units whose own report is
    # included (a report of a unit not expected is summed, but covers no expected unit);
    # figures frozen before that was kept give the reports summed.
    by_year = [
        _bar(
            str(entry.year),
            (entry.reports if entry.included is None else entry.included) / entry.expected * 100,
        )
        for entry in trend
        if entry.expected and entry.reports
    ]
    if len(by_year) > 1:
        charts.append({"title": _("Units whose report is summed, by year (%)"), "bars": by_year})
    for n, chart in enumerate(charts, start=1):
        chart["caption"] = _("Chart %(n)s. %(title)s") % {"n": n, "title": chart.pop("title")}
        # A chart longer than a page starts where it comes, not on a page of its own after
        # a blank one; its caption heads every page it runs onto.
        chart["long"] = len(chart["bars"]) > CHART_PAGE_BARS
    return charts


def _bar(label, value):
    if value is None:  # nobody expected: not a bar of 0 %
        return {"label": label, "value": rate(value), "width": "", "note": nothing_expected()}
    width = max(0.0, min(float(value), 100.0))
    return {"label": label, "value": rate(value), "width": f"{width:.1f}", "note": ""}


def _texts(result):
    """The included reports' texts, by indicator, the same text once with the units that
    wrote it ("Pa-nô, khẩu hiệu (12 units: A, B, C… and 9 more)"); "at least" when the
    rollup listed only the area's first texts."""
    texts = []
    for indicator in result.text_indicators:
        by_text = {}
        for entry in result.texts:
            if entry.indicator == indicator.code:
                text = Truncator(" ".join(entry.text.split())).chars(TEXT_CHARS)
                by_text.setdefault(text, []).append(entry.unit_name)
        entries = []
        for text, units in sorted(by_text.items(), key=lambda item: -len(item[1])):
            names = ", ".join(units[:TEXT_UNITS])
            if len(units) > TEXT_UNITS:
                names = _("%(names)s and %(more)s more") % {
                    "names": names,
                    "more": number(len(units) - TEXT_UNITS),
                }
            if result.texts_more:
                # Only the first texts of the area are listed: more units may have written
                # this one than are counted here ("30 units" of a text 44 units wrote).
                names = _("at least %(count)s units: %(names)s") % {
                    "count": number(len(units)),
                    "names": names,
                }
            elif len(units) > 1:
                names = _("%(count)s units: %(names)s") % {
                    "count": number(len(units)),
                    "names": names,
                }
            entries.append(f"{text} ({names})")
        if entries:
            texts.append({"name": indicator.name, "entries": entries})
    if texts and result.texts_more:
        texts[-1]["entries"].append(_("Other contents the units reported are in their reports."))
    return texts


def coverage_sentence(figures: Figures) -> str:
    """What the totals of `figures` add up, in a sentence: "… from N reports, M/K units",
    or that nothing is included yet."""
    if not _summed(figures):
        return _("No report is included yet: there is no total to show.")
    if figures.reports is None:  # an old snapshot: how many were summed was not recorded
        return _("Totals from the reports of %(included)s of the %(expected)s units expected.") % {
            "included": number(figures.included),
            "expected": number(figures.expected),
        }
    return _(
        "The totals add up %(reports)s reports, from %(included)s/%(expected)s of the units "
        "expected."
    ) % {
        "reports": number(figures.reports),
        "included": number(figures.included),
        "expected": number(figures.expected),
    }


def _child_groups(by_child, integers):
    """The rows of the tables by unit below and of the rate chart: the scope's own report
    and every child with units below it, each as the rollup has it; the children without
    units below too, one by one up to DIRECT_ROWS of them, else added up in one row (see
    `AreaRow.added_up`). Each: {"label", "row" (an AreaRow), "combined"}."""
    direct = [row for row in by_child if not row.is_scope and not row.has_children]
    combine = len(direct) > DIRECT_ROWS
    groups = []
    for row in by_child:
        if combine and not row.is_scope and not row.has_children:
            continue
        groups.append({"label": _child_label(row), "row": row, "combined": False})
    if combine:
        groups.append(
            {
                "label": f"{_direct_label(by_child)} ({number(len(direct))})",
                "row": AreaRow.added_up(direct, integers),
                "combined": True,
            }
        )
    return groups


def _child_label(row):
    """A row's name in the tables by unit below and the appendix's headings: the scope's
    "(own report)"; a unit closed by the cut-off marked as the dashboard and the Excel export
    mark it."""
    if row.is_scope:
        # Not inside an f-string: makemessages would not find it there.
        return row.name + " " + _("(own report)")
    if row.tree_label:
        return f"{row.name} ({row.tree_label})"
    return row.name


def _direct_label(by_child):
    """What the children without units below are called: "other" beside the areas."""
    if any(row.has_children and not row.is_scope for row in by_child):
        return _("Other units directly below")
    return _("Units directly below")


# The categories whose units have a line of figures in the appendix: those that reported,
# and "" (not expected, listed for its included report).
LINED = ("on_time", "late", "")


def _appendix(units, by_child, typed, category_labels, legacy=False, numbers=None):
    """The appendix: every expected unit under its child of the scope (the scope's own
    report first, the children without units below together last). Each group has a
    heading with its counts (the rollup's), the lines of the units that reported (name,
    the typed figures of its own report, on time or late; or, for a unit not expected whose
    report is included all the same, that it does not file and why), then the names of the
    units whose report was returned and of those with none. Returns {"groups",
    "not_expected" (whether it lists such a unit), "header", "tab_size", "legend"}.
    `numbers` are the columns' numbers (1, 2… by default)."""
    numbers = numbers or list(range(1, len(typed) + 1))
    if not units:
        return {"groups": []}
    # Every figure of the units that reported, as (text, digits, dots), and each column's
    # width in digits and dots. Vietnamese groups thousands by three, as Python's "," does.
    separator = get_format("THOUSAND_SEPARATOR")
    cells = {}
    for index, row in enumerate(units):
        if row["category"] in LINED:
            values = row.get("values") or {}
            cells[index] = [_cell(values.get(i.code), separator) for i in typed]
    widths = [(len(str(n)), 0) for n in numbers]  # at least the header's digits
    for line in cells.values():
        widths = [
            (max(digits, cell[1]), max(dots, cell[2]))
            for (digits, dots), cell in zip(widths, line, strict=True)
        ]
    header = [
        _padded((str(n), len(str(n)), 0), width) for n, width in zip(numbers, widths, strict=True)
    ]
    awaiting = " (" + _("awaiting review") + ")"
    # A unit not expected is in the rows for its included report (unit_rows' filers): the
    # tables by unit below list it, and its figures are in the totals. Its line says so in
    # their words, and counts in no heading: it is not among the units expected.
    not_expected = capfirst(_("does not file"))
    status_em = 0.5 * max(
        *(len(str(label)) + len(awaiting) for label in category_labels.values()),
        len(not_expected),
    )
    figures_em = sum(d * 0.5 + s * 0.25 + 1 for d, s in widths) + status_em
    tab_size = max(round(APPENDIX_WIDTH_EM - figures_em, 1), MIN_NAME_EM)

    groups, group_of = _appendix_groups(by_child, typed)
    # The children's paths are one step longer than the scope's (the scope's own row has
    # the scope's path: a scope without units below has no child length, and every unit is
    # its own).
    child_length = max(
        (len(row.path) for row in by_child if row.path and not row.is_scope), default=None
    )
    for index, row in enumerate(units):
        path = row.get("path")  # snapshots issued before paths were kept: one group
        if path is None:
            group = group_of.setdefault(None, _new_group(None))
        elif child_length is None or len(path) < child_length:
            group = group_of["scope"]
        else:
            group = group_of.get(path[:child_length]) or group_of["direct"]
        name = " ".join(row["name"].split())
        if row.get("closed") and not row["category"]:
            # Not inside an f-string: makemessages would not find it there.
            name += " (" + _("closed by then") + ")"
        if row["category"] in LINED:
            status = str(category_labels[row["category"]]) if row["category"] else not_expected
            if not row["included"]:
                status += awaiting
            figures = COLUMN_GAP.join(
                _padded(cell, width) for cell, width in zip(cells[index], widths, strict=True)
            )
            indent = EM_SPACE * min(max(row["level"] - 1, 0), 3)
            group["lines"].append(f"{indent}{name}\t{figures}{COLUMN_GAP}{status}")
        else:
            group["names"].setdefault(row["category"], []).append(name)
    result = []
    for group in [*groups, group_of.get(None)]:
        if group is None or not (group["lines"] or group["names"]):
            continue
        lines = group.pop("lines")
        group["chunks"] = [
            "\n".join(lines[start : start + APPENDIX_CHUNK])
            for start in range(0, len(lines), APPENDIX_CHUNK)
        ]
        names = group.pop("names")
        group["lists"] = [
            {
                "label": category_labels[category],
                "count": number(len(names[category])),
                "names": "; ".join(names[category]) + ".",
            }
            for category in ("returned", "missing")
            if names.get(category)
        ]
        result.append(group)
    return {
        "groups": result,
        # Lines of units not expected: the appendix's title and note say why they are there.
        "not_expected": any(row["category"] == "" for row in units),
        "header": _("Unit") + "\t" + COLUMN_GAP.join(header) + COLUMN_GAP + _("Status"),
        # In points: an em would be the section's, inherited as a length.
        "tab_size": f"{tab_size * APPENDIX_POINTS:.1f}pt",
        "legend": "; ".join(
            f"({n}) {i.name}" + (f" ({i.unit_of_measure})" if i.unit_of_measure else "")
            for n, i in zip(numbers, typed, strict=True)
        )
        + ".",
    }


def _appendix_groups(by_child, integers):
    """The appendix's groups in order, and a look-up: "scope", "direct" and each child with
    units below by its path. Headed by the names the tables by unit below give them."""
    group_of = {}
    groups = []
    for row in by_child:
        if row.is_scope:
            # One unit: its line says all, so the heading is only its name.
            group_of["scope"] = _new_group(None, _child_label(row))
            groups.insert(0, group_of["scope"])
        elif row.has_children:
            group_of[row.path] = _new_group(row, _child_label(row))
            groups.append(group_of[row.path])
    direct = [row for row in by_child if not row.is_scope and not row.has_children]
    added = AreaRow.added_up(direct, integers) if direct else None
    group_of["direct"] = _new_group(added, _direct_label(by_child))
    group_of.setdefault("scope", group_of["direct"])
    groups.append(group_of["direct"])
    return groups, group_of


# The parts of a group's heading after its units expected, each named only when not zero,
# as the narrative names its counts ("2 on time, 1 missing", never "0 returned").
HEADING_PARTS = (
    ("on_time", gettext_lazy("%(count)s on time")),
    ("late", gettext_lazy("%(count)s late")),
    ("returned", gettext_lazy("%(count)s returned")),
    ("missing", gettext_lazy("%(count)s missing")),
)


def _new_group(counts, label=None):
    """A group headed by `label` and, given the rollup's `counts` (Figures), what they say."""
    heading = label
    if counts is not None:
        # A group that expects nobody (a district closed before the cut-off, listed for the
        # reports it filed) says so in words, not "0 units expected".
        expected = (
            _("%(expected)s units expected") % {"expected": number(counts.expected)}
            if counts.expected
            else _("no unit expected")
        )
        heading = f"{label}: {expected}"
        parts = [
            str(phrase) % {"count": number(getattr(counts, key))}
            for key, phrase in HEADING_PARTS
            if getattr(counts, key)
        ]
        if parts:
            heading += ": " + ", ".join(parts)
    return {"heading": heading, "lines": [], "names": {}}


def _cell(value, separator):
    """A figure as (text, how many 0.5-em characters: digits, sign or the en dash, how many
    thousands separators)."""
    if value is None:
        return (NO_FIGURE, 1, 0)
    text = f"{value:,}"
    dots = text.count(",")
    return (text.replace(",", separator), len(text) - dots, dots)


def _padded(cell, width):
    """`cell` right-aligned in a column `width` = (digits, dots) wide."""
    text, digits, dots = cell
    return FIGURE_SPACE * (width[0] - digits) + PUNCTUATION_SPACE * (width[1] - dots) + text


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _nfc(value):
    """`value` with every string in it (keys included) normalised to NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(item) for item in value]
    return value


# --- rendering ----------------------------------------------------------------------------------
def render_html(summary: SummaryReport, figures: dict | None = None) -> str:
    """The HTML of the summary's PDF (autoescaped, NFC)."""
    return render_to_string(TEMPLATE, document_context(summary, figures))


def render_summary_pdf(
    summary: SummaryReport,
    *,
    isolated: bool = False,
    timeout: float = pdf_sandbox.RENDER_TIMEOUT,
) -> bytes:
    """The PDF of `summary` as bytes. A draft shows the live figures and a draft mark; an
    issued report shows its snapshot. With `isolated`, WeasyPrint runs in a child process
    under the time and memory limits (`config.pdf_sandbox.run_isolated`, which raises
    RenderError); the HTML is built here, with the database, first."""
    html = render_html(summary)
    if isolated:
        return pdf_sandbox.run_isolated(
            pdf_sandbox.html_to_pdf, html, ARCHIVAL_VARIANT, timeout=timeout
        )
    return pdf_sandbox.html_to_pdf(html, ARCHIVAL_VARIANT)


def pdf_filename(summary: SummaryReport) -> str:
    """A download name from the number, date and issuing body, as a document is cited:
    "15/BC-LĐLĐ" of 05/01/2025 by "LĐLĐ huyện Châu Thành" →
    "bao-cao-15-BC-LDLD-05-01-2025-ldld-huyen-chau-thanh.pdf". Two districts number their
    reports alike ("1/BC-LĐLĐ"), and may issue them the same day."""
    if summary.is_draft:
        return f"bao-cao-ban-nhap-{summary.pk}.pdf"
    number = _ascii_words(summary.number, keep_case=True) or str(summary.pk)
    body = _ascii_words(summary.issuing_body)[:FILENAME_BODY].rstrip("-")
    return (
        "-".join(filter(None, ["bao-cao", number, f"{summary.dated_on:%d-%m-%Y}", body])) + ".pdf"
    )


# How many characters of the issuing body's name a download name carries.
FILENAME_BODY = 48


def _ascii_words(text: str, keep_case: bool = False) -> str:
    """`text` in ASCII letters and digits, its other characters as single hyphens."""
    plain = unicodedata.normalize("NFKD", (text or "").translate(str.maketrans("Đđ", "Dd")))
    plain = "".join(
        c if c.isascii() and c.isalnum() else "-"
        for c in plain
        if c.isascii() or not unicodedata.combining(c)
    )
    words = "-".join(part for part in plain.split("-") if part)
    return words if keep_case else words.lower()
