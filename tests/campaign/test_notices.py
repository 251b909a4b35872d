"""Notices in the portal (campaign.notices): one per event and recipient, written with the
event, to the same people as its e-mail plus those without an address; never to another
unit's officers; never twice, however often the event's code or task runs again."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from campaign import notices, notifications, reminders, tasks, workflow
from campaign.models import Inspection, Notice, Notification, Obstacle, Status
from units.models import Membership, Unit
from units.reorganisations import reorganisation_apply

Kind = Notice.Kind
OFFICER = Membership.Role.OFFICER
REASON = "Bổ sung số người dự kiến của hoạt động 1."


def noticed(**filters):
    """{username: [kinds]} of the notices written, by recipient."""
    found = {}
    for notice in Notice.objects.filter(**filters).select_related("recipient").order_by("pk"):
        found.setdefault(notice.recipient.username, []).append(notice.kind)
    return found


def text_of(notice):
    with translation.override("vi"):
        return notice.text


# --- the workflow's review steps ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "kind", "words"),
    [
        ("return", Kind.RETURNED, f"Kế hoạch triển khai của CĐCS A1 đã bị trả lại: {REASON}"),
        ("accept", Kind.ACCEPTED, "Kế hoạch triển khai của CĐCS A1 đã được chấp nhận"),
        (
            "reopen",
            Kind.REOPENED,
            f"Kế hoạch triển khai của CĐCS A1 đã được mở lại để sửa: {REASON}",
        ),
    ],
)
def test_a_review_step_leaves_a_notice_for_the_units_officers_only(
    plan_a1, cast, action, kind, words
):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    if action == "reopen":
        workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
        Notice.objects.all().delete()
    if action == "return":
        step = workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    elif action == "accept":
        step = workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    else:
        step = workflow.submission_reopen(plan_a1, user=cast["cspl"], reason=REASON)
    # Not district A's officer (the unit above), not B1's, not the reviewers.
    assert noticed() == {"officer_a1": [kind]}
    notice = Notice.objects.get()
    assert text_of(notice) == words
    assert notice.url == reverse("campaign:plan_detail", args=[plan_a1.pk])
    assert notice.unit == plan_a1.unit
    assert notice.key == f"step-{step.pk}" and notice.created_at == step.at
    assert notice.read_at is None


@pytest.mark.parametrize("action", ["return", "accept"])
def test_a_review_step_on_work_filed_on_behalf_reaches_who_filed_it(
    tree, cast, campaign, report_factory, action, django_capture_on_commit_callbacks
):
    # A2 has no officer: district A's officer files its report, and must hear of its fate.
    report = report_factory(tree["A2"], campaign, 2024, Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        if action == "return":
            workflow.submission_return(report, user=cast["reviewer_a"], reason=REASON)
        else:
            workflow.submission_accept(report, user=cast["reviewer_a"])
    kind = Kind.RETURNED if action == "return" else Kind.ACCEPTED
    assert noticed() == {"officer_a": [kind]}
    assert [message.to for message in mail.outbox] == [[cast["officer_a"].email]]


def test_a_submission_leaves_no_notice(plan_a1, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    assert Notification.objects.count() == 1  # the reviewer's e-mail, written by the worker
    assert not Notice.objects.exists()


def test_a_report_step_names_its_year(tree, cast, campaign, report_factory):
    report = report_factory(tree["A1"], campaign, 2015, status=Status.SUBMITTED)
    workflow.submission_accept(report, user=cast["reviewer_a"])
    assert text_of(Notice.objects.get()) == "Báo cáo năm 2015 của CĐCS A1 đã được chấp nhận"
    assert Notice.objects.get().url == reverse("campaign:report_detail", args=[report.pk])


def test_a_plans_notice_names_it_as_its_e_mail_does(
    tree, cast, campaign, plan_a1, django_capture_on_commit_callbacks
):
    # The e-mail said "Kế hoạch triển khai của <the unit's name>", the bell "Kế hoạch của
    # <its short name>": two names for one event, the bare one the campaign's own word.
    Unit.objects.filter(pk=tree["A1"].pk).update(
        name="Công đoàn cơ sở A1 đầy đủ", short_name="CĐCS A1"
    )
    plan_a1.unit.refresh_from_db()
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    [returned] = [m for m in mail.outbox if m.to == [cast["officer_a1"].email]]
    assert returned.body.startswith("Kế hoạch triển khai của Công đoàn cơ sở A1 đầy đủ, ")
    assert text_of(Notice.objects.get()) == (
        f"Kế hoạch triển khai của Công đoàn cơ sở A1 đầy đủ đã bị trả lại: {REASON}"
    )


def test_a_reports_notice_names_its_unit_as_named_that_year(
    tree, cast, campaign, report_factory, reorganise, admin_user
):
    # As the report's page and e-mail do: a report of 2024 is of "CĐCS A1", renamed in 2025.
    report = report_factory(tree["A1"], campaign, 2024, Status.ACCEPTED)
    renaming = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "rename", "unit_code": "A1", "name": "CĐCS phường Mới"},
    )
    reorganisation_apply(reorganisation=renaming, user=admin_user)
    report.refresh_from_db()
    workflow.submission_reopen(report, user=cast["reviewer_a"], reason=REASON)
    assert text_of(Notice.objects.get()) == (
        f"Báo cáo năm 2024 của CĐCS A1 đã được mở lại để sửa: {REASON}"
    )


def test_a_plans_reminder_notice_names_it_as_its_e_mail_does(tree, cast, campaign):
    Unit.objects.filter(pk=tree["B1"].pk).update(
        name="Công đoàn cơ sở B1 đầy đủ", short_name="CĐCS B1"
    )
    reminders.send_manual_reminders(
        [Unit.objects.get(pk=tree["B1"].pk)],
        campaign,
        reminders.What.PLAN,
        2015,
        cast["cspl"],
        datetime.date(2016, 1, 5),
    )
    assert text_of(Notice.objects.get()) == (
        "Đôn đốc: Công đoàn cơ sở B1 đầy đủ chưa gửi kế hoạch triển khai (hạn 31/07/2015)"
    )


def test_an_officer_without_e_mail_gets_the_notice_but_no_e_mail(
    plan_a1, cast, officer_without_e_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    assert noticed() == {"officer_a1": [Kind.RETURNED], "officer_a1_no_mail": [Kind.RETURNED]}
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]


def test_an_inactive_officer_gets_no_notice(plan_a1, cast, officer_without_e_mail):
    officer_without_e_mail.is_active = False
    officer_without_e_mail.save()
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
    assert noticed() == {"officer_a1": [Kind.ACCEPTED]}


def test_a_step_rolled_back_leaves_no_notice(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.submission_accept(plan_a1, user=cast["reviewer_a"])
        raise RuntimeError("what followed the step failed")
    assert not Notice.objects.exists()


def test_the_notices_of_a_step_written_again_are_not_doubled(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    step = workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    plan_a1.refresh_from_db()
    notifications.notify_step(plan_a1, step)  # as a replayed step would
    notifications.notify_step(plan_a1, step)
    assert noticed() == {"officer_a1": [Kind.RETURNED]}


# --- reminders ---------------------------------------------------------------------------------
def test_a_reminder_leaves_one_notice_however_often_the_daily_task_runs(
    tree, cast, campaign, officer_without_e_mail
):
    due = campaign.plan_due_on
    assert tasks.send_reminders(due.isoformat()) > 0
    assert tasks.send_reminders(due.isoformat()) == 0  # a redelivered run
    by_user = noticed(kind=Kind.REMINDED)
    # Every unit below the province has not sent its plan: each officer once per unit, the
    # one without an e-mail address too (officer_a for DA and for A2, which it files for on
    # its behalf); not the reviewers, not the viewer.
    assert by_user == {
        "officer_a": [Kind.REMINDED, Kind.REMINDED],
        "officer_a1": [Kind.REMINDED],
        "officer_a1_no_mail": [Kind.REMINDED],
        "officer_b1": [Kind.REMINDED],
    }
    notice = Notice.objects.get(recipient=cast["officer_a1"])
    assert text_of(notice) == "Đôn đốc: CĐCS A1 chưa gửi kế hoạch triển khai (hạn 31/07/2015)"
    assert notice.url == reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    assert notice.unit == tree["A1"]


def test_a_manual_reminder_leaves_a_notice_for_the_reminded_unit_only(tree, cast, campaign):
    reminders.send_manual_reminders(
        [tree["B1"]], campaign, reminders.What.REPORT, 2015, cast["cspl"], datetime.date(2016, 1, 5)
    )
    assert noticed() == {"officer_b1": [Kind.REMINDED]}
    notice = Notice.objects.get()
    assert text_of(notice) == "Đôn đốc: CĐCS B1 chưa gửi báo cáo năm 2015 (hạn 20/12/2015)"


# --- obstacles ---------------------------------------------------------------------------------
@pytest.fixture
def obstacle_a1(tree, cast, campaign):
    return Obstacle.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        raised_by=cast["officer_a"],  # district A's officer, filing for its grassroots union
        subject="Chưa rõ cách tính lượt người",
        text="Đề nghị hướng dẫn.",
    )


def answer(client, user, obstacle, text="Tính theo từng buổi."):
    client.force_login(user)
    return client.post(reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": text})


def test_an_answer_tells_the_units_officers_and_who_raised_it(
    client, cast, obstacle_a1, officer_without_e_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, cast["reviewer_a"], obstacle_a1)
    assert response.status_code == 302
    assert noticed() == {
        "officer_a": [Kind.OBSTACLE_ANSWERED],
        "officer_a1": [Kind.OBSTACLE_ANSWERED],
        "officer_a1_no_mail": [Kind.OBSTACLE_ANSWERED],
    }
    notice = Notice.objects.filter(recipient=cast["officer_a1"]).get()
    assert text_of(notice) == "Vướng mắc “Chưa rõ cách tính lượt người” của CĐCS A1 đã được trả lời"
    assert notice.url == obstacle_a1.get_absolute_url()
    # The e-mails, to those with an address, carry the answer.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast["officer_a"].email, cast["officer_a1"].email]
    )
    assert "Tính theo từng buổi." in mail.outbox[0].body
    assert "đã được trả lời" in mail.outbox[0].subject


def test_an_answer_refused_leaves_no_notice(client, cast, obstacle_a1):
    Obstacle.objects.filter(pk=obstacle_a1.pk).update(
        status=Obstacle.Status.CLOSED,
        answer="Đã hướng dẫn qua điện thoại.",
        answered_by=cast["reviewer_a"],
        answered_at=timezone.now(),
        closed_at=timezone.now(),
    )
    answer(client, cast["reviewer_a"], obstacle_a1)
    answer(client, cast["officer_b1"], obstacle_a1)  # outside their scope: a 404
    assert not Notice.objects.exists()


def test_telling_the_same_answer_twice_writes_it_once(cast, obstacle_a1):
    at = timezone.now()
    notifications.notify_obstacle_answered(obstacle_a1, at)
    notifications.notify_obstacle_answered(obstacle_a1, at)
    assert Notice.objects.count() == 2  # officer_a1 and officer_a, who raised it
    assert Notification.objects.count() == 2


FULL_A1 = "Công đoàn cơ sở Ủy ban nhân dân xã Tân Thạch"
SHORT_A1 = "CĐCS UBND xã Tân Thạch"


@pytest.fixture
def named_a1(tree):
    """A1 with a full name and the short name lists use, as Bến Tre's unions have them."""
    Unit.objects.filter(pk=tree["A1"].pk).update(name=FULL_A1, short_name=SHORT_A1)
    return Unit.objects.get(pk=tree["A1"].pk)


