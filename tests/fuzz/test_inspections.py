"""Fuzzing the inspection forms: recording a visit and following up its recommendations,
as the CSPL board's reviewer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from campaign.models import MAX_NARRATIVE, Inspection
from tests.fuzz import strategies as fz
from tests.fuzz.helpers import assert_text_stored, post_and_check

KINDS = [value for value, _label in Inspection.Kind.choices]
FOLLOW_UPS = [value for value, _label in Inspection.FollowUp.choices]


def inspection_state():
    return sorted(
        Inspection.objects.values_list(
            "pk", "unit_id", "visited_on", "members", "findings", "follow_up", "follow_up_note"
        )
    )


@given(
    data=st.fixed_dictionaries(
        {
            "unit": fz.hostile_choice(["A1", "PV"]),
            "campaign": fz.hostile_choice(["CAMPAIGN"]),
            "visited_on": fz.hostile_date(),
            "kind": fz.hostile_choice(KINDS),
            "members": fz.hostile_text(2000),
            "findings": fz.hostile_text(MAX_NARRATIVE),
            "recommendations": fz.hostile_text(MAX_NARRATIVE),
        }
    )
)
def test_a_recorded_visit_is_saved_as_typed_or_refused_in_vietnamese(
    vi_client, tree, cast, campaign, data
):
    # PV is the reviewer's own unit, which it does not inspect.
    keys = {"A1": str(tree["A1"].pk), "PV": str(tree["PV"].pk), "CAMPAIGN": str(campaign.pk)}
    data = {name: keys.get(value, value) for name, value in data.items()}
    vi_client.force_login(cast["cspl"])

    def saved(response):
        visit = Inspection.objects.get()
        assert visit.unit == tree["A1"]
        assert datetime.date(2000, 1, 1) <= visit.visited_on <= timezone.localdate()
        assert visit.kind in KINDS
        assert_text_stored(visit.members, data["members"], 2000)
        assert_text_stored(visit.findings, data["findings"], MAX_NARRATIVE)
        assert_text_stored(
            visit.recommendations, data["recommendations"], MAX_NARRATIVE, required=False
        )

    post_and_check(vi_client, reverse("campaign:inspection_create"), data, inspection_state, saved)


@pytest.fixture
def visit(tree, cast, campaign):
    return Inspection.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        visited_on=datetime.date(2024, 5, 6),
        kind=Inspection.Kind.INSPECTION,
        members="Trưởng ban CSPL",
        findings="Đơn vị đã triển khai kế hoạch.",
        recommendations="Lưu biên bản các buổi tuyên truyền.",
        recorded_by=cast["cspl"],
    )


@given(
    data=st.fixed_dictionaries(
        {
            "follow_up": fz.hostile_choice(FOLLOW_UPS),
            "follow_up_note": fz.hostile_text(MAX_NARRATIVE),
        }
    )
)
def test_a_follow_up_is_saved_as_typed_or_refused_in_vietnamese(vi_client, cast, visit, data):
    vi_client.force_login(cast["cspl"])

    def saved(response):
        visit.refresh_from_db()
        assert visit.follow_up in FOLLOW_UPS
        assert_text_stored(
            visit.follow_up_note, data["follow_up_note"], MAX_NARRATIVE, required=False
        )

    url = reverse("campaign:inspection_follow_up", args=[visit.pk])
    # The version the page shows, read from the database: each example is rolled back
    # there, not in `visit`, which a saved example refreshes.
    version = Inspection.objects.values_list("follow_up_version", flat=True).get(pk=visit.pk)
    data = {**data, "version": str(version)}
    post_and_check(vi_client, url, data, inspection_state, saved)
