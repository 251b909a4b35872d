"""Delivering an issued summary to the Standing Committee (reports.delivery): who receives
the in-portal notice and the e-mail (the viewers at and above the summary's unit, not its
issuer, not reviewers, not the viewers of another branch), the e-mail leaving only after the
commit with the summary's absolute link, the home page listing the summaries received
newest first with the unread ones marked, and `mark_read`."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import Notice, Notification
from reports import delivery, issuing, summary_tasks
from reports.models import SummaryReceipt, SummaryReport
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from tests.reports.summaries import SUBJECT, make_summary
from units.models import Membership, Unit

Role = Membership.Role
S = SummaryReport.Status
HOME = reverse("units:home")
HEADING = "Báo cáo tổng hợp đã ban hành"
NEW = "mới"


@pytest.fixture(autouse=True)
def no_render(monkeypatch):
    """Issuing queues the PDF after the commit; rendering it is test_summary.py's business."""
    monkeypatch.setattr(summary_tasks, "enqueue_render", lambda pk: None)


@pytest.fixture
def people(tree, cast):
    """The cast, plus viewers of district A, of grassroots A1 and of district B, a viewer
    of the province without an e-mail address and one whose account is disabled."""
    extra = {
        "viewer_a": UserFactory(username="viewer_a"),
        "viewer_a1": UserFactory(username="viewer_a1"),
        "viewer_b": UserFactory(username="viewer_b"),
        "no_email": UserFactory(username="no_email", email=""),
        "disabled": UserFactory(username="disabled", is_active=False),
    }
    for name, code in [
        ("viewer_a", "DA"),
        ("viewer_a1", "A1"),
        ("viewer_b", "DB"),
        ("no_email", "PV"),
        ("disabled", "PV"),
    ]:
        MembershipFactory(user=extra[name], unit=tree[code], role=Role.VIEWER)
    return {**cast, **extra}


def issue(summary, user, callbacks):
    """Issue `summary` as `user` through reports.issuing, then run what waits for the
    commit (the e-mails)."""
    with callbacks(execute=True):
        issuing.summary_issue(summary=summary, user=user)
    summary.refresh_from_db()
    return summary


def names(users):
    return sorted(user.username for user in users)


def receivers(summary):
    return sorted(
        SummaryReceipt.objects.filter(summary=summary).values_list("user__username", flat=True)
    )


# --- who ----------------------------------------------------------------------------------------
def test_the_viewers_at_and_above_the_summarys_unit_receive_it_and_nobody_else(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = make_summary(tree["DA"], campaign, people["reviewer_a"])
    issue(summary, people["reviewer_a"], django_capture_on_commit_callbacks)

    # The province's viewers and district A's; not A1's (their role does not reach DA),
    # not district B's, not the reviewers, not the officers, not a disabled account.
    assert receivers(summary) == ["no_email", "standing", "viewer_a"]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [people["standing"].email, people["viewer_a"].email]
    )


