"""An answer typed for an obstacle that the unit closed meanwhile is refused, and shown back
to copy rather than lost behind a redirect."""

from django.urls import reverse

from campaign.models import Obstacle
from tests.campaign.obstacle_data import answered, raise_obstacle
from tests.pages import messages_of

S = Obstacle.Status
TYPED = "Bổ sung: tính cả các buổi lồng ghép sinh hoạt công đoàn."


def test_an_answer_sent_after_the_unit_closed_the_obstacle_is_shown_back(
    client, tree, cast, campaign
):
    obstacle = answered(raise_obstacle(tree["A1"], campaign, cast["officer_a1"]), cast["cspl"])
    detail = reverse("campaign:obstacle_detail", args=[obstacle.pk])
    client.force_login(cast["reviewer_a"])
    shown = client.get(detail).context["answer_form"].initial["shown"]
    # The unit closes it, settled by the first answer, while the reviewer types more.
    client.force_login(cast["officer_a1"])
    client.post(reverse("campaign:obstacle_close", args=[obstacle.pk]), {"shown": shown})
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle.pk]),
        {"answer": TYPED, "shown": shown},
    )
    assert response.status_code == 409
    assert messages_of(response, "error") == ["Vướng mắc đã đóng, không thể trả lời thêm."]
    page = response.content.decode()
    assert TYPED in page and "kept-text" in page
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer) == (S.CLOSED, "Tính theo từng buổi.")


def test_a_page_drawn_after_it_closed_refuses_the_answer_and_keeps_it(client, tree, cast, campaign):
    obstacle = answered(raise_obstacle(tree["A1"], campaign, cast["officer_a1"]), cast["cspl"])
    Obstacle.objects.filter(pk=obstacle.pk).update(status=S.CLOSED)
    client.force_login(cast["reviewer_a"])
    response = client.post(
        reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": TYPED}
    )
    assert response.status_code == 409
    assert TYPED in response.content.decode()
    # Nothing typed: nothing to keep, back to the obstacle.
    empty = client.post(reverse("campaign:obstacle_answer", args=[obstacle.pk]), {"answer": " "})
    assert empty.status_code == 302
