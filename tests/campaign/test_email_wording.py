"""What the outbox's e-mails say and carry: the report's year and its unit's name of that
year, a Message-ID that parses, a subject cut after a whole word."""

import datetime

from django.core import mail

from campaign import notifications, reminders, workflow
from campaign.models import Status
from units.models import Unit
from units.reorganisations import reorganisation_apply


def test_a_report_step_names_its_year_and_its_unit_as_named_that_year(
    tree, cast, campaign, report_factory, reorganise, admin_user, django_capture_on_commit_callbacks
):
    # A unit may have two years open; a report of 2024 is of "CĐCS A1", renamed in 2025.
    report = report_factory(tree["A1"], campaign, 2024, Status.ACCEPTED)
    renaming = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "rename", "unit_code": "A1", "name": "CĐCS phường Mới"},
    )
    reorganisation_apply(reorganisation=renaming, user=admin_user)
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_reopen(report, user=cast["reviewer_a"], reason="Sửa số buổi")
    [sent] = mail.outbox
    # The subject names the unit as its officers know it now; the text, as the report does.
    assert sent.subject == "[CĐCS phường Mới] Báo cáo năm 2024: Đã mở lại"
    assert sent.body.startswith(
        "Báo cáo năm 2024 của CĐCS A1, theo kế hoạch “Kế hoạch tuyên truyền thử nghiệm”.\n"
        "Đã mở lại: "
    )


def test_a_sender_with_a_display_name_gives_a_message_id_that_parses(settings, plan_a1, cast):
    settings.DEFAULT_FROM_EMAIL = "Cổng thông tin CCHC <cong-thong-tin@ldldvinhlong.vn>"
    row = notifications.Notification(key="step-1-user-2", to_email="a@b.vn", subject="s", body="")
    assert notifications.message(row).extra_headers["Message-ID"] == (
        "<step-1-user-2@ldldvinhlong.vn>"
    )


def test_a_long_subject_is_cut_after_a_whole_word():
    words = "Kế hoạch tuyên truyền đẩy mạnh cải cách hành chính " * 8
    cut = notifications.subject_line(words)
    assert len(cut) <= notifications.SUBJECT_CHARS
    assert cut.endswith("…")
    assert words.startswith(cut[:-1]) and words[len(cut) - 1] == " "
    assert notifications.subject_line("  Một\ndòng  ") == "Một dòng"


def test_a_reminder_greets_the_units_officers_without_repeating_cong_doan(
    tree, cast, campaign, django_capture_on_commit_callbacks
):
    # Most units are named "Công đoàn …": "cán bộ công đoàn Công đoàn cơ sở …" stuttered.
    Unit.objects.filter(pk=tree["B1"].pk).update(name="Công đoàn cơ sở Trường Tiểu học B1")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_manual_reminders(
            [Unit.objects.get(pk=tree["B1"].pk)],
            campaign,
            reminders.What.REPORT,
            2015,
            cast["cspl"],
            datetime.date(2016, 1, 5),
        )
    [sent] = mail.outbox
    assert sent.body.startswith("Kính gửi cán bộ Công đoàn cơ sở Trường Tiểu học B1,\n")


def test_a_plans_step_e_mail_names_it_as_its_reminder_does(
    tree, cast, campaign, plan_b1, django_capture_on_commit_callbacks
):
    # The reminder asked for the "kế hoạch triển khai", the step's e-mail then spoke of a bare
    # "Kế hoạch", the word the campaign's own document goes by ("theo kế hoạch …").
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_manual_reminders(
            [tree["B1"]],
            campaign,
            reminders.What.PLAN,
            2015,
            cast["cspl"],
            datetime.date(2016, 1, 5),
        )
    [reminder] = mail.outbox
    assert "kế hoạch triển khai" in reminder.subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_submit(plan_b1, user=cast["officer_b1"])
    [step] = mail.outbox
    assert step.subject == "[CĐCS B1] Kế hoạch triển khai: Đã gửi"
    assert step.body.startswith("Kế hoạch triển khai của CĐCS B1, theo kế hoạch “")
