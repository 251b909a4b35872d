"""Each list's page offers its Excel file with the filters and order it shows."""

import html
import re

import pytest
from django.urls import reverse

LISTS = {
    "campaign:review_queue": "campaign:review_queue_excel",
    "campaign:report_queue": "campaign:report_queue_excel",
    "campaign:obstacle_list": "campaign:obstacle_list_excel",
    "campaign:inspection_list": "campaign:inspection_list_excel",
}


@pytest.mark.parametrize("name", LISTS)
def test_the_link_keeps_the_pages_filters_but_not_its_page_number(client, cast, campaign, name):
    client.force_login(cast["cspl"])
    page = client.get(reverse(name), {"campaign": campaign.pk, "page": "2"}).content.decode()
    links = re.findall(r'href="([^"]*)"[^>]*>Tải Excel<', page)
    assert len(links) == 1
    url = html.unescape(links[0])
    assert url.startswith(reverse(LISTS[name]) + "?")
    assert f"campaign={campaign.pk}" in url and "page=" not in url
