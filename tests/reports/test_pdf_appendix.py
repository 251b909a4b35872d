"""The summary report's appendix: every expected unit once, under the unit directly below
the scope, with its status; the rollup's unit rows frozen as plain data, right-aligned
figures, many units sharing one row of the tables, and closed units marked in the
headings as in the tables."""

import datetime
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from campaign.models import Status
from reports import pdf
from reports.rollup import rollup, unit_rows
from tests.reports.recount import child, recounted
from tests.reports.summaries import (
    YEAR,
    appendix_units,
    file_report,
    flat,
    issue,
    make_campaign,
    make_summary,
    pdftotext,
    vi,
)
from units.models import Unit


def test_the_appendix_lists_every_expected_unit_with_its_status(tree, cast, campaign, tmp_path):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    appendix = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split(vi("Appendix").upper())[
        -1
    ]
    for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]:
        assert tree[code].name in appendix, code
    assert tree["PV"].name not in appendix  # the province files nothing: not expected
    assert vi("Missing") in appendix and vi("Returned") in appendix


def test_the_appendix_lists_every_expected_unit_once_under_its_child_with_the_rollups_counts(
    tree, cast, campaign, tmp_path
):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    context = pdf.document_context(summary)
    listed = appendix_units(context)
    wanted = recounted(tree, campaign)
    names = sorted(name for _heading, name, _status in listed)
    assert names == sorted(tree[code].name for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"])
    assert len(listed) == wanted["headline"]["expected"]
    with translation.override(settings.LANGUAGE_CODE):
        district_a = next(row for row in wanted["by_child"] if row["code"] == "DA")
        # Hand-checked: DA and A1 on time, A2 missing; B1 returned; SE awaiting review.
        assert (district_a["expected"], district_a["on_time"], district_a["missing"]) == (3, 2, 1)
        assert district_a["late"] == district_a["returned"] == 0
        # The counts that are zero (late, returned) are not named.
        heading = f"{tree['DA'].name}: 3 đơn vị phải báo cáo: 2 đúng hạn, 1 chưa nộp"
        by_name = {name: (group, status) for group, name, status in listed}
        assert by_name[tree["A1"].name] == (heading, gettext("On time"))
        assert by_name[tree["A2"].name] == (heading, gettext("Missing"))
        assert by_name[tree["B1"].name][1] == gettext("Returned")
        awaiting = gettext("On time") + " (" + gettext("awaiting review") + ")"
        assert by_name[tree["SE"].name][1] == awaiting
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    appendix = text.split(vi("Appendix").upper())[-1]
    assert re.search(rf"{tree['DA'].name}\s+12\s+345\s+{vi('On time')}", appendix)
    assert re.search(rf"{tree['A1'].name}\s+3\s+40\s+{vi('On time')}", appendix)
    assert re.search(rf"{tree['DB'].name}\s+7\s+889\s+{vi('Late')}", appendix)
    assert f"{vi('Missing')} (1): {tree['A2'].name}." in flat(appendix)
    # Each report holds its own unit's figures: the included lines add up to the totals.
    assert wanted["headline"]["totals"]["sessions"] == 12 + 3 + 7


def test_the_appendix_figures_are_right_aligned_by_padding(tree, cast, campaign):
    """In Liberation Serif every digit, en dash and figure space is 0.5 em wide, every dot
    and punctuation space 0.25 em: each figure ends at the same distance from the tab stop
    on every line, whatever the numbers."""
    file_report(tree["S1"], campaign, sessions=1, participants=1_234_567)
    context = pdf.document_context(make_summary(tree["PV"], campaign, cast["cspl"]))
    groups = context["appendix"]["groups"]
    lines = [line for group in groups for chunk in group["chunks"] for line in chunk.split("\n")]
    assert len(lines) >= 4
    half = {pdf.FIGURE_SPACE, pdf.NO_FIGURE, *"0123456789"}
    quarter = {pdf.PUNCTUATION_SPACE, "."}
    ends = set()
    for line in lines:
        figures = line.split("\t")[1].rsplit(pdf.COLUMN_GAP, 1)[0]  # the status is last
        assert set(figures) <= half | quarter, line
        position, line_ends = 0.0, []
        for char, after in zip(figures, figures[1:] + pdf.FIGURE_SPACE, strict=True):
            position += 0.5 if char in half else 0.25
            if char not in (pdf.FIGURE_SPACE, pdf.PUNCTUATION_SPACE) and after == pdf.FIGURE_SPACE:
                line_ends.append(position)
        ends.add(tuple(line_ends))
    # Two columns: sessions (2 digits wide), then participants (7 digits and 2 dots).
    assert ends == {(1.0, 6.0)}
    assert "1.234.567" in flat(" ".join(lines))


def test_many_units_directly_below_share_one_row_of_the_tables_and_are_listed_one_by_one(
    tree, cast, campaign, tmp_path
):
    province = Unit.objects.get(pk=tree["PV"].pk)
    direct = [
        Unit.objects.add_child(
            province,
            {"code": f"G{n:02d}", "name": f"CĐCS trực thuộc {n:02d}", "kind": "grassroots"},
        )
        for n in range(pdf.DIRECT_ROWS + 1)
    ]
    for n, unit in enumerate(direct[:4]):
        file_report(unit, campaign, late=n == 0, sessions=n + 1, participants=100)
    summary = make_summary(Unit.objects.get(pk=province.pk), campaign, cast["cspl"])
    context = pdf.document_context(summary)
    expected = rollup(campaign, YEAR, province).headline.expected
    with translation.override(settings.LANGUAGE_CODE):
        label = gettext("Other units directly below") + f" ({len(direct)})"
        direct_heading = gettext("Other units directly below") + ": "
    rows = {row["label"]: row for row in context["children"]}
    # The three areas one by one, the eleven direct units in one row, their figures added.
    assert list(rows) == [tree["DA"].name, tree["DB"].name, tree["SE"].name, label]
    assert rows[label]["status"][:6] == ["11", "4", "3", "1", "0", "7"]
    # Added up: 1 + 2 + 3 + 4 sessions, 4 × 100 participants; 4 of 11 units included.
    assert rows[label]["totals"] == ["10", "400"]
    assert rows[label]["coverage"] == "4/11"
    assert (rows[label]["own"], rows[label]["mark"]) == ("", "")
    assert sum(int(row["status"][0]) for row in context["children"]) == expected
    listed = appendix_units(context)
    assert sorted(
        name for heading, name, _ in listed if heading.startswith(direct_heading)
    ) == sorted(unit.name for unit in direct)
    assert label in flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))


