"""A merged unit's reports count under its successor (DESIGN.md, "The tree over time"): the
year after a merger, the successor's figures are compared with the sum of what it and the
units merged into it sent the year before, said so wherever last year's figures are shown;
a base missing a unit expected then raises no "jump" flag; a unit split among several
successors has figures that cannot be divided, and gives none of them a comparison.

Today is 01/12/2024: 2024's reports are being filed (figures 15/12/2023–14/12/2024), and the
reorganisations below took effect in 2024, after 2023's cut-off."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign import plausibility
from campaign.models import (
    AnnualReport,
    Indicator,
    IndicatorValue,
    Period,
    PlausibilityRule,
    Status,
)
from tests.factories import CampaignFactory
from units.models import Unit
from units.reorganisations import reorganisation_apply

S = Status
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024
CODES = ("sessions", "participants")


# Today is 01/12/2024, 09:00 in Viet Nam (tests/campaign/conftest.py).
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(issuer=tree["PV"], first_year=2020)
    for order, code in enumerate(CODES):
        Indicator.objects.create(campaign=campaign, code=code, name=code.title(), order=order)
    PlausibilityRule.objects.create(
        campaign=campaign, kind=PlausibilityRule.Kind.JUMP, factor=5, floor=20
    )
    return campaign


@pytest.fixture
def apply(reorganise, admin_user):
    """apply(day, operation, ...): a reorganisation of those operations, applied."""

    def run(day, *operations):
        act = reorganise(day, *operations, number=f"{day:%d%m}/QĐ-LĐLĐ")
        reorganisation_apply(reorganisation=act, user=admin_user)

    return run


def merge(unit, successor):
    return {"action": "merge", "unit_code": unit, "target_code": successor}


def report(unit, campaign, year=YEAR, status=S.ACCEPTED, **figures):
    stored = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Đã tuyên truyền.",
        self_assessment="good",
        status=status,
        first_submitted_at=None if status == S.DRAFT else timezone.now(),
    )
    for code, value in figures.items():
        IndicatorValue.objects.create(
            report=stored, indicator=campaign.indicators.get(code=code), int_value=value
        )
    return stored


def recount(units, campaign):
    """The figures of `units`' sent reports of last year, added up here, apart from the
    code under test: by indicator code, None where nobody gave the figure."""
    sums = {}
    for stored in AnnualReport.objects.filter(
        unit__in=units, campaign=campaign, year=YEAR - 1, status__in=plausibility.SENT
    ):
        for value in stored.values.select_related("indicator"):
            code = value.indicator.code
            if value.int_value is None:
                sums.setdefault(code, None)
            else:
                sums[code] = (sums.get(code) or 0) + value.int_value
    return sums


def this_year(unit, campaign):
    return AnnualReport(
        unit=Unit.objects.get(pk=unit.pk),
        campaign=campaign,
        year=YEAR,
        period=Period.objects.for_year(campaign, YEAR),
    )


def jump_flags(unit, campaign, sessions):
    draft = this_year(unit, campaign)
    last = plausibility.last_year_values(draft)
    found = plausibility.flags_for(draft, {"sessions": sessions, "participants": None}, last)
    return [flag for flag in found if flag["rule"] == PlausibilityRule.Kind.JUMP]


# --- the figures -------------------------------------------------------------------------------
def test_a_successor_is_compared_with_its_own_and_its_predecessors_sent_figures(
    tree, campaign, apply
):
    report(tree["A1"], campaign, YEAR - 1, sessions=40, participants=900)
    report(tree["A2"], campaign, YEAR - 1, S.SUBMITTED, sessions=30, participants=None)
    report(tree["B1"], campaign, YEAR - 1, S.RETURNED, sessions=55, participants=1200)
    report(tree["S1"], campaign, YEAR - 1, sessions=9999)  # not merged: never counted
    apply(datetime.date(YEAR, 6, 1), merge("A2", "A1"), merge("B1", "A1"))

    last = plausibility.last_year_values(this_year(tree["A1"], campaign))
    assert last.values == recount([tree["A1"], tree["A2"], tree["B1"]], campaign)
    assert last.values == {"sessions": 125, "participants": 2100}
    assert last.own and last.merged == ["CĐCS A2", "CĐCS B1"]
    assert not last.partial
    assert last.notes(YEAR - 1) == [
        "Năm 2023: số liệu cộng gộp, gồm số liệu của đơn vị và của: CĐCS A2, CĐCS B1 (đã sáp "
        "nhập vào đơn vị)."
    ]
    # Against the combined base: 600 is not five times 125; against A1's own 40 it was.
    assert jump_flags(tree["A1"], campaign, 600) == []
    assert [flag["last"] for flag in jump_flags(tree["A1"], campaign, 700)] == [125]


def test_a_new_unit_made_of_merged_ones_is_compared_with_their_figures(tree, campaign, apply):
    report(tree["A1"], campaign, YEAR - 1, sessions=40, participants=900)
    report(tree["A2"], campaign, YEAR - 1, sessions=25, participants=300)
    apply(
        datetime.date(YEAR, 6, 1),
        {
            "action": "create",
            "code": "AN",
            "name": "CĐCS AN",
            "kind": "grassroots",
            "target_code": "DA",
        },
        merge("A1", "AN"),
        merge("A2", "AN"),
    )
    new = Unit.objects.get(code="AN")
    last = plausibility.last_year_values(this_year(new, campaign))
    assert (
        last.values
        == recount([tree["A1"], tree["A2"]], campaign)
        == {
            "sessions": 65,
            "participants": 1200,
        }
    )
    assert not last.own
    assert last.notes(YEAR - 1) == [
        "Năm 2023: số liệu cộng gộp, gồm số liệu của: CĐCS A1, CĐCS A2 (đã sáp nhập vào đơn vị)."
    ]


def test_a_chain_of_mergers_counts_every_unit_along_it(tree, campaign, apply):
    # A2 merges into B1 in March; B1 (with A2's work) into A1 in June.
    report(tree["A1"], campaign, YEAR - 1, sessions=40, participants=400)
    report(tree["A2"], campaign, YEAR - 1, sessions=12, participants=100)
    report(tree["B1"], campaign, YEAR - 1, sessions=21, participants=250)
    apply(datetime.date(YEAR, 3, 1), merge("A2", "B1"))
    apply(datetime.date(YEAR, 6, 1), merge("B1", "A1"))

    last = plausibility.last_year_values(this_year(tree["A1"], campaign))
    assert last.values == recount([tree["A1"], tree["A2"], tree["B1"]], campaign)
    assert last.merged == ["CĐCS A2", "CĐCS B1"]


def test_a_merger_of_an_earlier_year_adds_nothing(tree, campaign, apply, clock):
    report(tree["A1"], campaign, YEAR - 2, sessions=40)
    report(tree["A2"], campaign, YEAR - 2, sessions=30)
    report(tree["A1"], campaign, YEAR - 1, sessions=70)
    clock.moment = datetime.datetime(YEAR - 1, 6, 1, 9, tzinfo=LOCAL)
    apply(datetime.date(YEAR - 1, 3, 1), merge("A2", "A1"))
    # 2023's report was compared with A1 and A2's 2022; 2024's with A1's own 2023.
    last_2023 = plausibility.last_year_values(
        AnnualReport(
            unit=tree["A1"],
            campaign=campaign,
            year=YEAR - 1,
            period=Period.objects.for_year(campaign, YEAR - 1),
        )
    )
    assert last_2023.values == {"sessions": 70} and last_2023.merged == ["CĐCS A2"]
    last = plausibility.last_year_values(this_year(tree["A1"], campaign))
    assert last.values == {"sessions": 70} and last.merged == [] and last.notes(YEAR - 1) == []


# --- a partial base ----------------------------------------------------------------------------
def test_a_predecessor_expected_that_sent_nothing_is_named_and_no_jump_is_flagged(
    tree, campaign, apply
):
    report(tree["A1"], campaign, YEAR - 1, sessions=40, participants=900)
    report(tree["A2"], campaign, YEAR - 1, sessions=30, participants=600)
    report(tree["B1"], campaign, YEAR - 1, S.DRAFT, sessions=500)  # a draft is not a figure
    apply(datetime.date(YEAR, 6, 1), merge("A2", "A1"), merge("B1", "A1"))

    last = plausibility.last_year_values(this_year(tree["A1"], campaign))
    assert last.values == recount([tree["A1"], tree["A2"]], campaign)
    assert last.merged == ["CĐCS A2"] and last.missing == ["CĐCS B1"] and last.partial
    assert last.notes(YEAR - 1) == [
        "Năm 2023: số liệu cộng gộp, gồm số liệu của đơn vị và của: CĐCS A2 (đã sáp nhập vào "
        "đơn vị).",
        "Chưa gồm: CĐCS B1 không gửi báo cáo năm 2023.",
        "Số liệu năm 2023 chưa đầy đủ: không cảnh báo tăng, giảm bất thường so với số liệu này.",
    ]
    # 1000 sessions is more than five times 70: on a base without B1, not flagged.
    assert jump_flags(tree["A1"], campaign, 1000) == []


def test_the_successor_itself_expected_and_silent_leaves_the_base_partial(tree, campaign, apply):
    report(tree["A2"], campaign, YEAR - 1, sessions=30)
    apply(datetime.date(YEAR, 6, 1), merge("A2", "A1"))
    last = plausibility.last_year_values(this_year(tree["A1"], campaign))
    assert last.values == {"sessions": 30} and not last.own
    assert last.missing == ["CĐCS A1"]
    assert jump_flags(tree["A1"], campaign, 1000) == []


# --- a split ------------------------------------------------------------------------------------
def test_a_unit_split_among_successors_gives_none_of_them_a_comparison(tree, campaign, apply):
    report(tree["DA"], campaign, YEAR - 1, sessions=80, participants=2000)
    apply(
        datetime.date(YEAR, 6, 1),
        *(
            {"action": "create", "code": code, "name": name, "kind": "commune", "target_code": "PV"}
            for code, name in [("CX", "Công đoàn xã X"), ("CY", "Công đoàn xã Y")]
        ),
        {"action": "split", "unit_code": "DA", "target_code": "CX", "children_codes": "A1"},
        {"action": "split", "unit_code": "DA", "target_code": "CY", "children_codes": "A2"},
    )
    for code in ("CX", "CY"):
        last = plausibility.last_year_values(this_year(Unit.objects.get(code=code), campaign))
        assert last.values == {} and last.split == ["LĐLĐ huyện A"]
        assert last.notes(YEAR - 1) == [
            "Không gồm: LĐLĐ huyện A (đã chia tách cho nhiều đơn vị): số liệu năm 2023 của đơn "
            "vị đó không chia được cho các đơn vị kế thừa."
        ]
    assert jump_flags(Unit.objects.get(code="CX"), campaign, 1000) == []


# --- unchanged without a merger ----------------------------------------------------------------
def test_a_unit_without_predecessors_is_compared_with_its_own_report_as_before(
    tree, campaign, apply
):
    report(tree["S1"], campaign, YEAR - 1, sessions=30, participants=500)
    report(tree["A2"], campaign, YEAR - 1, sessions=40)
    apply(datetime.date(YEAR, 6, 1), merge("A2", "A1"))
    last = plausibility.last_year_values(this_year(tree["S1"], campaign))
    assert last.values == recount([tree["S1"]], campaign)
    assert last.merged == last.missing == last.split == [] and last.notes(YEAR - 1) == []
    assert [flag["last"] for flag in jump_flags(tree["S1"], campaign, 151)] == [30]


# --- the cost -----------------------------------------------------------------------------------
def test_many_units_are_read_in_fixed_queries_whatever_their_mergers(
    tree, campaign, apply, django_assert_num_queries
):
    for code, sessions in [("A1", 40), ("A2", 30), ("B1", 20), ("S1", 10)]:
        report(tree[code], campaign, YEAR - 1, sessions=sessions)
    period = Period.objects.for_year(campaign, YEAR)
    units = [tree[code].pk for code in ("A1", "B1", "SE")]
    # The units merged or split in the period, the figures.
    with django_assert_num_queries(2):
        plausibility.last_year_values_by_unit(campaign, YEAR, units, period)
    apply(datetime.date(YEAR, 6, 1), merge("A2", "A1"), merge("S1", "B1"))
    campaign.refresh_from_db()
    # The same, and who of the units merged was expected to file the year before.
    with django_assert_num_queries(3):
        found = plausibility.last_year_values_by_unit(campaign, YEAR, units, period)
    assert {pk: last.values for pk, last in found.items()} == {
        tree["A1"].pk: recount([tree["A1"], tree["A2"]], campaign),
        tree["B1"].pk: recount([tree["B1"], tree["S1"]], campaign),
    }


# --- the pages ----------------------------------------------------------------------------------
def test_the_report_page_and_form_say_the_figures_are_combined(client, tree, cast, campaign, apply):
    report(tree["A1"], campaign, YEAR - 1, sessions=40)
    report(tree["A2"], campaign, YEAR - 1, sessions=1210)
    report(tree["B1"], campaign, YEAR - 1, S.DRAFT, sessions=7)
    apply(datetime.date(YEAR, 6, 1), merge("A2", "A1"), merge("B1", "A1"))
    sent = report(tree["A1"], campaign, YEAR, S.SUBMITTED, sessions=60)

    client.force_login(cast["cspl"])
    page = client.get(reverse("campaign:report_detail", args=[sent.pk])).content.decode()
    assert '<a href="#last-year-notes"' in page
    assert ">1.250<" in page  # 40 + 1.210, beside this year's 60
    assert "Năm 2023: số liệu cộng gộp, gồm số liệu của đơn vị và của: CĐCS A2" in page
    assert "Chưa gồm: CĐCS B1 không gửi báo cáo năm 2023." in page

    AnnualReport.objects.filter(pk=sent.pk).update(status=S.DRAFT)
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:report_edit", args=[sent.pk])).content.decode()
    assert "Năm 2023, cộng cả các đơn vị đã sáp nhập vào đơn vị: 1.250" in page
    assert 'id="last-year-notes"' in page
