"""From its closing day, a unit's officer cannot file or raise obstacles for it and keeps
read access; its pending submissions leave the reviewers' queues and to-do lists."""

from django.urls import reverse
from django.utils import timezone

from campaign.models import Status
from campaign.pending import plan_items
from units.access import Scope
from units.models import Unit


def close_a1():
    Unit.objects.get(code="A1").close(timezone.localdate())


def test_the_officer_reads_the_plan_of_a_closed_unit_but_cannot_edit_it(client, cast, plan_a1):
    close_a1()
    client.force_login(cast["officer_a1"])
    assert client.get(reverse("campaign:plan_detail", args=[plan_a1.pk])).status_code == 200
    assert client.get(reverse("campaign:plan_edit", args=[plan_a1.pk])).status_code == 403


def test_the_officer_of_a_closed_unit_cannot_raise_an_obstacle(client, cast, campaign, tree):
    close_a1()
    client.force_login(cast["officer_a1"])
    assert client.get(reverse("campaign:obstacle_create")).status_code == 403


def test_an_officer_above_is_not_offered_the_closed_unit_for_an_obstacle(
    client, cast, campaign, tree
):
    close_a1()
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:obstacle_create"))
    offered = {u.code for u in response.context["form"].fields["unit"].queryset}
    assert offered == {"DA", "A2"}


def test_a_closed_units_submitted_plan_leaves_the_review_queue(client, cast, plan_a1):
    plan_a1.status = Status.SUBMITTED
    plan_a1.save()
    client.force_login(cast["reviewer_a"])
    queue = reverse("campaign:review_queue")
    assert [p.pk for p in client.get(queue).context["page"].object_list] == [plan_a1.pk]
    close_a1()
    assert list(client.get(queue).context["page"].object_list) == []
    assert plan_items(Scope(cast["reviewer_a"])) == []


def test_a_closed_unit_is_no_longer_on_its_officers_to_do_list(cast, plan_a1):
    assert plan_items(Scope(cast["officer_a1"]))
    close_a1()
    assert plan_items(Scope(cast["officer_a1"])) == []
