"""A summary issued before the appendix kept its paths, or before the counting rule, still
renders from its snapshot as issued."""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from reports import pdf
from reports.models import SummaryReport
from tests.reports.summaries import (
    FILED,
    YEAR,
    appendix_units,
    issue,
    make_summary,
    pdftotext,
    squeezed,
    vi,
)


def test_a_snapshot_issued_before_the_appendix_kept_paths_still_lists_every_unit(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    for row in summary.rollup_snapshot["units"]:
        del row["path"]
    summary.save(update_fields=["rollup_snapshot"])
    summary.refresh_from_db()
    appendix = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split(vi("Appendix").upper())
    for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]:
        assert tree[code].name in appendix[-1], code


def old_snapshot(tree, campaign):
    """A snapshot as summaries issued before the README's counting rule froze it (the old
    rollup's dict, as JSON gives it back): no "reports", "own" nor "texts"; "included" for
    the reports counted; totals of 0 where nothing was counted; unit rows marked "counted".
    Its figures are those the old rule gave for campaign_with_reports: a district's own
    report stood for its area, so A1's figures were left out."""
    sessions, participants = (
        campaign.indicators.get(code=code) for code in ("sessions", "participants")
    )
    other_forms = campaign.indicators.get(code="other_forms")

    def group(expected, on_time, late, returned, included, totals, **extra):
        submitted = on_time + late
        return {
            "expected": expected,
            "plans_filed": 0,
            "plans_accepted": 0,
            "on_time": on_time,
            "late": late,
            "returned": returned,
            "included": included,
            "assessed_good": included,
            "assessed_fair": 0,
            "assessed_average": 0,
            "assessed_weak": 0,
            "totals": dict(zip(("sessions", "participants"), totals, strict=True)),
            "submitted": submitted,
            "missing": expected - submitted - returned,
            "rate": round(100 * submitted / expected, 1) if expected else None,
            "on_time_rate": round(100 * on_time / expected, 1) if expected else None,
            **extra,
        }

    def child(code, *figures):
        unit = tree[code]
        return group(
            *figures,
            unit_id=unit.pk,
            path=unit.path,
            name=unit.name,
            kind=unit.kind,
            is_scope=False,
            has_children=True,
        )

    def unit_row(code, category, counted, values):
        unit = tree[code]
        return {
            "name": unit.name,
            "path": unit.path,
            "kind": unit.kind,
            "level": unit.depth - 1,
            "category": category,
            "status": FILED.get(code, ("",))[0],
            "counted": counted,
            "values": dict(zip(("sessions", "participants"), values, strict=True)),
        }

    none = (None, None)
    return {
        "rollup": {
            "cache_key": "",
            "ancestors": [{"pk": tree["PV"].pk, "path": tree["PV"].path, "name": tree["PV"].name}],
            "campaign_id": campaign.pk,
            "year": YEAR,
            "unit_id": tree["PV"].pk,
            "include": "accepted",
            "period": {
                "starts_on": "2023-12-15",
                "ends_on": "2024-12-14",
                "due_on": "2024-12-20",
                "locks_on": "2025-01-19",
            },
            "indicators": [
                {
                    "pk": i.pk,
                    "code": i.code,
                    "name": i.name,
                    "unit_of_measure": i.unit_of_measure,
                    "kind": i.kind,
                }
                for i in (sessions, participants, other_forms)
            ],
            "headline": group(7, 3, 1, 1, 3, (19, 1234)),
            "by_kind": [
                {"kind": "district", **group(2, 1, 1, 0, 2, (19, 1234))},
                {"kind": "sector", **group(1, 0, 0, 0, 0, (0, 0))},
                {"kind": "grassroots", **group(4, 2, 0, 1, 1, (0, 0))},
            ],
            "by_child": [
                child("DA", 3, 2, 0, 0, 2, (12, 345)),
                child("DB", 2, 0, 1, 1, 1, (7, 889)),
                child("SE", 2, 1, 0, 0, 0, (0, 0)),
            ],
            "themes": [],
            "assessment": {"good": 3, "fair": 0, "average": 0, "weak": 0},
            "trend": [
                {"year": y, "reports": 0, "totals": {"sessions": 0, "participants": 0}}
                for y in range(2015, YEAR)
            ]
            + [{"year": YEAR, "reports": 3, "totals": {"sessions": 19, "participants": 1234}}],
            "obstacles": {"open": 1, "overdue": 0},
            "reminders": {"sent": 2, "manual": 1},
        },
        "units": [
            unit_row("DA", "on_time", True, (12, 345)),
            unit_row("A1", "on_time", True, (3, 40)),
            unit_row("A2", "missing", False, none),
            unit_row("DB", "late", True, (7, 889)),
            unit_row("B1", "returned", False, none),
            unit_row("SE", "on_time", False, none),
            unit_row("S1", "missing", False, none),
        ],
        "campaign": {"number": campaign.number, "title": campaign.title},
        "unit": {"name": tree["PV"].name},
        "taken_at": "2025-01-05T09:00:00+07:00",
    }


def test_a_snapshot_issued_before_the_counting_rule_still_renders_as_issued(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    SummaryReport.objects.filter(pk=summary.pk).update(rollup_snapshot=old_snapshot(tree, campaign))
    summary.refresh_from_db()
    assert "texts" not in summary.rollup_snapshot["rollup"]
    context = pdf.document_context(summary)
    assert context["legacy"] is True
    # The figures it was issued with, not today's (A1's 40 participants were left out then).
    assert context["headline"]["totals"] == ["19", "1.234"]
    assert context["headline"]["status"] == ["7", "4", "3", "1", "1", "2", "57,1"]
    rows = {row["label"]: row for row in context["children"]}
    assert rows[tree["DA"].name]["totals"] == ["12", "345"]
    # The sector union had nothing counted: a dash, not the 0 the old rollup wrote.
    assert rows[tree["SE"].name]["totals"] == ["—", "—"]
    # What it never recorded is not made up: no own report, no mark, no reports summed.
    assert all(row["own"] == "" and row["mark"] == "" for row in context["children"])
    values = {row["label"]: row["value"] for row in context["headline_rows"]}
    assert values[vi("Reports summed")] == "—"
    listed = appendix_units(context)
    assert sorted(name for _heading, name, _status in listed) == sorted(
        tree[code].name for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]
    )
    content = pdf.render_summary_pdf(summary)
    text = pdftotext(content, tmp_path, "-layout")
    assert re.search(r"Số lượt người tham dự\s.*\s1\.234\s*$", text, re.MULTILINE)
    appendix = text.split(vi("Appendix").upper())[-1]
    assert re.search(rf"{tree['A1'].name}\s+3\s+40\s+{vi('On time')}", appendix)
    # Its appendix keeps the note of the rule it was counted by.
    with translation.override(settings.LANGUAGE_CODE):
        old_note = gettext(
            "Under each unit below the scope: the units that reported, with their "
            "figures, then those whose report was returned and those that have not "
            "reported. A dash: no figure counted. A unit reports for the units below it, "
            "so the lines do not add up to the totals."
        )
    assert squeezed(old_note) in squeezed(text)
    # A snapshot without units (issued before the appendix) renders too.
    snapshot = old_snapshot(tree, campaign)
    del snapshot["units"]
    assert pdf.render_html(summary, snapshot)
