"""Who was expected to file for a year is decided on the tree of that year's cut-off, by one
rule (campaign.counting): the lists of late units, the reminders and last year's figures
agree with it, whatever changed since (DESIGN.md, "The tree over time": history does not
move).

The province PV issued the campaign. On 01/03/2025 its grassroots union S1 moved to another
province (KG) and A2 merged into A1; on 01/07/2025 PV merged into the neighbouring province
VL, which already had a grassroots union of its own (V1). The 2024 reports (cut-off
14/12/2024) were expected from PV's units as they stood then; the 2025 ones from the units
of VL, which carries the campaign on."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import counting, plausibility, reminders
from campaign.models import AnnualReport, Campaign, IndicatorValue, Period, Status
from tests.campaign.filings import MERGED_YEARS_TODAY, cutoff, recount
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit

TODAY = MERGED_YEARS_TODAY


@pytest.fixture
def today(in_december_2026):
    return in_december_2026


def fresh(campaign):
    return Campaign.objects.select_related("issuer").get(pk=campaign.pk)


def sent(campaign, year, *codes):
    """Submitted reports of `year` from the units of `codes`, each with a figure."""
    for code in codes:
        report = AnnualReport.objects.create(
            unit=Unit.objects.get(code=code),
            campaign=campaign,
            year=year,
            period=Period.objects.for_year(campaign, year),
            status=Status.SUBMITTED,
            first_submitted_at=timezone.now(),
        )
        IndicatorValue.objects.create(
            report=report, indicator=campaign.indicators.get(code="sessions"), int_value=12
        )


def test_each_year_expects_the_units_of_its_own_tree(moved, campaign):
    campaign = fresh(campaign)
    for year, carrier, expected in [
        # S1 and A2 stood below PV at the 2024 cut-off; V1 was another province's.
        (2024, "PV", {"DA", "DB", "SE", "A1", "A2", "B1", "S1"}),
        # VL carries the campaign on: its own V1 files for 2025; S1 left, A2 merged.
        (2025, "VL", {"DA", "DB", "SE", "A1", "B1", "V1"}),
    ]:
        found = {u.code for u in counting.expected_units(campaign, cutoff(campaign, year))}
        assert found == recount(campaign, year, carrier) == expected, year


def test_a_past_years_late_units_are_those_expected_on_its_tree(moved, campaign, today):
    sent(campaign, 2024, "A1", "DB")
    late = reminders.outstanding_units(fresh(campaign), "report", 2024, today)
    # Recounted: expected then, sent nothing, still open today (a closed unit is not
    # reminded): not V1, which VL's campaign of today reaches but PV's of 2024 never asked.
    assert {unit.code for unit in late} == recount(campaign, 2024, "PV") - {"A1", "DB", "A2"}
    assert {unit.code for unit in late} == {"DA", "SE", "B1", "S1"}


def test_the_late_units_list_of_a_past_year_leaves_out_units_that_came_in_since(
    client, moved, campaign, today
):
    reviewer = UserFactory(username="cspl_vl")
    MembershipFactory(user=reviewer, unit=moved["VL"], role=Membership.Role.REVIEWER)
    client.force_login(reviewer)
    late_units = reverse("campaign:late_units")
    query = {"campaign": campaign.pk, "what": "report"}
    rows = client.get(late_units, {**query, "year": 2024}).context["rows"]
    # Of the units expected then, those VL's reviewer reviews today (S1 is KG's now), open.
    reviewed = {code for code in recount(campaign, 2024, "PV") if moved[code].is_open_on(TODAY)}
    assert {row.code for row in rows} == reviewed - {"S1"} == {"DA", "DB", "SE", "A1", "B1"}
    rows = client.get(late_units, {**query, "year": 2025}).context["rows"]
    assert {row.code for row in rows} == recount(campaign, 2025, "VL")


def test_last_years_missing_units_are_those_the_counting_rule_expected(
    moved, campaign, monkeypatch
):
    sent(campaign, 2024, "A1")
    asked = []
    rule = counting.expected_places

    def spy(campaign, day, *args, **kwargs):
        asked.append(day)
        return rule(campaign, day, *args, **kwargs)

    monkeypatch.setattr(counting, "expected_places", spy)
    report = AnnualReport(
        unit=moved["A1"],
        campaign=fresh(campaign),
        year=2025,
        period=Period.objects.for_year(campaign, 2025),
    )
    last = plausibility.last_year_values(report)
    # A2, merged into A1 in 2025, was expected for 2024 (recounted) and sent nothing.
    assert recount(campaign, 2024, "PV") >= {"A1", "A2"}
    assert last.own and last.values == {"sessions": 12}
    assert last.missing == ["CĐCS A2"] and last.partial
    assert asked == [cutoff(campaign, 2024)]
