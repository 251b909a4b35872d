"""The campaign the campaign tests file for and a unit's filings stored directly: the
province's campaign with its content items (province_campaign, the `campaign` fixture of
tests/campaign/conftest.py and tests/faults/conftest.py), a plan with its activities and its
scan (make_plan, file_plan) and an annual report with its narrative (make_report; annual.py
has its own, which also stores figures). Used by the campaign, workbook, report, fault,
security, fuzz and browser tests."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from campaign.models import (
    Activity,
    AnnualReport,
    Attachment,
    Campaign,
    Indicator,
    Period,
    Plan,
    Status,
    Theme,
)
from tests.campaign.upload_files import PDF_BYTES
from tests.factories import CampaignFactory
from units.models import Unit, UnitState

# What each of `people` (tests/campaign/conftest.py) gets when starting a filing of grassroots A1,
# a plan or a report: the page, or why not.
START_LADDER = {
    "outsider": 404,
    "officer_b1": 404,
    "reviewer_b": 404,
    "standing": 403,
    "reviewer_a": 403,
    "cspl": 403,
    "officer_a1": 200,
    "second_officer_a1": 200,
    "officer_a": 403,  # A1 has an officer of its own
}


def province_campaign(tree: dict[str, Unit]) -> Campaign:
    """The province's campaign with two content items (the second with sub-items numbered
    2.1, 2.10, 2.2) and one whole-number indicator."""
    campaign = CampaignFactory(issuer=tree["PV"])
    one = Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    two = Theme.objects.create(campaign=campaign, number="2", title="Nội dung hai")
    Theme.objects.create(campaign=campaign, parent=two, number="2.1", title="Ý hai chấm một")
    Theme.objects.create(campaign=campaign, parent=two, number="2.10", title="Ý hai chấm mười")
    Theme.objects.create(campaign=campaign, parent=two, number="2.2", title="Ý hai chấm hai")
    assert one.sort_key == "0001"
    Indicator.objects.create(
        campaign=campaign, code="sessions", name="Số buổi tuyên truyền", unit_of_measure="buổi"
    )
    return campaign


def make_plan(unit, campaign, user, *, activities=1, attach=True, **fields):
    plan = Plan.objects.create(
        unit=unit,
        campaign=campaign,
        doc_number=fields.pop("doc_number", f"12/KH-{unit.code}"),
        doc_date=fields.pop("doc_date", datetime.date(2015, 7, 1)),
        signer=fields.pop("signer", "Chủ tịch công đoàn"),
        summary=fields.pop("summary", "Triển khai tuyên truyền CCHC đến đoàn viên."),
        **fields,
    )
    themes = list(campaign.themes.all())
    for n in range(activities):
        activity = Activity.objects.create(
            plan=plan,
            method=Activity.Method.CONFERENCE,
            audience=f"Đoàn viên công đoàn {n}",
            planned_quarter=3,
            expected_participants=50 + n,
        )
        activity.themes.set(themes[:2])
    if attach:
        Attachment.objects.create(
            plan=plan,
            file=ContentFile(PDF_BYTES, name="ke-hoach.pdf"),
            original_name="ke-hoach.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            uploaded_by=user,
        )
    return plan


def file_plan(plan_factory, unit, campaign, user, status=Status.SUBMITTED):
    """A plan of `unit` in `status`, submitted now unless a draft, with no attachment."""
    submitted_at = None if status == Status.DRAFT else timezone.now()
    return plan_factory(
        unit, campaign, user, attach=False, status=status, submitted_at=submitted_at
    )


def make_report(unit, campaign, year, status=Status.DRAFT):
    """An annual report of `unit` for `year`, stored directly with its narrative filled in."""
    return AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        status=status,
        results="Tổ chức 5 buổi tuyên truyền.",
        self_assessment=AnnualReport.Assessment.GOOD,
    )


# --- the reorganisations of 2025 (the `moved` fixture of tests/campaign/conftest.py) ---------
# The day those tests run on: every 2025 decision applied, 2024 and 2025 locked.
MERGED_YEARS_TODAY = datetime.date(2026, 12, 5)


def cutoff(campaign, year):
    return Period.objects.for_year(campaign, year).ends_on


def recount(campaign, year, carrier):
    """The codes of the units expected for `year`, recounted here from every era: those
    standing open at the cut-off, of a kind the campaign addresses, strictly below the place
    `carrier` (the unit that carried the campaign then) had that day."""
    day = cutoff(campaign, year)
    then = [
        state
        for state in UnitState.objects.select_related("unit")
        if state.valid_from <= day and (state.valid_until is None or state.valid_until > day)
    ]
    area = next(state.path for state in then if state.unit.code == carrier)
    return {
        state.unit.code
        for state in then
        if state.is_open
        and state.kind in campaign.addressed_kinds
        and state.path.startswith(area)
        and state.path != area
    }
