"""Fuzzing the obstacle forms: raising one (the unit's officer) and answering it (a
reviewer above the unit)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from campaign.models import MAX_NARRATIVE, Obstacle
from tests.fuzz import strategies as fz
from tests.fuzz.helpers import assert_text_stored, post_and_check


def obstacle_state():
    return sorted(
        Obstacle.objects.values_list("pk", "unit_id", "subject", "text", "answer", "status")
    )


@given(
    data=st.fixed_dictionaries(
        {
            "unit": fz.hostile_choice(["A1", "A2", "B1"]),
            "campaign": fz.hostile_choice(["CAMPAIGN"]),
            "subject": fz.hostile_text(255),
            "text": fz.hostile_text(MAX_NARRATIVE),
        },
        optional={"report": fz.hostile_choice(["REPORT"])},
    )
)
def test_a_raised_obstacle_is_saved_as_typed_or_refused_in_vietnamese(
    vi_client, tree, cast, campaign, report_a1, data
):
    # Placeholders become the real keys: A2 and B1 are outside officer_a1's units.
    keys = {
        **{code: str(tree[code].pk) for code in ("A1", "A2", "B1")},
        "CAMPAIGN": str(campaign.pk),
        "REPORT": str(report_a1.pk),
    }
    data = {name: keys.get(value, value) for name, value in data.items()}
    vi_client.force_login(cast["officer_a1"])

    def saved(response):
        obstacle = Obstacle.objects.get()
        assert obstacle.unit == tree["A1"]
        assert obstacle.campaign == campaign
        assert obstacle.report in (None, report_a1)
        assert_text_stored(obstacle.subject, data["subject"], 255)
        assert_text_stored(obstacle.text, data["text"], MAX_NARRATIVE)

    post_and_check(vi_client, reverse("campaign:obstacle_create"), data, obstacle_state, saved)


@pytest.fixture
def obstacle(tree, cast, campaign):
    return Obstacle.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        subject="Vướng mắc về tài liệu",
        text="Đơn vị chưa nhận được tài liệu tuyên truyền.",
        raised_by=cast["officer_a1"],
        raised_at=timezone.now(),
    )


@given(answer=fz.hostile_text(MAX_NARRATIVE))
def test_an_answer_is_saved_as_typed_or_refused_in_vietnamese(vi_client, cast, obstacle, answer):
    vi_client.force_login(cast["reviewer_a"])

    def saved(response):
        obstacle.refresh_from_db()
        assert obstacle.status == Obstacle.Status.ANSWERED
        assert_text_stored(obstacle.answer, answer, MAX_NARRATIVE)

    url = reverse("campaign:obstacle_answer", args=[obstacle.pk])
    post_and_check(vi_client, url, {"answer": answer}, obstacle_state, saved)
