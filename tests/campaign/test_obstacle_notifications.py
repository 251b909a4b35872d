"""The notices and e-mails of an obstacle's life: raised, answered and closed, to whom and
whom not."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from campaign.models import Notice, Obstacle
from tests.campaign.annual import local
from tests.campaign.obstacle_data import answered, form_data, raise_obstacle
from tests.factories import CampaignFactory, MembershipFactory, UserFactory
from units.models import Membership, Unit

S = Obstacle.Status
CREATE = reverse("campaign:obstacle_create")


@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


def test_an_answer_reaches_the_raiser_only_while_they_may_see_the_unit(
    client, tree, people, obstacle_a1
):
    # The raiser moved to B1: the obstacle's page is a 404 to them, and its answer reached
    # them by notice and e-mail all the same.
    raiser = obstacle_a1.raised_by
    Membership.objects.filter(user=raiser).delete()
    MembershipFactory(user=raiser, unit=tree["B1"], role=Membership.Role.OFFICER)
    client.force_login(people["reviewer_a"])
    answer = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.post(answer, {"answer": "Theo hướng dẫn số 5."})
    assert not Notice.objects.filter(recipient=raiser).exists()
    assert Notice.objects.filter(recipient=people["second_officer_a1"]).exists()


def test_raising_one_e_mails_the_reviewers_who_answer_it(
    client, tree, people, campaign, freeze, django_capture_on_commit_callbacks
):
    # The reviewers are to answer within ten working days, yet nothing told them an obstacle
    # had come: a submission e-mails them, an obstacle waited for someone to open the list.
    freeze(local(2026, 12, 7, 17, 10))
    client.force_login(people["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    # District A's reviewer answers A1's obstacles: the province's and B's are not told.
    [sent] = mail.outbox
    assert sent.to == [people["reviewer_a"].email]
    assert sent.subject == "[CĐCS A1] Vướng mắc mới: Cách tính số người tham dự"
    link = settings.SITE_URL.rstrip("/") + reverse("campaign:obstacle_detail", args=[obstacle.pk])
    assert sent.body.strip() == (
        "CĐCS A1 đã nêu một vướng mắc lúc 17:10 07/12/2026:\n"
        "\n"
        "Cách tính số người tham dự\n"
        "Một người dự hai buổi thì tính một hay hai lượt?\n"
        "\n"
        f"Kế hoạch phát động: {campaign.reference}\n"
        f"Người nêu: {people['officer_a1']}\n"
        f"Hạn trả lời: {obstacle.answer_by:%d/%m/%Y}\n"
        "\n"
        f"Trả lời tại: {link}\n"
        "\n"
        "Thư này được gửi tự động từ Cổng theo dõi tuyên truyền CCHC của Liên đoàn Lao động "
        "tỉnh Vĩnh Long."
    )
    # Like a submission, it leaves the reviewers no notice: it waits in their list.
    assert not Notice.objects.exists()


def test_an_obstacle_whose_reviewers_have_no_e_mail_address_is_raised_all_the_same(
    client, tree, people, campaign, django_capture_on_commit_callbacks
):
    people["reviewer_a"].email = ""
    people["reviewer_a"].save(update_fields=["email"])
    client.force_login(people["officer_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, form_data(tree["A1"], campaign))
    assert response.status_code == 302
    # The nearest reviewers reachable by e-mail, as for a submission: the province's.
    assert [message.to for message in mail.outbox] == [[people["cspl"].email]]


def test_the_answers_e_mail_says_who_answered_and_when(
    client, tree, people, obstacle_a1, freeze, django_capture_on_commit_callbacks
):
    # The unit read that its obstacle "has been answered", but not by whom: a question about
    # the answer had nobody to go to.
    freeze(local(2026, 12, 8, 14, 5))
    Unit.objects.filter(pk=obstacle_a1.unit_id).update(
        name="Công đoàn cơ sở A1 đầy đủ", short_name="CĐCS A1"
    )
    client.force_login(people["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
            {"answer": "Tính hai lượt."},
        )
    sent = [m for m in mail.outbox if m.to == [people["officer_a1"].email]]
    assert len(sent) == 1
    assert (
        f"\nTính hai lượt.\n\nNgười trả lời: {people['reviewer_a']}, lúc 14:05 08/12/2026.\n"
        in (sent[0].body)
    )
    # Named as every other subject names a unit: by its short name when it has one.
    assert sent[0].subject.startswith("[CĐCS A1] ")


def close_as(client, user, obstacle):
    client.force_login(user)
    return client.post(reverse("campaign:obstacle_close", args=[obstacle.pk]))


def test_a_reviewer_closing_an_obstacle_e_mails_the_units_officers(
    client, people, obstacle_a1, freeze, django_capture_on_commit_callbacks
):
    # Closing told nobody: the unit learned its question was settled for it only by
    # opening the obstacle again.
    answered(obstacle_a1, people["reviewer_a"])
    freeze(local(2026, 12, 9, 8, 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = close_as(client, people["reviewer_a"], obstacle_a1)
    assert response.status_code == 302
    # A1's two officers (the one who raised it among them); not the reviewer who closed it.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["officer_a1"].email, people["second_officer_a1"].email]
    )
    # A notice each too, as every e-mailed event leaves: it reaches an officer without an
    # e-mail address.
    told = Notice.objects.filter(kind=Notice.Kind.OBSTACLE_CLOSED).order_by("recipient__pk")
    assert [notice.recipient for notice in told] == sorted(
        [people["officer_a1"], people["second_officer_a1"]], key=lambda user: user.pk
    )
    with translation.override("vi"):
        assert told[0].text == (
            f"{people['reviewer_a']} đã đóng vướng mắc “{obstacle_a1.subject}” của "
            f"{obstacle_a1.unit.name}"
        )
    sent = mail.outbox[0]
    assert sent.subject == f"[CĐCS A1] Vướng mắc đã được đóng: {obstacle_a1.subject}"
    link = settings.SITE_URL.rstrip("/") + obstacle_a1.get_absolute_url()
    raised = timezone.localtime(obstacle_a1.raised_at).strftime("%d/%m/%Y")
    assert sent.body.strip() == (
        f"Vướng mắc “{obstacle_a1.subject}” do CĐCS A1 nêu ngày {raised} đã được đóng.\n"
        f"Người đóng: {people['reviewer_a']}, lúc 08:30 09/12/2026.\n"
        "\n"
        f"Kế hoạch phát động: {obstacle_a1.campaign.reference}\n"
        "\n"
        f"Xem trên cổng thông tin: {link}\n"
        "\n"
        "Thư này được gửi tự động từ Cổng theo dõi tuyên truyền CCHC của Liên đoàn Lao động "
        "tỉnh Vĩnh Long."
    )


def test_the_closing_reaches_whom_the_answer_reaches_but_the_closer(
    client, tree, people, campaign, django_capture_on_commit_callbacks
):
    # The one who raised it holds a reviewer's role above A1 too, and closes it: they are
    # not told of their own act; A1's officers are. The one who raised another obstacle and
    # moved to B1 since is told of neither its answer nor its closing.
    both = people["officer_a1"]
    MembershipFactory(user=both, unit=tree["DA"], role=Membership.Role.REVIEWER)
    own = answered(raise_obstacle(tree["A1"], campaign, both), people["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, both, own)
    assert [m.to for m in mail.outbox] == [[people["second_officer_a1"].email]]
    mail.outbox.clear()
    mover = UserFactory(username="moved_to_b1")
    MembershipFactory(user=mover, unit=tree["A1"], role=Membership.Role.OFFICER)
    left = answered(raise_obstacle(tree["A1"], campaign, mover), people["cspl"])
    Membership.objects.filter(user=mover).update(unit=tree["B1"])
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, people["cspl"], left)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [both.email, people["second_officer_a1"].email]
    )


def test_the_unit_closing_its_own_obstacle_e_mails_nobody(
    client, people, obstacle_a1, django_capture_on_commit_callbacks
):
    # It settled the question itself: its officers need no telling, the reviewers moved on.
    answered(obstacle_a1, people["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = close_as(client, people["second_officer_a1"], obstacle_a1)
    assert response.status_code == 302
    assert Obstacle.objects.get(pk=obstacle_a1.pk).status == S.CLOSED
    assert mail.outbox == []


def test_the_unit_closing_its_own_obstacle_tells_the_reviewer_who_answered_in_the_portal(
    client, people, obstacle_a1, freeze
):
    # The reviewer who answered learned nothing: the obstacle just left their list, and
    # whether the answer had settled the question, or the unit had given up, was unsaid.
    answered(obstacle_a1, people["reviewer_a"])
    closed_at = freeze(local(2026, 12, 9, 8, 30))
    close_as(client, people["second_officer_a1"], obstacle_a1)
    notice = Notice.objects.get()
    assert notice.recipient == people["reviewer_a"]
    assert notice.kind == Notice.Kind.OBSTACLE_CLOSED
    assert notice.created_at == closed_at and notice.unit == obstacle_a1.unit
    with translation.override("vi"):
        assert notice.text == (
            f"CĐCS A1 đã đóng vướng mắc “{obstacle_a1.subject}” mà bạn đã trả lời"
        )
    # The bell's link opens the obstacle's page for them.
    client.force_login(people["reviewer_a"])
    opened = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert opened["Location"] == obstacle_a1.get_absolute_url()
    assert client.get(opened["Location"]).status_code == 200


def test_another_reviewer_closing_it_tells_the_reviewer_who_answered_in_the_portal(
    client, people, obstacle_a1, freeze, django_capture_on_commit_callbacks
):
    # The CSPL board answered; district A's reviewer closed it. The unit was e-mailed, the
    # answerer told nothing, as before a unit closing its own told them.
    answered(obstacle_a1, people["cspl"])
    closed_at = freeze(local(2026, 12, 9, 8, 30))
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, people["reviewer_a"], obstacle_a1)
    notice = Notice.objects.get(recipient=people["cspl"])
    assert notice.kind == Notice.Kind.OBSTACLE_CLOSED
    assert notice.created_at == closed_at and notice.unit == obstacle_a1.unit
    with translation.override("vi"):
        assert notice.text == (
            f"{people['reviewer_a']} đã đóng vướng mắc “{obstacle_a1.subject}” của CĐCS A1 "
            "mà bạn đã trả lời"
        )
    # A notice, not an e-mail: nothing is asked of them; the unit's e-mails are unchanged.
    assert people["cspl"].email not in [address for m in mail.outbox for address in m.to]
    assert mail.outbox
    client.force_login(people["cspl"])
    opened = client.get(reverse("campaign:notice_open", args=[notice.pk]))
    assert opened["Location"] == obstacle_a1.get_absolute_url()


@pytest.mark.parametrize("case", ["reviewer_closes", "answerer_moved", "answerer_inactive"])
def test_no_closing_notice_when_a_reviewer_closes_or_the_answerer_cannot_read_it(
    client, tree, people, obstacle_a1, case
):
    answered(obstacle_a1, people["reviewer_a"])
    closer = people["second_officer_a1"]
    if case == "reviewer_closes":
        closer = people["reviewer_a"]  # their own act; the unit is e-mailed instead
    elif case == "answerer_moved":
        # Moved to district B since: the obstacle's page is a 404 to them now.
        Membership.objects.filter(user=people["reviewer_a"]).update(unit=tree["DB"])
    else:
        people["reviewer_a"].is_active = False
        people["reviewer_a"].save()
    assert close_as(client, closer, obstacle_a1).status_code == 302
    assert not Notice.objects.filter(recipient=people["reviewer_a"]).exists()


def test_closing_a_closed_obstacle_again_e_mails_nobody_again(
    client, people, obstacle_a1, django_capture_on_commit_callbacks
):
    answered(obstacle_a1, people["reviewer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        close_as(client, people["cspl"], obstacle_a1)
        close_as(client, people["reviewer_a"], obstacle_a1)
    assert len(mail.outbox) == 2  # A1's two officers, once
