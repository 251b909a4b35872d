"""Demo history for the seed campaign: plans and annual reports of several years.

Deterministic (every figure follows from the unit's code and the year) and idempotent:
a unit that already has a plan or a report for a year is left as it is. Rows are written
with the dates they would have had, so that some reports are on time, some late, some
returned and some missing; each keeps the workflow steps that produced it.

The history follows the demo's 2025 story (units/demo.py): the plans and the reports of the
years before 2025 are written on LĐLĐ tỉnh Bến Tre's tree, then the reorganisations of 2025
are applied (so that what they do to the open plans is what the portal does), then the reports
of 2025 and of this year are written on the tree they made. A year's reports are those of the
units expected that year: open at its cut-off, of a kind the campaign addresses, under its
issuer or, once the issuer has merged, under the unit that carries on its work.
"""

import datetime
import hashlib
from collections import Counter
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction

from campaign import notices, plausibility
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
from units.access import FILE, REVIEW
from units.demo import (
    DEMO_REORGANISATIONS,
    IMPORT_ACCOUNT,
    decision_of,
    demo_reorganised,
    import_actor,
    load_demo_reorganisations,
)
from units.models import Membership, Unit, UnitState, User

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
A = Step.Action
DRAFTED_BEFORE_SENT = datetime.timedelta(days=2)
# The name under every signature the demo writes ("test signer"): the demo names no person.
TEST_SIGNER = "Người ký thử nghiệm"


def one_page_pdf(size: int | None = None) -> bytes:
    """A valid one-page PDF (an empty A4 page), its cross-reference table computed; with
    `size`, padded to exactly that many bytes by a comment after the header."""
    if size is None:
        return _pdf_with_padding(0)
    padding = size - len(_pdf_with_padding(0)) - 2
    # The cross-reference offset gains digits with the padding: adjust once for them.
    padding -= len(_pdf_with_padding(padding)) - size
    return _pdf_with_padding(padding)


def _pdf_with_padding(padding: int) -> bytes:
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>",
    ]
    out = b"%PDF-1.4\n"
    if padding:
        out += b"%" + b"x" * padding + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


# One empty page, standing in for each unit's signed scan.
SCAN = one_page_pdf()

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
def load_demo_history(campaign_slug: str = "cchc-2015", current_year: int | None = None) -> None:
    """Plans, three years of reports, the reorganisations of 2025, obstacles and inspections
    for the demo federation."""
    campaign = Campaign.objects.get(slug=campaign_slug)
    current_year = current_year or datetime.date.today().year
    years = [year for year in PATTERNS if campaign.runs_in(year)]
    _number, reorganised_on = decision_of(DEMO_REORGANISATIONS[0])
    before = [year for year in years if _cutoff(campaign, year) < reorganised_on]
    if not demo_reorganised():
        # The Bến Tre federation as it stood from 2015, written once, before the
        # reorganisations: afterwards these years are history, on a tree that is gone.
        units, actors = _expected(campaign, campaign.plan_due_on)
        _plans(campaign, _open_work(units), actors, current_year)
        for year in before:
            units, actors = _expected(campaign, _cutoff(campaign, year))
            _reports(campaign, year, units, PATTERNS[year], actors)
    load_demo_reorganisations()
    # The units set up since the plan was due file their plan after they open.
    later = {}
    for year in [year for year in years if year not in before] + [current_year]:
        if campaign.runs_in(year):
            units, actors = _expected(campaign, _cutoff(campaign, year))
            for unit in units:
                if unit.opened_on and unit.opened_on > campaign.plan_due_on:
                    later.setdefault(unit.pk, (unit, actors[unit.pk]))
    new_units = sorted((unit for unit, _actors in later.values()), key=lambda u: u.code)
    _plans(
        campaign,
        _open_work(new_units),
        {pk: actors for pk, (_u, actors) in later.items()},
        current_year,
    )
    _plans_brought_up_to_date(campaign, datetime.date.today())
    for year in years:
        if year not in before:
            units, actors = _expected(campaign, _cutoff(campaign, year))
            _reports(campaign, year, units, PATTERNS[year], actors)
    if campaign.runs_in(current_year):
        units, actors = _expected(campaign, _cutoff(campaign, current_year))
        staffed = _staffed()
        # A demo commune union's officer finds accepted reports below to roll up.
        staffed_paths = {unit.era.path for unit in units if unit.pk in staffed}
        # A few units report a year of many more sessions than before: the plausibility
        # rules flag them for the reviewer.
        _reports(
            campaign,
            current_year,
            _open_work(units),
            CURRENT_YEAR_PATTERN,
            actors,
            staffed_paths,
            surges=True,
        )
        _obstacles_and_inspections(campaign, units, actors)


