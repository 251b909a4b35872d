"""Migration 0008 turns existing reports into their units' own figures: an upper unit's
figure that held the accepted figures of the units directly below loses them, once, with the
change kept in history; a figure that cannot hold them is kept; the seed campaign gets its
computed figure, help texts and plausibility rules."""

import datetime
import functools

import pytest
from django.db.migrations.loader import MigrationLoader

from campaign.models import (
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Period,
    PlausibilityRule,
    Status,
)
from reports.rollup import rollup

# Migrating inside the test's transaction needs PostgreSQL's transactional DDL.
pytestmark = pytest.mark.postgres

BEFORE = [("campaign", "0007_plausibility")]
AFTER = [("campaign", "0008_own_figures")]
S = Status


@pytest.fixture
def seed_campaign(tree):
    campaign = Campaign.objects.create(
        slug="cchc-2015",
        number="…/KH-LĐLĐ",
        title="Tổ chức tuyên truyền CCHC",
        issuer=tree["PV"],
        issued_on=datetime.date(2015, 6, 15),
        directive="Kế hoạch số 2.579/KH-UBND",
        first_year=2015,
        plan_due_on=datetime.date(2015, 7, 31),
    )
    for order, code in enumerate(("sessions", "participants", "grassroots_plans", "initiatives")):
        Indicator.objects.create(campaign=campaign, code=code, name=code, order=order)
    Period.objects.for_year(campaign, 2016)  # made now: the old models have no for_year
    return campaign


@functools.cache
def old_apps():
    """The models of BEFORE, rendered once for every report the test writes."""
    return MigrationLoader(None, ignore_no_migrations=True).project_state(BEFORE).apps


def filed(unit, campaign, status, **figures):
    """A report written as the database stood BEFORE: through the models of that state, so
    that columns added by later migrations are not asked for."""
    old = old_apps()
    report = old.get_model("campaign", "AnnualReport").objects.create(
        unit_id=unit.pk,
        campaign_id=campaign.pk,
        year=2016,
        period_id=old.get_model("campaign", "Period")
        .objects.get(campaign_id=campaign.pk, year=2016)
        .pk,
        status=status,
        results="Kết quả",
        self_assessment="good",
    )
    indicators = dict(
        old.get_model("campaign", "Indicator")
        .objects.filter(campaign_id=campaign.pk)
        .values_list("code", "pk")
    )
    for code, value in figures.items():
        old.get_model("campaign", "IndicatorValue").objects.create(
            report_id=report.pk, indicator_id=indicators[code], int_value=value
        )
    return AnnualReport(pk=report.pk)


def figures(report):
    return dict(
        IndicatorValue.objects.filter(report=report).values_list("indicator__code", "int_value")
    )


def test_an_upper_units_copied_totals_become_its_own_figures_once(migrate, tree, seed_campaign):
    migrate(BEFORE)
    campaign = seed_campaign
    # District A copied its grassroots unions' accepted totals and added its own 7 sessions.
    a1 = filed(tree["A1"], campaign, S.ACCEPTED, sessions=24, participants=700)
    a2 = filed(tree["A2"], campaign, S.ACCEPTED, sessions=21, participants=500)
    district_a = filed(
        tree["DA"], campaign, S.ACCEPTED, sessions=52, participants=1290, grassroots_plans=2
    )
    # District B typed only its own figure, smaller than what B1 reported: kept.
    filed(tree["B1"], campaign, S.ACCEPTED, sessions=10, participants=100)
    district_b = filed(tree["DB"], campaign, S.SUBMITTED, sessions=3, participants=40)
    # The sector union's grassroots report is not accepted: nothing was copied from it.
    filed(tree["S1"], campaign, S.SUBMITTED, sessions=9, participants=90)
    sector = filed(tree["SE"], campaign, S.ACCEPTED, sessions=30, participants=300)

    migrate(AFTER)
    # Back and forth again: nothing is taken off twice, and no second set of rules is added.
    migrate(BEFORE)
    migrate(AFTER)
    migrate(migrate.latest())  # today's models and tables, which the rollup below reads

    assert figures(district_a) == {"sessions": 7, "participants": 90, "grassroots_plans": 2}
    assert figures(district_b) == {"sessions": 3, "participants": 40}
    assert figures(sector) == {"sessions": 30, "participants": 300}
    assert figures(a1) == {"sessions": 24, "participants": 700}
    assert figures(a2) == {"sessions": 21, "participants": 500}
    history = IndicatorValue.history.filter(report_id=district_a.pk, history_type="~")
    assert {(h.indicator.code, h.int_value) for h in history} == {
        ("sessions", 7),
        ("participants", 90),
    }
    assert {h.history_change_reason for h in history} == {
        "Own figures: the units below are added up by the portal"
    }
    # The province's total now counts every sent figure once: 24 + 21 + 7 + 10 + 30.
    total = rollup(campaign, 2016, tree["PV"]).headline.totals
    assert total["sessions"] == 24 + 21 + 7 + 10 + 30

    counted = Indicator.objects.get(campaign=campaign, code="grassroots_plans")
    assert (counted.source, counted.counted_kind) == ("plans", "grassroots")
    assert counted.is_computed(campaign.addressed_kinds)
    assert Indicator.objects.get(campaign=campaign, code="sessions").help_text
    assert sorted(campaign.plausibility_rules.values_list("kind", flat=True)) == [
        "at_least",
        "jump",
        "maximum",
        "maximum",
        "maximum",
    ]
    assert PlausibilityRule.objects.filter(campaign=campaign).count() == 5
