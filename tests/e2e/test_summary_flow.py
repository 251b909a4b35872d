"""The CSPL board's dashboard and summary report, and the Standing Committee's PDF, in a
real browser with the demo federation.

The PDF is rendered by a real Celery worker, not eagerly. An eager task would run inside the
live server's request, before the redirect: the page would open on a finished PDF and the
script that follows the rendering (static/js/summary_status.js) would never be exercised,
and WeasyPrint's child process would be forked from the test process, beside Chromium's
driver and Playwright's event loop. The worker is a child process reading the live server's
test database and consuming a queue of this test only (see `celery_worker_process`), which
is how production runs it; this journey therefore needs PostgreSQL and Redis.
"""

import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import Campaign
from campaign.periods import report_year
from reports import pdf
from reports.models import SummaryReport
from tests.reports.raw import INCLUDE, Raw, cut_off_and_due
from tests.reports.summaries import squeezed
from units.folding import fold
from units.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]

CODE = "BC-LĐLĐ"  # the number before it is given at issue, from the unit's register
SIGNER = "Phó Chủ tịch Thường trực Liên đoàn"
# The worker starts, claims the task and renders a few pages: seconds, but the machine is
# shared. The page's script polls with a back-off capped at 10 s.
RENDER_TIMEOUT_MS = 90_000


def pdftotext(path, *options):
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout


def label(page, field):
    """The <label> of the form field `field`."""
    return page.locator(f"label[for=id_{field}]")


def required(text):
    """A label's text as crispy-forms renders it: an asterisk follows a required field's,
    and the markup's line breaks are kept."""
    return re.compile(rf"^\s*{re.escape(text)}\*?\s*$")


def lines(page, selector):
    """How many lines of text the tallest element matching `selector` holds, as laid out."""
    return page.evaluate(
        """(selector) => Math.max(...Array.from(document.querySelectorAll(selector), (el) => {
            const style = getComputedStyle(el);
            const content = el.clientHeight - parseFloat(style.paddingTop)
                - parseFloat(style.paddingBottom);
            return Math.round(content / parseFloat(style.lineHeight));
        }))""",
        selector,
    )


def headline(page, label):
    """The figure of the dashboard's headline card labelled `label`."""
    return page.locator("main .card").filter(has_text=label).locator(".fs-4")


