"""The report form shows, under each whole-number input, the unit's own figure of the year
before: the column a spreadsheet kept to the left, and what the plausibility rules compare
with. Only figures of a report that was submitted count (a draft is not a figure yet)."""

import pytest
from django.urls import reverse

from campaign.models import Status
from tests.campaign.annual import COMPLETE, YEAR, annual_campaign, make_report

# Today is 01/12/2024 (tests/campaign/conftest.py): 2024's reports are being filed.
pytestmark = pytest.mark.usefixtures("clock")


def _start_page(client, officer, campaign, unit):
    client.force_login(officer)
    url = reverse("campaign:report_start", args=[campaign.pk, unit.pk, YEAR])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_shows_last_years_figures_under_their_inputs(client, tree, cast):
    campaign = annual_campaign(tree)
    make_report(
        tree["A1"],
        campaign,
        year=YEAR - 1,
        status=Status.ACCEPTED,
        figures={"sessions": 1250, "participants": None, "other_forms": "Pa nô"},
    )
    page = _start_page(client, cast["officer_a1"], campaign, tree["A1"])

    hint = '<div id="id_value_sessions-last" class="form-text fw-semibold">'
    assert hint + "Năm 2023 đơn vị đã báo cáo 1.250 buổi.</div>" in page
    # Read out with the input, before its guidance.
    assert 'aria-describedby="id_value_sessions-last ' in page
    # A figure left empty last year, and a text answer, have no line.
    assert "id_value_participants-last" not in page
    assert "id_value_other_forms-last" not in page


def test_a_draft_of_last_year_or_another_units_report_shows_nothing(client, tree, cast):
    campaign = annual_campaign(tree)
    make_report(tree["A1"], campaign, year=YEAR - 1, figures=COMPLETE)  # never submitted
    make_report(tree["A2"], campaign, year=YEAR - 1, status=Status.ACCEPTED, figures=COMPLETE)
    page = _start_page(client, cast["officer_a1"], campaign, tree["A1"])
    assert "đơn vị đã báo cáo" not in page
