"""After the lock date a reviewer opens a draft report for a unit that never started one;
it is then filed and submitted through the normal workflow."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from campaign.models import AnnualReport, Period, Status, Step
from tests.pages import messages_of
from units.models import Unit

YEAR = 2024  # due 20/12/2024, locked after 19/01/2025


@pytest.fixture(autouse=True)
def clock(freeze):
    """A day after the 2024 reports locked (and before 2025's did)."""
    return freeze(datetime.datetime(YEAR + 1, 2, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def open_url(campaign, unit, year=YEAR):
    return reverse("campaign:report_open_late", args=[campaign.pk, unit.pk, year])


def test_a_unit_cannot_start_its_report_after_the_lock_date(client, cast, tree, campaign):
    client.force_login(cast["officer_a1"])
    start = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, YEAR])
    assert client.get(start).status_code == 302
    assert not AnnualReport.objects.exists()


def test_the_reviewer_opens_a_draft_and_the_unit_files_it_through_review(
    client, cast, tree, campaign
):
    client.force_login(cast["reviewer_a"])
    response = client.post(open_url(campaign, tree["A1"]), follow=True)
    report = AnnualReport.objects.get()
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert any("sau ngày khóa sổ" in m for m in messages_of(response))
    assert (report.unit, report.year, report.status) == (tree["A1"], YEAR, Status.DRAFT)
    assert report.filing_open()
    [step] = report.steps.all()
    assert (step.action, step.actor, step.actor_unit) == (
        Step.Opening.OPEN_LATE,
        cast["reviewer_a"],
        tree["DA"],
    )
    # Recorded as every step is (campaign.workflow): with what the report held then.
    assert step.snapshot == report.snapshot() and step.snapshot["fields"]
    assert "Người duyệt mở báo cáo sau ngày khóa sổ" in response.content.decode()

    # The unit's own officer files it now; the district's officer does not (A1 has one).
    client.force_login(cast["officer_a"])
    assert client.get(reverse("campaign:report_edit", args=[report.pk])).status_code == 403
    client.force_login(cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report.pk])
    data = {
        "results": "Tổ chức 3 buổi tuyên truyền.",
        "self_assessment": "average",
        "value_sessions": "3",
        "version": str(report.version),
        "save_and_submit": "1",
    }
    assert client.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

    client.force_login(cast["reviewer_a"])
    client.post(reverse("campaign:report_return", args=[report.pk]), {"reason": "Bổ sung"})
    report.refresh_from_db()
    assert report.status == Status.RETURNED and report.is_editable
    client.force_login(cast["officer_a1"])
    client.post(reverse("campaign:report_submit", args=[report.pk]))
    client.force_login(cast["reviewer_a"])
    client.post(reverse("campaign:report_accept", args=[report.pk]), {"confirmed": "yes"})
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED


def test_a_second_click_opens_the_existing_report(client, cast, tree, campaign):
    client.force_login(cast["reviewer_a"])
    first = client.post(open_url(campaign, tree["A2"]))
    second = client.post(open_url(campaign, tree["A2"]), follow=True)
    report = AnnualReport.objects.get()
    assert first.url == report.get_absolute_url()
    assert second.redirect_chain[-1][0] == report.get_absolute_url()
    assert any("đã có báo cáo năm 2024" in m for m in messages_of(second))
    assert report.steps.count() == 1


def test_a_year_not_locked_yet_is_refused_with_a_message(client, cast, tree, campaign):
    client.force_login(cast["reviewer_a"])
    response = client.post(open_url(campaign, tree["A2"], YEAR + 1), follow=True)
    assert response.status_code == 200
    assert any("khóa sổ sau ngày" in m for m in messages_of(response))
    assert not AnnualReport.objects.exists()


def test_a_unit_not_yet_open_at_the_years_cut_off_gets_no_report_for_it(
    client, cast, tree, campaign
):
    # A union founded in January 2025, after 2024's cut-off (14/12): nothing was due from it
    # for 2024, whatever the address says. Founded as the portal founds one (its history
    # starts that day): the counting rule reads the units' eras.
    founded = Unit.objects.add_child_after_history(
        tree["DA"],
        code="A3",
        name="CĐCS A3",
        kind=Unit.Kind.GRASSROOTS,
        opened_on=datetime.date(2025, 1, 10),
    )
    client.force_login(cast["reviewer_a"])
    response = client.post(open_url(campaign, founded), follow=True)
    assert response.status_code == 200
    assert any(
        "chưa hoạt động vào thời điểm chốt số liệu năm 2024" in m for m in messages_of(response)
    )
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize(
    ("who", "code", "expected"),
    [
        ("officer_a", "A2", 403),  # sees the unit, reviews nothing
        ("officer_a1", "A1", 403),  # its own unit
        ("reviewer_a", "DA", 403),  # nobody reviews their own unit
        ("reviewer_a", "B1", 404),  # another district: not revealed
        ("outsider", "A2", 404),
        ("cspl", "PV", 403),  # its own unit (which files no report for its campaign)
    ],
)
def test_only_a_reviewer_of_the_unit_may_open_one(
    client, cast, tree, campaign, who, code, expected
):
    client.force_login(cast[who])
    assert client.post(open_url(campaign, tree[code])).status_code == expected
    assert not AnnualReport.objects.exists()


def test_it_answers_post_only(client, cast, tree, campaign):
    client.force_login(cast["reviewer_a"])
    assert client.get(open_url(campaign, tree["A2"])).status_code == 405


def test_the_late_units_list_offers_it_for_a_locked_year_only(
    client, cast, tree, campaign, django_assert_max_num_queries
):
    AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=YEAR,
        period=Period.objects.for_year(campaign, YEAR),
        results="Nháp",
        self_assessment="good",
    )
    client.force_login(cast["reviewer_a"])
    url = reverse("campaign:late_units")
    query = {"campaign": campaign.pk, "what": "report", "year": YEAR}
    with django_assert_max_num_queries(12):
        html = client.get(url, query).content.decode()
    assert open_url(campaign, tree["A2"]) in html
    assert open_url(campaign, tree["A1"]) not in html  # it has a draft: reopen it instead
    # A reminder alone leads a unit of a locked year to a refusal: the page says so first.
    assert 'id="period-locked"' in html and "19/01/2025" in html
    assert "data-confirm" in html
    html = client.get(url, {**query, "year": YEAR + 1}).content.decode()
    assert "open-late" not in html
    assert 'id="period-locked"' not in html


def test_next_year_before_it_begins_is_refused_and_writes_no_period(client, cast, tree, campaign):
    # On 01/02/2025, 2026's figures begin on 15/12/2025: the request wrote 2026's period
    # (every trend then showed an empty 2026) before saying the year was not locked yet.
    client.force_login(cast["reviewer_a"])
    response = client.post(open_url(campaign, tree["A2"], YEAR + 2), follow=True)
    assert response.status_code == 200
    assert any(f"Năm {YEAR + 2} chưa bắt đầu" in m for m in messages_of(response))
    assert not Period.objects.filter(campaign=campaign, year=YEAR + 2).exists()
    assert not AnnualReport.objects.exists()
