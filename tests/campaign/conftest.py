"""Fixtures for campaigns and plans, on top of the tree and cast of tests/conftest.py; the
builders they call are in tests/campaign/filings.py."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest

from campaign.models import Notification
from tests.campaign import annual, reminder_data
from tests.campaign.filings import (
    MERGED_YEARS_TODAY,
    file_plan,
    make_plan,
    make_report,
    province_campaign,
)
from tests.campaign.obstacle_data import answered, raise_obstacle
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from units.models import Membership, Unit
from units.reorganisations import reorganisation_apply


@pytest.fixture
def campaign(tree):
    """The province's campaign with two content items (the second with sub-items numbered
    2.1, 2.10, 2.2) and one whole-number indicator."""
    return province_campaign(tree)


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


@pytest.fixture
def submitted(tree, cast, campaign, plan_factory):
    """Submitted plans of A1, A2 and B1, by officer_a1, for the bulk review tests."""
    officer = cast["officer_a1"]
    return {
        code: file_plan(plan_factory, tree[code], campaign, officer) for code in ("A1", "A2", "B1")
    }


@pytest.fixture
def report_factory():
    return make_report


@pytest.fixture
def report_a1(tree, cast, campaign):
    """A complete draft report of grassroots A1 (officer_a1's unit, under district A), of a
    campaign with the three indicators of `annual.annual_campaign`: the annual report tests'
    (test_annual_report_*.py), whose module's `campaign` is that one."""
    return annual.make_report(tree["A1"], campaign, figures=annual.COMPLETE)


@pytest.fixture
def obstacle_a1(tree, people, campaign):
    """An open obstacle of grassroots A1, raised by officer_a1."""
    return raise_obstacle(tree["A1"], campaign, people["officer_a1"])


@pytest.fixture
def due_on_4_december(tree, people, campaign):
    """Obstacles raised Friday 20/11/2026, whose open ones are due 04/12/2026: one open (A1),
    one answered (A2); and one open raised a week later (B1)."""
    raised = annual.local(2026, 11, 20, 10)
    return {
        "open": raise_obstacle(
            tree["A1"], campaign, people["officer_a1"], subject="Còn mở", raised_at=raised
        ),
        "answered": answered(
            raise_obstacle(
                tree["A2"], campaign, people["officer_a"], subject="Đã trả lời", raised_at=raised
            ),
            people["cspl"],
        ),
        "later": raise_obstacle(
            tree["B1"],
            campaign,
            people["officer_b1"],
            subject="Còn hạn",
            raised_at=annual.local(2026, 11, 27, 10),
        ),
    }


@pytest.fixture
def officers(tree, cast):
    """The officers who get reminders, by name: a second one at A1 (reminder_data.py)."""
    bis = UserFactory(username="officer_a1_bis")
    MembershipFactory(user=bis, unit=tree["A1"], role=Membership.Role.OFFICER)
    return {
        "officer_a": cast["officer_a"],
        "officer_a1": cast["officer_a1"],
        "officer_a1_bis": bis,
        "officer_b1": cast["officer_b1"],
    }


@pytest.fixture
def everyone(tree, cast):
    """An officer with an e-mail address at each unit the cast has none at."""
    for code in reminder_data.ALL_UNITS - reminder_data.OWN_OFFICERS:
        user = UserFactory(username=f"officer_{code.lower()}")
        MembershipFactory(user=user, unit=tree[code], role=Membership.Role.OFFICER)


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
def clock(freeze):
    """Freeze the time the workflow, the models and the sessions read at 01/12/2024, 09:00 in
    Viet Nam, before 2024's reports are due; `clock.moment = …` moves it (log in again after
    a move of more than a working day). The `freeze` of tests/conftest.py."""
    freeze(datetime.datetime(2024, 12, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    return freeze


@pytest.fixture
def officer_without_e_mail(tree):
    """A second officer of grassroots A1, with no e-mail address."""
    user = UserFactory(username="officer_a1_no_mail", email="")
    MembershipFactory(user=user, unit=tree["A1"], role=Membership.Role.OFFICER)
    return user


@pytest.fixture
def slow_outbox_writes(monkeypatch):
    """Each write to the outbox takes 0.2 s: a thread holding its locks while it writes its
    e-mails keeps them long enough for a racing thread to reach the same rows and wait."""
    write = Notification.objects.bulk_create

    def slow_write(*args, **kwargs):
        time.sleep(0.2)
        return write(*args, **kwargs)

    monkeypatch.setattr(Notification.objects, "bulk_create", slow_write)


@pytest.fixture
def in_december_2026(freeze):
    """Today is 05/12/2026 (`MERGED_YEARS_TODAY`), 09:00 in Viet Nam, for the portal's every
    read of the time."""
    freeze.on(MERGED_YEARS_TODAY)
    return MERGED_YEARS_TODAY


@pytest.fixture
def moved(tree, campaign, reorganise, admin_user, in_december_2026):
    """The units by code, once the two decisions of 2025 are applied: on 01/03/2025 the
    province's grassroots union S1 moved to another province (KG) and A2 merged into A1; on
    01/07/2025 the province PV, the campaign's issuer, merged into the neighbouring VL, which
    already had a grassroots union of its own (V1)."""
    grassroots = Unit.Kind.GRASSROOTS
    vinh_long = Unit.objects.add_root(
        create_kwargs={"code": "VL", "name": "LĐLĐ tỉnh Vĩnh Long", "kind": Unit.Kind.PROVINCE}
    )
    Unit.objects.add_child(vinh_long, {"code": "V1", "name": "CĐCS V1", "kind": grassroots})
    Unit.objects.add_root(
        create_kwargs={"code": "KG", "name": "LĐLĐ tỉnh Kiên Giang", "kind": Unit.Kind.PROVINCE}
    )
    march = reorganise(
        datetime.date(2025, 3, 1),
        {"action": "move", "unit_code": "S1", "target_code": "KG"},
        {"action": "merge", "unit_code": "A2", "target_code": "A1"},
        number="12/QĐ-LĐLĐ",
    )
    reorganisation_apply(reorganisation=march, user=admin_user)
    july = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "merge", "unit_code": "PV", "target_code": "VL", "move_children": True},
        number="34/QĐ-TLĐ",
    )
    reorganisation_apply(reorganisation=july, user=admin_user)
    return {unit.code: unit for unit in Unit.objects.all()}
