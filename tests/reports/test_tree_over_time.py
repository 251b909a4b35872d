"""History does not move (README.md, "The tree over time"): a year's figures are counted on
the tree of its cut-off, whatever reorganisation comes after; today's tree regroups them.

The generated federation of world.py, then a reorganisation effective 05/01/2025 (after
2024's cut-off): a new province NV; a commune union CX under it takes every open unit of
district A, which ends (split); the province PV merges into NV with its open units and its
people. The figures are checked against the independent recount of world.py.
"""

import dataclasses
import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from campaign.counting import area_below
from campaign.models import Campaign, Period
from reports import pdf
from reports.excel import build_workbook
from reports.models import SummaryReport
from reports.rollup import AreaRow, rollup, unit_rows
from reports.trees import TODAY
from tests.factories import MembershipFactory
from tests.reports.summaries import make_summary
from tests.reports.world import YEAR, Recount, assert_same_figures, build_world
from units.models import Membership, Unit
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")

EFFECTIVE = datetime.date(2025, 1, 5)
INCLUDED = ("accepted", "submitted")


def reorganise_world(world, reorganise, user):
    da_children = [c for c, parent in world.parent.items() if parent == "DA"]
    open_children = [c for c in da_children if Unit.objects.get(code=c).is_open_on(EFFECTIVE)]
    act = reorganise(
        EFFECTIVE,
        {"action": "create", "code": "NV", "name": "LĐLĐ tỉnh Mới", "kind": "province"},
        {
            "action": "create",
            "code": "CX",
            "name": "Công đoàn xã X",
            "kind": "commune",
            "target_code": "NV",
        },
        {
            "action": "split",
            "unit_code": "DA",
            "target_code": "CX",
            "children_codes": ",".join(open_children),
        },
        {
            "action": "merge",
            "unit_code": "PV",
            "target_code": "NV",
            "move_children": True,
            "move_members": True,
        },
    )
    reorganisation_apply(reorganisation=act, user=user)
    # As a request after it would: the campaign read afresh, with its issuer as it is now.
    world.campaign = Campaign.objects.get(pk=world.campaign.pk)
    return open_children


def workbook_parts(result, units, campaign):
    """The .xlsx's files, but for its properties (which hold the time it was written); its
    count of open obstacles left out, which is today's follow-up, not the year's figures."""
    result = dataclasses.replace(result, obstacles_open=0, obstacles_overdue=0)
    buffer = io.BytesIO()
    build_workbook(result, units, campaign).save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"
        }