def test_a_districts_appendix_puts_its_own_report_first_then_the_units_directly_below(
    tree, cast, campaign
):
    context = pdf.document_context(make_summary(tree["DA"], campaign, cast["cspl"]))
    with translation.override(settings.LANGUAGE_CODE):
        own = tree["DA"].name + " " + gettext("(own report)")
        below = gettext("Units directly below") + ": "
    listed = appendix_units(context)
    assert listed[0][:2] == (own, tree["DA"].name)
    assert sorted(name for heading, name, _ in listed if heading.startswith(below)) == [
        tree["A1"].name,
        tree["A2"].name,
    ]
    # Two units directly below: each keeps its own row in the tables.
    assert [row["label"] for row in context["children"]] == [
        own,
        tree["A1"].name,
        tree["A2"].name,
    ]


def test_the_appendix_is_the_rollups_unit_rows_frozen_as_plain_data(
    tree, campaign, cast, django_assert_num_queries
):
    result = rollup(campaign, YEAR, tree["PV"])
    with django_assert_num_queries(1):  # the appendix's one query, whatever the units
        unit_rows(campaign, tree["PV"], result, with_values=True)
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    rows = pdf.freeze(summary)["units"]
    by_name = {row["name"]: row for row in rows}
    assert len(rows) == recounted(tree, campaign)["headline"]["expected"] == 7
    assert by_name[tree["DA"].name]["values"] == {"sessions": 12, "participants": 345}
    assert by_name[tree["DB"].name]["category"] == "late"
    assert by_name[tree["DA"].name]["path"] == tree["DA"].path
    # Submitted but not accepted: listed, its figures not included.
    assert by_name[tree["SE"].name]["included"] is False
    assert by_name[tree["SE"].name]["values"] == {"sessions": None, "participants": None}
    # A text figure is listed by the rollup, not kept per unit in the appendix.
    assert all(set(row["values"]) == {"sessions", "participants"} for row in rows)


def test_a_unit_closed_by_the_cut_off_is_marked_in_its_appendix_heading_as_in_the_tables(
    tree, cast, tmp_path
):
    # A district closed on 30/06/2024, before the year's cut-off, with a unit below it: both
    # filed reports that still count. Its heading in the appendix names it as the tables by
    # unit below do.
    campaign = make_campaign(tree["PV"])
    closed_on = datetime.date(YEAR, 6, 30)
    closed = child(tree["PV"], "DC", closed_on=closed_on, kind=Unit.Kind.DISTRICT)
    file_report(closed, campaign, Status.ACCEPTED, sessions=5, participants=60)
    file_report(child(closed, "C1", closed_on=closed_on), campaign, Status.ACCEPTED, sessions=1)
    file_report(tree["A1"], campaign, Status.ACCEPTED, sessions=2, participants=20)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    marked = f"{closed.name} (đã kết thúc hoạt động)"
    context = pdf.document_context(summary)
    assert marked in [row["label"] for row in context["children"]]
    headings = [group["heading"] for group in context["appendix"]["groups"]]
    assert [h for h in headings if h.startswith(closed.name)] == [
        f"{marked}: không có đơn vị nào phải báo cáo"
    ]
    # The open districts' headings carry no mark.
    assert f"{tree['DA'].name}: 3 đơn vị phải báo cáo: 1 đúng hạn, 2 chưa nộp" in headings
    assert f'<p class="group">{marked}: ' in pdf.render_html(summary)
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    assert re.search(
        rf"^{re.escape(marked)}: không có đơn vị nào phải báo cáo$", text, re.MULTILINE
    )
