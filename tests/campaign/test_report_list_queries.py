"""The officer's report list costs the same queries for 2 units filed for on behalf as for
22: it asked, unit by unit, whether each had an officer of its own."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UnitFactory
from units.models import Unit


def queries(client, campaign):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("campaign:report_list"), {"campaign": campaign.pk})
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


def test_the_list_of_a_district_officer_does_not_grow_with_the_units_below(
    client, tree, cast, campaign
):
    # officer_a files for district A and, on behalf, for A2 (A1 has its own officer).
    client.force_login(cast["officer_a"])
    queries(client, campaign)  # the period written, the campaign's issuer read: warm
    few, rows = queries(client, campaign)
    district = Unit.objects.get(pk=tree["DA"].pk)
    for number in range(20):
        UnitFactory.create(parent=district, code=f"AX{number}", kind="grassroots")
    many, more_rows = queries(client, campaign)
    assert more_rows == rows + 20
    assert many == few
