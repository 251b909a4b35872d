"""Charts of the rollup as SVG, drawn on the server with pygal, for the dashboard page.

Drawn on the server, so no JavaScript chart library is needed and nothing is fetched:
pygal's own scripts are switched off. The PDF summary does not use these: its colour and
small labels would not print well, so it draws its own text and grey bars
(`reports.pdf._charts`, templates/pdf/summary_chart.html); only `nothing_expected`, the
words for a unit with nothing expected, is shared with it. The charts
draw a `reports.rollup.Rollup`'s parts (attributes, not keys); a total that is None (no
report included that year) is a gap in its line, never a zero.
"""

import math
import re
from typing import TYPE_CHECKING

import pygal
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pygal.style import Style

if TYPE_CHECKING:
    from reports.rollup import Figures, IndicatorInfo, TrendRow

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    font_family="'Liberation Sans', 'DejaVu Sans', sans-serif",
    colors=("#198754", "#fd7e14", "#d63384", "#adb5bd", "#0d6efd", "#6f42c1"),
    # The SVG is drawn WIDTH units wide and shrunk to its box, never stretched: drawn 520
    # wide, a phone's 366 px made a size of 14 read as 10 px; drawn 380 wide it reads as 13.5.
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    value_label_font_size=14,  # "does not file" beside a row without a bar
    legend_font_size=14,
    title_font_size=16,
)


# The width the charts are drawn at: about a phone's width (390 px less the page's margins),
# so that their text keeps its size there; an office screen shows them at that size too.
WIDTH = 380

# The steps an axis may take, times a power of ten: an axis of counts reads 0, 250, 500...
NICE_STEPS = (1, 2, 2.5, 5)
# How many intervals an axis of counts may have (fewer only when the counts are smaller);
# the number that wastes least height wins, and the finer grid on a tie.
MIN_INTERVALS, MAX_INTERVALS = 3, 6


def count(value):
    """A count as the page's language writes it: whole, grouped ("2.770" in Vietnamese).
    pygal hands its axis labels and values over as floats."""
    if value is None:
        return ""
    return number_format(round(value), force_grouping=True)


def rate(value):
    """A rate in per cent: whole on the axis ("50"), one decimal for a value ("88,9")."""
    if value is None:
        return ""
    value = round(float(value), 1)
    return number_format(value, decimal_pos=0 if value.is_integer() else 1)


def _step(maximum, intervals):
    """The smallest step of NICE_STEPS that is a whole number and reaches `maximum` in
    `intervals` steps."""
    if maximum <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(maximum / intervals))
    for nice in (*NICE_STEPS, 10):
        step = nice * magnitude
        if step >= 1 and step == int(step) and step * intervals >= maximum:
            return int(step)
    return 1  # only for a maximum below one, which a single step of one reaches


def count_axes(*maxima):
    """Whole, evenly spaced ticks for one axis per maximum, all with the same number of
    intervals, so that a secondary axis lines up with the grid of the first: pygal divides
    the secondary range by the first axis's intervals, and a range it does not choose
    gives labels such as 2077.5. Each axis is its ticks, from 0."""
    maxima = [max(0, m or 0) for m in maxima]

    def waste(intervals):
        return sum((intervals * _step(m, intervals) - m) / m if m else 0 for m in maxima)

    fewest = max(1, min(MIN_INTERVALS, max(maxima, default=0)))
    intervals = min(
        range(fewest, MAX_INTERVALS + 1), key=lambda intervals: (waste(intervals), -intervals)
    )
    return [[i * _step(m, intervals) for i in range(intervals + 1)] for m in maxima]


def _config(**options):
    config = pygal.Config()
    config.style = STYLE
    config.js = []  # no script: the page's CSP allows none, and the PDF runs none
    config.disable_xml_declaration = True
    config.explicit_size = True
    config.width = options.pop("width", WIDTH)
    config.height = options.pop("height", 300)
    config.legend_at_bottom = True
    config.print_values = False
    config.value_formatter = count
    config.no_data_text = _("No data")  # pygal's own is English
    for key, value in options.items():
        setattr(config, key, value)
    return config


def _render(chart):
    """The chart's SVG. Emptying `js` only drops pygal's external scripts: it still writes
    its configuration as an inline script, and an empty tooltip for that script to fill,
    hidden by a style attribute; both are taken out of the tree here, so the SVG neither
    runs nor needs anything the page's Content-Security-Policy refuses."""
    chart.add_xml_filter(_without_scripts)
    return chart.render(is_unicode=True)


def _without_scripts(root):
    """Drop every <script> element, and the tooltip only a script would show."""
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str):
                continue
            is_script = child.tag.rsplit("}", 1)[-1] == "script"
            if is_script or "tooltip" in child.get("class", "").split():
                parent.remove(child)
    return root