def test_an_obstacles_notices_name_its_unit_as_their_e_mails_do(
    client, cast, named_a1, obstacle_a1, django_capture_on_commit_callbacks
):
    # One list read "… của CĐCS UBND xã Tân Thạch đã được trả lời" beside "Kế hoạch triển
    # khai của Công đoàn cơ sở Ủy ban nhân dân xã Tân Thạch …", and the answer's e-mail
    # named the unit in full.
    obstacle_a1.unit = named_a1
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, cast["reviewer_a"], obstacle_a1)
    answered = Notice.objects.get(recipient=cast["officer_a1"])
    assert text_of(answered) == (
        f"Vướng mắc “Chưa rõ cách tính lượt người” của {FULL_A1} đã được trả lời"
    )
    [e_mail] = [m for m in mail.outbox if m.to == [cast["officer_a1"].email]]
    assert f"do {FULL_A1} nêu ngày" in e_mail.body
    # Its unit closing it tells the reviewer who answered, by the same name.
    client.force_login(cast["officer_a1"])
    client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]))
    closed = Notice.objects.get(recipient=cast["reviewer_a"])
    assert text_of(closed) == (
        f"{FULL_A1} đã đóng vướng mắc “Chưa rõ cách tính lượt người” mà bạn đã trả lời"
    )


