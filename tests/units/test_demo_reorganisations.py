"""The demo's 2025 story: its two reorganisations, recorded and applied by the portal's own
mechanism, and the tree and the demo accounts they leave (units/data/README.md).

The demo is the session's copy of its first load (`demo_snapshots`, tests/snapshot.py);
loading it again still runs the command, on top."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from units.access import Scope
from units.demo import DEMO_REORGANISATIONS, DEMO_UNITS
from units.importing import import_units, read_reorganisation_rows, read_rows
from units.models import Membership, Reorganisation, Unit, UnitState, User

Kind = Unit.Kind
BEFORE_JULY = datetime.date(2025, 6, 30)
AFTER_JULY = datetime.date(2025, 7, 2)


def test_both_decisions_are_recorded_and_applied_once(db, demo_snapshots):
    demo_snapshots.load()
    call_command("load_demo", force=True, stdout=io.StringIO())  # again, on top
    decisions = {r.number: r for r in Reorganisation.objects.all()}
    assert sorted(decisions) == ["125/QĐ-LĐLĐ", "2150/QĐ-TLĐ"]
    february, july = decisions["125/QĐ-LĐLĐ"], decisions["2150/QĐ-TLĐ"]
    assert (february.effective_on, july.effective_on) == (
        datetime.date(2025, 2, 26),
        datetime.date(2025, 7, 1),
    )
    for reorganisation, path in zip((february, july), DEMO_REORGANISATIONS, strict=True):
        assert reorganisation.status == Reorganisation.Status.APPLIED
        assert reorganisation.applied_by.username == "admin"
        assert reorganisation.operations.count() == len(read_reorganisation_rows(path))
    closed = {entry["code"] for entry in february.summary["closed"]}
    assert closed == {"BT-VC", "BT-GD", "BT-YT"}
    assert {"BT-DANG", "BT-UBND"} <= {entry["code"] for entry in february.summary["opened"]}
    # What applying did to the campaign is in the record: who stops and starts filing.
    assert {(e["code"], e["change"]) for e in february.summary["expected"]} >= {
        ("BT-GD", "stops"),
        ("BT-UBND", "starts"),
    }


def test_from_july_2025_commune_unions_hold_the_districts_grassroots_unions(db, demo_snapshots):
    demo_snapshots.load()
    assert not UnitState.objects.on(AFTER_JULY).filter(kind=Kind.DISTRICT).exists()
    assert Unit.objects.filter(kind=Kind.DISTRICT, closed_on=datetime.date(2025, 7, 1)).count() == 9
    bentre = Unit.objects.get(code="BT")
    assert (bentre.closed_on, bentre.successor.code) == (datetime.date(2025, 7, 1), "VL")
    assert Unit.objects.get(code="VL").kind == Kind.PROVINCE

    before = UnitState.objects.on(BEFORE_JULY)
    after = {state.unit_id: state for state in UnitState.objects.on(AFTER_JULY)}
    kinds = {state.unit_id: state.kind for state in after.values()}
    grassroots = before.filter(kind=Kind.GRASSROOTS)
    assert grassroots.count() > 30
    for state in grassroots:
        now = after.get(state.unit_id)
        assert now is not None, state
        assert kinds[now.parent_id] in {
            Kind.COMMUNE,
            Kind.SECTOR,
            Kind.CIVIL_SERVANTS,
            Kind.INDUSTRIAL_ZONE,
            Kind.PROVINCE,
        }, state
        if before.get(unit=state.parent_id).kind == Kind.DISTRICT:
            assert kinds[now.parent_id] == Kind.COMMUNE, state
    assert after[Unit.objects.get(code="BT-CT-03").pk].parent.code == "VL-CT"
    # The province's own grassroots unions and its sector unions went on under Vĩnh Long.
    vinh_long = Unit.objects.get(code="VL")
    for code in ("BT-CS-DL", "BT-CTH", "BT-KCN", "BT-UBND", "BT-DANG"):
        assert after[Unit.objects.get(code=code).pk].parent_id == vinh_long.pk, code


def test_the_demo_accounts_work_on_the_new_tree_and_keep_their_history(db, demo_snapshots):
    demo_snapshots.load()
    roles = set(Membership.objects.values_list("user__username", "role", "unit__code"))
    assert {
        ("cspl", "reviewer", "VL"),
        ("cspl", "reviewer", "BT"),
        ("thuongvu", "viewer", "VL"),
        ("thuongvu", "viewer", "BT"),
        ("ldld.chauthanh", "reviewer", "VL-CT"),
        ("ldld.chauthanh", "reviewer", "BT-CT"),
        ("cb.chauthanh", "officer", "VL-CT"),
        ("cb.chauthanh", "officer", "BT-CT"),
        ("cb.giaoduc", "officer", "BT-UBND"),
        ("cb.giaoduc", "officer", "BT-GD"),
        ("cb.tanthach", "officer", "BT-CT-03"),
        ("cb.dienluc", "officer", "BT-CS-DL"),
    } <= roles

    def scope(username):
        return Scope(User.objects.get(username=username))

    tanthach = Unit.objects.get(code="BT-CT-03")
    assert scope("ldld.chauthanh").can_review(tanthach)
    assert [u.code for u in scope("cb.chauthanh").own_filing_units] == ["VL-CT"]
    assert [u.code for u in scope("cb.giaoduc").own_filing_units] == ["BT-UBND"]
    # Below its own unit it files on behalf of the units with no officer of their own only.
    on_behalf = [u.code for u in scope("cb.chauthanh").filing_units]
    assert on_behalf[0] == "VL-CT" and "BT-CT-03" not in on_behalf
    assert scope("cb.chauthanh").can_file_for(tanthach) is False
    for username in ("cspl", "thuongvu"):
        assert scope(username).can_see(Unit.objects.get(code="BT-TPBT")), username
    assert scope("cspl").can_review(Unit.objects.get(code="VL-CT"))


def test_an_administrator_can_upload_the_demo_decisions_on_the_2015_tree(db, client):
    import_units(read_rows(DEMO_UNITS))
    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    for path in DEMO_REORGANISATIONS:
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        response = client.post(reverse("units:reorganisation_upload"), {"file": upload})
        assert response.status_code == 302, response.context["errors"]
        draft = Reorganisation.objects.latest("pk")
        assert response.url == reverse("units:reorganisation_detail", args=[draft.pk])
        client.post(reverse("units:reorganisation_apply", args=[draft.pk]))
        draft.refresh_from_db()
        assert draft.status == Reorganisation.Status.APPLIED, path.name
    assert Unit.objects.get(code="BT").successor.code == "VL"
