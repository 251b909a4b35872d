"""Reporting periods: default dates from the campaign's rules, years the campaign does not run,
on time or late around midnight in Viet Nam, the lock date and reopening after it, and staff
editing a period in the admin."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from campaign import workflow
from campaign.models import AnnualReport, Campaign, Indicator, Period, Status, Step
from campaign.periods import report_year
from tests.campaign.annual import edit_data, local, make_report, state, vi
from tests.factories import CampaignFactory, UserFactory
from tests.pages import html, login, messages_of

S = Status
A = Step.Action
UTC = datetime.UTC
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # figures 15/12/2023–14/12/2024, due 20/12/2024, locked after 19/01/2025
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")
D = datetime.date
FIGURES = {"sessions": 12}  # the report's one whole number; the text indicator left empty


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(issuer=tree["PV"])
    Indicator.objects.create(
        campaign=campaign, code="sessions", name="Số buổi tuyên truyền", unit_of_measure="buổi"
    )
    Indicator.objects.create(
        campaign=campaign, code="other_forms", name="Hình thức khác", kind=Indicator.Kind.TEXT
    )
    return campaign


@pytest.fixture
def report_a1(tree, campaign):
    return make_report(tree["A1"], campaign, figures=FIGURES)


# --- default dates -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "starts_on", "ends_on", "due_on", "locks_on"),
    [
        (2015, D(2014, 12, 15), D(2015, 12, 14), D(2015, 12, 20), D(2016, 1, 19)),
        (2020, D(2019, 12, 15), D(2020, 12, 14), D(2020, 12, 20), D(2021, 1, 19)),
        (2024, D(2023, 12, 15), D(2024, 12, 14), D(2024, 12, 20), D(2025, 1, 19)),
        (2031, D(2030, 12, 15), D(2031, 12, 14), D(2031, 12, 20), D(2032, 1, 19)),
    ],
)
def test_a_period_defaults_to_the_15_december_before_to_the_14_december_due_on_the_20th(
    campaign, year, starts_on, ends_on, due_on, locks_on
):
    # The rule, for any year (a period is only made up to next year: below).
    period = Period(campaign=campaign, year=year, **Period.defaults(campaign, year))
    assert (period.year, period.starts_on, period.ends_on) == (year, starts_on, ends_on)
    assert (period.due_on, period.locks_on) == (due_on, locks_on)
    assert period.locks_on - period.due_on == datetime.timedelta(days=30)


@pytest.mark.parametrize(
    ("year", "starts_on", "ends_on", "due_on", "locks_on"),
    [
        # 2024 is a leap year: the rule's own day; the year before falls back to 28/02.
        (2024, D(2023, 3, 1), D(2024, 2, 29), D(2024, 2, 29), D(2024, 3, 30)),
        (2025, D(2024, 3, 1), D(2025, 2, 28), D(2025, 2, 28), D(2025, 3, 30)),
        (2026, D(2025, 3, 1), D(2026, 2, 28), D(2026, 2, 28), D(2026, 3, 30)),
    ],
)
def test_a_29_february_rule_falls_back_to_the_28th_in_common_years(
    campaign, year, starts_on, ends_on, due_on, locks_on
):
    Campaign.objects.filter(pk=campaign.pk).update(
        cutoff_day=29, cutoff_month=2, report_due_day=29, report_due_month=2
    )
    campaign.refresh_from_db()
    period = Period(campaign=campaign, year=year, **Period.defaults(campaign, year))
    assert (period.starts_on, period.ends_on) == (starts_on, ends_on)
    assert (period.due_on, period.locks_on) == (due_on, locks_on)


def test_a_period_follows_the_campaigns_own_rules(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(
        cutoff_day=30, cutoff_month=9, report_due_day=15, report_due_month=10
    )
    campaign.refresh_from_db()
    period = Period.objects.for_year(campaign, 2025)
    assert (period.starts_on, period.ends_on) == (D(2024, 10, 1), D(2025, 9, 30))
    assert (period.due_on, period.locks_on) == (D(2025, 10, 15), D(2025, 11, 14))


def test_a_period_is_created_once_and_a_staff_change_is_kept(campaign):
    first = Period.objects.for_year(campaign, YEAR)
    Period.objects.filter(pk=first.pk).update(due_on=D(2024, 12, 31), locks_on=D(2025, 2, 28))
    again = Period.objects.for_year(campaign, YEAR)
    assert again.pk == first.pk
    assert (again.due_on, again.locks_on) == (D(2024, 12, 31), D(2025, 2, 28))
    assert Period.objects.count() == 1


@pytest.mark.parametrize(
    ("last_year", "year", "expected"),
    [
        (None, 2014, "The campaign runs from 2015; there is no report for 2014."),
        (None, 1999, "The campaign runs from 2015; there is no report for 1999."),
        (2020, 2021, "The campaign runs from 2015 – 2020; there is no report for 2021."),
        (2020, 2014, "The campaign runs from 2015 – 2020; there is no report for 2014."),
    ],
)
def test_a_year_outside_the_campaign_is_refused_and_no_period_is_made(
    campaign, last_year, year, expected
):
    Campaign.objects.filter(pk=campaign.pk).update(last_year=last_year)
    campaign.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        Period.objects.for_year(campaign, year)
    assert refused.value.code == "year_out_of_range"
    assert refused.value.messages == [expected]
    assert not Period.objects.exists()


def test_a_year_after_next_is_refused_until_staff_open_it(client, tree, cast, campaign):
    # Today is 01/12/2024. An address typed for 2100 used to make its period, and every
    # trend after it counted eighty empty years (on SQLite: the dashboard failed for all).
    assert Period.objects.for_year(campaign, YEAR + 1).year == YEAR + 1  # next year's opens
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        Period.objects.for_year(campaign, YEAR + 2)
    assert refused.value.code == "year_not_begun"
    assert refused.value.messages == ["Năm 2026 chưa bắt đầu: chưa có báo cáo nào cho năm này."]
    response = login(client, cast["officer_a1"]).get(
        reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, 2100])
    )
    assert response.status_code == 404 and "2100" in html(response)
    assert sorted(Period.objects.values_list("year", flat=True)) == [YEAR + 1]
    staff_made = Period.objects.create(
        campaign=campaign, year=YEAR + 2, **Period.defaults(campaign, YEAR + 2)
    )
    assert Period.objects.for_year(campaign, YEAR + 2) == staff_made


def test_the_years_offered_stop_at_this_one_whatever_the_last_year(client, cast, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(last_year=2100)
    campaign.refresh_from_db()
    assert campaign.years_so_far() == list(range(YEAR, 2014, -1))
    page = html(login(client, cast["officer_a1"]).get(reverse("campaign:report_list")))
    assert f'value="{YEAR}"' in page and f'value="{YEAR + 1}"' not in page


def test_the_first_and_the_last_year_of_the_campaign_have_a_period(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(last_year=2020)
    campaign.refresh_from_db()
    assert Period.objects.for_year(campaign, 2015).year == 2015
    assert Period.objects.for_year(campaign, 2020).year == 2020


def test_the_report_page_for_a_year_after_the_campaign_explains_the_refusal(
    client, tree, cast, campaign
):
    Campaign.objects.filter(pk=campaign.pk).update(last_year=2020)
    response = login(client, cast["officer_a1"]).get(
        reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, 2021])
    )
    assert response.status_code == 404
    page = html(response)
    assert "2021" in page and "2020" in page
    assert reverse("campaign:report_list") in page


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2024, 6, 1), 2024),
        (D(2024, 12, 31), 2024),
        (D(2025, 1, 19), 2024),  # last year's report is still open: it is the one to write
        (D(2025, 1, 20), 2025),
        (D(2015, 1, 5), 2015),  # no year before the first
    ],
)
def test_the_year_offered_by_default_is_last_years_until_its_lock_date(campaign, today, expected):
    assert report_year(campaign, today) == expected


def test_the_year_offered_by_default_follows_a_lock_date_moved_by_staff(campaign):
    period = Period.objects.for_year(campaign, YEAR)
    Period.objects.filter(pk=period.pk).update(locks_on=D(2025, 2, 28))
    assert report_year(campaign, D(2025, 2, 28)) == 2024
    assert report_year(campaign, D(2025, 3, 1)) == 2025


# --- on time or late -----------------------------------------------------------------------------
def submit_at(client, clock, report, user, moment):
    clock.moment = moment
    response = login(client, user).post(reverse("campaign:report_submit", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    return report


def test_a_first_submission_at_23_59_on_the_due_date_in_viet_nam_is_on_time(
    client, clock, cast, report_a1
):
    # 23:59 on 20/12 in Ha Noi is 16:59 UTC, still the 20th in both places.
    moment = datetime.datetime(2024, 12, 20, 16, 59, tzinfo=UTC)
    assert moment.astimezone(LOCAL) == local(2024, 12, 20, 23, 59)
    report = submit_at(client, clock, report_a1, cast["officer_a1"], moment)
    assert report.first_submitted_at == moment
    assert report.timeliness == "on_time"
    with translation.override("en"):
        assert report.get_timeliness_display() == "sent on time"
    page = html(client.get(report.get_absolute_url()))
    assert ">gửi đúng hạn<" in page


def test_a_first_submission_at_midnight_after_the_due_date_in_viet_nam_is_late(
    client, clock, cast, report_a1
):
    # 00:00 on 21/12 in Ha Noi is 17:00 UTC on the 20th: the local date decides.
    moment = datetime.datetime(2024, 12, 20, 17, 0, tzinfo=UTC)
    assert moment.astimezone(LOCAL) == local(2024, 12, 21, 0, 0)
    report = submit_at(client, clock, report_a1, cast["officer_a1"], moment)
    assert report.first_submitted_at == moment
    assert report.timeliness == "late"
    page = html(client.get(report.get_absolute_url()))
    assert '<span class="badge text-bg-warning">gửi trễ hạn</span>' in page


def test_a_draft_is_neither_on_time_nor_late(report_a1):
    assert report_a1.timeliness is None
    assert report_a1.get_timeliness_display() == ""


def test_a_resubmission_after_the_due_date_keeps_an_on_time_first_submission(
    client, clock, cast, report_a1
):
    first = local(2024, 12, 20, 23, 59)
    submit_at(client, clock, report_a1, cast["officer_a1"], first)
    clock.moment = local(2024, 12, 27)
    workflow.submission_return(report_a1, user=cast["reviewer_a"], reason="Bổ sung số liệu")
    report = submit_at(client, clock, report_a1, cast["officer_a1"], local(2025, 1, 5))
    assert report.first_submitted_at == first
    assert report.submitted_at == local(2025, 1, 5)
    assert report.timeliness == "on_time"


def test_a_late_first_submission_stays_late_after_a_return(client, clock, cast, report_a1):
    submit_at(client, clock, report_a1, cast["officer_a1"], local(2024, 12, 21, 0, 0))
    workflow.submission_return(report_a1, user=cast["reviewer_a"], reason="Sai số liệu")
    report = submit_at(client, clock, report_a1, cast["officer_a1"], local(2024, 12, 22))
    assert report.timeliness == "late"


def test_a_due_date_moved_by_staff_decides_timeliness(client, clock, cast, report_a1):
    Period.objects.filter(pk=report_a1.period_id).update(due_on=D(2024, 12, 31))
    report = submit_at(client, clock, report_a1, cast["officer_a1"], local(2024, 12, 31, 23, 59))
    assert report.timeliness == "on_time"


# --- the lock date -------------------------------------------------------------------------------
LAST_OPEN_MINUTE = local(2025, 1, 19, 23, 59)
FIRST_LOCKED_MINUTE = local(2025, 1, 20, 0, 0)


def test_on_the_lock_date_the_officer_can_still_edit_and_submit(client, clock, cast, report_a1):
    assert report_a1.period.locks_on == D(2025, 1, 19)
    clock.moment = LAST_OPEN_MINUTE
    login(client, cast["officer_a1"])
    assert client.get(reverse("campaign:report_edit", args=[report_a1.pk])).status_code == 200
    response = client.post(
        reverse("campaign:report_edit", args=[report_a1.pk]),
        edit_data(report_a1, results="Sửa kịp"),
    )
    assert response.status_code == 302
    assert client.post(reverse("campaign:report_submit", args=[report_a1.pk])).status_code == 302
    report_a1.refresh_from_db()
    assert (report_a1.results, report_a1.status) == ("Sửa kịp", S.SUBMITTED)
    assert report_a1.timeliness == "late"


def test_the_day_after_the_lock_date_the_edit_page_sends_the_officer_back_with_a_message(
    client, clock, cast, report_a1
):
    clock.moment = FIRST_LOCKED_MINUTE
    login(client, cast["officer_a1"])
    response = client.get(reverse("campaign:report_edit", args=[report_a1.pk]))
    assert response.status_code == 302 and response.url == report_a1.get_absolute_url()
    page = client.get(response.url)
    expected = vi(
        "Reports for %(year)s locked after %(date)s; only a reviewer can reopen it.",
        year=2024,
        date="19/01/2025",
    )
    assert messages_of(page, "error") == [expected]
    assert page.context["can_edit"] is False
    assert "submit" not in page.context["actions"]
    assert reverse("campaign:report_edit", args=[report_a1.pk]) not in html(page)


def test_after_the_lock_the_report_page_says_who_can_give_it_back(client, clock, cast, report_a1):
    # A returned (or draft) report after the lock date had no button and no word on why.
    clock.moment = FIRST_LOCKED_MINUTE
    page = html(login(client, cast["officer_a1"]).get(report_a1.get_absolute_url()))
    lock = (
        "Reports for %(year)s locked after %(date)s: your unit can no longer change or submit "
        "this one. Ask a reviewer of an upper unit to reopen it, then correct it and submit "
        "it again."
    )
    assert vi(lock, year=2024, date="19/01/2025") in page
    assert f"{reverse('campaign:obstacle_create')}?report={report_a1.pk}" in page
    reviewer_page = html(login(client, cast["reviewer_a"]).get(report_a1.get_absolute_url()))
    assert 'id="locked-out"' not in reviewer_page  # the reviewer is the one who reopens


def test_the_day_after_the_lock_date_a_save_is_refused_and_the_input_kept(
    client, clock, cast, report_a1
):
    data = edit_data(report_a1, results="Sửa sau khi khóa", value_sessions="99")
    clock.moment = FIRST_LOCKED_MINUTE
    before = state(report_a1)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    locked = vi(
        "Reports for %(year)s locked after %(date)s; only a reviewer can reopen it.",
        year=2024,
        date="19/01/2025",
    )
    assert error.startswith(locked)
    page = html(response)
    assert "Sửa sau khi khóa" in page and 'value="99"' in page
    assert state(report_a1) == before


def test_the_day_after_the_lock_date_a_submission_is_refused_with_a_clear_message(
    client, clock, cast, report_a1
):
    clock.moment = FIRST_LOCKED_MINUTE
    before = state(report_a1)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_submit", args=[report_a1.pk]), follow=True
    )
    assert messages_of(response, "error") == [
        vi("The filing period is closed. Ask a reviewer of an upper unit to reopen it.")
    ]
    assert state(report_a1) == before
    assert AnnualReport.objects.get(pk=report_a1.pk).first_submitted_at is None


def test_after_the_lock_date_no_new_report_can_be_started(client, clock, tree, cast, campaign):
    clock.moment = FIRST_LOCKED_MINUTE
    login(client, cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, YEAR])
    expected = vi(
        "Reports for %(year)s locked after %(date)s. Ask a reviewer of an upper unit.",
        year=2024,
        date="19/01/2025",
    )
    # Opening the page goes back to the list, with why.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("campaign:report_list"))
    assert messages_of(response, "error") == [expected]
    # A form opened before the lock and sent after it comes back with what was typed.
    response = client.post(url, edit_data(make_report(tree["A2"], campaign, figures=FIGURES)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [expected]
    assert not AnnualReport.objects.filter(unit=tree["A1"]).exists()


def test_a_lock_date_moved_later_by_staff_opens_the_report_again(client, clock, cast, report_a1):
    clock.moment = FIRST_LOCKED_MINUTE
    Period.objects.filter(pk=report_a1.period_id).update(locks_on=D(2025, 1, 31))
    login(client, cast["officer_a1"])
    assert client.get(reverse("campaign:report_edit", args=[report_a1.pk])).status_code == 200
    assert client.post(reverse("campaign:report_submit", args=[report_a1.pk])).status_code == 302
    assert AnnualReport.objects.get(pk=report_a1.pk).status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED])
def test_after_the_lock_a_reviewer_reopens_the_report_and_the_officer_files_it_again(
    client, clock, cast, report_a1, status
):
    AnnualReport.objects.filter(pk=report_a1.pk).update(status=status)
    clock.moment = local(2025, 2, 3)
    response = login(client, cast["reviewer_a"]).get(report_a1.get_absolute_url())
    assert "reopen" in response.context["actions"]
    response = client.post(
        reverse("campaign:report_reopen", args=[report_a1.pk]), {"reason": "Cho phép nộp muộn"}
    )
    assert response.status_code == 302
    report_a1.refresh_from_db()
    assert report_a1.status == S.RETURNED and report_a1.reopened_at == local(2025, 2, 3)
    step = report_a1.steps.get()
    assert (step.action, step.from_status, step.reason) == (A.REOPEN, status, "Cho phép nộp muộn")

    clock.moment = local(2025, 2, 4)
    login(client, cast["officer_a1"])
    assert client.get(reverse("campaign:report_edit", args=[report_a1.pk])).status_code == 200
    data = edit_data(report_a1, results="Nộp sau khi mở lại", value_sessions="14")
    assert (
        client.post(reverse("campaign:report_edit", args=[report_a1.pk]), data).status_code == 302
    )
    assert client.post(reverse("campaign:report_submit", args=[report_a1.pk])).status_code == 302
    report_a1.refresh_from_db()
    assert (report_a1.status, report_a1.results) == (S.SUBMITTED, "Nộp sau khi mở lại")
    assert report_a1.timeliness == "late"


def test_after_the_lock_an_officer_cannot_reopen_the_report_himself(client, clock, cast, report_a1):
    clock.moment = FIRST_LOCKED_MINUTE
    before = state(report_a1)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_reopen", args=[report_a1.pk]), {"reason": "Xin mở lại"}
    )
    assert response.status_code == 403
    assert state(report_a1) == before


def test_before_the_lock_a_draft_is_not_reopened(client, cast, report_a1):
    # Nothing to reopen: the unit can still change it.
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:report_reopen", args=[report_a1.pk]), {"reason": "Mở lại"}, follow=True
    )
    assert len(messages_of(response, "error")) == 1
    report_a1.refresh_from_db()
    assert (report_a1.status, report_a1.reopened_at) == (S.DRAFT, None)


def test_a_reopen_after_the_lock_needs_a_reason(client, clock, cast, report_a1):
    clock.moment = FIRST_LOCKED_MINUTE
    before = state(report_a1)
    response = login(client, cast["reviewer_a"]).post(
        reverse("campaign:report_reopen", args=[report_a1.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "reason" in response.context["reason_form"].errors
    assert state(report_a1) == before


# --- staff edit periods in the admin -------------------------------------------------------------
@pytest.fixture
def staff(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def admin_data(period, **overrides):
    data = {
        "campaign": str(period.campaign_id),
        "year": str(period.year),
        "starts_on": period.starts_on.strftime("%d/%m/%Y"),
        "ends_on": period.ends_on.strftime("%d/%m/%Y"),
        "due_on": period.due_on.strftime("%d/%m/%Y"),
        "locks_on": period.locks_on.strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def test_staff_list_and_open_periods_in_the_admin(client, staff, campaign):
    period = Period.objects.for_year(campaign, YEAR)
    login(client, staff)
    response = client.get(reverse("admin:campaign_period_changelist"))
    assert response.status_code == 200
    assert reverse("admin:campaign_period_change", args=[period.pk]) in html(response)
    response = client.get(reverse("admin:campaign_period_change", args=[period.pk]))
    assert response.status_code == 200
    assert "20/12/2024" in html(response)


def test_staff_move_the_due_date_in_the_admin(client, staff, campaign):
    period = Period.objects.for_year(campaign, YEAR)
    response = login(client, staff).post(
        reverse("admin:campaign_period_change", args=[period.pk]),
        admin_data(period, due_on="27/12/2024"),
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.due_on == D(2024, 12, 27)
    assert period.locks_on == D(2025, 1, 19)


def test_the_admin_refuses_a_lock_date_before_the_due_date(client, staff, campaign):
    period = Period.objects.for_year(campaign, YEAR)
    response = login(client, staff).post(
        reverse("admin:campaign_period_change", args=[period.pk]),
        admin_data(period, locks_on="01/12/2024"),
    )
    assert response.status_code == 200
    assert "locks_on" in response.context["adminform"].form.errors
    period.refresh_from_db()
    assert period.locks_on == D(2025, 1, 19)


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("locks_on", "31/12/9999"),
        ("ends_on", "31/12/9999"),
        ("starts_on", "01/01/0001"),
        ("due_on", "01/01/0001"),
        ("locks_on", "01/01/2027"),
    ],
)
def test_the_admin_refuses_a_date_far_from_the_period_s_year(client, staff, campaign, field, typed):
    # 31/12/9999 (typed for "never") was kept, and every dashboard then asked for the
    # instant after that day: OverflowError, a 500 on every page that counts the year.
    period = Period.objects.for_year(campaign, YEAR)
    before = getattr(period, field)
    with translation.override("vi"):
        response = login(client, staff).post(
            reverse("admin:campaign_period_change", args=[period.pk]),
            admin_data(period, **{field: typed}),
        )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [
        "Ngày của kỳ báo cáo năm 2024 phải nằm trong khoảng 01/01/2023 – 31/12/2025."
    ]
    period.refresh_from_db()
    assert getattr(period, field) == before


def test_a_portal_user_without_staff_rights_cannot_edit_periods(client, cast, campaign):
    period = Period.objects.for_year(campaign, YEAR)
    response = login(client, cast["cspl"]).post(
        reverse("admin:campaign_period_change", args=[period.pk]),
        admin_data(period, due_on="27/12/2024"),
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    period.refresh_from_db()
    assert period.due_on == D(2024, 12, 20)


def test_a_period_kept_with_a_far_date_before_the_rule_still_opens_every_page(
    client, cast, tree, campaign
):
    # Periods saved before dates were bounded can hold 31/12/9999 (typed for "never"). The
    # rule refuses new ones; those already kept must not turn every page that counts the
    # year into a 500 (the instant after 31/12/9999 does not exist).
    period = Period.objects.for_year(campaign, YEAR)
    Period.objects.filter(pk=period.pk).update(
        ends_on=D(9999, 12, 31), due_on=D(9999, 12, 31), locks_on=D(9999, 12, 31)
    )
    report = make_report(tree["A1"], campaign, status=S.SUBMITTED, figures=FIGURES)
    reviewer = login(client, cast["cspl"])
    year = {"campaign": campaign.pk, "year": YEAR}
    for url, query in [
        (reverse("reports:dashboard"), year),
        (reverse("reports:dashboard_excel"), year),
        (reverse("campaign:report_list"), year),
        (reverse("campaign:report_queue"), {}),
        (reverse("campaign:late_units"), year),
        (reverse("campaign:report_detail", args=[report.pk]), {}),
        (reverse("units:home"), {}),
    ]:
        assert reviewer.get(url, query).status_code == 200, url
    officer = login(client, cast["officer_a1"])
    for url in [
        reverse("campaign:report_detail", args=[report.pk]),
        reverse("campaign:report_list"),
        reverse("units:home"),
    ]:
        assert officer.get(url).status_code == 200, url