def status_chart(headline: "Figures") -> str:
    """Reports on time, late, returned and missing (a rollup's `Figures`), as a pie."""
    chart = pygal.Pie(_config(inner_radius=0.45, title=_("Annual reports")))
    for key, label in (
        ("on_time", _("On time")),
        ("late", _("Late")),
        ("returned", _("Returned")),
        ("missing", _("Missing")),
    ):
        value = getattr(headline, key)
        chart.add(f"{label}: {count(value)}", value)
    return _render(chart)


# A unit's name beside its bar, cut to leave the bars half the chart: the table below the
# chart names every unit in full.
LABEL_CHARS = 26
# The same, when a row has words instead of a bar: "không thuộc diện báo cáo" is 160 px at
# 14 px, and the plot pygal leaves beside names of 26 characters is 120 px wide; cut at 22
# they leave it 145, and the words end inside the chart's 380.
LABEL_CHARS_BESIDE_WORDS = 22


def _clip(text: str, limit: int) -> str:
    text = _xml_text(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# What XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates, U+FFFE and
# U+FFFF): lxml refuses to write a chart with one. The forms refuse them, but a name may
# come from before that, or from a file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", str(text))


def nothing_expected() -> str:
    """What a chart of rates says where no unit is expected to report (a rate of None):
    words where the bar would start, never a bar of 0 %. The dashboard's chart and the PDF
    summary's both say it, in the words of the tables beside them, so that a unit is said
    not to file in one way only."""
    return _("does not file")  # the names beside are cut shorter to leave it room


def rate_chart(rows: list[dict], title: str) -> str:
    """The reporting rate of each row (child unit or kind), as horizontal bars. A rate that
    is None (no unit expected to report there) is no bar but words, "does not file", as
    the tables beside give it a dash rather than 0 %."""
    height = max(160, 60 + 26 * len(rows))  # a row a line of 14, with air between
    chart = pygal.HorizontalBar(
        _config(
            height=height,
            range=(0, 100),
            show_legend=False,
            title=_xml_text(title),
            value_formatter=rate,
            truncate_label=-1,  # pygal cut the axis' "100" to "1…"
            y_labels=[0, 25, 50, 75, 100],  # eleven ticks crowd a phone's width
            print_labels=True,  # only the rows without a rate have a label
        )
    )
    # pygal writes its labels into JSON: lazy translations must be strings by now. A unit's
    # name is cut here, since pygal's own cutting (off for the axis' numbers) is off.
    limit = LABEL_CHARS
    if any(row["rate"] is None for row in rows):
        limit = LABEL_CHARS_BESIDE_WORDS
    chart.x_labels = [_clip(str(row["label"]), limit) for row in rows]
    no_bar = {
        # A bar of no length where the words start; its value read as the tables' dash.
        "value": 0,
        "label": nothing_expected(),
        "formatter": lambda _value: "—",
    }
    chart.add(
        _("Reporting rate (%)"),
        [no_bar if row["rate"] is None else row["rate"] for row in rows],
    )
    return _render(chart)


def trend_chart(trend: "list[TrendRow]", indicators: "list[IndicatorInfo]") -> str:
    """The reports summed and the first two whole-number figures over the campaign's years
    (the rollup's `TrendRow`s and `IndicatorInfo`s). A year with no report included has no
    total: its point is left out and the line broken there, not drawn down to zero."""
    reports = [entry.reports for entry in trend]
    figures = [
        (_xml_text(indicator.name), [entry.totals.get(indicator.code) for entry in trend])
        for indicator in [i for i in indicators if i.is_integer][:2]
    ]
    secondary_maximum = max(
        (value for _name, values in figures for value in values if value is not None), default=0
    )
    left, right = count_axes(max(reports, default=0), secondary_maximum)
    # Both axes are fixed: left to its ticks, right to a range pygal divides in as many steps.
    options = {"y_labels": left, "range": (0, left[-1])}
    if figures:
        options["secondary_range"] = (0, right[-1])
    # One legend entry a line, whole: an indicator's name is a sentence.
    chart = pygal.Line(
        _config(
            title=_("Over the years"),
            height=340,  # the legend's three lines come out of the plot's height
            legend_at_bottom_columns=1,
            truncate_legend=-1,
            # A year is read whole: past six years they lean, rather than shrink to "20…".
            truncate_label=-1,
            x_label_rotation=-45 if len(trend) > 6 else 0,
            allow_interruptions=True,  # a None (nothing included) breaks the line
            **options,
        )
    )
    chart.x_labels = [str(entry.year) for entry in trend]
    chart.add(_("Reports summed"), reports)
    for name, values in figures:
        chart.add(name, values, secondary=True)
    return _render(chart)


def assessment_chart(assessment: dict[str, int], labels: dict[str, str]) -> str:
    (ticks,) = count_axes(max(assessment.values(), default=0))
    chart = pygal.Bar(
        _config(
            show_legend=False,
            title=_("Self-assessment"),
            y_labels=ticks,
            range=(0, ticks[-1]),
            truncate_label=-1,  # four grades, each with room for its name
        )
    )
    chart.x_labels = [str(labels[grade]) for grade in assessment]
    chart.add(_("Units"), list(assessment.values()))
    return _render(chart)
