"""Who may download a list's Excel file: whoever may open the list, with the page's own
answer otherwise (the queues are the reviewers': 403 to anyone else)."""

import pytest
from django.urls import reverse

LISTS = {
    "campaign:review_queue_excel": "campaign:review_queue",
    "campaign:report_queue_excel": "campaign:report_queue",
    "campaign:obstacle_list_excel": "campaign:obstacle_list",
    "campaign:inspection_list_excel": "campaign:inspection_list",
}


@pytest.mark.parametrize("who", ["officer_a1", "officer_a", "standing", "outsider", "cspl"])
@pytest.mark.parametrize("name", LISTS)
def test_the_download_answers_as_its_page_does(client, cast, name, who):
    client.force_login(cast[who])
    page = client.get(reverse(LISTS[name]))
    assert client.get(reverse(name)).status_code == page.status_code


@pytest.mark.parametrize("who", ["officer_a1", "standing"])
@pytest.mark.parametrize("name", ["campaign:review_queue_excel", "campaign:report_queue_excel"])
def test_an_officer_or_a_viewer_is_refused_a_queue(client, cast, name, who):
    client.force_login(cast[who])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", LISTS)
def test_a_download_is_read_only(client, cast, name):
    client.force_login(cast["cspl"])
    assert client.post(reverse(name)).status_code == 405
