"""The annual report tests' shared builders: the campaign of three indicators, a report stored
directly, what the report pages post, what a refused request must leave as it was, and a
message as a Vietnamese user reads it. Used by the test_annual_report_*.py files,
test_periods.py, test_late_steps.py and other report page tests."""

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from campaign.models import (
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Period,
    Status,
    Step,
)
from tests.factories import CampaignFactory
from units.models import Unit

S = Status
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # figures 15/12/2023–14/12/2024, due 20/12/2024, locked after 19/01/2025


def local(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


COMPLETE = {"sessions": 12, "participants": 340, "other_forms": "Pa nô, áp phích"}


def make_report(unit, campaign, year=YEAR, status=S.DRAFT, figures=None, **fields):
    """A report stored directly, with `figures` by indicator code."""
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results=fields.pop("results", "Tổ chức các buổi tuyên truyền CCHC."),
        self_assessment=fields.pop("self_assessment", AnnualReport.Assessment.GOOD),
        status=status,
        **fields,
    )
    for code, value in (figures or {}).items():
        indicator = campaign.indicators.get(code=code)
        if indicator.kind == Indicator.Kind.INTEGER:
            IndicatorValue.objects.create(report=report, indicator=indicator, int_value=value)
        else:
            IndicatorValue.objects.create(report=report, indicator=indicator, text_value=value)
    return report


def narrative(**overrides):
    data = {
        "results": "Tổ chức 12 buổi tuyên truyền CCHC cho đoàn viên.",
        "shortcomings": "Một số đơn vị chưa tham gia đầy đủ.",
        "obstacles": "",
        "proposals": "Đề nghị cấp thêm tài liệu.",
        "self_assessment": "good",
    }
    data.update(overrides)
    return data


def filing(**overrides):
    """What the new-report form posts: the narrative and every figure."""
    data = narrative()
    data.update(
        {"value_sessions": "12", "value_participants": "1.234", "value_other_forms": "Pa nô"}
    )
    data.update(overrides)
    return data


def start_url(campaign, unit, year=YEAR):
    return reverse("campaign:report_start", args=[campaign.pk, unit.pk, year])


def set_status(report, status):
    """Put `report` in `status` directly, as a test's starting point."""
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()


def edit_data(report, **overrides):
    """What the edit page posts back for `report` as stored, with the given changes."""
    report.refresh_from_db()
    data = narrative(
        results=report.results,
        shortcomings=report.shortcomings,
        obstacles=report.obstacles,
        proposals=report.proposals,
        self_assessment=report.self_assessment,
        version=str(report.version),
    )
    for value in report.values.select_related("indicator"):
        stored = value.int_value if value.indicator.kind == "integer" else value.text_value
        data[f"value_{value.indicator.code}"] = "" if stored is None else str(stored)
    data.update(overrides)
    return data


def annual_campaign(tree: dict[str, Unit]) -> Campaign:
    """A campaign with two whole-number indicators and a text one."""
    campaign = CampaignFactory(issuer=tree["PV"])
    Indicator.objects.create(
        campaign=campaign,
        code="sessions",
        name="Số buổi tuyên truyền",
        unit_of_measure="buổi",
        order=1,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="participants",
        name="Số lượt người tham dự",
        unit_of_measure="lượt người",
        order=2,
    )
    Indicator.objects.create(
        campaign=campaign,
        code="other_forms",
        name="Hình thức khác",
        kind=Indicator.Kind.TEXT,
        order=3,
    )
    return campaign


def add_indicators(campaign, count):
    """`count` more indicators, every fifth a text one, for the query-count tests."""
    for n in range(count):
        kind = Indicator.Kind.TEXT if n % 5 == 4 else Indicator.Kind.INTEGER
        Indicator.objects.create(
            campaign=campaign, code=f"extra_{n}", name=f"Chỉ tiêu {n}", kind=kind, order=10 + n
        )


def stored_figures(report):
    return {
        value.indicator.code: value.int_value
        if value.indicator.kind == "integer"
        else value.text_value
        for value in IndicatorValue.objects.filter(report=report).select_related("indicator")
    }


def state(report):
    """What a refused request must leave as it was."""
    stored = AnnualReport.objects.get(pk=report.pk)
    return (
        stored.status,
        stored.version,
        stored.results,
        stored_figures(report),
        Step.objects.filter(object_id=report.pk).count(),
    )


def vi(message, **params):
    """`message` as a Vietnamese user reads it, escaped as the page shows it."""
    with translation.override("vi"):
        text = translation.gettext(message)
        return escape(text % params if params else text)
