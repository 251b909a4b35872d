"""What a reorganisation does to the campaigns: who files from when, and the open
submissions of the units that close (campaign/reorganisations.py has the rule)."""

import datetime

import pytest

from campaign.models import AnnualReport, Period, Plan, Status
from campaign.reorganisations import first_year_from
from tests.campaign.filings import make_plan
from tests.factories import UserFactory
from units.models import Operation, Reorganisation, Unit
from units.reorganisations import reorganisation_apply, reorganisation_preview

JULY = datetime.date(2025, 7, 1)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="federation_admin", is_staff=True)


def reorganise(effective_on, *operations):
    reorganisation = Reorganisation.objects.create(
        number="56/QĐ-LĐLĐ", decided_on=effective_on, effective_on=effective_on
    )
    for position, operation in enumerate(operations, start=1):
        Operation.objects.create(reorganisation=reorganisation, position=position, **operation)
    return reorganisation


def report(unit, campaign, year, status=Status.DRAFT):
    return AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        status=status,
        results="Tổ chức 5 buổi tuyên truyền.",
        self_assessment="good",
    )


def test_the_first_year_is_the_first_whose_cutoff_is_on_or_after_the_date(campaign):
    # The cut-off is 14/12.
    assert first_year_from(campaign, JULY) == 2025
    assert first_year_from(campaign, datetime.date(2025, 12, 14)) == 2025
    assert first_year_from(campaign, datetime.date(2025, 12, 15)) == 2026


def moved_cutoff(campaign, year, ends_on):
    """Staff move the year's cut-off in the period's admin (its due and lock dates after it)."""
    period = Period.objects.for_year(campaign, year)
    period.ends_on = ends_on
    period.due_on = period.locks_on = ends_on + datetime.timedelta(days=20)
    period.save()
    return period


def test_the_first_year_follows_a_cutoff_staff_moved(campaign):
    moved_cutoff(campaign, 2025, datetime.date(2025, 12, 31))
    assert first_year_from(campaign, datetime.date(2025, 12, 20)) == 2025
    moved_cutoff(campaign, 2025, datetime.date(2025, 11, 30))
    assert first_year_from(campaign, datetime.date(2025, 12, 5)) == 2026


@pytest.mark.parametrize(
    ("ends_on", "effective_on", "outcome", "unit"),
    [
        # The change falls before the moved cut-off: the successor carries the year on.
        (datetime.date(2025, 12, 31), datetime.date(2025, 12, 20), "moved", "A2"),
        # The change falls after it: the year is past, its report stays where it was filed.
        (datetime.date(2025, 11, 30), datetime.date(2025, 12, 5), "stays", "A1"),
    ],
)
def test_a_merged_units_open_report_follows_its_years_own_cutoff(
    tree, campaign, admin_user, ends_on, effective_on, outcome, unit
):
    moved_cutoff(campaign, 2025, ends_on)
    submitted = report(tree["A1"], campaign, 2025, Status.SUBMITTED)
    r = reorganise(effective_on, {"action": "merge", "unit_code": "A1", "target_code": "A2"})
    preview = reorganisation_apply(reorganisation=r, user=admin_user)
    [entry] = preview.submissions
    assert (entry["pk"], entry["outcome"]) == (submitted.pk, outcome)
    assert AnnualReport.objects.get(pk=submitted.pk).unit.code == unit


def test_units_that_open_or_close_start_or_stop_being_expected_from_that_year(
    tree, campaign, admin_user
):
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "merge", "unit_code": "DA", "target_code": "XA", "move_children": True},
        {"action": "close", "unit_code": "B1"},
    )
    preview = reorganisation_preview(r)
    assert {(e["code"], e["change"], e["year"]) for e in preview.expected} == {
        ("XA", "starts", 2025),
        ("DA", "stops", 2025),
        ("B1", "stops", 2025),
    }


def test_units_outside_the_campaigns_area_neither_start_nor_stop(tree, campaign, admin_user):
    # A second province's new union is not asked by this province's campaign; a union that
    # moves out of the area stops being asked, though it stays open and of the same kind.

    other = Unit.objects.add_child_after_history(
        None, code="P2", name="LĐLĐ tỉnh Khác", kind="province", opened_on=datetime.date(2020, 1, 1)
    )
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "K1",
            "name": "CĐCS K1",
            "kind": "grassroots",
            "target_code": other.code,
        },
        {"action": "move", "unit_code": "B1", "target_code": other.code},
    )
    preview = reorganisation_preview(r)
    assert {(e["code"], e["change"]) for e in preview.expected} == {("B1", "stops")}


