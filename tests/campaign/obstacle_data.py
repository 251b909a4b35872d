"""The obstacle tests' shared builders: an obstacle raised or answered directly, what the
new-obstacle form posts, what a list page lists. Used by the test_obstacle_*.py files and the
tests of forms sent twice and of closed obstacles."""

from django.utils import timezone

from campaign.models import Obstacle

S = Obstacle.Status


def raise_obstacle(unit, campaign, user, **fields):
    fields.setdefault("subject", f"Vướng mắc của {unit.code}")
    fields.setdefault("text", "Chưa rõ cách tính số buổi tuyên truyền.")
    return Obstacle.objects.create(unit=unit, campaign=campaign, raised_by=user, **fields)


def answered(obstacle, user):
    Obstacle.objects.filter(pk=obstacle.pk).update(
        status=S.ANSWERED,
        answer="Tính theo từng buổi.",
        answered_by=user,
        answered_at=timezone.now(),
    )
    obstacle.refresh_from_db()
    return obstacle


def listed(response):
    """The codes of the units whose obstacles the list page shows."""
    assert response.status_code == 200
    return sorted(obstacle.unit.code for obstacle in response.context["page"].object_list)


def subjects(response):
    """The subjects of the obstacles the list page shows."""
    assert response.status_code == 200
    return sorted(obstacle.subject for obstacle in response.context["page"].object_list)


def form_data(unit, campaign, **overrides):
    data = {
        "unit": unit.pk,
        "campaign": campaign.pk,
        "report": "",
        "subject": "Cách tính số người tham dự",
        "text": "Một người dự hai buổi thì tính một hay hai lượt?",
    }
    data.update(overrides)
    return data
