"""The pages honour their Content-Security-Policy in Chromium: visiting the main pages as
the demo users, no script, style or image is refused.

A refusal shows in two places, and both are watched: the console ("Refused to apply
inline style because it violates the following Content Security Policy directive…") and
the document's `securitypolicyviolation` event, which an init script (injected by the
browser's debugging protocol, which the page's policy does not govern) records.
"""

import pytest

from reports.charts import STYLE as charts_style

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || ""}:${event.lineNumber || ""})`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP refusal it reports collected in `page.csp_refusals`."""
    refusals = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            refusals.append(message.text)

    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", on_console)
    page.csp_refusals = refusals
    return page


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")
    events = page.evaluate("window.__cspViolations")
    return [f"{url}: {text}" for text in events]


def pages_for(live_server):
    from campaign.models import AnnualReport, Campaign, Inspection, Obstacle, Plan
    from campaign.periods import report_year
    from units.models import Unit

    campaign = Campaign.objects.get(slug="cchc-2015")
    year = report_year(campaign)
    tanthach = Unit.objects.get(name__contains="Tân Thạch")
    plan = Plan.objects.exclude(unit=tanthach).first()
    report = AnnualReport.objects.first()
    base = live_server.url
    return {
        "cb.tanthach": [
            "/",
            "/campaigns/",
            f"/campaigns/{campaign.pk}/",
            f"/campaigns/{campaign.pk}/units/{tanthach.pk}/plan/",
            f"/campaigns/{campaign.pk}/units/{tanthach.pk}/reports/{year}/",
            "/reports/",
            "/obstacles/",
            "/obstacles/new/",
            "/dashboard/",
        ],
        "cspl": [
            "/",
            "/dashboard/",
            "/review/",
            "/review/reports/",
            f"/plans/{plan.pk}/",
            f"/reports/{report.pk}/",
            f"/obstacles/{Obstacle.objects.first().pk}/",
            "/inspections/",
            "/inspections/new/",
            f"/inspections/{Inspection.objects.first().pk}/",
            "/reminders/",
            "/reminders/log/",
            "/summaries/",
            "/summaries/new/",
        ],
        "thuongvu": ["/", "/dashboard/", "/summaries/"],
    }, base


def test_the_main_pages_honour_the_policy(demo, login, live_server, watched):
    pages, base = pages_for(live_server)
    found = []
    watched.goto(f"{base}/login/")
    for username, paths in pages.items():
        page = login(username)
        for path in paths:
            found += visit(page, base + path)
    assert not found + watched.csp_refusals, "\n".join(found + watched.csp_refusals)


def test_the_dashboard_charts_are_styled_under_the_policy(demo, login, live_server, watched):
    page = login("cspl")
    found = visit(page, f"{live_server.url}/dashboard/")
    assert not found + watched.csp_refusals, "\n".join(found + watched.csp_refusals)
    charts = page.locator("figure.chart svg.pygal-chart")
    assert charts.count() >= 4
    # The chart's own <style> (with the nonce) applies: the style's title size, not the
    # browser's default.
    size = charts.first.locator("text.title").first.evaluate(
        "element => getComputedStyle(element).fontSize"
    )
    assert size == f"{charts_style.title_font_size}px"


def test_a_summary_report_page_honours_the_policy(demo, login, live_server, watched):
    from reports.models import SummaryReport
    from units.models import Unit, User

    # Created as the CSPL board would, through the page, so its status script runs too.
    page = login("cspl")
    page.goto(f"{live_server.url}/summaries/new/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/edit/")
    summary = SummaryReport.objects.latest("pk")
    assert summary.unit == Unit.objects.get(depth=1)
    assert summary.created_by == User.objects.get(username="cspl")
    found = visit(page, f"{live_server.url}/summaries/{summary.pk}/")
    found += visit(page, f"{live_server.url}/summaries/{summary.pk}/edit/")
    assert not found + watched.csp_refusals, "\n".join(found + watched.csp_refusals)


def test_the_login_and_lockout_pages_honour_the_policy(live_server, transactional_db, watched):
    from tests.factories import UserFactory

    UserFactory(username="cb.khoa")
    found = visit(watched, f"{live_server.url}/login/")
    for _ in range(5):
        watched.fill("#id_username", "cb.khoa")
        watched.fill("#id_password", "sai-mat-khau")
        watched.click("main button[type=submit]")
        watched.wait_for_load_state("load")
    assert "Tạm khóa đăng nhập" in watched.content()
    found += [f"lockout: {text}" for text in watched.evaluate("window.__cspViolations")]
    assert not found + watched.csp_refusals, "\n".join(found + watched.csp_refusals)


def test_the_admin_pages_honour_the_policy(demo, login, live_server, watched):
    from units.models import Unit

    page = login("admin")
    found = []
    for path in [
        "/admin/",
        "/admin/units/unit/",
        f"/admin/units/unit/{Unit.objects.get(depth=1).pk}/change/",
        "/admin/campaign/plan/",
        "/admin/axes/accessattempt/",
    ]:
        found += visit(page, live_server.url + path)
    assert not found + watched.csp_refusals, "\n".join(found + watched.csp_refusals)
