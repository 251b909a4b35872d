"""The reviewers' list of late units after the district level ended (1 July 2025): each unit
names its parent as the year's tree has it (today's for the current year), and the one-tap
button says how many units a reminder will actually reach, naming those with nobody."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Reminder
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from units.access import Scope
from units.models import Unit, User
from units.reorganisations import reorganisation_apply

JULY = datetime.date(2025, 7, 1)
TODAY = datetime.date(2026, 12, 5)  # a fortnight before the 2026 reports are due
LATE_UNITS = reverse("campaign:late_units")


@pytest.fixture
def today(freeze):
    """Today is TODAY, 09:00 in Viet Nam, for the portal's every read of the time."""
    freeze.on(TODAY)
    return TODAY


@pytest.fixture
def ended(tree, cast, campaign, reorganise, admin_user, today):
    """District A ended on 1 July 2025; commune union CA took A1 and A2."""
    act = reorganise(
        JULY,
        {"action": "create", "code": "CA", "name": "Công đoàn xã A", "kind": "commune",
         "target_code": "PV"},
        {"action": "split", "unit_code": "DA", "target_code": "CA", "children_codes": "A1,A2"},
    )  # fmt: skip
    reorganisation_apply(reorganisation=act, user=admin_user)
    return {code: Unit.objects.get(code=code) for code in ("PV", "DA", "CA", "A1", "A2")}


def parents(page: str) -> dict[str, str]:
    """{unit name: the parent its row names} from the list's page."""
    rows = re.findall(r'<label for="unit-\d+">(.*?)</label>(.*?)</td>', page, re.S)
    found = {}
    for name, rest in rows:
        parent = re.search(r"data-parent>(.*?)</span>", rest, re.S)
        found[name] = " ".join(parent.group(1).split()) if parent else None
    return found


def test_this_years_list_names_each_units_parent_in_todays_tree(client, ended, cast, campaign):
    client.force_login(cast["cspl"])
    page = client.get(LATE_UNITS, {"campaign": campaign.pk, "what": "report", "year": 2026})
    shown = parents(page.content.decode())
    # Recounted from today's tree.
    expected = {
        row.name: f"Trực thuộc {Unit.objects.get_parent(row).name}" for row in page.context["rows"]
    }
    assert shown == expected
    assert shown["CĐCS A1"] == "Trực thuộc Công đoàn xã A"


def test_the_2015_plan_list_names_the_parent_the_unit_had_then(client, ended, cast, campaign):
    client.force_login(cast["cspl"])
    page = client.get(LATE_UNITS, {"campaign": campaign.pk, "what": "plan"}).content.decode()
    # A1 was under district A when plans were due, in 2015.
    assert parents(page)["CĐCS A1"] == "Trực thuộc LĐLĐ huyện A"


@pytest.mark.parametrize("count", [2, 20])
def test_the_parents_cost_no_query_per_unit(client, ended, cast, campaign, count):
    def list_page():
        return client.get(LATE_UNITS, {"campaign": campaign.pk, "what": "report", "year": 2026})

    client.force_login(cast["cspl"])
    list_page()  # the session and the period
    with CaptureQueriesContext(connection) as before:
        first = list_page()
    for n in range(count):
        unit = UnitFactory.create(parent=Unit.objects.get(code="CA"), code=f"N{n}")
        if n % 2:
            MembershipFactory(user=UserFactory(), unit=unit, role="officer")
    with CaptureQueriesContext(connection) as after:
        response = list_page()
    assert len(response.context["rows"]) == len(first.context["rows"]) + count
    assert len(after) == len(before)
    assert all(row.parent_name for row in response.context["rows"])


def test_the_one_tap_button_counts_only_units_a_reminder_reaches(client, ended, cast, campaign):
    client.force_login(cast["cspl"])
    data = {"campaign": campaign.pk, "what": "report", "year": 2026}
    response = client.get(LATE_UNITS, data)
    rows = response.context["rows"]
    # Recounted by the access rule: somebody active may file for the unit (its officer, or
    # one above it while it has none).
    people = [Scope(user) for user in User.objects.filter(is_active=True)]
    reached = [row for row in rows if any(scope.can_file_for(row) for scope in people)]
    nobody = [row for row in rows if row not in reached]
    assert reached and nobody
    page = response.content.decode()
    assert f"Đôn đốc {len(reached)} đơn vị có người nhận" in page
    assert f"Đôn đốc cả {len(rows)} đơn vị" not in page
    names = ", ".join(row.name for row in nobody)
    assert f"{len(nobody)} đơn vị chưa có ai nhận nhắc nhở: {names}." in page
    assert (
        f"Đôn đốc {len(reached)} đơn vị có người nhận? Bỏ qua {len(nobody)} đơn vị chưa có "
        "ai nhận nhắc nhở." in page
    )
    # What the button promises is what it does.
    client.post(reverse("campaign:remind_units"), {**data, "every": "yes"})
    assert sorted(Reminder.objects.values_list("unit__name", flat=True)) == sorted(
        row.name for row in reached
    )
