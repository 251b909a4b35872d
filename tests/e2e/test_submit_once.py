"""A form sent twice (a second tap while the first is on its way over a slow connection)
raises one obstacle, not two: static/js/submit_once.js ignores the second submission."""

import contextlib
import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from campaign.models import Obstacle

pytestmark = pytest.mark.e2e

SECOND_TAP = """() => {
  const button = document.querySelector("main form button[type=submit]");
  button.click();
  setTimeout(() => button.click(), 300);
}"""


def test_a_second_tap_while_the_first_is_on_its_way_sends_nothing(demo, login, live_server):
    page = login("cb.tanthach")
    page.goto(f"{live_server.url}/obstacles/new/")
    if page.locator("#id_campaign").input_value() == "":
        page.select_option("#id_campaign", index=1)
    page.fill("#id_subject", "Gửi hai lần trên mạng chậm")
    page.fill("#id_text", "Bấm gửi, chờ mãi không thấy gì nên bấm lại.")
    sent = []

    def slow_network(route, request):
        if request.method != "POST":
            route.continue_()
            return
        sent.append(request.url)
        if len(sent) == 1:
            time.sleep(1.5)  # the first is still on its way when the second tap comes
        # A submission the browser itself abandoned for a later one cannot go on.
        with contextlib.suppress(PlaywrightError):
            route.continue_()

    page.route("**/obstacles/new/", slow_network)
    page.evaluate(SECOND_TAP)
    page.wait_for_url(re.compile(r"/obstacles/\d+/$"), timeout=15_000)
    page.wait_for_load_state()
    assert len(sent) == 1
    assert Obstacle.objects.filter(subject="Gửi hai lần trên mạng chậm").count() == 1
