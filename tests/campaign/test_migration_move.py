"""Annual reports and the follow-up moved from the reports app to campaign with state-only
migrations: rows written before the move are still there after it, the workflow steps'
generic relation follows the renamed content type, and the move can be undone."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaign.models import (
    AnnualReport,
    IndicatorValue,
    Inspection,
    Obstacle,
    Period,
    Reminder,
    Status,
    Step,
)

pytestmark = pytest.mark.postgres

BEFORE = [
    ("campaign", "0004_notification_claimed_by"),
    ("reports", "0006_annualreport_trend_index"),
]
# The move itself: going back and forth over it alone is what undoing it takes.
MOVE = [
    ("campaign", "0005_annual_reports_from_reports"),
    ("reports", "0007_annual_reports_to_campaign"),
]
MOVED = [
    "period",
    "annualreport",
    "historicalannualreport",
    "indicatorvalue",
    "historicalindicatorvalue",
    "obstacle",
    "inspection",
    "historicalinspection",
    "reminder",
]


@pytest.fixture
def before_the_move(migrate, tree, cast, campaign):
    """The database as it stood before the move, and the apps of that state."""
    migrate(BEFORE)
    return migrate.apps(BEFORE)


def labels(app_label):
    return set(
        ContentType.objects.filter(app_label=app_label, model__in=MOVED).values_list(
            "model", flat=True
        )
    )


def file_everything(apps, tree, cast, campaign):
    """An annual report with a figure and its history, a workflow step on it, an obstacle,
    an inspection and a reminder, written with the models of the reports app."""
    old = {name: apps.get_model("reports", name) for name in ("Period", "AnnualReport")}
    now = timezone.now()
    period = old["Period"].objects.create(
        campaign_id=campaign.pk,
        year=2015,
        starts_on=datetime.date(2014, 12, 15),
        ends_on=datetime.date(2015, 12, 14),
        due_on=datetime.date(2015, 12, 20),
        locks_on=datetime.date(2016, 1, 19),
    )
    report = old["AnnualReport"].objects.create(
        unit_id=tree["A1"].pk,
        campaign_id=campaign.pk,
        year=2015,
        period=period,
        status=Status.SUBMITTED,
        submitted_at=now,
        first_submitted_at=now,
        results="Tổ chức 12 buổi tuyên truyền.",
        self_assessment="good",
    )
    indicator = apps.get_model("campaign", "Indicator").objects.get(
        campaign_id=campaign.pk, code="sessions"
    )
    value = apps.get_model("reports", "IndicatorValue").objects.create(
        report=report, indicator_id=indicator.pk, int_value=12
    )
    apps.get_model("reports", "HistoricalIndicatorValue").objects.create(
        id=value.pk,
        report_id=report.pk,
        indicator_id=indicator.pk,
        int_value=12,
        text_value="",
        history_date=now,
        history_type="+",
        history_user_id=cast["officer_a1"].pk,
    )
    content_types = apps.get_model("contenttypes", "ContentType").objects
    report_type = content_types.get(app_label="reports", model="annualreport")
    step = apps.get_model("campaign", "Step").objects.create(
        content_type=report_type,
        object_id=report.pk,
        action=Step.Action.SUBMIT,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        actor_id=cast["officer_a1"].pk,
        snapshot={"fields": {"results": report.results}, "items": {}},
    )
    obstacle = apps.get_model("reports", "Obstacle").objects.create(
        unit_id=tree["A1"].pk,
        campaign_id=campaign.pk,
        report=report,
        subject="Cách đếm số buổi",
        text="Buổi sinh hoạt ghép có tính không?",
        raised_by_id=cast["officer_a1"].pk,
        answer_by=datetime.date(2015, 12, 31),
    )
    inspection = apps.get_model("reports", "Inspection").objects.create(
        unit_id=tree["DA"].pk,
        campaign_id=campaign.pk,
        visited_on=datetime.date(2015, 11, 5),
        kind="inspection",
        members="Ban CSPL",
        findings="Triển khai đầy đủ.",
        recorded_by_id=cast["cspl"].pk,
    )
    reminder = apps.get_model("reports", "Reminder").objects.create(
        unit_id=tree["B1"].pk,
        campaign_id=campaign.pk,
        what="report",
        year=2015,
        step="due",
        due_on=datetime.date(2015, 12, 20),
        recipients=1,
    )
    return {
        "period": period.pk,
        "report": report.pk,
        "value": value.pk,
        "step": step.pk,
        "obstacle": obstacle.pk,
        "inspection": inspection.pk,
        "reminder": reminder.pk,
        "content_type": report_type.pk,
    }


def test_rows_filed_before_the_move_survive_its_undoing_and_are_campaigns_after_it(
    before_the_move, migrate, tree, cast, campaign
):
    # One test for both stories: going back to before the move is most of its cost.
    assert labels("reports") == set(MOVED) and labels("campaign") == set()
    pks = file_everything(before_the_move, tree, cast, campaign)

    # The move can be undone and done again.
    migrate(MOVE)
    migrate(BEFORE)

    assert labels("reports") == set(MOVED) and labels("campaign") == set()
    old_report = before_the_move.get_model("reports", "AnnualReport").objects.get(pk=pks["report"])
    assert old_report.results == "Tổ chức 12 buổi tuyên truyền."
    step = before_the_move.get_model("campaign", "Step").objects.get(pk=pks["step"])
    assert step.content_type_id == pks["content_type"]
    assert step.content_type.app_label == "reports"
    assert before_the_move.get_model("reports", "Obstacle").objects.get(
        pk=pks["obstacle"]
    ).report_id == (old_report.pk)

    migrate(MOVE)
    moved = migrate.apps(MOVE)
    assert labels("campaign") == set(MOVED) and labels("reports") == set()
    step = moved.get_model("campaign", "Step").objects.get(pk=pks["step"])
    assert (step.content_type_id, step.object_id) == (pks["content_type"], pks["report"])
    report = moved.get_model("campaign", "AnnualReport").objects.get(pk=pks["report"])
    assert report.results == "Tổ chức 12 buổi tuyên truyền."
    assert moved.get_model("campaign", "Obstacle").objects.get(pk=pks["obstacle"]).report_id == (
        report.pk
    )
    assert moved.get_model("campaign", "Reminder").objects.filter(pk=pks["reminder"]).exists()
    assert moved.get_model("campaign", "Inspection").objects.filter(pk=pks["inspection"]).exists()

    # The rest of the migrations: the models the assertions read are today's.
    migrate(migrate.latest())

    assert labels("campaign") == set(MOVED) and labels("reports") == set()
    report = AnnualReport.objects.get(pk=pks["report"])
    assert (report.unit, report.campaign, report.year) == (tree["A1"], campaign, 2015)
    assert report.status == Status.SUBMITTED and report.period_id == pks["period"]
    assert Period.objects.get(pk=pks["period"]).reports.get() == report
    assert [(v.pk, v.int_value) for v in report.values.all()] == [(pks["value"], 12)]
    assert IndicatorValue.history.get().report_id == report.pk
    # The workflow step's content type is the same row, now campaign's: the generic relation
    # resolves to the moved model, both ways.
    step = Step.objects.get(pk=pks["step"])
    assert step.content_type_id == pks["content_type"]
    assert (step.content_type.app_label, step.content_type.model) == ("campaign", "annualreport")
    assert isinstance(step.submission, AnnualReport) and step.submission.pk == report.pk
    assert list(report.steps.all()) == [step]
    assert Obstacle.objects.get(pk=pks["obstacle"]).report == report
    assert report.obstacle_items.get().subject == "Cách đếm số buổi"
    assert Inspection.objects.get(pk=pks["inspection"]).unit == tree["DA"]
    assert Reminder.objects.get(pk=pks["reminder"]).unit == tree["B1"]
    # Permissions hang on the content types, so they moved with them.
    change = Permission.objects.get(codename="change_annualreport")
    assert change.content_type_id == pks["content_type"]