def _cutoff(campaign, year):
    return Period.objects.for_year(campaign, year).ends_on


def _staffed():
    return set(Membership.objects.filter(role="officer").values_list("unit_id", flat=True))


def _open_work(units):
    """`units` without the demo accounts' own units: those keep their plan and this year's
    report to write, so that whoever tries the demo walks the whole flow from the start."""
    staffed = _staffed()
    return [unit for unit in units if unit.pk not in staffed]


def _expected(campaign, day):
    """The units expected to file on `day`, in the order of that day's tree, each with its
    era of that day as `era`; and who acts for each (see `_actors`).

    They are the open units of an addressed kind below the campaign's issuer or, when it has
    merged by then, below the unit that carries on its work (following `successor`)."""
    # Read afresh: a reorganisation applied since the campaign was read may have closed it.
    root = Unit.objects.get(pk=campaign.issuer_id)
    while root.closed_on and root.closed_on <= day and root.successor_id:
        root = Unit.objects.get(pk=root.successor_id)
    path = UnitState.objects.on(day).filter(unit=root).values_list("path", flat=True).first()
    if path is None:
        return [], {}
    states = (
        UnitState.objects.on(day)
        .in_area(path)
        .exclude(unit=root)
        .filter(kind__in=campaign.addressed_kinds)
        .select_related("unit")
        .order_by("path")
    )
    units = []
    for state in states:
        state.unit.era = state
        units.append(state.unit)
    return units, _actors(root, units, day)


def _actors(root, units, day):
    """Who acts for each unit on `day`, as (officer, reviewer, on_behalf_from).

    The officer is the unit's own; else the nearest officer above it that day, who files for
    it on its behalf ("nhập hộ", units.access) from `on_behalf_from`; else the demo's import
    account (`units.demo.import_actor`), which stands for the paper filings typed in before
    the unit had anyone in the portal. Never the administrator: the queues and histories
    name who filed. The reviewer is one of the unit it stood under that day, else one of
    `root`'s (the CSPL board's)."""
    officers = {}
    for m in Membership.objects.filter(role="officer").select_related("user").order_by("pk"):
        officers.setdefault(m.unit_id, m.user)
    reviewers = {}
    for m in Membership.objects.filter(role="reviewer").select_related("user").order_by("pk"):
        reviewers.setdefault(m.unit_id, m.user)
    # Where the officers' units stood that day: a unit below one of them is filed for from it.
    above = list(
        UnitState.objects.on(day)
        .filter(unit_id__in=officers)
        .select_related("unit")
        .order_by("-path")  # the nearest (longest path) first
    )
    fallback = reviewers.get(root.pk) or User.objects.get(username="cspl")
    importer = import_actor()
    actors = {}
    for unit in units:
        reviewer = reviewers.get(unit.era.parent_id, fallback)
        if unit.pk in officers:
            actors[unit.pk] = (officers[unit.pk], reviewer, None)
            continue
        upper = next((s.unit for s in above if unit.era.path.startswith(s.path)), None)
        if upper is not None:
            actors[unit.pk] = (officers[upper.pk], reviewer, upper)
        else:
            actors[unit.pk] = (importer, reviewer, None)
    return actors


