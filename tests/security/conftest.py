"""A small world for the security tests: two subtrees, each with a plan, an attachment, an
annual report, an obstacle, an inspection and summary reports, and people with every role.

"Own" objects belong to grassroots A1 or district A, where the officer, reviewer and viewer
hold their roles; "other" objects belong to B1 or district B, where only the outsider does.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from campaign.models import (
    AnnualReport,
    Attachment,
    Inspection,
    Notice,
    Obstacle,
    Plan,
    Theme,
)
from reports.models import SummaryReport
from tests.campaign.filings import make_plan
from tests.campaign.upload_files import PDF_BYTES
from tests.factories import MembershipFactory, UserFactory
from tests.reports.summaries import YEAR, campaign_with_reports, make_summary
from units.models import Membership

Role = Membership.Role


@dataclass
class World:
    users: dict
    campaign: object
    year: int
    own: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)


def _people(tree):
    users = {
        "stranger": UserFactory(username="stranger"),  # signed in, no role anywhere
        # Every role, but in district B's subtree: A's objects are none of their business.
        "outsider": UserFactory(username="outsider"),
        "officer": UserFactory(username="officer"),  # officer of grassroots A1
        "reviewer": UserFactory(username="reviewer"),  # reviewer of district A
        "viewer": UserFactory(username="viewer"),  # viewer of district A
    }
    MembershipFactory(user=users["outsider"], unit=tree["B1"], role=Role.OFFICER)
    MembershipFactory(user=users["outsider"], unit=tree["DB"], role=Role.REVIEWER)
    MembershipFactory(user=users["outsider"], unit=tree["DB"], role=Role.VIEWER)
    MembershipFactory(user=users["officer"], unit=tree["A1"], role=Role.OFFICER)
    MembershipFactory(user=users["reviewer"], unit=tree["DA"], role=Role.REVIEWER)
    MembershipFactory(user=users["viewer"], unit=tree["DA"], role=Role.VIEWER)
    return users


def _issued_summary(unit, campaign, author, number):
    summary = make_summary(unit, campaign, author, number=number)
    summary.status = SummaryReport.Status.ISSUED
    summary.issued_by = author
    summary.issued_at = timezone.now()
    summary.render_state = SummaryReport.RenderState.DONE
    summary.pdf.save("summary.pdf", ContentFile(PDF_BYTES), save=False)
    summary.save()
    return summary


def _side(tree, campaign, grassroots, district, officer, reviewer, number):
    plan = make_plan(tree[grassroots], campaign, officer)
    report = AnnualReport.objects.get(unit=tree[grassroots], campaign=campaign, year=YEAR)
    return {
        "unit": tree[grassroots],
        "district": tree[district],
        "plan": plan,
        "attachment": Attachment.objects.get(plan=plan),
        "report": report,
        # The scan of a paper report, as attached when the report was filed on behalf.
        "report_attachment": Attachment.objects.create(
            report=report,
            file=ContentFile(PDF_BYTES, name="bao-cao-giay.pdf"),
            original_name="bao-cao-giay.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            uploaded_by=officer,
        ),
        "obstacle": Obstacle.objects.create(
            unit=tree[grassroots],
            campaign=campaign,
            subject="Chưa rõ cách ghi số liệu",
            text="Đề nghị hướng dẫn cách ghi.",
            raised_by=officer,
        ),
        "inspection": Inspection.objects.create(
            unit=tree[grassroots],
            campaign=campaign,
            visited_on=datetime.date(YEAR, 10, 2),
            kind=Inspection.Kind.INSPECTION,
            members="Ban CSPL",
            findings="Đã triển khai kế hoạch.",
            recorded_by=reviewer,
        ),
        "summary": _issued_summary(tree[district], campaign, reviewer, f"{number}/BC-LĐLĐ"),
        "draft": make_summary(tree[district], campaign, reviewer, number=""),
        # The officer's notice (the outsider's on the other side): its recipient's alone.
        "notice": Notice.objects.create(
            recipient=officer,
            key=f"step-{number}",
            kind=Notice.Kind.ACCEPTED,
            unit=tree[grassroots],
            url=plan.get_absolute_url(),
            params={"what": "plan", "unit": str(tree[grassroots])},
        ),
    }


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    campaign = campaign_with_reports(tree)  # A1's report is accepted, B1's returned
    Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    users = _people(tree)
    world = World(users=users, campaign=campaign, year=YEAR)
    world.own = _side(tree, campaign, "A1", "DA", users["officer"], users["reviewer"], 31)
    world.other = _side(tree, campaign, "B1", "DB", users["outsider"], users["outsider"], 32)
    assert Plan.objects.count() == 2
    return world
