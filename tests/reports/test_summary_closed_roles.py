"""A reviewer role kept at a unit that has closed reads that unit's summaries, drafts included,
and writes none: a district federation ended in 2025 issues no more documents (README, "Roles
held at a unit that has closed are kept"). The province's board still opens the old
district's drafts, and is offered no new one in its name (test_summary_closed_issue.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import SummaryReport
from tests.factories import MembershipFactory, UserFactory
from tests.reports.summaries import YEAR, make_campaign, make_summary
from units.models import Membership
from units.reorganisations import reorganisation_apply

ENDED_ON = datetime.date(2025, 7, 1)


@pytest.fixture
def district_ended(tree, reorganise, admin_user):
    """District A ends; its grassroots unions move to district B. Its reviewer keeps the role."""
    ended = reorganise(
        ENDED_ON,
        {"action": "move", "unit_code": "A1", "target_code": "DB"},
        {"action": "move", "unit_code": "A2", "target_code": "DB"},
        {"action": "close", "unit_code": "DA"},
    )
    reorganisation_apply(reorganisation=ended, user=admin_user)
    tree["DA"].refresh_from_db()
    assert tree["DA"].closed_on == ENDED_ON


@pytest.fixture
def campaign(tree):
    return make_campaign(tree["PV"])


@pytest.fixture
def summaries(tree, cast, campaign):
    """A draft and an issued summary of district A, written before it ended."""
    draft = make_summary(tree["DA"], campaign, cast["reviewer_a"], number="")
    issued = make_summary(tree["DA"], campaign, cast["reviewer_a"], number="3/BC-LĐLĐ")
    SummaryReport.objects.filter(pk=issued.pk).update(
        status=SummaryReport.Status.ISSUED,
        issued_at=timezone.now(),
        issued_by=cast["reviewer_a"],
    )
    return {"draft": draft, "issued": issued}


def page(name, summary):
    return reverse(f"reports:{name}", args=[summary.pk])


@pytest.mark.usefixtures("district_ended")
def test_a_role_kept_at_an_ended_district_reads_its_summaries_and_writes_none(
    client, tree, cast, campaign, summaries
):
    client.force_login(cast["reviewer_a"])
    for summary in summaries.values():
        detail = client.get(page("summary_detail", summary))
        assert detail.status_code == 200 and detail.context["summary"] == summary
        assert summary.subject in detail.content.decode()
    draft, issued = summaries["draft"], summaries["issued"]
    assert client.get(page("summary_edit", draft)).status_code == 403
    assert client.post(page("summary_issue", draft)).status_code == 403
    assert client.post(page("summary_correct", issued)).status_code == 403
    assert (
        'href="' + page("summary_edit", draft)
        not in client.get(page("summary_detail", draft)).content.decode()
    )

    # With a role at an open unit as well (the commune union that took over), the form opens
    # and offers that unit's area, not the ended district.
    MembershipFactory(user=cast["reviewer_a"], unit=tree["DB"], role=Membership.Role.REVIEWER)
    form = client.get(reverse("reports:summary_create")).context["form"]
    assert tree["DB"] in form.fields["unit"].queryset
    assert tree["DA"] not in form.fields["unit"].queryset
    response = client.post(
        reverse("reports:summary_create"),
        {
            "kind": "committee",
            "campaign": campaign.pk,
            "year": YEAR,
            "unit": tree["DA"].pk,
            "include": "accepted",
        },
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert SummaryReport.objects.count() == 2


@pytest.mark.usefixtures("district_ended")
def test_a_reviewer_whose_only_role_is_at_an_ended_district_is_not_offered_a_new_summary(
    client, tree, campaign, summaries
):
    former = UserFactory(username="former_reviewer")
    MembershipFactory(user=former, unit=tree["DA"], role=Membership.Role.REVIEWER)
    client.force_login(former)
    listing = client.get(reverse("reports:summary_list"))
    assert listing.status_code == 200 and listing.context["can_create"] is False
    assert reverse("reports:summary_create") not in listing.content.decode()
    assert client.get(reverse("reports:summary_create")).status_code == 403
    detail = client.get(page("summary_detail", summaries["draft"]))
    assert detail.status_code == 200 and detail.context["summary"] == summaries["draft"]
    assert summaries["draft"].subject in detail.content.decode()


@pytest.mark.usefixtures("district_ended")
def test_the_provinces_board_opens_the_ended_districts_draft_and_is_not_offered_the_district(
    client, tree, cast, summaries
):
    client.force_login(cast["cspl"])
    form = client.get(page("summary_edit", summaries["draft"]))
    assert form.status_code == 200 and form.context["form"].instance == summaries["draft"]
    response = client.get(reverse("reports:summary_create"))
    offered = response.context["form"].fields["unit"].queryset
    assert tree["DA"] not in offered and tree["DB"] in offered
    # Its area is written about under district B, which took over its grassroots unions.
    assert str(tree["DA"]) not in response.content.decode()


def test_before_it_ended_the_districts_reviewer_wrote_its_summaries(client, cast, summaries):
    client.force_login(cast["reviewer_a"])
    form = client.get(page("summary_edit", summaries["draft"]))
    assert form.status_code == 200 and form.context["form"].instance == summaries["draft"]
    # The form holds the draft's words, to be written on.
    assert summaries["draft"].subject in form.content.decode()
