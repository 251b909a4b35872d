"""A plan's or annual report's page leads its reviewer to the next one waiting for them: the
one their queue lists first (the longest waiting, in their scope, of an open unit), other
than the page's own; it says so when nothing else waits, and shows nothing to officers and
viewers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import AnnualReport, Plan, Status
from tests.campaign.annual import COMPLETE, YEAR, annual_campaign, local, make_report
from tests.campaign.filings import file_plan
from tests.pages import html, login
from units.models import Unit

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py).
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


@pytest.fixture
def more_units(tree):
    """Three more grassroots unions under district A: A3, A4 and A5, which closed today."""
    units = {
        code: Unit.objects.add_child(
            tree["DA"], {"code": code, "name": f"CĐCS {code}", "kind": Unit.Kind.GRASSROOTS}
        )
        for code in ("A3", "A4", "A5")
    }
    return {**tree, **units}


def report(units, code, status, day, campaign, year=YEAR):
    """A report of `code`'s unit, in `status`, last submitted at 09:00 on `day` of November
    2024 (never, for a draft)."""
    submitted_at = None if status == S.DRAFT else local(2024, 11, day)
    return make_report(
        units[code], campaign, year, status, figures=COMPLETE, submitted_at=submitted_at
    )


@pytest.fixture
def waiting(more_units, campaign):
    """Reports around district A's queue, the older the smaller the day: the one on the page
    (A1, the oldest of all), then reports its reviewer does not review or that wait for
    nobody, older than those that wait for them (A3's, A2's two, A4's)."""
    units = more_units
    made = {
        "page": report(units, "A1", S.SUBMITTED, 1, campaign),
        "other district": report(units, "B1", S.SUBMITTED, 2, campaign),
        "district's own": report(units, "DA", S.SUBMITTED, 2, campaign),
        "closed unit": report(units, "A5", S.SUBMITTED, 3, campaign),
        "returned": report(units, "A4", S.RETURNED, 3, campaign, YEAR - 1),
        "accepted": report(units, "A3", S.ACCEPTED, 3, campaign, YEAR - 1),
        "draft": report(units, "A3", S.DRAFT, 3, campaign, YEAR - 2),
        "next": report(units, "A3", S.SUBMITTED, 5, campaign),
        "A2 earlier year": report(units, "A2", S.SUBMITTED, 6, campaign, YEAR - 1),
        "A2": report(units, "A2", S.SUBMITTED, 6, campaign),
        "A4": report(units, "A4", S.SUBMITTED, 8, campaign),
    }
    units["A5"].close(timezone.localdate())
    return made


def first_waiting_recounted(reviewer_unit, model, leaving_out):
    """What waits longest for a reviewer of `reviewer_unit`, recounted from every row: a
    submitted one of `leaving_out`'s campaign, of an open unit strictly below
    `reviewer_unit`, not `leaving_out`."""
    today = timezone.localdate()
    candidates = [
        item
        for item in model.objects.select_related("unit")
        if item.status == S.SUBMITTED
        and item.campaign_id == leaving_out.campaign_id
        and item.unit.path.startswith(reviewer_unit.path)
        and item.unit != reviewer_unit
        and (item.unit.closed_on is None or item.unit.closed_on > today)
        and item.pk != leaving_out.pk
    ]
    candidates.sort(key=lambda item: (item.submitted_at, item.pk))
    return candidates[0] if candidates else None


# --- annual reports ------------------------------------------------------------------------------
def test_the_report_page_leads_the_reviewer_to_the_report_their_queue_lists_first(
    client, cast, tree, waiting
):
    page = waiting["page"]
    expected = first_waiting_recounted(tree["DA"], AnnualReport, leaving_out=page)
    assert expected == waiting["next"]  # the recount agrees with how the reports were built
    login(client, cast["reviewer_a"])
    queue = client.get(reverse("campaign:report_queue")).context["page"].object_list
    assert next(item.pk for item in queue if item.pk != page.pk) == expected.pk

    response = client.get(reverse("campaign:report_detail", args=[page.pk]))
    assert response.context["next_waiting"] == expected
    content = html(response)
    assert f'href="{expected.get_absolute_url()}"' in content
    assert "Báo cáo tiếp theo chờ xem xét: CĐCS A3 (năm 2024)" in content


def test_after_accepting_the_report_its_page_leads_on_to_the_next(client, cast, tree, waiting):
    page = waiting["page"]
    login(client, cast["reviewer_a"])
    accept = reverse("campaign:report_accept", args=[page.pk])
    response = client.post(accept, {"confirmed": "yes", "version": page.version}, follow=True)
    assert response.redirect_chain[-1][0] == page.get_absolute_url()
    assert response.context["report"].status == S.ACCEPTED
    assert f'href="{waiting["next"].get_absolute_url()}"' in html(response)
    # And on that one, to the one after it: the earlier year of A2, first by its key.
    response = client.get(waiting["next"].get_absolute_url())
    assert response.context["next_waiting"] == waiting["A2 earlier year"]


def test_the_cspl_board_is_led_to_what_waits_longest_anywhere_below_the_province(
    client, cast, tree, waiting
):
    page = waiting["page"]
    login(client, cast["cspl"])
    response = client.get(reverse("campaign:report_detail", args=[page.pk]))
    expected = first_waiting_recounted(tree["PV"], AnnualReport, leaving_out=page)
    # B1's and the district's own waited since the 2nd: B1's, made first, comes first.
    assert expected == waiting["other district"]
    assert response.context["next_waiting"] == expected


def test_the_reviewer_is_told_when_nothing_else_waits(client, cast, tree, campaign):
    only = report(tree, "A1", S.SUBMITTED, 1, campaign)
    login(client, cast["reviewer_a"])
    response = client.get(reverse("campaign:report_detail", args=[only.pk]))
    assert response.context["next_waiting"] is None
    content = html(response)
    assert "Không còn báo cáo năm nào khác của kế hoạch phát động này chờ bạn xem xét." in content
    assert f'href="{reverse("campaign:report_queue")}"' in content


def test_the_next_report_is_of_the_campaign_reviewed(client, cast, tree, waiting, other_campaign):
    # With a second campaign, the report waiting longest could be of the other one: the
    # link led a reviewer working through one campaign's reports into the other's.
    page = waiting["page"]
    elsewhere = make_report(
        tree["A2"], other_campaign, YEAR, S.SUBMITTED, submitted_at=local(2024, 11, 1, 10)
    )
    login(client, cast["reviewer_a"])
    queue = client.get(reverse("campaign:report_queue")).context["page"].object_list
    assert [item.pk for item in queue][:2] == [page.pk, elsewhere.pk]
    expected = first_waiting_recounted(tree["DA"], AnnualReport, leaving_out=page)
    assert expected == waiting["next"]

    response = client.get(page.get_absolute_url())
    assert response.context["next_waiting"] == expected
    # And from the other campaign's report, nothing else of its campaign waits.
    response = client.get(elsewhere.get_absolute_url())
    assert response.context["next_waiting"] is None
    content = html(response)
    assert "Không còn báo cáo năm nào khác của kế hoạch phát động này chờ bạn xem xét." in content


def test_the_next_report_is_the_first_of_the_queue_as_the_reviewer_filtered_and_sorted_it(
    client, cast, tree, waiting
):
    page = waiting["page"]
    login(client, cast["cspl"])
    # Unfiltered, the board is led to B1's, in another district.
    assert client.get(page.get_absolute_url()).context["next_waiting"] == waiting["other district"]
    # Working through district A's reports by unit name, it is led to the next of those.
    left = {"parent": str(tree["DA"].pk), "sort": "unit", "page": "1"}
    queue = client.get(reverse("campaign:report_queue"), left).context["page"].object_list
    listed = [item for item in queue if item.pk != page.pk]
    recounted = sorted(
        (
            item
            for item in AnnualReport.objects.select_related("unit")
            if item.status == S.SUBMITTED
            and item.campaign_id == page.campaign_id
            and item.unit.path.startswith(tree["DA"].path)
            and item.unit != tree["DA"]
            and item.unit.closed_on is None
            and item != page
        ),
        key=lambda item: (item.unit.name, item.pk),
    )
    assert recounted[0] == listed[0] == waiting["A2 earlier year"]
    response = client.get(page.get_absolute_url())
    assert response.context["next_waiting"] == listed[0]
    assert f'href="{listed[0].get_absolute_url()}"' in html(response)
    # The queue of one year: that year's.
    client.get(reverse("campaign:report_queue"), {"year": YEAR, "sort": "recent"})
    response = client.get(page.get_absolute_url())
    assert response.context["next_waiting"] == waiting["A4"]
    # Filtered to what nothing else matches: it says so, naming the filters.
    client.get(reverse("campaign:report_queue"), {"kind": Unit.Kind.SECTOR})
    response = client.get(page.get_absolute_url())
    assert response.context["next_waiting"] is None
    assert (
        "Không còn báo cáo năm nào khác của kế hoạch phát động này chờ bạn xem xét "
        "khớp với bộ lọc của danh sách."
    ) in html(response)


@pytest.mark.parametrize(
    "left",
    [{"parent": "x"}, {"parent": "9" * 30}, {"year": "²"}, {"year": "9" * 30}, {"kind": "?"}],
)
def test_a_damaged_kept_queue_leads_nowhere_rather_than_failing(client, cast, waiting, left):
    login(client, cast["cspl"])
    client.get(reverse("campaign:report_queue"), left)
    response = client.get(waiting["page"].get_absolute_url())
    assert response.status_code == 200 and response.context["next_waiting"] is None


@pytest.mark.parametrize("who", ["officer_a1", "officer_a", "standing"])
def test_officers_and_viewers_are_not_led_to_a_next_report(client, cast, waiting, who):
    login(client, cast[who])
    response = client.get(reverse("campaign:report_detail", args=[waiting["page"].pk]))
    assert response.status_code == 200
    assert response.context["next_waiting"] is None
    assert 'id="next-waiting"' not in html(response)


def test_a_reviewer_reading_a_report_they_do_not_review_is_not_led_on(client, cast, waiting):
    # District A's own report goes to the province: its reviewer reads it, and reviews none.
    login(client, cast["reviewer_a"])
    response = client.get(reverse("campaign:report_detail", args=[waiting["district's own"].pk]))
    assert response.status_code == 200
    assert 'id="next-waiting"' not in html(response)


# --- plans ---------------------------------------------------------------------------------------
def test_the_plan_page_leads_the_reviewer_to_the_plan_their_queue_lists_first(
    client, cast, more_units, campaign, other_campaign, plan_factory
):
    units, officer = more_units, cast["officer_a1"]

    def plan(code, status, day, of=campaign):
        made = file_plan(plan_factory, units[code], of, officer, status)
        if status != S.DRAFT:
            Plan.objects.filter(pk=made.pk).update(submitted_at=local(2024, 11, day))
        return made

    # A unit has one plan a campaign: the page and those around it are of the second
    # campaign, and the plan waiting longest of all, A3's, of the first.
    page = plan("A1", S.SUBMITTED, 1, of=other_campaign)
    plan("B1", S.SUBMITTED, 2, of=other_campaign)  # another district
    plan("DA", S.SUBMITTED, 2, of=other_campaign)  # the district's own: the province reviews it
    plan("A5", S.SUBMITTED, 3, of=other_campaign)  # closed below
    plan("A4", S.RETURNED, 3)
    plan("A3", S.SUBMITTED, 4)  # another campaign
    plan("A2", S.DRAFT, 3)
    plan("A2", S.SUBMITTED, 6, of=other_campaign)
    plan("A3", S.SUBMITTED, 5, of=other_campaign)
    plan("A4", S.SUBMITTED, 8, of=other_campaign)
    units["A5"].close(timezone.localdate())
    expected = first_waiting_recounted(units["DA"], Plan, leaving_out=page)
    assert expected.unit.code == "A3" and expected.campaign == other_campaign

    login(client, cast["reviewer_a"])
    queue = client.get(reverse("campaign:review_queue"), {"campaign": other_campaign.pk})
    listed = queue.context["page"].object_list
    assert next(item.pk for item in listed if item.pk != page.pk) == expected.pk
    response = client.get(reverse("campaign:plan_detail", args=[page.pk]))
    assert response.context["next_waiting"] == expected
    content = html(response)
    assert f'href="{expected.get_absolute_url()}"' in content
    assert "Kế hoạch tiếp theo chờ xem xét: CĐCS A3" in content


def test_after_returning_the_last_plan_the_reviewer_is_told_nothing_else_waits(
    client, cast, tree, campaign, plan_factory
):
    plan = file_plan(plan_factory, tree["A1"], campaign, cast["officer_a1"])
    login(client, cast["reviewer_a"])
    response = client.post(
        reverse("campaign:plan_return", args=[plan.pk]),
        {"reason": "Bổ sung hoạt động", "version": plan.version},
        follow=True,
    )
    assert response.context["plan"].status == S.RETURNED
    content = html(response)
    assert "Không còn kế hoạch nào khác của kế hoạch phát động này chờ bạn xem xét." in content
    assert f'href="{reverse("campaign:review_queue")}"' in content


@pytest.mark.parametrize("who", ["officer_a1", "standing"])
def test_officers_and_viewers_are_not_led_to_a_next_plan(
    client, cast, tree, campaign, plan_factory, who
):
    plan = file_plan(plan_factory, tree["A1"], campaign, cast["officer_a1"])
    file_plan(plan_factory, tree["A2"], campaign, cast["officer_a1"])
    login(client, cast[who])
    response = client.get(reverse("campaign:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert 'id="next-waiting"' not in html(response)
