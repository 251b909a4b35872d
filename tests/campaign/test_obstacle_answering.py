"""Answering and closing an obstacle: the whole flow, answers sent twice or changed meanwhile,
damaged forms, and what a closed obstacle refuses."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import MAX_NARRATIVE, Notice, Obstacle
from tests.campaign.obstacle_data import answered, form_data
from tests.factories import CampaignFactory
from tests.pages import messages_of

S = Obstacle.Status
CREATE = reverse("campaign:obstacle_create")


@pytest.fixture
def campaign(tree):
    """Bare: no content items or indicators."""
    return CampaignFactory(issuer=tree["PV"])


def test_a_reviewer_sees_the_answer_form_and_the_officer_does_not(client, people, obstacle_a1):
    answer_url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.force_login(people["reviewer_a"])
    assert (
        answer_url
        in client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])).content.decode()
    )
    client.force_login(people["officer_a1"])
    page = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])).content.decode()
    assert answer_url not in page
    assert reverse("campaign:obstacle_close", args=[obstacle_a1.pk]) not in page  # not answered yet


def test_the_whole_flow_raise_answer_close(client, tree, people, campaign):
    client.force_login(people["officer_a1"])
    client.post(CREATE, form_data(tree["A1"], campaign))
    obstacle = Obstacle.objects.get()
    detail = reverse("campaign:obstacle_detail", args=[obstacle.pk])

    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": "Tính hai lượt."}
    )
    assert response.url == detail
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer) == (S.ANSWERED, "Tính hai lượt.")

    client.force_login(people["officer_a1"])
    page = client.get(detail).content.decode()
    assert "Tính hai lượt." in page
    assert reverse("campaign:obstacle_close", args=[obstacle.pk]) in page
    client.post(reverse("campaign:obstacle_close", args=[obstacle.pk]))
    obstacle.refresh_from_db()
    assert obstacle.status == S.CLOSED
    assert obstacle.closed_at is not None
    assert (
        reverse("campaign:obstacle_close", args=[obstacle.pk])
        not in client.get(detail).content.decode()
    )


def test_answering_again_updates_the_answer(client, people, obstacle_a1):
    answered(obstacle_a1, people["reviewer_a"])
    client.force_login(people["cspl"])
    form = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])).context[
        "answer_form"
    ]
    assert form.initial["answer"] == "Tính theo từng buổi."
    client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
        {"answer": "Sửa lại.", "shown": form.initial["shown"]},
    )
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.status, obstacle_a1.answer) == (S.ANSWERED, "Sửa lại.")
    assert obstacle_a1.answered_by == people["cspl"]


def test_the_same_answer_sent_twice_tells_the_unit_once(client, people, obstacle_a1):
    # A second tap or a reload of the POST notified the unit again and moved the answer's
    # time; a changed answer is still news.
    client.force_login(people["reviewer_a"])
    url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.post(url, {"answer": "Theo hướng dẫn số 5."})
    obstacle_a1.refresh_from_db()
    first_at = obstacle_a1.answered_at
    response = client.post(url, {"answer": "Theo hướng dẫn số 5."}, follow=True)
    assert messages_of(response, "info") == [
        "Câu trả lời này đã được lưu; đơn vị không được báo lại lần nữa."
    ]
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.answered_at == first_at
    told = Notice.objects.filter(recipient=people["officer_a1"])
    assert told.count() == 1
    client.post(url, {"answer": "Theo hướng dẫn số 6.", "shown": first_at.isoformat()})
    assert told.count() == 2


def test_an_answer_given_after_the_page_was_drawn_is_not_replaced_unread(
    client, people, obstacle_a1
):
    # Reviewers of the district and of the province both answer A1's obstacles: the second
    # answer, typed on a page that showed none, silently replaced the first one.
    detail = reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])
    url = reverse("campaign:obstacle_answer", args=[obstacle_a1.pk])
    client.force_login(people["cspl"])
    stale = client.get(detail).context["answer_form"].initial
    assert stale["shown"] == ""
    client.force_login(people["reviewer_a"])
    client.post(url, {"answer": "Tính theo từng buổi.", "shown": ""})
    client.force_login(people["cspl"])
    response = client.post(url, {"answer": "Tính theo người.", "shown": stale["shown"]})
    assert response.status_code == 409
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.answer, obstacle_a1.answered_by) == (
        "Tính theo từng buổi.",
        people["reviewer_a"],
    )
    page = response.content.decode()
    assert "Một người khác đã trả lời vướng mắc này" in page
    assert "Tính theo từng buổi." in page and "Tính theo người." in page  # theirs and mine
    told = Notice.objects.filter(recipient=people["officer_a1"])
    assert told.count() == 1
    # Sent again from the page that now shows theirs, it replaces it knowingly.
    again = response.context["answer_form"].data
    assert again["shown"] == obstacle_a1.answered_at.isoformat()
    client.post(url, {"answer": again["answer"], "shown": again["shown"]})
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.answer, obstacle_a1.answered_by) == ("Tính theo người.", people["cspl"])
    assert told.count() == 2


@pytest.mark.parametrize("shown", ["hôm qua", "2026-12-06T09:00:00"])
def test_a_damaged_answer_time_is_refused_with_the_answer_kept(client, people, obstacle_a1, shown):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
        {"answer": "Tính theo từng buổi.", "shown": shown},
    )
    assert response.status_code == 400
    assert "dữ liệu ẩn bị hỏng" in response.content.decode()
    assert "Tính theo từng buổi." in response.content.decode()
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.OPEN


@pytest.mark.parametrize("answer", ["", "   ", "z" * (MAX_NARRATIVE + 1)])
def test_an_empty_or_huge_answer_is_refused_and_kept(client, people, obstacle_a1, answer):
    client.force_login(people["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]), {"answer": answer}
    )
    assert response.status_code == 400
    assert "answer" in response.context["answer_form"].errors
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.status, obstacle_a1.answer) == (S.OPEN, "")
    if answer.strip():
        assert answer in response.content.decode()


def test_closing_an_open_obstacle_is_refused_until_it_is_answered(client, people, obstacle_a1):
    client.force_login(people["officer_a1"])
    response = client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]), follow=True)
    assert response.status_code == 200
    assert len(messages_of(response, "error")) == 1
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.OPEN
    assert obstacle_a1.closed_at is None


def test_a_closed_obstacle_can_no_longer_be_answered(client, people, obstacle_a1):
    answered(obstacle_a1, people["cspl"])
    Obstacle.objects.filter(pk=obstacle_a1.pk).update(status=S.CLOSED)
    client.force_login(people["reviewer_a"])
    detail = client.get(reverse("campaign:obstacle_detail", args=[obstacle_a1.pk]))
    assert detail.context["can_answer"] is False
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]), {"answer": "Muộn"}, follow=True
    )
    assert len(messages_of(response, "error")) == 1
    obstacle_a1.refresh_from_db()
    assert (obstacle_a1.status, obstacle_a1.answer) == (S.CLOSED, "Tính theo từng buổi.")


def test_an_answer_changed_after_the_page_was_drawn_is_read_before_closing(
    client, people, obstacle_a1
):
    # The officer closed the obstacle as settled by the answer they had read; the reviewer
    # had meanwhile replaced it, and nothing more could be asked once closed.
    answered(obstacle_a1, people["reviewer_a"])
    detail = reverse("campaign:obstacle_detail", args=[obstacle_a1.pk])
    close = reverse("campaign:obstacle_close", args=[obstacle_a1.pk])
    client.force_login(people["officer_a1"])
    stale = client.get(detail).context["shown"]
    assert f'name="shown" value="{stale}"' in client.get(detail).content.decode()
    client.force_login(people["cspl"])
    client.post(
        reverse("campaign:obstacle_answer", args=[obstacle_a1.pk]),
        {"answer": "Tính theo người, không theo buổi.", "shown": stale},
    )
    client.force_login(people["officer_a1"])
    response = client.post(close, {"shown": stale}, follow=True)
    assert messages_of(response, "warning") == [
        "Câu trả lời đã được sửa sau khi bạn mở trang này nên vướng mắc chưa được đóng. Hãy "
        "đọc câu trả lời bên dưới, rồi đóng vướng mắc nếu câu trả lời đã giải quyết được vấn đề."
    ]
    assert "Tính theo người, không theo buổi." in response.content.decode()
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.ANSWERED
    client.post(close, {"shown": response.context["shown"]})
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.CLOSED


def test_a_damaged_close_form_closes_nothing(client, people, obstacle_a1):
    answered(obstacle_a1, people["reviewer_a"])
    client.force_login(people["officer_a1"])
    close = reverse("campaign:obstacle_close", args=[obstacle_a1.pk])
    response = client.post(close, {"shown": "hôm qua"}, follow=True)
    assert messages_of(response, "error") == [
        "Trang gửi lên có dữ liệu ẩn bị hỏng. Hãy tải lại trang và nhập lại thay đổi của bạn."
    ]
    obstacle_a1.refresh_from_db()
    assert obstacle_a1.status == S.ANSWERED


def test_closing_a_closed_obstacle_again_changes_nothing(client, people, obstacle_a1):
    answered(obstacle_a1, people["cspl"])
    client.force_login(people["officer_a1"])
    client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]))
    closed_at = Obstacle.objects.get(pk=obstacle_a1.pk).closed_at
    response = client.post(reverse("campaign:obstacle_close", args=[obstacle_a1.pk]), follow=True)
    assert response.status_code == 200
    assert Obstacle.objects.get(pk=obstacle_a1.pk).closed_at == closed_at


def test_closing_asks_first_since_it_cannot_be_undone(client, people, obstacle_a1):
    answered(obstacle_a1, people["cspl"])
    client.force_login(people["officer_a1"])
    with translation.override("vi"):
        page = client.get(obstacle_a1.get_absolute_url()).content.decode()
    confirm = 'data-confirm="Đóng vướng mắc này? Sau khi đóng, không trả lời hay sửa được nữa."'
    assert confirm in page
    assert "/static/js/data_confirm" in page
