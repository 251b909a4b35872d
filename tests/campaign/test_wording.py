"""The Vietnamese of the pages where one English word or sentence had read wrong: the
reminders menu item, the help under a return reason, the date placeholders, the breadcrumb's
name for screen readers, and an obstacle's state beside the "Open" buttons."""

import datetime
import re

import pytest
from django.urls import reverse

from campaign.models import Obstacle, Status
from tests.campaign.filings import make_report

pytestmark = pytest.mark.usefixtures("media")

YEAR = 2025


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def navbar(page):
    return page.split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]


def main(page):
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_menu_names_the_reminders_page_and_its_table_counts_the_reminders(
    client, cast, campaign
):
    page = page_of(client, cast["cspl"], reverse("campaign:late_units"))
    menu_item = re.search(
        rf'<a class="dropdown-item" href="{reverse("campaign:late_units")}">([^<]*)</a>',
        navbar(page),
    )
    assert menu_item and menu_item.group(1) == "Đôn đốc"
    # The menu that holds the queue and the reminders says so, and is not taken for the
    # dashboard ("Bảng theo dõi") beside it.
    assert 'aria-expanded="false">Xem xét, đôn đốc</button>' in navbar(page)
    assert "Số lần đôn đốc" not in navbar(page)
    assert re.search(r"<th[^>]*>Số lần đôn đốc</th>", main(page))


@pytest.fixture
def submitted(tree, campaign, plan_a1):
    """A plan and a report waiting for review, stored so (the filing period is past)."""
    plan_a1.status = Status.SUBMITTED
    plan_a1.save()
    return {"plan": plan_a1, "report": make_report(tree["A1"], campaign, YEAR, Status.SUBMITTED)}


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_the_return_reason_help_points_to_the_page_the_officer_will_open(
    client, cast, submitted, kind
):
    item = submitted[kind]
    page = page_of(client, cast["reviewer_a"], item.get_absolute_url())
    assert (
        "Cán bộ của đơn vị sẽ nhận lý do này qua thư điện tử và xem được ngay trên trang này."
        in page
    )
    assert "trang kế hoạch" not in page


TOLD = "sẽ nhận thông báo trên cổng, và qua thư điện tử nếu có địa chỉ thư."


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_the_accept_confirmation_says_the_officers_are_told_in_the_portal_and_by_e_mail(
    client, cast, submitted, kind
):
    # It said "by e-mail" only: an officer without an address is told in the portal, and
    # every officer finds the notice under the bell.
    item = submitted[kind]
    client.force_login(cast["reviewer_a"])
    response = client.post(reverse(f"campaign:{kind}_accept", args=[item.pk]))
    page = response.content.decode()
    assert f"Cán bộ của đơn vị {TOLD}" in page
    assert "sẽ được báo qua thư điện tử" not in page
    assert Status(type(item).objects.get(pk=item.pk).status) == Status.SUBMITTED  # not yet


def test_the_bulk_accept_confirmation_says_so_too(client, cast, submitted):
    client.force_login(cast["reviewer_a"])
    bulk = reverse("campaign:bulk_review", args=["plans", "accept"])
    page = client.get(bulk, {"item": [submitted["plan"].pk]}).content.decode()
    assert f"Cán bộ của các đơn vị {TOLD}" in page
    assert "sẽ được báo qua thư điện tử" not in page


def test_date_fields_ask_for_day_month_year_in_vietnamese(client, tree, cast, campaign):
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    page = page_of(client, cast["officer_a1"], url)
    assert 'placeholder="ngày/tháng/năm"' in page
    assert "dd/mm/yyyy" not in page


def test_the_breadcrumb_is_named_in_vietnamese(client, cast, plan_a1):
    page = page_of(client, cast["officer_a1"], plan_a1.get_absolute_url())
    assert '<nav aria-label="Đường dẫn">' in page
    assert 'aria-label="breadcrumb"' not in page


def test_an_unanswered_obstacle_waits_for_an_answer_while_open_buttons_still_say_open(
    client, tree, cast, campaign
):
    obstacle = Obstacle.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        subject="Chưa rõ cách tính số buổi",
        text="Hỏi về cách tính.",
        raised_by=cast["officer_a1"],
        answer_by=datetime.date(2030, 1, 31),
    )
    assert obstacle.status == Obstacle.Status.OPEN
    page = page_of(client, cast["cspl"], reverse("campaign:obstacle_list"))
    assert re.search(r'<span class="badge obstacle-status-open[^"]*">Chờ trả lời</span>', page)
    # A report to open is still opened with "Mở".
    make_report(tree["A1"], campaign, YEAR, status=Status.SUBMITTED)
    url = reverse("campaign:report_list") + f"?campaign={campaign.pk}&year={YEAR}"
    page = page_of(client, cast["officer_a1"], url)
    assert re.search(r'class="btn btn-sm btn-outline-primary"[^>]*>Mở</a>', page)
