"""A plan a merger moves to the successor carries on there from the merger's day, and no
earlier: a year counted on a tree before that day counts it with the unit that filed it,
and its printed letterhead is that unit's (History does not move, README.md). The figures
are counted by hand from the fixture tree (tests/conftest.py)."""

import datetime

import pytest

from campaign.models import Plan, Status, Theme
from campaign.printable import plan_document
from reports.rollup import rollup
from tests.campaign.filings import make_plan
from tests.factories import CampaignFactory
from units.models import Unit
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.usefixtures("fresh_version", "fresh_cache")

D = datetime.date
MERGER = D(2025, 3, 1)


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(
        issuer=tree["PV"],
        slug="moved-plans",
        number="1/KH-LĐLĐ",
        title="Kế hoạch tuyên truyền CCHC",
        issued_on=D(2024, 1, 10),
        first_year=2024,
        plan_due_on=D(2024, 3, 31),
        addressed_kinds=["district", "sector", "grassroots"],
    )
    Theme.objects.create(campaign=campaign, number="1", title="Nội dung một")
    return campaign


@pytest.fixture
def a1_plan(tree, cast, campaign):
    """A1's plan, dated and first sent in April 2024, not reviewed yet: open work."""
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], doc_date=D(2024, 4, 1))
    sent = datetime.datetime(2024, 4, 1, 9, tzinfo=datetime.UTC)
    Plan.objects.filter(pk=plan.pk).update(
        status=Status.SUBMITTED, submitted_at=sent, first_submitted_at=sent
    )
    return plan


def filed(campaign, year, code):
    return rollup(campaign, year, Unit.objects.get(code=code)).headline.plans_filed


def covering(campaign, year, code):
    """The accepted plans covering content item 1 in `code`'s area in `year`."""
    (theme,) = rollup(campaign, year, Unit.objects.get(code=code)).themes
    return theme.plans


def merge_a1(reorganise, admin_user, into="B1", *create):
    act = reorganise(MERGER, *create, {"action": "merge", "unit_code": "A1", "target_code": into})
    reorganisation_apply(reorganisation=act, user=admin_user)


def test_a_year_before_the_merger_counts_the_plan_with_the_unit_that_filed_it(
    tree, campaign, a1_plan, reorganise, admin_user
):
    # 2024 (cut-off 14/12/2024): A1 under DA had filed; nobody under DB had.
    assert (filed(campaign, 2024, "DA"), filed(campaign, 2024, "DB")) == (1, 0)
    merge_a1(reorganise, admin_user)
    plan = Plan.objects.get(pk=a1_plan.pk)
    assert (plan.unit.code, plan.moved_from.code, plan.moved_on) == ("B1", "A1", MERGER)
    # 2024 as it was; from 2025 the plan is B1's, under DB (A1 has closed).
    assert (filed(campaign, 2024, "DA"), filed(campaign, 2024, "DB")) == (1, 0)
    assert (filed(campaign, 2025, "DA"), filed(campaign, 2025, "DB")) == (0, 1)
    assert filed(campaign, 2024, "PV") == filed(campaign, 2025, "PV") == 1

    # Accepted since, by B1's reviewers: the content it covers counts where it stood too.
    Plan.objects.filter(pk=plan.pk).update(status=Status.ACCEPTED)
    assert (covering(campaign, 2024, "DA"), covering(campaign, 2024, "DB")) == (1, 0)
    assert (covering(campaign, 2025, "DA"), covering(campaign, 2025, "DB")) == (0, 1)


def test_the_moved_plan_prints_the_letterhead_of_the_unit_that_wrote_it(
    tree, campaign, a1_plan, reorganise, admin_user
):
    # The successor is made by the same decision: it did not exist on the plan's date.
    create = {
        "action": "create",
        "code": "B9",
        "name": "CĐCS Mới B9",
        "kind": "grassroots",
        "target_code": "DB",
    }
    merge_a1(reorganise, admin_user, "B9", create)
    plan = Plan.objects.get(pk=a1_plan.pk)
    assert plan.unit.code == "B9"
    document = plan_document(plan)
    assert "CĐCS A1".upper() in document and "MỚI B9" not in document


SECOND = D(2026, 2, 1)


def test_a_second_merger_keeps_where_the_plan_stood_before_the_first(
    tree, campaign, a1_plan, reorganise, admin_user
):
    # A1 → B1 (01/03/2025), then B1 → S1 (01/02/2026). Only the last move was kept: 2024
    # counted the plan under DB and its letterhead became B1's.
    merge_a1(reorganise, admin_user)
    act = reorganise(
        SECOND, {"action": "merge", "unit_code": "B1", "target_code": "S1"}, number="2/QĐ"
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    plan = Plan.objects.get(pk=a1_plan.pk)
    assert [(m.from_unit.code, m.to_unit.code, m.on) for m in plan.moves.order_by("on")] == [
        ("A1", "B1", MERGER),
        ("B1", "S1", SECOND),
    ]
    # Recounted by hand: 2024 (cut-off 14/12/2024) A1 under DA; 2025 (cut-off 14/12/2025)
    # B1 under DB; 2026 S1 under SE.
    assert [filed(campaign, 2024, code) for code in ("DA", "DB", "SE")] == [1, 0, 0]
    assert [filed(campaign, 2025, code) for code in ("DA", "DB", "SE")] == [0, 1, 0]
    assert [filed(campaign, 2026, code) for code in ("DA", "DB", "SE")] == [0, 0, 1]
    assert filed(campaign, 2024, "PV") == filed(campaign, 2025, "PV") == 1
    Plan.objects.filter(pk=plan.pk).update(status=Status.ACCEPTED)
    assert [covering(campaign, 2024, code) for code in ("DA", "DB", "SE")] == [1, 0, 0]
    assert [covering(campaign, 2025, code) for code in ("DA", "DB", "SE")] == [0, 1, 0]
    # The letterhead of its date (01/04/2024) is A1's, whatever came after.
    assert plan.unit_on(D(2024, 4, 1)).code == "A1"
    assert plan.unit_on(D(2025, 6, 1)).code == "B1"
    assert plan.unit_on(SECOND).code == "S1"
    assert "CĐCS A1".upper() in plan_document(plan)
