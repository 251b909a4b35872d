"""A year's report is asked only of the units on that year's tree: open at its cut-off, as
the counting rule expects them. A unit opened after the cut-off was offered the report,
and what it filed then counted in no total, on either tree, nor in the Excel rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaign import workbook_checks
from campaign.models import AnnualReport, Period
from campaign.pending import report_items
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.access import Scope
from units.models import Membership, Unit

YEAR = 2024


@pytest.fixture
def period(campaign):
    return Period.objects.for_year(campaign, YEAR)


@pytest.fixture
def newcomer(tree, period):
    """A grassroots union under district A opened the day after 2024's cut-off, and its
    officer."""
    unit = UnitFactory.create(
        parent=tree["DA"],
        code="N1",
        name="CĐCS mới thành lập",
        opened_on=period.ends_on + datetime.timedelta(days=1),
    )
    officer = UserFactory(username="officer_n1")
    MembershipFactory(user=officer, unit=unit, role=Membership.Role.OFFICER)
    return unit, officer


def test_the_list_says_no_report_is_due_and_offers_none(client, campaign, newcomer):
    unit, officer = newcomer
    client.force_login(officer)
    with translation.override("vi"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": YEAR}
        )
    page = response.content.decode()
    assert "Thành lập sau thời điểm chốt số liệu năm 2024" in page
    start = reverse("campaign:report_start", args=[campaign.pk, unit.pk, YEAR])
    assert start not in page  # nor the Excel template's links, which start with it
    # A later year it is on the tree, and asked (this year's, still open for filing).
    this_year = timezone.localdate().year
    with translation.override("vi"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": this_year}
        )
    assert reverse("campaign:report_start", args=[campaign.pk, unit.pk, this_year]) in (
        response.content.decode()
    )


def test_the_list_offers_no_excel_section_when_no_unit_listed_files_that_year(
    client, campaign, newcomer
):
    # The section's heading and its "fill in offline" sentence were shown with no template
    # to download under them (an officer of a unit not yet open, or of one closed since).
    _unit, officer = newcomer
    client.force_login(officer)
    offline = "Điền báo cáo ngoài mạng bằng Excel"
    with translation.override("vi"):
        response = client.get(
            reverse("campaign:report_list"), {"campaign": campaign.pk, "year": YEAR}
        )
        assert offline not in response.content.decode()
        response = client.get(
            reverse("campaign:report_list"),
            {"campaign": campaign.pk, "year": timezone.localdate().year},
        )
    assert offline in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_starting_that_years_report_is_refused_with_the_reason(client, campaign, newcomer, method):
    unit, officer = newcomer
    client.force_login(officer)
    url = reverse("campaign:report_start", args=[campaign.pk, unit.pk, YEAR])
    with translation.override("vi"):
        response = getattr(client, method)(url)
    assert response.status_code == 404
    assert (
        "CĐCS mới thành lập chưa hoạt động vào thời điểm chốt số liệu năm 2024: đơn vị không "
        "phải nộp báo cáo năm đó."
    ) in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_its_excel_template_for_that_year_is_refused_with_the_reason(client, campaign, newcomer):
    unit, officer = newcomer
    client.force_login(officer)
    url = reverse("campaign:workbook_reports_download", args=[campaign.pk, unit.pk, YEAR])
    with translation.override("vi"):
        response = client.get(url)
    assert response.status_code == 404
    assert "chưa hoạt động vào thời điểm chốt số liệu năm 2024" in response.content.decode()


def test_the_workbook_has_no_row_for_it(tree, campaign, newcomer, period, cast):
    unit, _officer = newcomer
    # The district's officer files on behalf of the units below with no officer of their
    # own; the newcomer's officer left.
    Membership.objects.filter(unit=unit).delete()
    scope = Scope(cast["officer_a"])
    rows = workbook_checks.report_rows(scope, campaign, YEAR, tree["DA"], period)
    assert unit.pk not in {row.unit.pk for row in rows}
    next_year = Period.objects.for_year(campaign, 2025)
    rows = workbook_checks.report_rows(scope, campaign, 2025, tree["DA"], next_year)
    assert unit.pk in {row.unit.pk for row in rows}


def test_the_officers_desk_does_not_ask_for_it(cast, newcomer, period):
    unit, officer = newcomer
    # Between the newcomer's opening and 2024's lock, the desk asks for 2024's report.
    day = period.ends_on + datetime.timedelta(days=2)
    assert day < period.locks_on

    def asked(user):
        return [item["url"] for item in report_items(Scope(user), today=day)]

    assert not [url for url in asked(officer) if f"/units/{unit.pk}/" in url]
    assert any("/reports/2024/" in url for url in asked(cast["officer_a1"]))


def test_a_unit_closed_before_the_cut_off_owes_nothing_and_has_no_row(client, tree, cast, campaign):
    # "Not filed" for a year it closed before read as a report missing; then a row "Not due"
    # stood on every later year's list (tests/campaign/test_report_list_closed_units.py).
    Unit.objects.filter(pk=tree["A1"].pk).update(closed_on=datetime.date(2024, 7, 1))
    client.force_login(cast["officer_a1"])
    with translation.override("vi"):
        page = client.get(reverse("campaign:report_list"), {"campaign": campaign.pk, "year": YEAR})
    html = page.content.decode()
    assert page.context["rows"] == []
    assert "Chưa lập" not in html
    assert (
        "CĐCS A1 đã ngừng hoạt động từ ngày 01/07/2024: đơn vị không phải báo cáo năm 2024." in html
    )
