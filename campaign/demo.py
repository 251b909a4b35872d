"""Demo history for the seed campaign: plans and annual reports of several years.

Deterministic (every figure follows from the unit's code and the year) and idempotent:
a unit that already has a plan or a report for a year is left as it is. Rows are written
with the dates they would have had, so that some reports are on time, some late, some
returned and some missing; each keeps the workflow steps that produced it.
"""

import datetime
import hashlib
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction

from campaign import plausibility
from campaign.models import (
    Activity,
    AnnualReport,
    Attachment,
    Campaign,
    IndicatorValue,
    Inspection,
    Obstacle,
    Period,
    Plan,
    Status,
    Step,
)
from units.models import Membership, Unit, User

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
A = Step.Action

# The smallest valid PDF, standing in for each unit's signed scan.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# What happened to a unit's report, by year: chosen by the unit's position, so every kind
# of situation appears in every district.
PATTERNS = {
    2024: ["on_time", "on_time", "late", "on_time", "missing", "on_time"],
    2025: ["on_time", "late", "returned", "on_time", "missing", "submitted", "on_time"],
}
CURRENT_YEAR_PATTERN = ["on_time", "submitted", "on_time", "draft", "missing", "submitted"]


def number(code, year, salt, low, high):
    digest = hashlib.sha256(f"{code}:{year}:{salt}".encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def at(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@transaction.atomic
def load_demo_history(campaign_slug="cchc-2015", current_year=None):
    """Plans, three years of reports, obstacles and inspections for the demo federation."""
    campaign = Campaign.objects.get(slug=campaign_slug)
    current_year = current_year or datetime.date.today().year
    expected = list(
        Unit.objects.in_subtree(campaign.issuer.path)
        .exclude(pk=campaign.issuer_id)
        .filter(kind__in=campaign.addressed_kinds)
    )
    actors = _actors(campaign, expected)
    # The demo accounts' own units keep their plan and this year's report to write, so that
    # whoever tries the demo walks the whole flow from the start.
    staffed = set(Membership.objects.filter(role="officer").values_list("unit_id", flat=True))
    open_work = [unit for unit in expected if unit.pk not in staffed]
    _plans(campaign, open_work, actors)
    for year, pattern in PATTERNS.items():
        if campaign.runs_in(year):
            _reports(campaign, year, expected, pattern, actors)
    if campaign.runs_in(current_year):
        # A demo district officer finds accepted reports below to roll up.
        staffed_paths = {unit.path for unit in expected if unit.pk in staffed}
        # A few units report a year of many more sessions than before: the plausibility
        # rules flag them for the reviewer.
        _reports(
            campaign,
            current_year,
            open_work,
            CURRENT_YEAR_PATTERN,
            actors,
            staffed_paths,
            surges=True,
        )
    _obstacles_and_inspections(campaign, expected, actors)


def _actors(campaign, units):
    """Who acts for each unit: its officer, else the administrator entering it on its behalf;
    who reviews it: the nearest upper unit's reviewer, else the CSPL board's."""
    officers = {
        m.unit_id: m.user for m in Membership.objects.filter(role="officer").select_related("user")
    }
    reviewers = {
        m.unit.path: m.user
        for m in Membership.objects.filter(role="reviewer").select_related("user", "unit")
    }
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    fallback = reviewers.get(campaign.issuer.path, admin)
    result = {}
    for unit in units:
        parent_path = unit.path[: -Unit.steplen]
        result[unit.pk] = (officers.get(unit.pk, admin), reviewers.get(parent_path, fallback))
    return result


def _plans(campaign, units, actors):
    have = set(Plan.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    themes = list(campaign.themes.all())
    for index, unit in enumerate(units):
        if unit.pk in have or index % 5 == 4:  # every fifth unit never filed its plan
            continue
        officer, reviewer = actors[unit.pk]
        submitted = at(campaign.plan_due_on - datetime.timedelta(days=10 - index % 14))
        plan = Plan.objects.create(
            unit=unit,
            campaign=campaign,
            doc_number=f"{number(unit.code, 2015, 'doc', 1, 99):02d}/KH-CĐ",
            doc_date=submitted.date() - datetime.timedelta(days=3),
            signer="Chủ tịch công đoàn",
            summary="Triển khai tuyên truyền Kế hoạch 2.579/KH-UBND đến đoàn viên, CNVCLĐ.",
        )
        for n, method in enumerate(["conference", "union_meeting", "banner"][: 2 + index % 2]):
            activity = Activity.objects.create(
                plan=plan,
                method=method,
                audience="Đoàn viên, CNVCLĐ của đơn vị",
                planned_quarter=3 + n % 2,
                expected_participants=number(unit.code, 2015, f"p{n}", 20, 300),
            )
            activity.themes.set(themes[n::3])
        Attachment.objects.create(
            plan=plan,
            file=ContentFile(SCAN, name="ke-hoach.pdf"),
            original_name=f"ke-hoach-{unit.code.lower()}.pdf",
            content_type="application/pdf",
            size=len(SCAN),
            uploaded_by=officer,
            uploaded_at=submitted,
        )
        accepted = index % 7 != 3  # a few still wait for review
        _history(
            plan,
            [(A.SUBMIT, officer, submitted, "")]
            + (
                [(A.ACCEPT, reviewer, submitted + datetime.timedelta(days=4), "")]
                if accepted
                else []
            ),
        )


def _reports(campaign, year, units, pattern, actors, accepted_below=(), surges=False):
    period = Period.objects.for_year(campaign, year)
    have = set(
        AnnualReport.objects.filter(campaign=campaign, year=year).values_list("unit_id", flat=True)
    )
    # What the portal counts itself (the grassroots unions with their own plan) is not typed.
    typed = [
        indicator
        for indicator in campaign.indicators.all()
        if not indicator.is_computed(campaign.addressed_kinds)
    ]
    for index, unit in enumerate(units):
        outcome = pattern[index % len(pattern)]
        if unit.path[: -Unit.steplen] in accepted_below:
            outcome = "on_time"
        if unit.pk in have or outcome == "missing":
            continue
        officer, reviewer = actors[unit.pk]
        report = AnnualReport.objects.create(
            unit=unit,
            campaign=campaign,
            year=year,
            period=period,
            results=(
                f"Năm {year}, đơn vị tổ chức tuyên truyền CCHC lồng ghép trong sinh hoạt công "
                "đoàn; đoàn viên nắm được chủ trương cải cách thủ tục hành chính."
            ),
            shortcomings="Một số buổi tuyên truyền còn ít người tham dự.",
            obstacles="Thiếu tài liệu tuyên truyền in sẵn." if index % 4 == 0 else "",
            proposals="Đề nghị LĐLĐ tỉnh cấp thêm tài liệu." if index % 4 == 0 else "",
            self_assessment=["good", "good", "fair", "average", "fair", "weak"][index % 6],
        )
        figures = _figures(unit, year, typed, surge=surges and index % 9 == 4)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                report=report,
                indicator=indicator,
                int_value=figures.get(indicator.code),
                text_value="" if indicator.kind == "integer" else "Pa-nô, khẩu hiệu tại cơ quan",
            )
            for indicator in typed
        )
        # The rules flag what an officer would have been warned of on save; a report sent
        # with flags carries the explanation the officer had to give.
        report.flags = plausibility.flags_for(
            report, figures, plausibility.last_year_values(report)
        )
        if report.flags:
            report.flags_note = (
                "Năm nay đơn vị tổ chức thêm hội nghị chuyên đề cho toàn thể CNVCLĐ."
            )
            AnnualReport.objects.filter(pk=report.pk).update(
                flags=report.flags, flags_note=report.flags_note
            )
        due = period.due_on
        # This year's reports were sent in the last weeks, not on dates still to come.
        before = min(due, datetime.date.today() - datetime.timedelta(days=7))
        on_time = at(before - datetime.timedelta(days=1 + index % 6))
        late = at(due + datetime.timedelta(days=2 + index % 9))
        review = datetime.timedelta(days=5)
        steps = {
            "draft": [],
            "submitted": [(A.SUBMIT, officer, on_time, "")],
            "on_time": [
                (A.SUBMIT, officer, on_time, ""),
                (A.ACCEPT, reviewer, on_time + review, ""),
            ],
            "late": [(A.SUBMIT, officer, late, ""), (A.ACCEPT, reviewer, late + review, "")],
            "returned": [
                (A.SUBMIT, officer, on_time, ""),
                (
                    A.RETURN,
                    reviewer,
                    on_time + review,
                    "Đề nghị bổ sung số lượt CNVCLĐ tham gia theo từng buổi.",
                ),
            ],
        }[outcome]
        _history(report, steps)


def _figures(unit, year, indicators, surge=False):
    """The unit's own figures for `year`: sessions, and for each some tens of participants;
    with `surge`, a year of many more sessions than the one before (which the plausibility
    rules flag)."""
    figures = {}
    for indicator in indicators:
        if indicator.kind != "integer":
            continue
        # A unit's figures move by up to a third from one year to the next, as they do.
        base = number(unit.code, 0, indicator.code, 6, 40)
        figures[indicator.code] = base * number(unit.code, year, indicator.code, 70, 130) // 100
    if "sessions" in figures:
        sessions = max(figures["sessions"], 1)
        if surge:
            sessions = 210 + number(unit.code, year, "surge", 0, 20)
        figures["sessions"] = sessions
        if "participants" in figures:
            figures["participants"] = sessions * number(unit.code, year, "per-session", 12, 45)
    return figures


def _history(submission, steps):
    """Record `steps` as (action, actor, when, reason) and set the matching status."""
    status = Status.DRAFT
    targets = {A.SUBMIT: Status.SUBMITTED, A.ACCEPT: Status.ACCEPTED, A.RETURN: Status.RETURNED}
    first_submitted = submitted = None
    for action, actor, when, reason in steps:
        Step.objects.create(
            submission=submission,
            action=action,
            from_status=status,
            to_status=targets[action],
            actor=actor,
            at=when,
            reason=reason,
            snapshot=submission.snapshot(),
        )
        status = targets[action]
        if action == A.SUBMIT:
            submitted = when
            first_submitted = first_submitted or when
    type(submission).objects.filter(pk=submission.pk).update(
        status=status, submitted_at=submitted, first_submitted_at=first_submitted
    )


def _obstacles_and_inspections(campaign, units, actors):
    if Obstacle.objects.filter(campaign=campaign).exists():
        return
    today = datetime.date.today()
    grassroots = [u for u in units if u.kind == Unit.Kind.GRASSROOTS]
    for index, unit in enumerate(grassroots[:4]):
        officer, reviewer = actors[unit.pk]
        raised = at(today - datetime.timedelta(days=5 + 9 * index))
        obstacle = Obstacle(
            unit=unit,
            campaign=campaign,
            subject=[
                "Chưa có mẫu báo cáo kết quả CCHC",
                "Đề nghị hướng dẫn cách tính lượt CNVCLĐ tham gia",
                "Thiếu kinh phí in tài liệu tuyên truyền",
                "Thời hạn nộp báo cáo trùng với tổng kết năm",
            ][index],
            text="Đơn vị đề nghị Ban Chính sách – Pháp luật hướng dẫn để thực hiện thống nhất.",
            raised_by=officer,
            raised_at=raised,
        )
        if index % 2:
            obstacle.status = Obstacle.Status.ANSWERED
            obstacle.answer = "Ban CSPL đã gửi hướng dẫn kèm theo; đơn vị thực hiện theo mẫu."
            obstacle.answered_by = reviewer
            obstacle.answered_at = raised + datetime.timedelta(days=3)
        obstacle.save()
    for index, unit in enumerate(grassroots[4:6]):
        _officer, reviewer = actors[unit.pk]
        Inspection.objects.create(
            unit=unit,
            campaign=campaign,
            visited_on=today - datetime.timedelta(days=30 + 20 * index),
            kind=[Inspection.Kind.INSPECTION, Inspection.Kind.SUPERVISION][index],
            members="Ban Chính sách – Pháp luật LĐLĐ tỉnh (3 đồng chí)",
            findings="Đơn vị có kế hoạch tuyên truyền; hồ sơ lưu chưa đầy đủ.",
            recommendations="Bổ sung sổ theo dõi các buổi tuyên truyền.",
            follow_up=[Inspection.FollowUp.PENDING, Inspection.FollowUp.MET][index],
            recorded_by=reviewer,
        )
