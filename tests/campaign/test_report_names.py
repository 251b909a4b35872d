"""A report's pages name its unit as it was named in the report's year (README.md, "The
tree over time"), and say what it is called now."""

import datetime

from django.urls import reverse

from campaign.models import Status
from units.reorganisations import reorganisation_apply


def test_a_past_report_keeps_its_units_name_of_that_year(
    client, tree, cast, campaign, report_factory, reorganise, admin_user
):
    report = report_factory(tree["A1"], campaign, 2024, Status.ACCEPTED)
    renaming = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "rename", "unit_code": "A1", "name": "CĐCS phường Mới"},
    )
    reorganisation_apply(reorganisation=renaming, user=admin_user)
    client.force_login(cast["cspl"])
    page = client.get(reverse("campaign:report_detail", args=[report.pk])).content.decode()
    assert "Kết quả thực hiện năm 2024 của CĐCS A1" in page
    assert "Nay là: CĐCS phường Mới" in page