def _plans(campaign, units, actors, current_year):
    have = set(Plan.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    themes = list(campaign.themes.all())
    for index, unit in enumerate(units):
        if unit.pk in have or index % 5 == 4:  # every fifth unit never filed its plan
            continue
        officer, reviewer, on_behalf_from = actors[unit.pk]
        # A unit set up after the plan was due files it within a month or so of opening.
        due = campaign.plan_due_on
        if unit.opened_on and unit.opened_on > due:
            due = unit.opened_on + datetime.timedelta(days=30)
        submitted = at(due - datetime.timedelta(days=10 - index % 14))
        plan = Plan.objects.create(
            unit=unit,
            campaign=campaign,
            doc_number=f"{number(unit.code, 2015, 'doc', 1, 99):02d}/KH-CĐ",
            doc_date=submitted.date() - datetime.timedelta(days=3),
            # A plan names its signer (the field is required), also where the unit typed no
            # signing block: the name, never a title, which belongs in signer_title.
            **({"signer": TEST_SIGNER} | _signing(unit, "signer")),
            summary="Triển khai tuyên truyền Kế hoạch 2.579/KH-UBND đến đoàn viên, CNVCLĐ.",
            **_entry(officer, on_behalf_from),
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
        # A few of this year's still wait for review; one sent in an earlier year was
        # reviewed long ago (a queue of plans waiting for thousands of days is no one's).
        accepted = index % 7 != 3 or submitted.year < current_year
        _history(
            plan,
            [(A.SUBMIT, officer, submitted, "")]
            + (
                [(A.ACCEPT, reviewer, submitted + datetime.timedelta(days=4), "")]
                if accepted
                else []
            ),
            officer=officer if officer.is_active else None,
        )


UP_TO_DATE_REASON = (
    "Đề nghị cập nhật kế hoạch theo tổ chức bộ máy sau sắp xếp năm 2025 "
    "(tên đơn vị, công đoàn cấp trên trực tiếp)."
)


def _plans_brought_up_to_date(campaign, today):
    """After the reorganisations of 2025, a few units were asked to bring their plan up to
    date: reopened by their reviewer three weeks ago, sent again in the last few days, they
    wait for review now, as a reviewer's queue holds on an ordinary day. (Plans sent in
    2015 were reviewed long ago: none of those waits for thousands of days.) Once: a demo
    loaded again finds them done."""
    if Step.objects.filter(action=A.REOPEN, reason=UP_TO_DATE_REASON).exists():
        return
    units, actors = _expected(campaign, today)
    accepted = set(
        Plan.objects.filter(campaign=campaign, status=Status.ACCEPTED).values_list(
            "unit_id", flat=True
        )
    )
    # Counted by reviewer, so that each reviewer's queue holds a few (a district-sized
    # union's reviewer too, not only the province's).
    counted = Counter()
    for unit in _open_work(units):
        officer, reviewer, _on_behalf_from = actors[unit.pk]
        if unit.pk not in accepted:
            continue
        index = counted[reviewer.pk]
        counted[reviewer.pk] += 1
        if index % 7:
            continue
        plan = Plan.objects.get(campaign=campaign, unit=unit)
        _history(
            plan,
            [
                (A.REOPEN, reviewer, at(today - datetime.timedelta(days=21)), UP_TO_DATE_REASON),
                (A.SUBMIT, officer, at(today - datetime.timedelta(days=2 + index % 5)), ""),
            ],
            officer=officer if officer.is_active else None,
            status=Status.ACCEPTED,
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
        if unit.era.path[: -Unit.steplen] in accepted_below:
            outcome = "on_time"
        if unit.pk in have or outcome == "missing":
            continue
        officer, reviewer, on_behalf_from = actors[unit.pk]
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
            **_signing(unit, "signer_name"),
            **_entry(officer, on_behalf_from),
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
        _history(
            report,
            steps,
            officer=officer if officer.is_active else None,
        )


def _signing(unit, name_field):
    """How the unit's office signs its plan and reports, the same every year: for its
    committee ("TM. Ban Chấp hành"; a union with unions below it, "TM. Ban Thường vụ"), as
    chair or vice-chair. One unit in three typed no signing block: its copies sign with its
    name (its plan still names its signer, a field the plan requires). The name is the test
    signer's: the demo names no person."""
    if number(unit.code, 0, "signing", 0, 2) == 0:
        return {}
    return {
        "signer_block": "TM. Ban Thường vụ" if unit.numchild else "TM. Ban Chấp hành",
        "signer_title": "Phó Chủ tịch" if number(unit.code, 0, "vice", 0, 1) else "Chủ tịch",
        name_field: TEST_SIGNER,
    }


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


def _entry(officer, on_behalf_from):
    """Who typed the submission in (`Submission.record_entry`): an officer, from the upper
    unit when on the unit's behalf; nobody recorded for the import account's paper filings."""
    if not officer.is_active:
        return {}
    return {"entered_by": officer, "entered_from": on_behalf_from}


def _history(submission, steps, officer=None, status=None):
    """Record `steps` as (action, actor, when, reason) and set the matching status. Each step
    names the unit its actor acted for that day (`_acting_unit`), as the portal's do.
    The `officer` (None for the import account, which nobody logs into) gets the notices of
    the review steps, as the portal would have written them; those older than a month read.

    With `status`, the steps follow the submission's history so far, which was in `status`;
    else they are its whole history, from a draft."""
    more = status is not None
    status = status or Status.DRAFT
    targets = {
        A.SUBMIT: Status.SUBMITTED,
        A.ACCEPT: Status.ACCEPTED,
        A.RETURN: Status.RETURNED,
        A.REOPEN: Status.RETURNED,
    }
    first_submitted = submission.first_submitted_at if more else None
    submitted = submission.submitted_at if more else None
    for action, actor, when, reason in steps:
        step = Step.objects.create(
            submission=submission,
            action=action,
            from_status=status,
            to_status=targets[action],
            actor=actor,
            actor_unit_id=_acting_unit(actor, submission.unit, when, action),
            at=when,
            reason=reason,
            snapshot=submission.snapshot(),
        )
        told = officer is not None and notices.notify_step(submission, step, [officer])
        if told and when < at(datetime.date.today() - datetime.timedelta(days=30)):
            officer.notices.filter(key=f"step-{step.pk}").update(
                read_at=when + datetime.timedelta(days=1)
            )
        status = targets[action]
        if action == A.SUBMIT:
            submitted = when
            first_submitted = first_submitted or when
    changes = {"status": status, "submitted_at": submitted, "first_submitted_at": first_submitted}
    if more:
        changes.update(updated_at=steps[-1][2])
    elif steps:
        # The draft was typed a few days before it was sent, not when the demo was loaded:
        # the page's history starts with "Created", and its history row says the same.
        created = steps[0][2] - DRAFTED_BEFORE_SENT
        changes.update(created_at=created, updated_at=steps[-1][2])
        submission.history.update(history_date=created)
    type(submission).objects.filter(pk=submission.pk).update(**changes)


def _acting_unit(actor, unit, when, action):
    """The id of the unit `actor` acted for when taking `action` on `unit`'s submission at
    `when`, as the portal records it (units.access.Scope.acting_from), but on that day's tree:
    the roles of a unit closed by then act no more, and a unit stood where it stood then.
    That is the nearest unit open that day at or above `unit` (strictly above for a review)
    where the actor holds the step's role: the unit itself, or the upper unit of an officer
    filing on its behalf, or the reviewer's. The import account holds no role: it typed in
    the unit's own paper filing, so its steps name the unit. Two queries."""
    if actor.username == IMPORT_ACCOUNT[0]:
        return unit.pk
    roles = FILE if action == A.SUBMIT else REVIEW
    held = set(
        Membership.objects.filter(user=actor, role__in=roles).values_list("unit_id", flat=True)
    )
    paths = dict(
        UnitState.objects.on(when.astimezone(TZ).date())
        .filter(unit_id__in=held | {unit.pk})
        .values_list("unit_id", "path")
    )
    here = paths.get(unit.pk, "")
    above = [
        pk
        for pk in held
        if pk in paths and here.startswith(paths[pk]) and not (roles == REVIEW and pk == unit.pk)
    ]
    if not here or not above:
        # The demo's story would have someone act where they could not: a bug in the demo.
        raise ValueError(f"{actor.username} could not {action} for {unit.code} on {when:%d/%m/%Y}.")
    return max(above, key=lambda pk: len(paths[pk]))


def _obstacles_and_inspections(campaign, units, actors):
    if Obstacle.objects.filter(campaign=campaign).exists():
        return
    today = datetime.date.today()
    grassroots = [u for u in units if u.kind == Unit.Kind.GRASSROOTS]
    # Raised by the units' own officers (the demo accounts find them on their pages), not by
    # an officer above filing on a unit's behalf, nor by the import account.
    own = _staffed()
    staffed = [u for u in units if u.pk in own]
    for index, unit in enumerate(staffed[:4]):
        officer, reviewer, _on_behalf_from = actors[unit.pk]
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
        _officer, reviewer, _on_behalf_from = actors[unit.pk]
        Inspection.objects.create(
            unit=unit,
            campaign=campaign,
            visited_on=today - datetime.timedelta(days=30 + 20 * index),
            kind=[Inspection.Kind.INSPECTION, Inspection.Kind.SUPERVISION][index],
            members="Ban Chính sách – Pháp luật LĐLĐ tỉnh (3 đồng chí)",
            findings="Đơn vị có kế hoạch tuyên truyền; hồ sơ lưu chưa đầy đủ.",
            recommendations="Bổ sung sổ theo dõi các buổi tuyên truyền.",
            recommendations_due_on=today + datetime.timedelta(days=30 - 20 * index),
            follow_up=[Inspection.FollowUp.PENDING, Inspection.FollowUp.MET][index],
            recorded_by=reviewer,
        )