# --- an inspection's recommendations falling due -----------------------------------------------
VISITED = datetime.date(2026, 3, 2)
DUE = datetime.date(2026, 4, 30)


def inspection_of(unit, campaign, recorded_by):
    return Inspection.objects.create(
        unit=unit,
        campaign=campaign,
        visited_on=VISITED,
        kind=Inspection.Kind.INSPECTION,
        members="Trưởng ban CSPL",
        findings="Hồ sơ lưu chưa đầy đủ.",
        recommendations="Bổ sung sổ theo dõi các buổi tuyên truyền.",
        recommendations_due_on=DUE,
        recorded_by=recorded_by,
    )


@pytest.fixture
def inspection_a1(tree, cast, campaign):
    return inspection_of(tree["A1"], campaign, cast["cspl"])


def run(day):
    return tasks.notify_due_recommendations(day.isoformat())


def test_recommendations_falling_due_are_told_once_to_the_units_officers(
    cast, inspection_a1, officer_without_e_mail, django_capture_on_commit_callbacks
):
    assert run(DUE - datetime.timedelta(days=1)) == 0
    assert not Notice.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert run(DUE) == 1
    assert run(DUE) == 0  # a second run the same day
    assert run(DUE + datetime.timedelta(days=1)) == 0  # and the next day's
    assert noticed() == {
        "officer_a1": [Kind.RECOMMENDATION_DUE],
        "officer_a1_no_mail": [Kind.RECOMMENDATION_DUE],
    }
    notice = Notice.objects.get(recipient=cast["officer_a1"])
    assert text_of(notice) == (
        "Kiến nghị sau đợt kiểm tra, giám sát tại CĐCS A1 ngày 02/03/2026 đã đến hạn thực hiện "
        "(30/04/2026)"
    )
    assert notice.url == inspection_a1.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[cast["officer_a1"].email]]
    assert "Bổ sung sổ theo dõi" in mail.outbox[0].body


