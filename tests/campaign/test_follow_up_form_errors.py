"""The obstacle and inspection forms, refused, list each field to fix at their top, linked to
its input in the page's order, as the plan and report forms do: the message said nothing
but what the form as a whole lacked."""

import re

import pytest
from django.urls import reverse

from tests.factories import CampaignFactory


@pytest.fixture
def campaign(tree):
    return CampaignFactory(issuer=tree["PV"])


def top(response):
    page = response.content.decode()
    assert 'id="form-errors"' in page, "no message at the top"
    return page.split('id="form-errors"', 1)[1].split("</div>", 1)[0]


def links(response):
    return re.findall(r'href="#([^"]+)"', top(response))


def test_a_refused_obstacle_lists_its_fields_to_fix(client, cast, tree, campaign):
    client.force_login(cast["officer_a1"])
    response = client.post(reverse("campaign:obstacle_create"), {})
    assert links(response) == ["id_unit", "id_campaign", "id_subject", "id_text"]
    for field in ("unit", "campaign", "subject", "text"):
        assert f'id="id_{field}"' in response.content.decode()
    data = {"unit": tree["A1"].pk, "campaign": campaign.pk, "subject": "Hỏi", "text": ""}
    response = client.post(reverse("campaign:obstacle_create"), data)
    assert links(response) == ["id_text"]
    assert "Hãy mô tả vướng mắc" in top(response)


def test_a_refused_inspection_lists_its_fields_to_fix(client, cast, tree, campaign):
    client.force_login(cast["cspl"])
    data = {"unit": tree["A1"].pk, "campaign": campaign.pk, "visited_on": "31/02/2025"}
    response = client.post(reverse("campaign:inspection_create"), data)
    assert links(response) == ["id_visited_on", "id_kind", "id_members", "id_findings"]
    assert 'id="id_kind"' in response.content.decode()
    assert "Không có ngày 31/02/2025" in top(response)


def test_a_form_opened_shows_no_message(client, cast):
    client.force_login(cast["cspl"])
    page = client.get(reverse("campaign:inspection_create")).content.decode()
    assert 'id="form-errors"' not in page
