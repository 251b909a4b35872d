"""A campaign whose number staff have not filled in yet ("…/KH-LĐLĐ", as the seed plan's) is
named by its date in every campaign picker, never by the placeholder."""

import pytest
from django.urls import reverse

from campaign.models import Campaign

PLACEHOLDER = "…/KH-LĐLĐ"


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("officer_a1", "campaign:report_list"),
        ("cspl", "campaign:late_units"),
        ("cspl", "reports:dashboard"),
    ],
)
def test_pickers_name_the_plan_by_its_date_while_its_number_is_unknown(
    client, cast, campaign, who, page
):
    Campaign.objects.filter(pk=campaign.pk).update(number=PLACEHOLDER)
    client.force_login(cast[who])
    html = client.get(reverse(page), {"campaign": campaign.pk}).content.decode()
    assert PLACEHOLDER not in html
    assert "10/06/2015" in html  # "Kế hoạch ngày 10/06/2015"
