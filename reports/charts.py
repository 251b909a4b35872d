"""Charts of the rollup as SVG, drawn on the server with pygal.

The same SVG goes into the dashboard page and the PDF summary, so no JavaScript chart
library is needed and nothing is fetched: pygal's own scripts are switched off.
"""

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    font_family="'Liberation Sans', 'DejaVu Sans', sans-serif",
    colors=("#198754", "#fd7e14", "#d63384", "#adb5bd", "#0d6efd", "#6f42c1"),
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=11,
    legend_font_size=11,
    title_font_size=13,
)


def _config(**options):
    config = pygal.Config()
    config.style = STYLE
    config.js = []  # no script: the page's CSP allows none, and the PDF runs none
    config.disable_xml_declaration = True
    config.explicit_size = True
    config.width = options.pop("width", 520)
    config.height = options.pop("height", 300)
    config.legend_at_bottom = True
    config.print_values = False
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


def status_chart(headline):
    """Reports on time, late, returned and missing, as a pie."""
    chart = pygal.Pie(_config(inner_radius=0.45, title=_("Annual reports")))
    for key, label in (
        ("on_time", _("On time")),
        ("late", _("Late")),
        ("returned", _("Returned")),
        ("missing", _("Missing")),
    ):
        chart.add(f"{label}: {headline[key]}", headline[key])
    return _render(chart)


def rate_chart(rows, title):
    """The reporting rate of each row (child unit or kind), as horizontal bars."""
    height = max(160, 60 + 22 * len(rows))
    chart = pygal.HorizontalBar(
        _config(height=height, range=(0, 100), show_legend=False, title=title)
    )
    # pygal writes its labels into JSON: lazy translations must be strings by now.
    chart.x_labels = [str(row["label"]) for row in rows]
    chart.add(_("Reporting rate (%)"), [row["rate"] or 0 for row in rows])
    return _render(chart)


def trend_chart(trend, indicators):
    """The reports counted and the first two figures over the campaign's years."""
    chart = pygal.Line(_config(title=_("Over the years")))
    chart.x_labels = [str(entry["year"]) for entry in trend]
    chart.add(_("Reports counted"), [entry["reports"] for entry in trend])
    for indicator in [i for i in indicators if i["kind"] == "integer"][:2]:
        chart.add(
            indicator["name"],
            [entry["totals"].get(indicator["code"], 0) for entry in trend],
            secondary=True,
        )
    return _render(chart)


def assessment_chart(assessment, labels):
    chart = pygal.Bar(_config(show_legend=False, title=_("Self-assessment")))
    chart.x_labels = [str(labels[grade]) for grade in assessment]
    chart.add(_("Units"), list(assessment.values()))
    return _render(chart)
