"""The demo's history follows its 2025 story: the reports of 2024 on LĐLĐ tỉnh Bến Tre's
tree, those of 2025 and this year on the tree the reorganisations made, and the people of
the merged federation still read Bến Tre's history."""

import pytest
from django.utils import timezone

from campaign.demo import TEST_SIGNER
from campaign.models import AnnualReport, Campaign, Period, Plan, Status
from units.access import Scope
from units.models import Unit, UnitState, User


@pytest.fixture
def campaign(db, demo_snapshots):
    demo_snapshots.load()
    return Campaign.objects.get(slug="cchc-2015")


def area(code, day):
    """The ids of the units open on `day` at or below the unit `code`, as they stood then."""
    return set(
        UnitState.objects.area(Unit.objects.get(code=code), day).values_list("unit_id", flat=True)
    )


def test_each_years_reports_are_filed_on_that_years_tree(campaign):
    this_year = timezone.localdate().year
    for year, province in ((2024, "BT"), (2025, "VL"), (this_year, "VL")):
        cutoff = Period.objects.get(campaign=campaign, year=year).ends_on
        reports = AnnualReport.objects.filter(campaign=campaign, year=year)
        assert reports.exists(), year
        filers = set(reports.values_list("unit_id", flat=True))
        assert filers <= area(province, cutoff) - {Unit.objects.get(code=province).pk}, year
        kinds = set(reports.values_list("unit__kind", flat=True))
        if year == 2024:
            assert "district" in kinds and "commune" not in kinds
        else:
            assert "commune" in kinds and "district" not in kinds, year
    # A unit closed in 2025 filed for 2024 and not after.
    closed = AnnualReport.objects.filter(campaign=campaign, unit__code="BT-TPBT")
    assert list(closed.values_list("year", flat=True)) == [2024]


def test_the_merged_federations_people_read_bentres_history(campaign):
    reports_2024 = AnnualReport.objects.filter(campaign=campaign, year=2024)
    for username in ("cspl", "thuongvu"):
        seen = Scope(User.objects.get(username=username)).filter(reports_2024)
        assert seen.count() == reports_2024.count(), username
    # The reviewer of the former district still reads what its grassroots unions filed.
    chau_thanh = Scope(User.objects.get(username="ldld.chauthanh")).filter(reports_2024)
    assert {"BT-CT", "BT-CT-03"} <= set(chau_thanh.values_list("unit__code", flat=True))


def test_the_demo_accounts_units_of_today_have_their_work_still_to_do(campaign):
    this_year = timezone.localdate().year
    for code in ("VL-CT", "BT-UBND", "BT-CT-03"):
        assert not Plan.objects.filter(unit__code=code).exists(), code
        assert not AnnualReport.objects.filter(unit__code=code, year=this_year).exists(), code
    # Units set up in 2025 filed their plan after they opened, not in 2015.
    for plan in Plan.objects.filter(unit__opened_on__isnull=False).select_related("unit"):
        assert plan.submitted_at.date() > plan.unit.opened_on, plan.unit.code


def test_the_plans_waiting_for_review_were_sent_in_the_last_days(campaign):
    # Plans sent in 2015 were reviewed long ago; a few, reopened after the reorganisations
    # to be brought up to date, were sent again days ago and wait in each reviewer's queue.
    plans = Plan.objects.filter(campaign=campaign)
    assert plans.filter(status=Status.ACCEPTED).count() > 10
    waiting = plans.filter(status=Status.SUBMITTED)
    days = {plan.unit.code: (timezone.now() - plan.submitted_at).days for plan in waiting}
    assert days and all(day < 10 for day in days.values()), days
    for username in ("cspl", "ldld.chauthanh"):
        scope = Scope(User.objects.get(username=username))
        assert waiting.filter(scope.review_condition("unit__path")).exists(), username


def test_the_demo_officers_find_the_notices_of_their_reviewed_filings(campaign):
    from django.contrib.contenttypes.models import ContentType

    from campaign.models import Notice, Step

    officer = User.objects.get(username="cb.tanthach")
    notices = Notice.objects.filter(recipient=officer)
    # One per review step (accepted, returned) of the officer's unit's reports (it has no
    # plan: see above).
    reviewed = Step.objects.filter(
        action__in=[Step.Action.ACCEPT, Step.Action.RETURN],
        content_type=ContentType.objects.get_for_model(AnnualReport),
        object_id__in=AnnualReport.objects.filter(unit__code="BT-CT-03").values("pk"),
    )
    expected = {f"step-{pk}" for pk in reviewed.values_list("pk", flat=True)}
    assert expected and set(notices.values_list("key", flat=True)) == expected
    month_ago = timezone.now() - timezone.timedelta(days=30)
    assert all(n.read_at for n in notices if n.created_at < month_ago)
    # Nobody is told about the units the administrator filed for.
    assert not Notice.objects.filter(recipient__is_superuser=True).exists()