def test_open_submissions_of_a_merged_unit_move_to_a_successor_without_its_own(
    tree, cast, campaign, admin_user
):
    plan_a1 = make_plan(tree["A1"], campaign, cast["officer_a1"])
    plan_a2 = make_plan(tree["A2"], campaign, cast["officer_a1"])
    this_year = report(tree["A1"], campaign, 2025, Status.SUBMITTED)
    last_year = report(tree["A1"], campaign, 2024, Status.RETURNED)
    accepted = report(tree["A1"], campaign, 2023, Status.ACCEPTED)
    r = reorganise(JULY, {"action": "merge", "unit_code": "A1", "target_code": "A2"})

    preview = reorganisation_apply(reorganisation=r, user=admin_user)
    outcomes = {(s["what"], s["pk"]): (s["outcome"], s["to"]) for s in preview.submissions}
    assert outcomes == {
        ("plan", plan_a1.pk): ("stays", ""),  # A2 has its own plan
        ("report", this_year.pk): ("moved", "A2"),
        ("report", last_year.pk): ("stays", ""),  # a past year never moves
    }
    assert Plan.objects.get(pk=plan_a1.pk).unit == tree["A1"]
    assert Plan.objects.get(pk=plan_a2.pk).unit == tree["A2"]
    moved = AnnualReport.objects.get(pk=this_year.pk)
    assert (moved.unit, moved.status, moved.year) == (tree["A2"], Status.SUBMITTED, 2025)
    assert moved.history.first().unit_id == tree["A2"].pk
    assert AnnualReport.objects.get(pk=last_year.pk).unit == tree["A1"]
    assert AnnualReport.objects.get(pk=accepted.pk).unit == tree["A1"]  # not open: untouched


def test_open_submissions_of_a_unit_closed_without_successor_stay_with_it(
    tree, cast, campaign, admin_user
):
    plan = make_plan(tree["B1"], campaign, cast["officer_b1"])
    r = reorganise(JULY, {"action": "close", "unit_code": "B1"})
    preview = reorganisation_apply(reorganisation=r, user=admin_user)
    assert [(s["pk"], s["outcome"]) for s in preview.submissions] == [(plan.pk, "stays")]
    assert Plan.objects.get(pk=plan.pk).unit == Unit.objects.get(code="B1")


def test_the_preview_lists_exactly_what_apply_then_does(tree, cast, campaign, admin_user):
    make_plan(tree["A1"], campaign, cast["officer_a1"])
    report(tree["A2"], campaign, 2025)
    report(tree["DA"], campaign, 2025, Status.SUBMITTED)
    r = reorganise(
        JULY,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "move", "unit_code": "A1", "target_code": "XA"},
        {
            "action": "merge",
            "unit_code": "DA",
            "target_code": "XA",
            "move_children": True,
            "move_members": True,
        },
        {"action": "merge", "unit_code": "A2", "target_code": "A1"},
        {"action": "rename", "unit_code": "SE", "name": "CĐ ngành S (mới)"},
    )
    units_before = list(Unit.objects.values_list("code", "path", "name", "closed_on"))

    preview = reorganisation_preview(r)
    # The preview changed nothing.
    assert list(Unit.objects.values_list("code", "path", "name", "closed_on")) == units_before
    assert Reorganisation.objects.get(pk=r.pk).status == "draft"

    applied = reorganisation_apply(reorganisation=r, user=admin_user)
    assert applied == preview
    assert Reorganisation.objects.get(pk=r.pk).summary == preview.as_json()
    # And the tree is what the preview said.
    units = {u.code: u for u in Unit.objects.all()}
    assert {e["code"] for e in preview.opened} == {"XA"}
    assert (
        {e["code"] for e in preview.closed}
        == {c for c, u in units.items() if u.closed_on == JULY}
        == {"DA", "A2"}
    )
    for entry in preview.moved:
        assert Unit.objects.get_parent(units[entry["code"]]).code == entry["to"]
    assert {(e["code"], e["to"]) for e in preview.renamed} == {("SE", "CĐ ngành S (mới)")}
    for entry in preview.submissions:
        model = Plan if entry["what"] == "plan" else AnnualReport
        assert model.objects.get(pk=entry["pk"]).unit.code == (entry["to"] or entry["code"])
    assert {(s["code"], s["outcome"]) for s in preview.submissions} == {
        ("A2", "moved"),  # A2's 2025 draft goes to A1, which has none
        ("DA", "moved"),  # DA's submitted 2025 report goes to XA
    }
