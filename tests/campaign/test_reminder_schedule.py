"""The reminders' (đôn đốc) escalating schedule: 7 and 3 days before, on the day, then weekly,
each step once, and how a late step is named."""

import pytest
from django.utils import translation

from campaign import reminders
from tests.campaign.reminder_data import DAY, PLAN_DUE, reminder_campaign, steps_by_unit


@pytest.fixture
def campaign(tree):
    return reminder_campaign(tree)


@pytest.mark.parametrize(
    ("offset", "step"),
    [
        (-8, None),
        (-7, "before-7"),
        (-6, "before-7"),  # the step of -7, if that day's run was missed
        (-4, "before-7"),
        (-3, "before-3"),
        (-1, "before-3"),
        (0, "due"),
        (6, "due"),
        (7, "late-1"),
        (13, "late-1"),
        (14, "late-2"),
        (21, "late-3"),
        (70, "late-10"),
        (71, "late-10"),
    ],
)
def test_the_schedule_escalates_7_and_3_days_before_on_the_day_then_weekly(offset, step):
    # Each day maps to the latest step on or before it; a step is sent once per unit.
    assert reminders.schedule_step(PLAN_DUE, PLAN_DUE + offset * DAY) == step


@pytest.mark.parametrize(
    ("step", "label"),
    [
        ("late-1", "trễ hạn 1 tuần"),
        ("late-8", "trễ hạn 8 tuần"),
        ("late-1250", "trễ hạn 1.250 tuần"),
    ],
)
def test_the_log_names_a_late_step_in_weeks_grouped_by_thousands_as_other_counts(step, label):
    with translation.override("vi"):
        assert reminders.step_label(step) == label


def test_a_missed_days_step_goes_out_at_the_next_run_exactly_once(tree, everyone, campaign):
    # Beat was down on the due date: the next day's run sends "due", once.
    reminders.send_due_reminders(PLAN_DUE - 3 * DAY)
    assert reminders.send_due_reminders(PLAN_DUE + DAY) > 0
    after = steps_by_unit()
    assert all(steps == ["before-3", "due"] for steps in after.values()), after
    assert reminders.send_due_reminders(PLAN_DUE + DAY) == 0
    assert reminders.send_due_reminders(PLAN_DUE + 2 * DAY) == 0
    assert steps_by_unit() == after


def test_plan_reminders_stop_after_eight_late_weeks(db, campaign):
    assert reminders.plan_step(campaign, PLAN_DUE + 56 * DAY) == "late-8"
    assert reminders.plan_step(campaign, PLAN_DUE + 63 * DAY) is None
    assert reminders.plan_step(campaign, PLAN_DUE + 70 * DAY) is None
