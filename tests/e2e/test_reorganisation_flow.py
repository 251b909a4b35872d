"""The merger of 01/07/2025 in a real browser (issue #12): an administrator records it from the
demo's spreadsheet, checks the preview and applies it; the CSPL board's reviewer then reads
2024 on Bến Tre's tree and 2026 on Vĩnh Long's, and 2024 regrouped on today's tree.

The demo is loaded as `load_demo` loads it up to the reorganisations of 2025: Bến Tre's 2015
tree, the accounts, the plans and the 2024 reports, then the decision of 26/02/2025. The
decision of 01/07/2025 is the one the administrator uploads here. Once it is applied, the
rest of the demo's history (the 2025 and 2026 reports, written on the tree it made) is
loaded by `load_demo_history`, which finds both decisions applied and applies neither again.

The units expected in 2024 are counted here from the demo's spreadsheet of units and the
campaign's file, not by the rollup: the figure must not move when the tree does.
"""

import csv
import json
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from campaign import demo as campaign_demo
from campaign.demo import load_demo_history
from campaign.models import Period
from campaign.seed import DEFAULT_CAMPAIGN, load_campaign_file
from tests.e2e.page_checks import SHOTS, keep_screenshot
from units.demo import DEMO_REORGANISATIONS, DEMO_UNITS, decision_of, load_demo
from units.importing import import_reorganisation, read_reorganisation_rows
from units.models import Reorganisation, Unit, UnitState, User
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.e2e

FEBRUARY, JULY = DEMO_REORGANISATIONS
EXPECTED = "Đơn vị phải báo cáo"  # the headline card "Units expected"


@pytest.fixture
def demo_before_july(transactional_db):
    """The demo as it stood before the decision of 01/07/2025 was recorded; returns the
    campaign. The plans and the 2024 reports are written by the steps `load_demo_history`
    takes before the reorganisations (campaign/demo.py): a change to that function must keep
    this fixture in step."""
    load_demo()
    campaign, _created = load_campaign_file(DEFAULT_CAMPAIGN)
    # What load_demo_history writes before it applies the decisions of 2025.
    _number, february = decision_of(FEBRUARY)
    units, actors = campaign_demo._expected(campaign, campaign.plan_due_on)
    # The plans as they stood in 2015, a few still waiting for review (the demo has them
    # reviewed since): the decision of July closes a closing unit's open plan.
    campaign_demo._plans(campaign, campaign_demo._open_work(units), actors, 2015)
    for year, pattern in campaign_demo.PATTERNS.items():
        cutoff = campaign_demo._cutoff(campaign, year)
        if campaign.runs_in(year) and cutoff < february:
            units, actors = campaign_demo._expected(campaign, cutoff)
            campaign_demo._reports(campaign, year, units, pattern, actors)
    # The decision of 26/02/2025, uploaded and applied as the demo does.
    admin = User.objects.get(username="admin")
    reorganisation = import_reorganisation(read_reorganisation_rows(FEBRUARY), user=admin)
    reorganisation_apply(reorganisation=reorganisation, user=admin)
    return campaign


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def units_expected_in_2024():
    """How many units of Bến Tre's 2015 tree the campaign addresses, from the files the demo
    is loaded from: none of them opened or closed before the cut-off of 2024."""
    with DEFAULT_CAMPAIGN.open(encoding="utf-8") as file:
        addressed = set(json.load(file)["addressed_kinds"])
    return sum(row["kind"] in addressed for row in read_csv(DEMO_UNITS))


def headline(page, label):
    """The figure of the dashboard's headline card labelled `label`."""
    return page.locator("main .card").filter(has_text=label).locator(".fs-4")


