"""The lists' Excel downloads list the rows their pages list, every page of them: checked
against the pages themselves and against a recount from the models."""

import datetime

from django.urls import reverse
from django.utils import timezone

from campaign.listing import PAGE_SIZE
from campaign.models import AnnualReport, Inspection, Obstacle, Plan, Status
from tests.campaign.filings import file_plan, make_report
from tests.campaign.inspection_data import record
from tests.campaign.list_export_files import exported
from tests.campaign.obstacle_data import raise_obstacle

LONG_AGO = datetime.datetime(2024, 1, 2, 9, tzinfo=datetime.UTC)


def test_the_obstacles_overdue_are_every_page_of_the_list_in_its_order(
    client, tree, cast, campaign
):
    for n in range(PAGE_SIZE + 5):
        raise_obstacle(
            tree["A1" if n % 2 else "B1"], campaign, cast["officer_a1"], raised_at=LONG_AGO
        )
    raise_obstacle(tree["A2"], campaign, cast["officer_a"])  # just raised: not overdue
    client.force_login(cast["cspl"])
    listed = []
    for page in (1, 2):
        response = client.get(reverse("campaign:obstacle_list"), {"overdue": "true", "page": page})
        listed += [(o.subject, o.unit.code) for o in response.context["page"]]

    rows = exported(client, cast["cspl"], "campaign:obstacle_list_excel", overdue="true")

    assert [(row["Tiêu đề"], row["Mã đơn vị"]) for row in rows] == listed
    today = timezone.localdate()
    recount = Obstacle.objects.filter(status=Obstacle.Status.OPEN, answer_by__lt=today)
    assert len(rows) == recount.count() == PAGE_SIZE + 5
    assert {row["Quá hạn"] for row in rows} == {"✓"}


def test_the_plan_queue_of_grassroots_unions_in_any_status_matches_a_recount(
    client, tree, cast, campaign, plan_factory
):
    for code, status in [
        ("A1", Status.SUBMITTED),
        ("A2", Status.ACCEPTED),
        ("DA", Status.SUBMITTED),
    ]:
        file_plan(plan_factory, tree[code], campaign, cast["officer_a"], status)
    file_plan(plan_factory, tree["S1"], campaign, cast["officer_a"], Status.DRAFT)

    rows = exported(
        client, cast["cspl"], "campaign:review_queue_excel", kind="grassroots", status=""
    )

    recount = Plan.objects.filter(unit__kind="grassroots").values_list("unit__code", flat=True)
    assert sorted(row["Mã đơn vị"] for row in rows) == sorted(recount) == ["A1", "A2", "S1"]


def test_the_report_queue_lists_the_reports_waiting_as_a_recount_finds_them(
    client, tree, cast, campaign
):
    for code in ("A1", "B1", "S1"):
        make_report(tree[code], campaign, 2025, status=Status.SUBMITTED)
    make_report(tree["A2"], campaign, 2025, status=Status.DRAFT)

    rows = exported(client, cast["cspl"], "campaign:report_queue_excel", year=2025)

    waiting = AnnualReport.objects.filter(status=Status.SUBMITTED, year=2025)
    assert sorted(row["Mã đơn vị"] for row in rows) == sorted(r.unit.code for r in waiting)
    assert {row["Năm"] for row in rows} == {2025}


def test_the_supervision_visits_of_district_a_match_a_recount(client, tree, cast, campaign):
    for code, kind in [("A1", "supervision"), ("A2", "supervision"), ("A2", "inspection")]:
        record(tree[code], campaign, cast["reviewer_a"], kind=kind)
    record(tree["B1"], campaign, cast["cspl"], kind="supervision")

    rows = exported(
        client, cast["reviewer_a"], "campaign:inspection_list_excel", kind="supervision"
    )

    recount = Inspection.objects.filter(
        kind="supervision", unit__path__startswith=tree["DA"].path
    ).values_list("unit__code", flat=True)
    assert sorted(row["Mã đơn vị"] for row in rows) == sorted(recount) == ["A1", "A2"]


def test_each_reports_status_is_named_as_its_badge_names_it(client, tree, cast, campaign):
    # Each label is looked up once per status in a download: a reopened report still reads
    # "reopened", not the "returned" of the returned one before it.
    returned = make_report(tree["A1"], campaign, 2025, status=Status.RETURNED)
    reopened = make_report(tree["A2"], campaign, 2025, status=Status.RETURNED)
    sent = timezone.now() - datetime.timedelta(days=3)
    AnnualReport.objects.filter(pk=returned.pk).update(submitted_at=sent)
    AnnualReport.objects.filter(pk=reopened.pk).update(
        submitted_at=sent, reopened_at=sent + datetime.timedelta(days=1)
    )
    make_report(tree["B1"], campaign, 2025, status=Status.SUBMITTED)

    rows = exported(client, cast["cspl"], "campaign:report_queue_excel", status="")

    recount = {
        report.unit.code: report.status_label
        for report in AnnualReport.objects.filter(year=2025).select_related("unit")
    }
    assert {row["Mã đơn vị"]: row["Trạng thái"] for row in rows} == recount
    assert (recount["A1"], recount["A2"], recount["B1"]) == ("Bị trả lại", "Mở lại", "Đã gửi")