def test_a_year_is_the_same_before_and_after_a_later_reorganisation(
    tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    recount = Recount(world)
    before = {}
    for scope in ("PV", "DA", "DB"):
        for include in INCLUDED:
            result = rollup(world.campaign, YEAR, world.units[scope], include)
            assert_same_figures(result, recount.rollup(scope, YEAR, include))
            units = unit_rows(
                world.campaign, world.units[scope], result, with_values=True, with_filers=True
            )
            before[scope, include] = (
                result.as_json(),
                workbook_parts(result, units, world.campaign),
            )

    reorganise_world(world, reorganise, admin_user)

    for (scope, include), (figures, workbook) in before.items():
        unit = Unit.objects.get(code=scope)
        result = rollup(world.campaign, YEAR, unit, include)
        units = unit_rows(world.campaign, unit, result, with_values=True, with_filers=True)
        after = result.as_json()
        # Every figure and row of 2024 as it was; only links to where units stand today
        # (unit_path) follow them.
        for row in (*after["by_child"], *figures["by_child"]):
            row.pop("unit_path")
        for crumb in (*after["ancestors"], *figures["ancestors"]):
            crumb.pop("path")
        # The open obstacles are today's follow-up of the area, not the year's figures.
        for data in (after, figures):
            data.pop("obstacles_open"), data.pop("obstacles_overdue")
        assert after == figures, (scope, include)
        assert workbook_parts(result, units, world.campaign) == workbook, (scope, include)

    # The new province did not exist in 2024: the province merged into it stands for it.
    merged = rollup(world.campaign, YEAR, Unit.objects.get(code="NV"))
    province = before["PV", "accepted"][0]
    assert merged.as_json()["headline"] == province["headline"]
    assert [r.name for r in merged.by_child] == [r["name"] for r in province["by_child"]]
    assert merged.stands_for == "LĐLĐ tỉnh Thử nghiệm" and merged.scope_name == "LĐLĐ tỉnh Mới"
    # Its workbook, named after the new province, says whose figures it holds, as the page does.
    with translation.override("vi"):
        summary = build_workbook(merged, [], world.campaign).worksheets[0]
    cells = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert cells["Đơn vị"] == "LĐLĐ tỉnh Thử nghiệm"
    assert cells["Ghi chú"] == (
        "LĐLĐ tỉnh Mới chưa được thành lập vào thời điểm chốt số liệu năm 2024: đây là số "
        "liệu của LĐLĐ tỉnh Thử nghiệm, theo cây tổ chức của năm đó."
    )
    # The breadcrumb names the scope chosen, then the province standing for it that year.
    assert [c.name for c in merged.ancestors] == ["LĐLĐ tỉnh Mới", "LĐLĐ tỉnh Thử nghiệm"]


def test_today_s_tree_regroups_a_past_year_as_stated(tree, cast, reorganise, admin_user):
    world = build_world(tree, cast, 11)
    recount = Recount(world)
    moved = reorganise_world(world, reorganise, admin_user)
    for include in INCLUDED:
        then = recount.rollup("PV", YEAR, include)  # the 2024 tree, recounted
        result = rollup(world.campaign, YEAR, Unit.objects.get(code="NV"), include, TODAY)
        assert result.as_json()["headline"] == then["headline"]
        rows = {row.name: row for row in result.by_child}

        def subtree(codes):
            found = list(codes)
            for code in found:
                found += [c for c, parent in world.parent.items() if parent == code]
            return found

        # Today's units below NV: the commune holds district A's open units and their own
        # units; the others came from PV with their areas.
        today_children = ["CX"] + [
            c
            for c, parent in world.parent.items()
            if parent == "PV" and Unit.objects.get(code=c).is_open_on(EFFECTIVE)
        ]
        for code in today_children:
            codes = subtree(moved) if code == "CX" else subtree([code])
            wanted = recount.area(codes, YEAR, include)
            name = "Công đoàn xã X" if code == "CX" else recount.name(code)
            if not (wanted["expected"] or wanted["reports"]):
                assert name not in rows
                continue
            row = rows[name]
            assert (row.expected, row.reports, row.totals) == (
                wanted["expected"],
                wanted["reports"],
                wanted["totals"],
            ), code
            assert not row.dissolved and not row.closed  # CX opened after 2024: not closed
            assert row.not_yet == (code == "CX")  # … but set up only after 2024's cut-off
        # PV's own report counts as NV's own; district A, split, has a line of its own with
        # its old name, holding its own report and its closed units'.
        own = recount.area(["PV"], YEAR, include)
        scope_rows = [row for row in result.by_child if row.is_scope]
        assert [r.reports for r in scope_rows] == ([own["reports"]] if own["reports"] else [])
        gone = subtree(["DA"])
        gone = [c for c in gone if c == "DA" or c not in subtree(moved)]
        wanted = recount.area(gone, YEAR, include)
        row = rows[recount.name("DA")]
        assert row.dissolved and (row.reports, row.totals) == (wanted["reports"], wanted["totals"])


def test_the_area_box_of_a_past_report_keeps_the_tree_of_its_year(
    tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    period = Period.objects.get(campaign=world.campaign, year=YEAR)
    indicators = list(world.campaign.indicators.all())
    district = Unit.objects.get(code="DA")
    before = area_below(district, world.campaign, YEAR, period, indicators)
    assert before.units and before.expected
    # Before the reorganisation, the box is the area below district A recounted: its units
    # (never the district itself), the expected ones and the accepted reports summed.
    recount = Recount(world)
    below = [c for c in recount.subtree("DA") if c != "DA"]
    expected = [c for c in recount.expected("DA", YEAR) if c != "DA"]
    filed = recount.filed(below, YEAR, "accepted")
    totals = recount.totals(filed, expected, YEAR, "accepted")
    typed = {i.pk: i.code for i in indicators if i.kind == "integer" and i.source == "typed"}
    assert (before.expected, before.reports, before.included) == (
        len(expected),
        len(filed),
        sum(1 for c in expected if recount.included(c, YEAR, "accepted")),
    )
    assert before.totals == {pk: totals[code] for pk, code in typed.items()}
    reorganise_world(world, reorganise, admin_user)  # district A ends, its units move away
    after = area_below(Unit.objects.get(code="DA"), world.campaign, YEAR, period, indicators)
    assert after == before


def test_the_trend_says_where_the_tree_changed_and_by_which_decision(
    tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    result = rollup(world.campaign, 2025, Unit.objects.get(code="NV"))
    changes = {row.year: row.changes for row in result.trend}
    # 05/01/2025 falls after 2024's cut-off (14/12/2024): a change of 2025's tree.
    assert "05/01/2025 (56/QĐ-LĐLĐ)" in changes[2025]
    assert all("05/01/2025" not in label for y in changes if y < 2025 for label in changes[y])


def test_a_unit_closed_by_a_years_cut_off_says_why_nobody_reports_there(
    client, tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    district = Unit.objects.get(code="DA")  # split on 05/01/2025
    client.force_login(cast["cspl"])
    note = (
        f"{district.name} đã ngừng hoạt động từ ngày 05/01/2025, trước thời điểm chốt số liệu "
        "năm 2025: năm đó không có đơn vị nào phải báo cáo tại đây"
    )
    after = client.get(reverse("reports:dashboard"), {"unit": district.pk, "year": 2025})
    assert after.status_code == 200
    assert after.context["data"].headline.expected == 0
    assert note in after.content.decode()
    # Its history before the merger reads as it was, without the note; on today's tree the
    # page already says how the year is regrouped.
    for params in ({"year": YEAR}, {"year": 2025, "tree": TODAY}):
        page = client.get(reverse("reports:dashboard"), {"unit": district.pk, **params})
        assert page.status_code == 200
        assert "đã ngừng hoạt động từ ngày" not in page.content.decode(), params


def test_a_closed_unit_s_line_on_today_s_tree_says_it_as_the_decisions_do():
    # As the 2025 decisions word it: a grassroots union is dissolved ("giải thể"); a
    # district federation, ended without a successor or split, ends its activity.
    with translation.override("vi"):
        district = AreaRow(name="LĐLĐ Châu Thành", kind=Unit.Kind.DISTRICT, dissolved=True)
        grassroots = AreaRow(name="CĐCS A", kind=Unit.Kind.GRASSROOTS, dissolved=True)
        assert district.tree_label == "đơn vị đã kết thúc hoạt động"
        assert grassroots.tree_label == "đơn vị đã giải thể"


# --- a reorganisation dated in the middle of a year ------------------------------------------
MID_YEAR = datetime.date(YEAR, 7, 1)  # between 2023's cut-off and 2024's


def raw_totals(campaign, pks, year):
    """The accepted reports of `campaign` of units `pks` for `year`, and the sum of each
    typed whole-number figure, read straight from the tables: the recount shares nothing
    with the rollup."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.unit_id, i.code, v.int_value FROM reports_annualreport r "
            "LEFT JOIN reports_indicatorvalue v ON v.report_id = r.id "
            "LEFT JOIN campaign_indicator i ON i.id = v.indicator_id AND i.kind = 'integer' "
            "AND i.source = 'typed' "
            "WHERE r.campaign_id = %s AND r.year = %s AND r.status = 'accepted'",
            [campaign.pk, year],
        )
        reports, totals = set(), {}
        for report, unit, code, value in cursor.fetchall():
            if unit not in pks:
                continue
            reports.add(report)
            if code and value is not None:
                totals[code] = totals.get(code, 0) + value
    return len(reports), totals


def subtree_pks(unit):
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def test_a_move_dated_mid_year_counts_the_unit_where_it_stood_at_each_cut_off(
    tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    district_a, district_b = Unit.objects.get(code="DA"), Unit.objects.get(code="DB")
    # An open union of district A with an accepted report of 2024.
    moving = next(
        unit
        for unit in Unit.objects.filter(path__startswith=district_a.path, depth=3)
        if unit.is_open_on(MID_YEAR) and raw_totals(world.campaign, [unit.pk], YEAR)[0]
    )
    a_before, b_before = subtree_pks(district_a), subtree_pks(district_b)
    earlier = {code: rollup(world.campaign, YEAR - 1, world.units[code]) for code in ("DA", "DB")}
    # Before the move, 2023's figures are those recounted from the generated records.
    recount = Recount(world)
    for code, before in earlier.items():
        assert_same_figures(before, recount.rollup(code, YEAR - 1, "accepted"))

    act = reorganise(MID_YEAR, {"action": "move", "unit_code": moving.code, "target_code": "DB"})
    reorganisation_apply(reorganisation=act, user=admin_user)

    # 2024's cut-off (14/12/2024) comes after the move: the union counts under district B.
    wanted = {
        "DA": raw_totals(world.campaign, [pk for pk in a_before if pk != moving.pk], YEAR),
        "DB": raw_totals(world.campaign, [*b_before, moving.pk], YEAR),
    }
    for code, (reports, totals) in wanted.items():
        result = rollup(world.campaign, YEAR, Unit.objects.get(code=code))
        assert result.headline.reports == reports, code
        for indicator, total in totals.items():
            assert result.headline.totals[indicator] == total, (code, indicator)
    # 2023's came before it: that year is as it was, the union still under district A.
    for code, before in earlier.items():
        after = rollup(world.campaign, YEAR - 1, Unit.objects.get(code=code))
        assert after.headline == before.headline, code
    reports, _totals = raw_totals(world.campaign, a_before, YEAR - 1)
    assert earlier["DA"].headline.reports == reports


def test_a_summary_s_years_mark_where_the_tree_changed_between_them(
    tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    district_a = Unit.objects.get(code="DA")
    moving = next(
        unit
        for unit in Unit.objects.filter(path__startswith=district_a.path, depth=3)
        if unit.is_open_on(MID_YEAR)
    )
    act = reorganise(MID_YEAR, {"action": "move", "unit_code": moving.code, "target_code": "DB"})
    reorganisation_apply(reorganisation=act, user=admin_user)
    district_b = Unit.objects.get(code="DB")
    draft = make_summary(district_b, world.campaign, cast["cspl"])
    context = pdf.document_context(draft)
    # The days the dashboard lists under its years (the units of the generated world open
    # and close on days of their own too), each year's printed under the table and marked.
    changes = {row.year: row.changes for row in rollup(world.campaign, YEAR, district_b).trend}
    assert "01/07/2024 (56/QĐ-LĐLĐ)" in changes[YEAR]
    rows = {row["year"]: row["mark"] for row in context["trend"]["rows"]}
    assert rows[str(YEAR)] == "*"
    assert (
        f"* {YEAR} – cây tổ chức thay đổi: {', '.join(changes[YEAR])}"
        in (context["trend"]["changes"])
    )
    first = min(rows)  # compared with no year above it: never marked
    assert rows[first] == "" and not any(
        line.startswith(f"* {first}") for line in context["trend"]["changes"]
    )
    html = pdf.render_html(draft)
    assert "cây tổ chức thay đổi: " in html and "01/07/2024 (56/QĐ-LĐLĐ)" in html


def test_a_summary_of_a_year_before_its_unit_existed_says_whose_figures_it_prints(
    tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    draft = make_summary(Unit.objects.get(code="NV"), world.campaign, cast["cspl"])
    note = (
        "LĐLĐ tỉnh Mới chưa được thành lập vào thời điểm chốt số liệu năm 2024: đây là số "
        "liệu của LĐLĐ tỉnh Thử nghiệm, theo cây tổ chức của năm đó."
    )
    assert pdf.document_context(draft)["tree_note"] == note
    assert note in pdf.render_html(draft)
    # The old province's own summary of that year is its own: no note.
    own = make_summary(Unit.objects.get(code="PV"), world.campaign, cast["cspl"])
    assert pdf.document_context(own)["tree_note"] == ""


def test_no_summary_is_started_for_a_year_before_its_unit_existed(
    client, tree, cast, reorganise, admin_user
):
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    commune = Unit.objects.get(code="CX")  # set up on 05/01/2025, under the new province
    client.force_login(cast["cspl"])
    fields = {
        "kind": "committee",
        "campaign": world.campaign.pk,
        "unit": commune.pk,
        "include": "accepted",
    }
    page = client.post(reverse("reports:summary_create"), {**fields, "year": YEAR})
    assert page.status_code == 200
    assert not SummaryReport.objects.filter(unit=commune).exists()
    assert (
        "Công đoàn xã X được thành lập ngày 05/01/2025, sau thời điểm chốt số liệu năm 2024 "
        "(14/12/2024): đơn vị không có số liệu của năm đó." in page.content.decode()
    )
    # The new province stands on the old one's tree that year: its summary is made.
    province = Unit.objects.get(code="NV")
    made = client.post(
        reverse("reports:summary_create"), {**fields, "unit": province.pk, "year": YEAR}
    )
    assert made.status_code == 302
    assert SummaryReport.objects.filter(unit=province, year=YEAR).exists()


def test_a_year_before_the_user_s_unit_existed_links_their_units_that_stood_then(
    client, tree, cast, reorganise, admin_user
):
    # The district's reviewer keeps the role at the district (ended 05/01/2025) and reviews
    # the commune union set up that day. Opening 2024, the dashboard lands on the commune
    # union, which did not exist: no page linked to the district's figures of that year.
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    commune, district = Unit.objects.get(code="CX"), Unit.objects.get(code="DA")
    MembershipFactory(user=cast["reviewer_a"], unit=commune, role=Membership.Role.REVIEWER)
    client.force_login(cast["reviewer_a"])
    link = f"unit={district.pk}"
    with translation.override("vi"):
        before = client.get(reverse("reports:dashboard"), {"year": YEAR})
        after = client.get(reverse("reports:dashboard"), {"year": 2025})
    assert before.context["unit"] == commune
    page = before.content.decode()
    assert f'{link}">{district.name}</a>' in page
    assert "Đơn vị của bạn đang hoạt động năm 2024:" in page
    # The district's own page for that year opens, with its figures.
    opened = client.get(reverse("reports:dashboard"), {"year": YEAR, "unit": district.pk})
    assert opened.status_code == 200 and opened.context["data"].headline.expected > 0
    # In 2025 the commune union has its own figures: nothing is offered.
    assert "Đơn vị của bạn đang hoạt động" not in after.content.decode()


def test_the_trend_of_a_union_set_up_later_starts_with_its_first_year(
    client, tree, cast, reorganise, admin_user
):
    # The commune union set up on 05/01/2025 listed 2022–2024 as years of nothing (0 reports,
    # 0 units, a chart flat at zero), as if its area had done no work for three years.
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    commune = Unit.objects.get(code="CX")
    MembershipFactory(user=cast["reviewer_a"], unit=commune, role=Membership.Role.REVIEWER)
    client.force_login(cast["reviewer_a"])
    with translation.override("vi"):
        then = client.get(reverse("reports:dashboard"), {"year": 2025, "unit": commune.pk})
        today = client.get(
            reverse("reports:dashboard"), {"year": 2025, "unit": commune.pk, "tree": TODAY}
        )
    assert [row.year for row in then.context["data"].trend] == [2022, 2023, 2024, 2025]
    html = then.content.decode()
    trend = html[html.index('id="trend"') :]
    trend = trend[: trend.index("</section>")]
    rows = trend[trend.index("<tbody>") : trend.index("</tbody>")]
    assert "<td>2025" in rows and all(f"<td>{year}" not in rows for year in (2022, 2023, 2024))
    assert "Trước năm 2025 khu vực này chưa có đơn vị nào phải báo cáo" in trend
    # Regrouped on today's tree, those years hold the reports of its units: all listed.
    rows = today.content.decode()
    rows = rows[rows.index('id="trend"') :]
    rows = rows[rows.index("<tbody>") : rows.index("</tbody>")]
    assert all(f"<td>{year}" in rows for year in (2022, 2023, 2024, 2025))


def test_a_unit_ended_before_this_year_s_cut_off_opens_on_its_last_year(
    client, tree, cast, reorganise, admin_user, freeze
):
    # The district's reviewer keeps only the district (split on 05/01/2025): in June 2026
    # the dashboard opened on 2026, a year of zeros for a unit that had ended.
    world = build_world(tree, cast, 11)
    reorganise_world(world, reorganise, admin_user)
    freeze(datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC))  # 09:00 in Viet Nam
    district = Unit.objects.get(code="DA")
    client.force_login(cast["reviewer_a"])
    opened = client.get(reverse("reports:dashboard"))
    assert opened.context["unit"] == district and opened.context["year"] == YEAR
    assert opened.context["data"].headline.expected > 0
    # Asked for by address, the unit opens on its last year too; a year asked for is kept.
    asked = client.get(reverse("reports:dashboard"), {"unit": district.pk})
    assert asked.context["year"] == YEAR
    kept = client.get(reverse("reports:dashboard"), {"unit": district.pk, "year": 2025})
    assert kept.context["year"] == 2025 and kept.context["data"].headline.expected == 0
    # An open unit opens on the year being reported, as before.
    client.force_login(cast["cspl"])
    assert client.get(reverse("reports:dashboard")).context["year"] == 2026