def by_child(page):
    """The rows of the table "By unit directly below", as shown: the unit's name, its badge
    (closed, dissolved), its own report and its area's units expected, on time, late,
    returned and missing."""
    return page.evaluate(
        """() => Array.from(
            document.querySelector('#by-child').parentElement.querySelectorAll('tbody tr'),
            (tr) => {
                const cell = tr.cells[0];
                const name = cell.querySelector('a, em') || cell.firstChild;
                const badge = cell.querySelector('.badge');
                const count = (i) => parseInt(tr.cells[i].textContent.replace(/\\D/g, ''), 10);
                return {
                    name: name.textContent.trim(),
                    badge: badge ? badge.textContent.trim() : '',
                    own: tr.cells[1].textContent.trim(),
                    expected: count(2), on_time: count(3), late: count(4),
                    returned: count(5), missing: count(6),
                };
            })"""
    )


def section(page, title):
    """The lines of the preview's section titled `title`."""
    heading = page.locator("main h3").filter(has_text=re.compile(f"^{re.escape(title)}$"))
    expect(heading).to_have_count(1)
    return [
        text.strip()
        for text in heading.locator("xpath=following-sibling::ul[1]/li").all_inner_texts()
    ]


def show(page, year, tree=None):
    """Choose a year (and a tree) in the dashboard's form and show it."""
    page.select_option("#d-year", str(year))
    if tree:
        page.select_option("#d-tree", label=tree)
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#d-year")).to_have_value(str(year))