@pytest.mark.timeout(180)
def test_the_cspl_board_issues_a_summary_and_the_standing_committee_reads_its_pdf(
    demo, login, live_server, celery_worker_process, tmp_path
):
    campaign = Campaign.objects.get(slug="cchc-2015")
    year = report_year(campaign, from_rules=True)
    # Since 01/07/2025 the demo federation is LĐLĐ tỉnh Vĩnh Long, with commune unions where
    # the district federations were.
    province = Unit.objects.get(code="VL")
    district = Unit.objects.get(code="VL-CT")
    # The figures expected on every page, recounted from the demo's rows (tests/reports/raw.py),
    # never by the rollup that the pages show: the accepted reports, on the year's tree.
    raw, dates = Raw(campaign), cut_off_and_due(campaign, year)
    figures = raw.count(year, province.pk, INCLUDE["accepted"], *dates)
    below = raw.count(year, district.pk, INCLUDE["accepted"], *dates)
    participants = figures["totals"]["participants"]
    assert participants is not None, "the demo federation has accepted reports"
    indicator = campaign.indicators.get(code="participants")
    # How the pre-filled results state it, in the edit form and in the PDF.
    result_line = f"{indicator.name}: {pdf.number(participants)} {indicator.unit_of_measure}"

    # 1. The CSPL reviewer opens the dashboard: the headline is the recount's.
    page = login("cspl")
    page.set_default_timeout(15_000)
    page.get_by_role("link", name="Bảng theo dõi", exact=True).click()
    expect(page.locator("main h1")).to_contain_text(province.name)
    expect(headline(page, "Đơn vị phải báo cáo")).to_have_text(pdf.number(figures["expected"]))
    expect(
        page.locator("main table tr").filter(has_text=indicator.name).first.locator("td").last
    ).to_have_text(f"{pdf.number(participants)} {indicator.unit_of_measure}")

    # On the office screen (1366 × 768) no table header wraps, nor a kind of unit's name.
    for table in ("#by-child ~ div", "#by-kind ~ div", "section:has(#trend) div"):
        assert lines(page, f"{table} thead th") == 1, table
    assert lines(page, "#by-kind ~ div tbody td") == 1

    # It drills down into a commune union, then goes back up by the breadcrumb.
    page.locator("#by-child").locator("xpath=..").get_by_role(
        "link", name=district.short_name, exact=True
    ).click()
    expect(page.locator("main h1")).to_contain_text(district.name)
    expect(headline(page, "Đơn vị phải báo cáo")).to_have_text(pdf.number(below["expected"]))
    page.locator(".breadcrumb").get_by_role("link", name=province.short_name, exact=True).click()
    expect(page.locator("main h1")).to_contain_text(province.name)
    expect(page.locator(".breadcrumb-item.active")).to_have_text(province.short_name)

    # 2. It creates the summary report of the campaign and year for the whole province.
    page.get_by_role("link", name="Báo cáo tổng hợp", exact=True).click()
    page.get_by_role("link", name="Báo cáo tổng hợp mới").click()
    # The document's own words, not those of the model fields that share their msgids.
    expect(label(page, "include")).to_have_text(required("Số liệu từ"))
    page.select_option("#id_campaign", str(campaign.pk))
    page.fill("#id_year", str(year))
    page.select_option("#id_unit", str(province.pk))
    page.select_option("#id_include", "accepted")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.locator(".alert-success")).to_be_visible()
    # The draft is pre-filled with the same figures, each total with what it adds up.
    expect(page.locator("#id_results")).to_have_value(re.compile(re.escape(result_line)))
    coverage = (
        f"Tổng hợp từ {pdf.number(figures['reports'])} báo cáo, "
        f"{pdf.number(figures['included'])}/{pdf.number(figures['expected'])} "
        "đơn vị được tính"
    )
    expect(page.locator("#id_results")).to_have_value(re.compile(re.escape(coverage)))

    # It fills in the document's own fields and saves the draft.
    expect(label(page, "include")).to_have_text(required("Số liệu từ"))
    expect(label(page, "number_code")).to_have_text(required("Ký hiệu"))
    expect(label(page, "recipients")).to_have_text(required("Nơi nhận"))
    page.fill("#id_number_code", CODE)
    page.fill("#id_place", "Vĩnh Long")
    page.fill("#id_dated_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_signer_name", SIGNER)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_be_visible()
    summary = SummaryReport.objects.get(status="draft")  # the demo's are issued
    assert (summary.status, summary.number_code, summary.signer_name) == ("draft", CODE, SIGNER)

    # 3. It issues the report. The page opens on a PDF still waiting for the worker, then
    # follows it to "ready" by itself: a marker set on this page survives, so no reload.
    celery_worker_process.wait_ready()
    questions = []  # issuing cannot be undone: the browser asks first

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="Ban hành báo cáo").click()
    expect(page.locator("[data-summary-status]")).to_be_visible()
    assert questions and "không thể sửa" in questions[0]
    status = page.locator("[data-summary-status]")
    expect(status).to_have_attribute("data-pending", "")
    expect(status.locator("[data-status-label]")).to_have_text(
        re.compile("^(Đang chờ|Đang tạo PDF)$")
    )
    download_link = status.get_by_role("link", name="Tải tệp PDF")
    expect(download_link).to_be_hidden()
    # The flash message says the PDF is on its way, until it no longer is.
    on_its_way = page.get_by_role("alert").filter(has_text="Tệp PDF đang được tạo")
    expect(on_its_way).to_be_visible()
    page.evaluate("window.followedWithoutReload = true")
    try:
        expect(status.locator("[data-status-label]")).to_have_text(
            "Đã sẵn sàng", timeout=RENDER_TIMEOUT_MS
        )
    except AssertionError:
        summary.refresh_from_db()
        pytest.fail(
            f"the PDF never became ready on the page (state {summary.render_state!r}, "
            f"error {summary.render_error!r}); worker log:\n{celery_worker_process.log()}"
        )
    expect(status).to_have_attribute("data-state", "done")
    expect(download_link).to_be_visible()
    expect(on_its_way).to_have_count(0)
    # In its place, that it is ready: the issue is still confirmed.
    expect(page.get_by_role("alert").filter(has_text="Tệp PDF đã sẵn sàng.")).to_have_text(
        "Đã ban hành báo cáo. Tệp PDF đã sẵn sàng."
    )
    assert page.evaluate("window.followedWithoutReload") is True
    summary.refresh_from_db()
    assert (summary.status, summary.render_state) == ("issued", "done")
    number = summary.number  # the register's next number of the unit and year
    assert re.fullmatch(rf"\d+/{CODE}", number), number
    # The document's recipients under their administrative name, as on the PDF.
    expect(page.locator("main dt").filter(has_text=re.compile("^Nơi nhận$"))).to_have_count(1)

    # 4. A Standing Committee member finds the report in the list and downloads its PDF.
    page = login("thuongvu")
    page.get_by_role("link", name="Báo cáo tổng hợp", exact=True).click()
    expect(page.get_by_role("heading", name="Dự thảo")).to_have_count(0)
    # (The demo's own summaries are listed too, Vĩnh Long's of 2026 among them: this one takes
    # the next number of its unit's register.)
    row = page.locator("main table tbody tr").filter(
        has=page.locator(f'a[href="{summary.get_absolute_url()}"]')
    )
    expect(row).to_have_count(1)
    with page.expect_download() as started:
        row.get_by_role("link", name="Tải về").click()
    download = started.value
    assert download.failure() is None
    # Number, date and issuing body, the body's name folded to ASCII words.
    body = "-".join(re.findall(r"[a-z0-9]+", fold(summary.issuing_body)))
    assert body and download.suggested_filename == (
        f"bao-cao-{number.split('/')[0]}-BC-LDLD-{summary.dated_on:%d-%m-%Y}-{body}.pdf"
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # 5. What the PDF says, as pdftotext reads it.
    text = pdftotext(saved)
    flat = squeezed(text)
    assert squeezed(f"Số: {number}") in flat
    assert "BÁO CÁO" in text
    assert squeezed(summary.subject) in flat
    assert squeezed(result_line) in flat
    assert squeezed(coverage) in flat
    # The table by kind of unit, from the figures frozen at issue, ends its row of the
    # indicator with the recounted total for the whole area ("Toàn phạm vi").
    table_row = re.compile(rf"\s{re.escape(pdf.number(participants))}\s*$", re.MULTILINE)
    layout = pdftotext(saved, "-layout")
    after_name = layout[layout.index(indicator.name, layout.index("Bảng")) :]
    assert table_row.search(after_name[:400]), "no table row with the total"
    # Vietnamese letters come through whole: composed, with every diacritic as typed.
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", SIGNER):
        assert squeezed(words) in flat, words