def test_the_demos_filings_were_typed_before_they_were_sent(campaign):
    """Each page's history reads in order: created, then its steps; the filing's history
    rows carry the same creation time, not the day of the load."""
    from campaign.models import Step

    for model in (Plan, AnnualReport):
        steps = {}
        for step in Step.objects.filter(content_type__model=model._meta.model_name):
            steps.setdefault(step.object_id, []).append(step.at)
        sent = model.objects.exclude(status="draft")
        assert sent.exists(), model
        for submission in sent:
            first = min(steps[submission.pk])
            assert submission.created_at < first <= submission.updated_at, (model, submission.pk)
            dates = set(submission.history.values_list("history_date", flat=True))
            assert dates == {submission.created_at}, (model, submission.pk)


def test_the_demos_obstacles_are_raised_by_their_units_own_officers(campaign):
    from campaign.models import Obstacle
    from units.models import Membership

    obstacles = Obstacle.objects.filter(campaign=campaign)
    assert obstacles.count() == 4
    for obstacle in obstacles:
        assert Membership.objects.filter(
            user=obstacle.raised_by, unit=obstacle.unit, role=Membership.Role.OFFICER
        ).exists(), obstacle.subject


def test_the_demos_plans_are_signed_by_a_name_as_its_reports_are(campaign):
    # A third of the units typed no signing block: their plans stored "Chủ tịch công đoàn",
    # a title, as the signer's name, and printed it under the signature.
    reports = {
        report.unit_id: report
        for report in AnnualReport.objects.filter(campaign=campaign).order_by("year")
    }
    plans = list(Plan.objects.filter(campaign=campaign))
    assert plans and {plan.signer for plan in plans} == {TEST_SIGNER}
    # The same office signs the unit's plan and its reports.
    both = [plan for plan in plans if plan.unit_id in reports]
    assert any(not plan.signer_block for plan in both) and any(plan.signer_block for plan in both)
    for plan in both:
        report = reports[plan.unit_id]
        assert (plan.signer_block, plan.signer_title) == (report.signer_block, report.signer_title)
        assert report.signer_name == (TEST_SIGNER if report.signer_block else "")


def test_every_demo_step_names_the_unit_its_actor_acted_for_that_day(campaign):
    """Recounted from the memberships and the eras of each step's day: the nearest unit open
    that day at or above the filing's unit (strictly above for a review) where the actor
    held the step's role; the import account, which holds none, names the unit whose paper
    filing it typed in. The history then names that unit as it was called that day."""
    from campaign.models import Step
    from units.models import Membership

    held = {}
    for user_id, unit_id, role in Membership.objects.values_list("user_id", "unit_id", "role"):
        held.setdefault((user_id, role), set()).add(unit_id)
    eras = {}

    def paths_on(day):
        if day not in eras:
            eras[day] = dict(UnitState.objects.on(day).values_list("unit_id", "path"))
        return eras[day]

    steps = list(
        Step.objects.with_unit_then().exclude(actor=None).select_related("actor", "content_type")
    )
    assert steps
    seen = set()
    for step in steps:
        unit_id = step.submission.unit_id
        if step.actor.username == "nhaplieu":
            assert step.actor_unit_id == unit_id, step.pk
            continue
        day = timezone.localdate(step.at)
        paths = paths_on(day)
        role = "officer" if step.action == Step.Action.SUBMIT else "reviewer"
        here = paths[unit_id]  # the filing's unit was open when the step was taken
        above = [
            pk
            for pk in held.get((step.actor_id, role), ())
            if pk in paths and here.startswith(paths[pk]) and (role == "officer" or pk != unit_id)
        ]
        assert above, (step.pk, step.actor.username, step.action, day)
        expected = max(above, key=lambda pk: len(paths[pk]))
        assert step.actor_unit_id == expected, (step.pk, step.actor.username, step.action, day)
        assert step.actor_unit_then, step.pk
        seen.add((step.actor.username, step.actor_unit_then))
    # The story's people acted for the units of their day: the CSPL board for Bến Tre, then
    # for Vĩnh Long; Châu Thành's reviewer for the district, then for the commune union; an
    # officer on behalf of the units below theirs.
    assert {
        ("cspl", "LĐLĐ tỉnh Bến Tre"),
        ("cspl", "LĐLĐ tỉnh Vĩnh Long"),
        ("ldld.chauthanh", "LĐLĐ Châu Thành"),
        ("ldld.chauthanh", "CĐ xã Châu Thành"),
    } <= seen
    assert any(
        s.actor.username != "nhaplieu"
        and s.action == Step.Action.SUBMIT
        and s.actor_unit_id != s.submission.unit_id
        for s in steps
    )