def screenshots(page, name, widths=(1366, 390)):
    """The whole page as laid out on the office screen and on a phone, kept for a person to
    look at when E2E_SHOTS names a directory (tests/e2e/page_checks.py)."""
    if not SHOTS:
        return
    for width in widths:
        page.set_viewport_size({"width": width, "height": 768 if width > 800 else 844})
        keep_screenshot(page, f"reorganisation-{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 768})


@pytest.mark.timeout(180)
def test_an_administrator_applies_the_merger_and_the_years_keep_their_trees(
    demo_before_july, login, live_server
):
    campaign = demo_before_july
    # What the demo's files say, read here rather than from the portal.
    expected_2024 = units_expected_in_2024()
    units_2015 = read_csv(DEMO_UNITS)
    districts = {row["code"]: row["short_name"] for row in units_2015 if row["kind"] == "district"}
    below = {code: sum(row["parent_code"] == code for row in units_2015) for code in districts}
    july_rows = read_csv(JULY)
    communes = {
        row["Mã mới"]: row["Tên viết tắt"]
        for row in july_rows
        if row["Thao tác"] == "Thành lập" and row["Mã mới"] != "VL"
    }
    # The grassroots unions each commune union takes from a district federation.
    taken = dict.fromkeys(communes, 0)
    for row in july_rows:
        if row["Thao tác"] == "Chia tách":
            taken[row["Mã cấp trên hoặc kế thừa"]] += len(row["Mã đơn vị trực thuộc"].split(","))
    assert (len(districts), len(communes), sum(taken.values())) == (9, 10, sum(below.values()))
    # The count of 2024 agrees with the tree the database holds for its cut-off.
    cutoff = Period.objects.for_year(campaign, 2024).ends_on
    bentre = UnitState.objects.on(cutoff).get(unit__code="BT")
    in_2024 = UnitState.objects.on(cutoff).in_area(bentre.path)
    assert in_2024.filter(kind__in=campaign.addressed_kinds).count() == expected_2024

    # 0. Before the decision, the CSPL reviewer reads 2024 at LĐLĐ tỉnh Bến Tre.
    page = login("cspl")
    page.set_default_timeout(15_000)
    page.get_by_role("link", name="Bảng theo dõi", exact=True).click()
    show(page, 2024)
    expect(page.locator("main h1")).to_have_text(
        re.compile(r"Liên đoàn Lao động tỉnh Bến Tre, năm 2024\s*$")
    )
    expect(page.locator("main .alert-info")).to_have_count(0)
    expect(headline(page, EXPECTED)).to_have_text(str(expected_2024))
    cards_before = page.locator("main section[aria-label] .card").all_inner_texts()
    rows_before = by_child(page)
    rows = {row["name"]: row for row in rows_before}
    # Each district federation's row: itself and its grassroots unions.
    for code, name in districts.items():
        assert rows[name]["expected"] == 1 + below[code], name
    assert sum(row["expected"] for row in rows_before) == expected_2024
    assert not set(communes.values()) & set(rows)

    # 1. The administrator records the decision of 01/07/2025 from its spreadsheet.
    page = login("admin")
    page.locator("#main-nav").get_by_role("link", name="Sắp xếp tổ chức", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Sắp xếp tổ chức")
    # The decision of 26/02/2025 is there already, applied.
    expect(page.locator("main tbody tr").filter(has_text="125/QĐ-LĐLĐ")).to_contain_text(
        "Đã áp dụng"
    )
    page.get_by_role("link", name="Tải lên bảng tính").click()
    expect(page.locator("label[for=id_file]")).to_contain_text("Bảng tính (.xlsx hoặc .csv)")
    page.set_input_files("#id_file", str(JULY))
    page.get_by_role("button", name="Đọc tệp").click()
    expect(page.locator(".alert-success")).to_contain_text("hãy kiểm tra phần xem trước")
    expect(page.locator("main h1")).to_have_text("Quyết định số 2150/QĐ-TLĐ")
    dates = page.locator("main h1 + p")
    expect(dates).to_contain_text("Quyết định ngày 27/06/2025, có hiệu lực từ 01/07/2025")
    expect(dates.locator(".badge")).to_have_text("Bản nháp")
    expect(
        page.get_by_role("heading", name="Xem trước: những gì sẽ thay đổi khi áp dụng")
    ).to_be_visible()
    screenshots(page, "preview", widths=(1366,))

    # The preview: what opens, what closes, the roles carried on, the open submissions.
    with translation.override("vi"):
        province, commune = Unit.Kind.PROVINCE.label, Unit.Kind.COMMUNE.label
    assert section(page, "Đơn vị thành lập") == [
        f"VL – LĐLĐ tỉnh Vĩnh Long ({province}), trực thuộc —",
        *(f"{code} – {name} ({commune}), trực thuộc VL" for code, name in communes.items()),
    ]
    closed = section(page, "Đơn vị kết thúc hoạt động")
    assert sorted(closed) == sorted(
        ["BT – LĐLĐ tỉnh Bến Tre, sáp nhập vào VL"]
        + [f"{code} – {name}" for code, name in districts.items()]
    )
    cspl = User.objects.get(username="cspl")
    assert f"{cspl.full_name} (Người duyệt): BT → VL" in section(
        page, "Vai trò được giao tại đơn vị kế thừa"
    )
    # A district federation's plan still waiting for review ends with its unit.
    submissions = section(page, "Hồ sơ đang xử lý của các đơn vị kết thúc hoạt động")
    assert submissions, "a closing unit has an open submission"
    for line in submissions:
        assert re.fullmatch(
            r"Kế hoạch\s+của BT-\w+ \(Đã gửi\): đóng, lý do: đơn vị kết thúc hoạt động", line
        ), line

    # It applies the decision, after saying yes to the browser's question (it cannot be
    # undone), and it is recorded as applied.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Áp dụng", exact=True).click()
    expect(page.locator(".alert-success")).to_have_text(re.compile("Đã áp dụng đợt sắp xếp"))
    assert questions and questions[0].startswith("Áp dụng quyết định này ngay bây giờ?")
    expect(page.locator(".alert-success")).to_have_text(re.compile("Đã áp dụng đợt sắp xếp"))
    expect(dates.locator(".badge")).to_have_text("Đã áp dụng")
    expect(page.get_by_role("heading", name="Những gì đã thực hiện")).to_be_visible()
    expect(page.get_by_role("button", name="Áp dụng", exact=True)).to_have_count(0)
    assert section(page, "Đơn vị kết thúc hoạt động") == closed
    july = Reorganisation.objects.get(number="2150/QĐ-TLĐ")
    assert (july.status, july.applied_by.username) == (Reorganisation.Status.APPLIED, "admin")

    # 2. The CSPL reviewer, now at LĐLĐ tỉnh Vĩnh Long, reads 2024 on Bến Tre's tree.
    page = login("cspl")
    page.get_by_role("link", name="Bảng theo dõi", exact=True).click()
    expect(page.locator(".breadcrumb-item.active")).to_have_text("LĐLĐ tỉnh Vĩnh Long")
    show(page, 2024)
    expect(page.locator("main h1")).to_have_text(
        re.compile(r"Liên đoàn Lao động tỉnh Bến Tre, năm 2024\s*$")
    )
    expect(page.locator("main .alert-info")).to_have_text(
        "Các báo cáo năm 2024 được tính theo cây tổ chức tại thời điểm chốt số liệu của năm đó "
        "(14/12/2024): việc sắp xếp lại tổ chức về sau không làm thay đổi số liệu này. "
        "LĐLĐ tỉnh Vĩnh Long chưa được thành lập vào thời điểm chốt số liệu năm 2024: "
        "đây là số liệu của LĐLĐ tỉnh Bến Tre, theo cây tổ chức của năm đó."
    )
    # 3. The figures of 2024 did not move: the same units expected, cards and rows.
    expect(headline(page, EXPECTED)).to_have_text(str(expected_2024))
    assert page.locator("main section[aria-label] .card").all_inner_texts() == cards_before
    assert by_child(page) == rows_before
    screenshots(page, "dashboard-2024")

    # The rest of the demo's history: the reports of 2025 and 2026, on the new tree.
    load_demo_history(campaign.slug)
    assert Reorganisation.objects.filter(status=Reorganisation.Status.APPLIED).count() == 2

    # 2026 is counted on Vĩnh Long's tree: each commune or ward union files with the
    # grassroots unions it took; no district federation is left.
    show(page, 2026)
    expect(page.locator("main h1")).to_have_text(
        re.compile(r"Liên đoàn Lao động tỉnh Vĩnh Long, năm 2026\s*$")
    )
    expect(page.locator("main .alert-info")).to_have_count(0)
    rows_2026 = by_child(page)
    rows = {row["name"]: row for row in rows_2026}
    for code, name in communes.items():
        assert rows[name]["expected"] == 1 + taken[code], name
    assert not set(districts.values()) & set(rows)
    assert "LĐLĐ tỉnh Bến Tre" not in rows
    vinh_long = Unit.objects.get(code="VL")
    expected_2026 = (
        UnitState.objects.on(Period.objects.for_year(campaign, 2026).ends_on)
        .in_area(vinh_long.path)
        .filter(kind__in=campaign.addressed_kinds)
        .count()
    )
    expect(headline(page, EXPECTED)).to_have_text(str(expected_2026))
    assert sum(row["expected"] for row in rows_2026) == expected_2026
    screenshots(page, "dashboard-2026")

    # 2024 regrouped on today's tree: the grassroots unions under the commune unions that
    # took them, each district federation a line of its own report, marked as dissolved.
    # The same units are expected; none is lost or counted twice.
    show(page, 2024, tree="cây tổ chức hiện nay")
    expect(page.locator("#d-tree")).to_have_value("today")
    expect(page.locator("main h1")).to_have_text(
        re.compile(r"Liên đoàn Lao động tỉnh Vĩnh Long, năm 2024\s*$")
    )
    expect(page.locator("main .alert-info")).to_contain_text(
        "Các báo cáo năm 2024 được nhóm lại theo cây tổ chức hiện nay"
    )
    expect(headline(page, EXPECTED)).to_have_text(str(expected_2024))
    rows_today = by_child(page)
    rows = {row["name"]: row for row in rows_today}
    then = {row["name"]: row for row in rows_before}
    for code, name in communes.items():
        assert (rows[name]["expected"], rows[name]["badge"]) == (taken[code], ""), name
    own = {
        "Đúng hạn": "on_time",
        "Trễ hạn": "late",
        "Bị trả lại": "returned",
        "Chưa nộp": "missing",
    }
    for name in districts.values():
        line = rows[name]
        assert (line["badge"], line["expected"]) == ("đơn vị đã kết thúc hoạt động", 1), name
        # The district's own report of 2024, as the year's own tree showed it.
        assert line[own[then[name]["own"]]] == 1, (name, then[name]["own"], line)
    assert sum(row["expected"] for row in rows_today) == expected_2024
    screenshots(page, "dashboard-2024-today")