def test_the_recommendations_subject_names_the_unit_by_its_short_name(
    tree, cast, campaign, django_capture_on_commit_callbacks
):
    # As every other subject names a unit; its full name made this one the odd one out.
    Unit.objects.filter(pk=tree["A1"].pk).update(
        name="Công đoàn cơ sở A1 đầy đủ", short_name="CĐCS A1"
    )
    inspection_of(Unit.objects.get(pk=tree["A1"].pk), campaign, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        run(DUE)
    [message] = mail.outbox
    assert message.subject.startswith("[CĐCS A1] ")


def test_the_recommendations_notice_names_the_unit_as_its_e_mail_does(
    cast, campaign, named_a1, django_capture_on_commit_callbacks
):
    inspection_of(named_a1, campaign, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        run(DUE)
    [message] = mail.outbox
    assert message.body.startswith(f"Kính gửi cán bộ {FULL_A1},")
    assert text_of(Notice.objects.get()) == (
        f"Kiến nghị sau đợt kiểm tra, giám sát tại {FULL_A1} ngày 02/03/2026 đã đến hạn "
        "thực hiện (30/04/2026)"
    )


def test_recommendations_due_at_a_unit_filed_on_behalf_reach_who_files_for_it(
    tree, cast, campaign, django_capture_on_commit_callbacks
):
    # A2 has no officer: district A's officer files for it and marks its recommendations
    # done (campaign.inspections), so they are the ones told, not nobody.
    inspection_of(tree["A2"], campaign, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        assert run(DUE) == 1
    assert noticed() == {"officer_a": [Kind.RECOMMENDATION_DUE]}
    assert [m.to for m in mail.outbox] == [[cast["officer_a"].email]]


def test_a_day_the_task_did_not_run_is_caught_up(inspection_a1):
    assert run(DUE + datetime.timedelta(days=3)) == 1
    assert Notice.objects.filter(kind=Kind.RECOMMENDATION_DUE).count() == 1


def test_a_due_date_moved_later_is_told_again_when_it_comes(inspection_a1):
    run(DUE)
    later = DUE + datetime.timedelta(days=30)
    Inspection.objects.filter(pk=inspection_a1.pk).update(recommendations_due_on=later)
    assert run(later - datetime.timedelta(days=1)) == 0
    assert run(later) == 1
    keys = sorted(Notice.objects.values_list("key", flat=True))
    assert keys == [
        f"inspection-{inspection_a1.pk}-due-{DUE.isoformat()}",
        f"inspection-{inspection_a1.pk}-due-{later.isoformat()}",
    ]


def test_recommendations_met_or_absent_are_not_told(inspection_a1):
    Inspection.objects.filter(pk=inspection_a1.pk).update(follow_up=Inspection.FollowUp.MET)
    assert run(DUE) == 0
    Inspection.objects.filter(pk=inspection_a1.pk).update(
        follow_up=Inspection.FollowUp.PENDING, recommendations=""
    )
    assert run(DUE) == 0
    assert not Notice.objects.exists()


def test_recommendations_the_unit_marked_done_are_not_told_due(client, cast, inspection_a1):
    # The unit said what it did; the reviewers judge it. It was told "due" all the same.
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:inspection_done", args=[inspection_a1.pk])
    assert client.post(url, {"done_note": "Đã bổ sung sổ ngày 10/4."}).status_code == 302
    assert run(DUE) == 0
    assert not Notice.objects.exists()


def test_a_due_date_before_the_visit_is_refused_with_a_clear_message(client, cast, tree, campaign):
    client.force_login(cast["cspl"])
    response = client.post(
        reverse("campaign:inspection_create"),
        {
            "unit": tree["A1"].pk,
            "campaign": campaign.pk,
            "visited_on": "02/03/2026",
            "kind": Inspection.Kind.INSPECTION,
            "members": "Trưởng ban CSPL",
            "findings": "Hồ sơ lưu chưa đầy đủ.",
            "recommendations": "Bổ sung sổ theo dõi.",
            "recommendations_due_on": "01/03/2026",
        },
    )
    assert response.status_code == 200
    assert "Hạn thực hiện không thể trước ngày kiểm tra, giám sát." in response.content.decode()
    assert 'value="01/03/2026"' in response.content.decode()  # what was typed is kept
    assert not Inspection.objects.exists()


# --- the text, made when shown ------------------------------------------------------------------
def test_the_text_follows_the_readers_language(plan_a1, cast):
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=REASON)
    notice = Notice.objects.get()
    with translation.override("en"):
        assert notice.text == f"The implementation plan of CĐCS A1 was returned: {REASON}"
    assert text_of(notice) == f"Kế hoạch triển khai của CĐCS A1 đã bị trả lại: {REASON}"


def test_a_long_reason_is_cut_after_a_whole_word_and_says_so(plan_a1, cast):
    reason = "Bổ sung số người dự kiến của từng hoạt động " * 20  # 880 characters
    workflow.submission_submit(plan_a1, user=cast["officer_a1"])
    workflow.submission_return(plan_a1, user=cast["reviewer_a"], reason=reason)
    kept = Notice.objects.get().params["reason"]
    assert len(kept) <= notices.PARAM_LENGTH
    assert kept.endswith("…")
    assert reason.startswith(kept.removesuffix("…"))
    assert reason[len(kept) - 1] == " "  # the next word was left out whole, not cut


def test_a_notice_missing_a_parameter_still_says_what_happened(tree, cast):
    notice = Notice(
        recipient=cast["officer_a1"],
        key="old",
        kind=Kind.RETURNED,
        unit=tree["A1"],
        url="/",
        params={"what": "plan"},  # no unit, no reason
    )
    assert text_of(notice) == "Bị trả lại"
