"""The review queue's two tabs are two pages: their titles (what a browser tab, its history
and a screen reader name first) say which one is open, and neither is the title of the
annual reports' list."""

import re

from django.urls import reverse

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return TITLE.search(response.content.decode()).group(1).strip()


def test_each_tab_of_the_review_queue_has_its_own_title(client, cast):
    client.force_login(cast["cspl"])
    plans = title(client, "campaign:review_queue")
    reports = title(client, "campaign:report_queue")
    assert plans.startswith("Xem xét: kế hoạch ·"), plans
    assert reports.startswith("Xem xét: báo cáo năm ·"), reports
    assert title(client, "campaign:report_list") not in {plans, reports}
