"""The demo data: the seed's federation, one account per role, loaded twice harmlessly.

The tests that read the demo start from the session's copy of its first load
(`demo_snapshots`, tests/snapshot.py); loading it again still runs the command, on top.

The 2025 reorganisations of the demo have their own tests (test_demo_reorganisations.py)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from units.demo import DEMO_PASSWORD, DEMO_USERS
from units.models import Membership, Unit, UnitState, User

DISTRICTS = {
    "TP Bến Tre",
    "Châu Thành",
    "Chợ Lách",
    "Mỏ Cày Nam",
    "Mỏ Cày Bắc",
    "Giồng Trôm",
    "Bình Đại",
    "Ba Tri",
    "Thạnh Phú",
}


def snapshot():
    from campaign.models import (
        AnnualReport,
        Campaign,
        Indicator,
        IndicatorValue,
        Inspection,
        Obstacle,
        Plan,
        Step,
        Theme,
    )

    return (
        list(Plan.objects.values_list("pk", "unit_id", "status").order_by("pk")),
        list(AnnualReport.objects.values_list("pk", "unit_id", "year", "status").order_by("pk")),
        IndicatorValue.objects.count(),
        Step.objects.count(),
        Obstacle.objects.count(),
        Inspection.objects.count(),
        list(Campaign.objects.values()),
        list(Theme.objects.values().order_by("pk")),
        list(Indicator.objects.values().order_by("pk")),
        list(Unit.objects.values_list("code", "path", "name", "kind")),
        list(User.objects.values_list("username", "password").order_by("username")),
        sorted(Membership.objects.values_list("user__username", "unit__code", "role")),
    )


def test_the_demo_holds_the_seed_federation_until_2025(db, demo_snapshots):
    demo_snapshots.load()
    tree = UnitState.objects.on(datetime.date(2024, 12, 14))
    province = tree.get(kind=Unit.Kind.PROVINCE)
    assert province.name == "Liên đoàn Lao động tỉnh Bến Tre"
    districts = tree.filter(kind=Unit.Kind.DISTRICT)
    assert {d.short_name.removeprefix("LĐLĐ ") for d in districts} == DISTRICTS
    assert all(d.parent_id == province.unit_id for d in districts)
    assert tree.filter(kind=Unit.Kind.SECTOR).count() >= 3
    assert tree.filter(kind=Unit.Kind.CIVIL_SERVANTS).count() == 1
    assert tree.filter(kind=Unit.Kind.INDUSTRIAL_ZONE).count() == 1
    direct = tree.filter(parent=province.unit_id, kind=Unit.Kind.GRASSROOTS)
    assert direct.count() >= 2
    for upper in tree.filter(kind__in=[Unit.Kind.DISTRICT, Unit.Kind.SECTOR]):
        assert tree.filter(parent=upper.unit_id, kind=Unit.Kind.GRASSROOTS).exists(), upper


def test_the_demo_loads_the_seed_campaign(db, demo_snapshots):
    from campaign.models import Campaign

    demo_snapshots.load()
    campaign = Campaign.objects.get(slug="cchc-2015")
    assert campaign.issuer.code == "BT"
    assert campaign.themes.count() == 8 and campaign.indicators.count() == 8


def test_the_demo_history_has_every_kind_of_report(db, demo_snapshots):
    from campaign.models import AnnualReport

    demo_snapshots.load()
    seen = {(r.year, r.status, r.timeliness) for r in AnnualReport.objects.select_related("period")}
    years = {year for year, _status, _timeliness in seen}
    assert len(years) >= 2
    assert any(status == "accepted" and t == "on_time" for _y, status, t in seen)
    assert any(status == "accepted" and t == "late" for _y, status, t in seen)
    assert any(status == "returned" for _y, status, _t in seen)
    # Some expected units never reported in a past year.
    for year in (2024, 2025):
        assert (
            AnnualReport.objects.filter(year=year).count()
            < Unit.objects.exclude(kind="province").count()
        )
    # The demo officers still have their own work to do.
    assert not AnnualReport.objects.filter(unit__code="BT-CT-03", year__gte=2026).exists()


def test_the_demo_has_an_account_for_every_role(db, client, demo_snapshots):
    demo_snapshots.load()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role.values)
    assert Membership.objects.filter(
        user__username="cspl", role="reviewer", unit__kind="province"
    ).exists()
    assert Membership.objects.filter(
        user__username="ldld.chauthanh", role="reviewer", unit__kind="district"
    ).exists()
    assert Membership.objects.filter(
        user__username="thuongvu", role="viewer", unit__kind="province"
    ).exists()
    assert Membership.objects.filter(role="officer").values("unit").distinct().count() >= 3
    assert client.login(username="cb.tanthach", password=DEMO_PASSWORD)
    assert "CĐCS UBND xã Tân Thạch" in client.get("/").content.decode()


def test_loading_the_demo_twice_changes_nothing(db, demo_snapshots):
    demo_snapshots.load()
    first = snapshot()
    call_command("load_demo", force=True)
    assert snapshot() == first
    assert User.objects.count() == len(DEMO_USERS) + 1  # and the import account


def test_the_demo_files_as_the_units_officers_and_reviews_as_their_reviewers(db, demo_snapshots):
    from campaign.models import Step

    demo_snapshots.load()
    steps = list(
        Step.objects.filter(action__in=["submit", "accept", "return"]).select_related(
            "actor", "actor_unit"
        )
    )
    officer_units = {(m.user_id, m.unit_id) for m in Membership.objects.filter(role="officer")}
    reviewers = set(Membership.objects.filter(role="reviewer").values_list("user_id", flat=True))
    filed = [step for step in steps if step.action == "submit"]
    reviewed = [step for step in steps if step.action != "submit"]
    # Nobody's work is the administrator's: the queues' "last step" names who did it.
    assert filed and reviewed
    assert not [step for step in steps if step.actor.is_staff or step.actor.is_superuser]
    # A unit's filing is its officer's, from the unit they hold the role at (their own, or
    # one above it filing on its behalf), else the import account's, which cannot log in.
    by_officers = [step for step in filed if step.actor.username != "nhaplieu"]
    assert {step.actor.username for step in by_officers} >= {"cb.tanthach", "cb.chauthanh"}
    assert all((s.actor_id, s.actor_unit_id) in officer_units for s in by_officers)
    assert any(s.actor_unit_id != s.submission.unit_id for s in by_officers)  # nhập hộ
    importer = User.objects.get(username="nhaplieu")
    assert not importer.is_active and not importer.has_usable_password()
    assert not importer.memberships.exists()
    # Reviews are the reviewers': the CSPL board's, and the district's for its unions.
    assert {step.actor.username for step in reviewed} == {"cspl", "ldld.chauthanh"}
    assert all(step.actor_id in reviewers for step in reviewed)


def test_the_demo_refuses_to_load_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()


def test_the_demo_users_are_named_as_test_accounts_not_after_a_unit(db, demo_snapshots):
    """The demo names no person: each account's name says it is a test account. A person's
    unit changes over the years; the pages show it beside the name, as it was on the day. So
    no name holds a unit's name, nor two words of one in a row (a place such as "Châu
    Thành", or "LĐLĐ tỉnh")."""
    demo_snapshots.load()
    unit_names = set()
    for name, short_name in UnitState.objects.values_list("name", "short_name"):
        unit_names |= {name.casefold(), short_name.casefold()} - {""}
    words_in_a_row = set()
    for name in unit_names:
        words = name.split()
        words_in_a_row |= {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    users = User.objects.filter(username__in=[username for username, *_ in DEMO_USERS])
    assert users.count() == len(DEMO_USERS)
    for user in users:
        name = user.full_name.casefold()
        words = name.split()
        assert not [unit for unit in unit_names if unit in name], user.username
        pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
        assert not pairs & words_in_a_row, user.username
        assert "thử nghiệm" in name, user.username
    # Each is a different account, and each still logs in under the published password.
    assert len({user.full_name for user in users}) == len(DEMO_USERS)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