def test_a_summary_of_the_province_goes_to_the_provinces_viewers_only(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = make_summary(tree["PV"], campaign, people["cspl"])
    issue(summary, people["cspl"], django_capture_on_commit_callbacks)
    assert receivers(summary) == ["no_email", "standing"]
    assert [message.to for message in mail.outbox] == [[people["standing"].email]]


def test_the_issuer_is_left_out_even_when_a_viewer_too(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    MembershipFactory(user=people["cspl"], unit=tree["PV"], role=Role.VIEWER)
    summary = make_summary(tree["PV"], campaign, people["cspl"])
    issue(summary, people["cspl"], django_capture_on_commit_callbacks)
    assert "cspl" not in receivers(summary)
    assert people["cspl"].email not in [message.to[0] for message in mail.outbox]


def test_a_viewer_holding_roles_at_two_levels_receives_it_once(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    MembershipFactory(user=people["standing"], unit=tree["DA"], role=Role.VIEWER)
    summary = make_summary(tree["DA"], campaign, people["reviewer_a"])
    issue(summary, people["reviewer_a"], django_capture_on_commit_callbacks)
    assert receivers(summary).count("standing") == 1
    assert [m.to[0] for m in mail.outbox].count(people["standing"].email) == 1


def test_readers_costs_one_query(tree, people, campaign, django_assert_num_queries):
    summary = make_summary(tree["DA"], campaign, people["reviewer_a"])
    summary.unit  # noqa: B018  (fetched with the summary by the issuing code)
    with django_assert_num_queries(1):  # the users with a viewer role at DA or PV
        readers = delivery.readers(summary)
    assert names(readers) == ["no_email", "standing", "viewer_a"]


# --- the e-mail ---------------------------------------------------------------------------------
def test_the_e_mail_leaves_only_after_the_commit(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = make_summary(tree["PV"], campaign, people["cspl"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issuing.summary_issue(summary=summary, user=people["cspl"])
        # Written in the issue's transaction: the notice and the outbox row.
        assert receivers(summary) == ["no_email", "standing"]
        assert Notification.objects.filter(recipient=people["standing"]).count() == 1
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert Notification.objects.get(recipient=people["standing"]).sent_at is not None


def test_an_issue_rolled_back_delivers_nothing(tree, people, campaign):
    summary = make_summary(tree["PV"], campaign, people["cspl"])
    with pytest.raises(RuntimeError), transaction.atomic():
        issuing.summary_issue(summary=summary, user=people["cspl"])
        raise RuntimeError("something after the issue failed")
    assert not SummaryReceipt.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_e_mail_is_in_vietnamese_with_the_summarys_absolute_link(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = make_summary(tree["PV"], campaign, people["cspl"])
    issue(summary, people["cspl"], django_capture_on_commit_callbacks)
    summary.refresh_from_db()
    number = summary.number  # from the register of the unit and year
    assert number.startswith("1/")
    (message,) = mail.outbox
    assert (
        message.subject
        == f"[LĐLĐ tỉnh Thử nghiệm] Báo cáo tổng hợp số {number} đã ban hành: {SUBJECT}"
    )
    link = settings.SITE_URL.rstrip("/") + reverse("reports:summary_detail", args=[summary.pk])
    assert link.startswith("http")
    assert link in message.body
    assert f"đã ban hành báo cáo tổng hợp số {number} ngày 05/01/2025" in message.body
    assert f"năm {summary.year}," in message.body  # a year, not 2.024
    assert "\n" not in message.subject


def test_two_units_summaries_of_the_same_number_name_their_unit_in_the_subject(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    # Each unit numbers its summaries from 1 every year: the Standing Committee received
    # "Báo cáo tổng hợp số 1/BC-LĐLĐ đã ban hành: Kết quả năm …" from two districts, and a
    # phone's inbox showed the same line twice.
    MembershipFactory(user=people["standing"], unit=tree["DB"], role=Role.VIEWER)
    for code in ("DA", "DB"):
        issue(
            make_summary(tree[code], campaign, people["cspl"]),
            people["cspl"],
            django_capture_on_commit_callbacks,
        )
    subjects = [m.subject for m in mail.outbox if m.to == [people["standing"].email]]
    numbers = set(SummaryReport.objects.values_list("number", flat=True))
    assert len(subjects) == 2 and len(numbers) == 1
    (number,) = numbers
    assert sorted(subjects) == [
        f"[LĐLĐ huyện A] Báo cáo tổng hợp số {number} đã ban hành: {SUBJECT}",
        f"[LĐLĐ huyện B] Báo cáo tổng hợp số {number} đã ban hành: {SUBJECT}",
    ]


def test_a_corrections_e_mail_names_the_report_it_replaces(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    first = issue(
        make_summary(tree["PV"], campaign, people["cspl"]),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    first.refresh_from_db()
    correction = make_summary(tree["PV"], campaign, people["cspl"], supersedes=first)
    mail.outbox.clear()
    issue(correction, people["cspl"], django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert f"thay thế báo cáo số {first.number}" in message.body


def test_delivering_twice_delivers_nothing_new(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = issue(
        make_summary(tree["PV"], campaign, people["cspl"]),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.deliver_issued_summary(summary) == 2
    assert SummaryReceipt.objects.count() == 2
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_summary_with_no_viewer_above_delivers_nothing(
    tree, cast, campaign, django_capture_on_commit_callbacks
):
    summary = make_summary(tree["DB"], campaign, cast["cspl"])
    Membership.objects.filter(role=Role.VIEWER).delete()
    issue(summary, cast["cspl"], django_capture_on_commit_callbacks)
    assert receivers(summary) == []
    assert mail.outbox == []


# --- the home page ------------------------------------------------------------------------------
def section(page):
    """The home page's section of the summaries received, or None."""
    if 'id="summaries-issued"' not in page:
        return None
    return page.split('id="summaries-issued"', 1)[1].split("</section>", 1)[0]


def entries(part):
    """Each listed summary: (its link, its first line's classes, its text)."""
    found = []
    for href, body in re.findall(
        r'<a class="list-group-item[^"]*" href="([^"]+)">(.*?)</a>', part, re.S
    ):
        classes = re.search(r'<div class="([^"]*)">', body).group(1)
        found.append((href, classes, " ".join(re.sub(r"<[^>]+>", " ", body).split())))
    return found


@pytest.fixture
def three_issued(tree, people, campaign, django_capture_on_commit_callbacks):
    """Three summaries issued on three days, the middle one of district A."""
    issued = []
    for day, code in [(3, "PV"), (5, "DA"), (4, "PV")]:
        author = people["cspl"]
        summary = issue(
            make_summary(tree[code], campaign, author),
            author,
            django_capture_on_commit_callbacks,
        )
        moment = timezone.make_aware(datetime.datetime(2025, 1, day, 9))
        SummaryReport.objects.filter(pk=summary.pk).update(issued_at=moment)
        issued.append(summary)
    return issued


def test_the_home_page_lists_the_summaries_received_newest_first_unread_in_bold(
    client, people, three_issued
):
    first, district, third = three_issued
    delivery.mark_read(people["standing"], third)
    client.force_login(people["standing"])
    part = section(client.get(HOME).content.decode())
    assert HEADING in part
    listed = entries(part)
    assert [href for href, _classes, _text in listed] == [
        district.get_absolute_url(),
        third.get_absolute_url(),
        first.get_absolute_url(),
    ]
    bold = [("fw-bold" in classes, NEW in text.split()) for _href, classes, text in listed]
    assert bold == [(True, True), (False, False), (True, True)]
    assert "2 chưa đọc" in part


def test_the_campaign_is_named_under_each_summary_only_when_they_differ(
    client, tree, people, campaign, three_issued, django_capture_on_commit_callbacks
):
    # With one campaign the subjects already name it: its long title under every line said
    # the same thing again, four times on the committee's phone.
    client.force_login(people["standing"])
    part = section(client.get(HOME).content.decode())
    assert campaign.title not in part
    other = CampaignFactory(issuer=tree["PV"], slug="other", title="Kế hoạch thứ hai")
    issue(
        make_summary(tree["PV"], other, people["cspl"]),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    part = section(client.get(HOME).content.decode())
    assert "Kế hoạch thứ hai" in part and campaign.title[:60] in part


def test_a_viewer_sees_only_the_summaries_delivered_to_them(client, people, three_issued):
    client.force_login(people["viewer_a"])
    part = section(client.get(HOME).content.decode())
    assert [href for href, _c, _t in entries(part)] == [three_issued[1].get_absolute_url()]


def test_who_received_nothing_has_no_such_section(client, people, three_issued):
    for name in ("viewer_b", "officer_a1", "cspl"):
        client.force_login(people[name])
        assert section(client.get(HOME).content.decode()) is None, name


def test_a_viewer_who_lost_the_role_no_longer_sees_the_summaries(client, people, three_issued):
    Membership.objects.filter(user=people["viewer_a"]).delete()
    client.force_login(people["viewer_a"])
    assert section(client.get(HOME).content.decode()) is None


def test_a_superseded_summary_is_marked_so(
    tree, client, people, campaign, django_capture_on_commit_callbacks
):
    first = issue(
        make_summary(tree["PV"], campaign, people["cspl"]),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    second = issue(
        make_summary(tree["PV"], campaign, people["cspl"], supersedes=first),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    second.refresh_from_db()
    client.force_login(people["standing"])
    listed = entries(section(client.get(HOME).content.decode()))
    assert listed[0][2].startswith(second.number)
    assert "Đã được đính chính" in listed[1][2] and "Đã được đính chính" not in listed[0][2]
    # The correction says which report it corrects: their subjects read alike.
    assert f"đính chính cho số {first.number}" in listed[0][2]
    assert "đính chính cho số" not in listed[1][2]


def test_the_section_costs_two_queries(people, three_issued, django_assert_num_queries):
    scope = delivery.Scope(people["standing"])
    with django_assert_num_queries(2):  # the latest receipts with their summaries; the unread
        found = delivery.inbox(scope)
        [summary.supersedes for summary in (receipt.summary for receipt in found["receipts"])]
    assert len(found["receipts"]) == 3 and found["unread"] == 3 and not found["more"]


def test_the_section_lists_the_latest_and_says_there_are_more(people, three_issued):
    found = delivery.inbox(delivery.Scope(people["standing"]), size=2)
    # Newest first: district A's (day 5), then the province's second (day 4).
    assert [r.summary.pk for r in found["receipts"]] == [three_issued[1].pk, three_issued[2].pk]
    assert found["more"] and found["unread"] == 3


# --- mark_read ----------------------------------------------------------------------------------
def test_mark_read_marks_the_first_reading_only(people, three_issued, freeze):
    summary = three_issued[0]
    receipt = SummaryReceipt.objects.get(user=people["standing"], summary=summary)
    assert receipt.read_at is None
    assert delivery.mark_read(people["standing"], summary) is True
    receipt.refresh_from_db()
    first_reading = receipt.read_at
    assert first_reading is not None
    freeze(first_reading + datetime.timedelta(days=1))
    assert delivery.mark_read(people["standing"], summary) is False
    receipt.refresh_from_db()
    assert receipt.read_at == first_reading
    # Another reader's receipt is untouched.
    assert SummaryReceipt.objects.get(user=people["no_email"], summary=summary).read_at is None


def test_mark_read_does_nothing_for_who_did_not_receive_it(people, three_issued):
    from django.contrib.auth.models import AnonymousUser

    assert delivery.mark_read(people["viewer_b"], three_issued[0]) is False
    assert delivery.mark_read(people["cspl"], three_issued[0]) is False
    assert delivery.mark_read(AnonymousUser(), three_issued[0]) is False
    assert not SummaryReceipt.objects.filter(user=people["viewer_b"]).exists()


def test_opening_the_summary_marks_it_read(client, people, three_issued):
    summary = three_issued[0]
    client.force_login(people["standing"])
    assert client.get(reverse("reports:summary_detail", args=[summary.pk])).status_code == 200
    receipt = SummaryReceipt.objects.get(user=people["standing"], summary=summary)
    assert receipt.read_at is not None
    assert SummaryReceipt.objects.filter(user=people["standing"], read_at__isnull=True).count() == 2


def test_a_head_request_is_nobody_reading_it(client, people, three_issued):
    # A link preview (a chat application's, a mail filter's) asks with HEAD.
    summary = three_issued[0]
    client.force_login(people["standing"])
    assert client.head(reverse("reports:summary_detail", args=[summary.pk])).status_code == 200
    client.head(reverse("reports:summary_pdf", args=[summary.pk]))
    assert SummaryReceipt.objects.get(user=people["standing"], summary=summary).read_at is None


# --- the notice under the bell -------------------------------------------------------------------
def test_every_reader_gets_a_notice_even_without_an_e_mail_address(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = issue(
        # Issued in district A's name, as its letterhead prints it.
        make_summary(tree["DA"], campaign, people["reviewer_a"], issuing_body="LĐLĐ huyện A"),
        people["reviewer_a"],
        django_capture_on_commit_callbacks,
    )
    notices = Notice.objects.filter(key=f"summary-{summary.pk}")
    # The readers of the receipts, the one without an address too; not the issuer, not
    # district B's viewer, not the disabled account.
    assert sorted(notices.values_list("recipient__username", flat=True)) == receivers(summary)
    notice = notices.get(recipient=people["standing"])
    assert notice.kind == Notice.Kind.SUMMARY_ISSUED
    assert notice.url == summary.get_absolute_url() and notice.unit == tree["DA"]
    with translation.override("vi"):
        assert notice.text == (
            f"LĐLĐ huyện A đã ban hành báo cáo tổng hợp số {summary.number}: {SUBJECT}"
        )


def test_the_notice_names_the_issuer_as_the_e_mail_and_the_document_do(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    # The e-mail said "Liên đoàn Lao động huyện A đã ban hành …", as the document's
    # letterhead names its issuer that day; the notice said "LĐLĐ huyện A", the short name
    # the unit's lists use.
    Unit.objects.filter(pk=tree["DA"].pk).update(
        name="Liên đoàn Lao động huyện A", short_name="LĐLĐ huyện A"
    )
    summary = issue(
        make_summary(
            Unit.objects.get(pk=tree["DA"].pk),
            campaign,
            people["reviewer_a"],
            issuing_body="Liên đoàn Lao động huyện A",
        ),
        people["reviewer_a"],
        django_capture_on_commit_callbacks,
    )
    said = f"Liên đoàn Lao động huyện A đã ban hành báo cáo tổng hợp số {summary.number}"
    notice = Notice.objects.get(key=f"summary-{summary.pk}", recipient=people["standing"])
    with translation.override("vi"):
        assert notice.text == f"{said}: {SUBJECT}"
    message = next(m for m in mail.outbox if m.to == [people["standing"].email])
    assert said in message.body


def test_delivering_twice_leaves_one_notice_each(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    summary = issue(
        make_summary(tree["PV"], campaign, people["cspl"]),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    delivery.deliver_issued_summary(summary)
    assert Notice.objects.filter(key=f"summary-{summary.pk}").count() == 2


def test_reading_the_summary_from_the_home_page_marks_its_notice_read(client, people, three_issued):
    summary = three_issued[0]
    mine = Notice.objects.filter(recipient=people["standing"])
    assert mine.filter(read_at__isnull=True).count() == 3
    client.force_login(people["standing"])
    client.get(reverse("reports:summary_detail", args=[summary.pk]))
    assert list(mine.filter(read_at__isnull=False).values_list("key", flat=True)) == [
        f"summary-{summary.pk}"
    ]
    # Another reader's notice is untouched.
    assert (
        Notice.objects.get(recipient=people["no_email"], key=f"summary-{summary.pk}").read_at
        is None
    )


def test_a_summarys_notice_to_a_reader_now_an_officer_leads_back_to_the_list(
    client, tree, people, three_issued
):
    # The Standing Committee member became an officer of the province: they still see its
    # units, but a summary is read by reviewers and viewers only. The notice led to its
    # page, a 404; it says instead, as for a unit moved out of reach, why it no longer opens.
    summary = three_issued[0]
    Membership.objects.filter(user=people["standing"]).update(role=Membership.Role.OFFICER)
    client.force_login(people["standing"])
    assert client.get(summary.get_absolute_url()).status_code == 404
    notice = Notice.objects.get(recipient=people["standing"], key=f"summary-{summary.pk}")
    listed = client.get(reverse("campaign:notice_list")).content.decode()
    assert "không còn thuộc đơn vị của bạn" in listed
    opened = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert opened["Location"] == reverse("campaign:notice_list")
    # A viewer still opens it.
    client.force_login(people["viewer_a"])
    mine = Notice.objects.get(recipient=people["viewer_a"])
    opened = client.get(reverse("campaign:notice_open", args=[mine.pk]))
    assert opened["Location"] == mine.url
    assert client.get(mine.url).status_code == 200


def test_an_issue_rolled_back_leaves_no_notice(tree, people, campaign):
    summary = make_summary(tree["PV"], campaign, people["cspl"])
    with pytest.raises(RuntimeError), transaction.atomic():
        issuing.summary_issue(summary=summary, user=people["cspl"])
        raise RuntimeError("something after the issue failed")
    assert not Notice.objects.exists()


def test_the_boards_report_is_said_issued_by_the_board_of_its_federation(
    tree, people, campaign, django_capture_on_commit_callbacks
):
    # The CSPL board issues it, not the federation whose Standing Committee reads it: the
    # notice said "LĐLĐ tỉnh … đã ban hành", the e-mail "Ban Chính sách – Pháp luật" of
    # no federation.
    summary = issue(
        make_summary(
            tree["PV"],
            campaign,
            people["cspl"],
            kind=SummaryReport.Kind.BOARD,
            parent_body="LĐLĐ tỉnh P",
            issuing_body="Ban Chính sách – Pháp luật",
            signer_block="",
        ),
        people["cspl"],
        django_capture_on_commit_callbacks,
    )
    said = (
        f"Ban Chính sách – Pháp luật LĐLĐ tỉnh P đã ban hành báo cáo tổng hợp số {summary.number}"
    )
    notice = Notice.objects.get(key=f"summary-{summary.pk}", recipient=people["standing"])
    with translation.override("vi"):
        assert notice.text.startswith(said)
    (message,) = mail.outbox
    assert said in message.body
