"""The admin is named as the portal's own pages name the site."""

import re

import pytest
from django.test import Client
from django.urls import reverse


def tab_title(response) -> str:
    return response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0].strip()


@pytest.fixture
def site_name(db) -> str:
    """The name the portal's pages end their tab title with ("… · LĐLĐ tỉnh Vĩnh Long"), read
    from its login page by a client of its own (the test's may be logged in)."""
    return tab_title(Client().get("/login/")).rsplit(" · ", 1)[1]


def test_the_admin_s_pages_are_named_by_the_portal_s_name(staff_client, site_name):
    assert site_name == "LĐLĐ tỉnh Vĩnh Long"

    index = staff_client.get(reverse("admin:index"))
    page = index.content.decode()

    # Django's Vietnamese home heading, "Site quản trị hệ thống.", ended in a full stop.
    assert tab_title(index) == f"Quản trị · {site_name}"
    assert re.search(r'<div id="site-name"><a href="/admin/">(.*?)</a>', page)[1] == (
        f"Quản trị · {site_name}"
    )
    assert "<h1>Quản trị</h1>" in page
    listing = staff_client.get(reverse("admin:campaign_annualreport_changelist"))
    assert tab_title(listing) == f"Chọn báo cáo năm để xem · {site_name}"
    assert "Cổng thông tin phong trào" not in page + listing.content.decode()


def test_the_admin_s_login_page_is_named_so_too(client, site_name):
    assert tab_title(client.get(reverse("admin:login"))) == f"Đăng nhập · {site_name}"
