"""Fixtures for campaigns and plans, on top of the tree and cast of tests/conftest.py."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from campaign.demo import SCAN
from campaign.models import (
    Activity,
    AnnualReport,
    Attachment,
    Indicator,
    Notification,
    Period,
    Plan,
    Reminder,
    Status,
    Theme,
)
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from units.models import Membership

# The smallest files of each accepted type, as their real magic bytes.
# A valid one-page PDF, as an uploaded scan must be (campaign.file_checks parses it).
PDF_BYTES = SCAN


@pytest.fixture
def campaign(tree):
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


@pytest.fixture
def other_campaign(tree):
    """A second, bare campaign of the province, begun a year later (2016)."""
    return CampaignFactory(
        issuer=tree["PV"],
        slug="other",
        number="7/KH-LĐLĐ",
        title="Chiến dịch thứ hai",
        issued_on=datetime.date(2016, 3, 1),
        directive="Kế hoạch số 2/KH-UBND",
        first_year=2016,
        plan_due_on=datetime.date(2016, 4, 30),
    )


def plan_data(**overrides):
    """What the new plan page posts: a header and one activity; a None override leaves
    the field out."""
    data = {
        "doc_number": "05/KH-CĐCS",
        "doc_date": "01/07/2015",
        "signer": "Chủ tịch Công đoàn cơ sở",
        "summary": "Tuyên truyền cải cách hành chính đến đoàn viên.",
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
        "activities-0-method": Activity.Method.SEMINAR,
        "activities-0-audience": "Đoàn viên khối văn phòng",
        "activities-0-planned_quarter": "3",
        "activities-0-expected_participants": "40",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


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


@pytest.fixture
def plan_factory():
    return make_plan


@pytest.fixture
def plan_a1(tree, cast, campaign):
    """A draft plan of grassroots A1 (officer_a1's unit, under district A)."""
    return make_plan(tree["A1"], campaign, cast["officer_a1"])


@pytest.fixture
def plan_b1(tree, cast, campaign):
    """A draft plan of grassroots B1, in another district's subtree."""
    return make_plan(tree["B1"], campaign, cast["officer_b1"])


def file_plan(plan_factory, unit, campaign, user, status=Status.SUBMITTED):
    """A plan of `unit` in `status`, submitted now unless a draft, with no attachment."""
    submitted_at = None if status == Status.DRAFT else timezone.now()
    return plan_factory(
        unit, campaign, user, attach=False, status=status, submitted_at=submitted_at
    )


@pytest.fixture
def submitted(tree, cast, campaign, plan_factory):
    """Submitted plans of A1, A2 and B1, by officer_a1, for the bulk review tests."""
    officer = cast["officer_a1"]
    return {
        code: file_plan(plan_factory, tree[code], campaign, officer) for code in ("A1", "A2", "B1")
    }


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


@pytest.fixture
def report_factory():
    return make_report


@pytest.fixture
def second_officer_a1(tree, cast):
    """A second officer of grassroots A1: two people filing for the same unit. (The district's
    officer files only for units below with no officer of their own, so not for A1.)"""
    officer = UserFactory(username="officer_a1_second")
    MembershipFactory(user=officer, unit=tree["A1"], role=Membership.Role.OFFICER)
    return officer


@pytest.fixture
def people(cast, tree, second_officer_a1):
    """The cast plus a reviewer of district B, whose subtree holds neither A1 nor A2, and a
    second officer of A1."""
    reviewer_b = UserFactory(username="reviewer_b")
    MembershipFactory(user=reviewer_b, unit=tree["DB"], role=Membership.Role.REVIEWER)
    return {**cast, "reviewer_b": reviewer_b, "second_officer_a1": second_officer_a1}


@pytest.fixture
def clock(monkeypatch):
    """Freeze the time the workflow, the models and the sessions read at 01/12/2024, 09:00 in
    Viet Nam, before 2024's reports are due; `clock.moment = …` moves it (log in again after
    a move of more than a working day)."""

    class Clock:
        moment = datetime.datetime(2024, 12, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

        def __call__(self):
            return self.moment.astimezone(datetime.UTC)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def officer_without_e_mail(tree):
    """A second officer of grassroots A1, with no e-mail address."""
    user = UserFactory(username="officer_a1_no_mail", email="")
    MembershipFactory(user=user, unit=tree["A1"], role=Membership.Role.OFFICER)
    return user


def units_mailed() -> dict[str, list[str]]:
    """{username: the codes of the units their reminder e-mails link to, as often as linked}:
    how many times each person was e-mailed about each unit, read from the outbox by the
    link every reminder gives to where its unit files (one line ends with it), whether the
    e-mail names one unit or lists several."""
    links = {}
    for reminder in Reminder.objects.select_related("unit"):
        if reminder.what == "plan":
            path = reverse("campaign:plan_start", args=[reminder.campaign_id, reminder.unit_id])
        else:
            args = [reminder.campaign_id, reminder.unit_id, reminder.year]
            path = reverse("campaign:report_start", args=args)
        links[path] = reminder.unit.code
    mailed = {}
    for notification in Notification.objects.select_related("recipient"):
        lines = notification.body.splitlines()
        codes = [code for path, code in links.items() for line in lines if line.endswith(path)]
        mailed.setdefault(notification.recipient.username, []).extend(codes)
    return {name: sorted(codes) for name, codes in mailed.items()}


@pytest.fixture
def slow_outbox_writes(monkeypatch):
    """Each write to the outbox takes 0.2 s: a thread holding its locks while it writes its
    e-mails keeps them long enough for a racing thread to reach the same rows and wait."""
    write = Notification.objects.bulk_create

    def slow_write(*args, **kwargs):
        time.sleep(0.2)
        return write(*args, **kwargs)

    monkeypatch.setattr(Notification.objects, "bulk_create", slow_write)
