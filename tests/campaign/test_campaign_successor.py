"""A campaign whose issuing unit merged carries on under the successor (its acting issuer):
the units of the successor's tree are asked to file and reminded, closed ones are not; the
successor may also issue a campaign of its own on the new tree."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign import reminders
from campaign.models import Campaign, Period, Reminder
from tests.campaign.campaign_admin import campaign_form
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Unit
from units.reorganisations import reorganisation_apply

JULY = datetime.date(2025, 7, 1)
REPORT_DUE = datetime.date(2025, 12, 20)  # the campaign's rule: 20/12


@pytest.fixture
def merged(tree, reorganise, admin_user):
    """From 01/07/2025 the province PV (the campaign's issuer) merges into a new provincial
    federation VL, which already has a commune union XV; B1 is dissolved the same day."""
    decision = reorganise(
        JULY,
        {"action": "create", "code": "VL", "name": "LĐLĐ tỉnh Vĩnh Long", "kind": "province"},
        {
            "action": "create",
            "code": "XV",
            "name": "Công đoàn xã Vĩnh",
            "kind": "commune",
            "target_code": "VL",
        },
        {"action": "close", "unit_code": "B1"},
        {"action": "merge", "unit_code": "PV", "target_code": "VL", "move_children": True},
    )
    reorganisation_apply(reorganisation=decision, user=admin_user)
    return {unit.code: unit for unit in Unit.objects.all()}


def fresh(campaign):
    return Campaign.objects.select_related("issuer").get(pk=campaign.pk)


def test_the_acting_issuer_is_the_issuer_until_it_merges_then_its_successor(campaign, merged):
    campaign = fresh(campaign)
    assert campaign.acting_issuer(JULY - datetime.timedelta(days=1)) == merged["PV"]
    assert campaign.acting_issuer(JULY) == merged["VL"]
    assert campaign.acting_issuer() == merged["VL"]


def test_the_acting_issuer_follows_a_chain_of_mergers(campaign, merged, reorganise, admin_user):
    later = datetime.date(2026, 1, 1)
    decision = reorganise(
        later,
        {"action": "create", "code": "MN", "name": "LĐLĐ Miền Nam", "kind": "province"},
        {"action": "merge", "unit_code": "VL", "target_code": "MN", "move_children": True},
        number="7/QĐ-TLĐ",
    )
    reorganisation_apply(reorganisation=decision, user=admin_user)
    campaign = fresh(campaign)
    assert campaign.acting_issuer(datetime.date(2025, 8, 1)).code == "VL"
    assert campaign.acting_issuer(later).code == "MN"


def test_reminders_go_to_the_units_of_the_successors_tree_and_not_to_closed_ones(
    tree, cast, campaign, merged
):
    Period.objects.for_year(campaign, 2025)  # as the daily task opens it
    expected = {
        unit.code for unit in reminders.expected_units(fresh(campaign), "report", 2025, REPORT_DUE)
    }
    # The units moved under VL, and VL's own commune union; not B1 (closed), not a province.
    assert expected == {"DA", "DB", "SE", "A1", "A2", "S1", "XV"}

    created = reminders.send_due_reminders(REPORT_DUE)

    # Only where somebody can receive it: an active officer of the unit itself, or, for a
    # unit with none, of an open unit above, who files for it on its behalf (units.access).
    def has_officer(unit):
        return Membership.objects.filter(
            unit=unit, role=Membership.Role.OFFICER, user__is_active=True
        ).exists()

    def reached(code):
        unit = Unit.objects.get(code=code)
        if has_officer(unit):
            return True
        prefixes = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
        return any(
            above.is_open_on(REPORT_DUE) and has_officer(above)
            for above in Unit.objects.filter(path__in=prefixes)
        )

    reachable = {code for code in expected if reached(code)}
    assert reachable and reachable < expected
    reminded = set(Reminder.objects.values_list("unit__code", flat=True))
    assert reminded == reachable and created == len(reachable)


def test_units_of_the_successors_tree_file_and_units_elsewhere_do_not(
    client, tree, cast, campaign, merged, unit_factory
):
    elsewhere = Unit.objects.add_root(
        create_kwargs={"code": "TG", "name": "LĐLĐ tỉnh Khác", "kind": Unit.Kind.PROVINCE}
    )
    outside = Unit.objects.add_child(
        elsewhere, {"code": "G1", "name": "CĐCS G1", "kind": Unit.Kind.GRASSROOTS}
    )
    campaign = fresh(campaign)
    assert campaign.addresses(merged["A1"]) and campaign.addresses(merged["XV"])
    assert not campaign.addresses(outside) and not campaign.addresses(merged["VL"])

    officer = UserFactory(username="officer_g1")
    MembershipFactory(user=officer, unit=outside, role=Membership.Role.OFFICER)
    client.force_login(officer)
    refused = client.get(reverse("campaign:plan_start", args=[campaign.pk, outside.pk]))
    assert refused.status_code == 404
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, merged["A1"].pk])
    assert client.get(url).status_code == 200


def test_the_campaign_page_names_the_unit_that_carries_it_on(client, cast, campaign, merged):
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Đơn vị kế thừa" in page
    assert (
        "LĐLĐ tỉnh Vĩnh Long, kế thừa nhiệm vụ của LĐLĐ tỉnh Thử nghiệm "
        "(ngừng hoạt động từ ngày 01/07/2025)"
    ) in page


def test_the_successor_launches_its_own_campaign_on_the_new_tree(client, tree, campaign, merged):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    data = campaign_form(merged["VL"], issued_on="15/08/2025", first_year="2025", last_year="")
    data["plan_due_on"] = "30/09/2025"
    response = client.post(reverse("admin:campaign_campaign_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    own = Campaign.objects.select_related("issuer").get(slug=data["slug"])
    assert own.acting_issuer() == merged["VL"]
    expected = {unit.code for unit in reminders.expected_units(own, "plan", 2025, JULY)}
    # addressed_kinds of the form: districts and grassroots unions of the new tree.
    assert expected == {"DA", "DB", "A1", "A2", "S1"}


def test_a_campaign_is_not_issued_by_a_unit_closed_on_its_date(client, tree, campaign, merged):
    late = Campaign(
        slug="after-the-merger",
        number="3/KH-LĐLĐ",
        title="Kế hoạch sau sáp nhập",
        issuer=merged["PV"],
        issued_on=datetime.date(2025, 8, 15),
        directive="-",
        first_year=2025,
        plan_due_on=datetime.date(2025, 9, 30),
    )
    with pytest.raises(ValidationError) as refused:
        late.full_clean()
    assert "issuer" in refused.value.message_dict
    # Issued while it was open: still valid, as the existing campaign is.
    fresh(campaign).full_clean()
