"""The lists on a phone: the filters fold behind one button that says how many are set (a
reader who comes back to a filtered list knows it is filtered), and each row reads as a
card, every cell labelled with its column's name (the browser test checks the layout:
tests/e2e/test_phone_layout.py)."""

import datetime
import re

import pytest
from django.urls import reverse

from campaign.models import Reminder

# The queues show what waits for review unless asked otherwise: one filter set already.
LISTS = [
    ("campaign:obstacle_list", ">Bộ lọc</button>"),
    ("campaign:inspection_list", ">Bộ lọc</button>"),
    ("campaign:review_queue", ">Bộ lọc (đang dùng 1)</button>"),
    ("campaign:report_queue", ">Bộ lọc (đang dùng 1)</button>"),
]


@pytest.mark.parametrize(("name", "button"), LISTS)
def test_the_filters_fold_behind_a_button_that_counts_those_set(client, cast, name, button):
    client.force_login(cast["cspl"])
    page = client.get(reverse(name)).content.decode()
    assert 'data-bs-target="#list-filters"' in page
    assert 'aria-controls="list-filters"' in page
    assert 'class="collapse d-md-block mt-2 mt-md-0" id="list-filters"' in page
    assert button in page
    # The form is inside the folding box.
    assert page.index('id="list-filters"') < page.index('<form method="get"')


def test_the_button_counts_the_filters_the_request_set(client, cast):
    client.force_login(cast["cspl"])
    url = reverse("campaign:obstacle_list")
    page = client.get(url, {"status": "open", "kind": "", "overdue": "true"}).content
    assert ">Bộ lọc (đang dùng 2)</button>" in page.decode()
    page = client.get(url, {"page": "1"}).content
    assert ">Bộ lọc</button>" in page.decode()


def test_the_reminder_log_labels_every_cell_for_its_card(client, tree, cast, campaign):
    Reminder.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        what="report",
        year=2015,
        step="late-1",
        due_on=datetime.date(2015, 12, 20),
        recipients=2,
    )
    client.force_login(cast["cspl"])
    page = client.get(reverse("campaign:reminder_log")).content.decode()
    assert 'class="table table-sm align-middle table-stack"' in page
    [row] = re.findall(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S)
    cells = re.findall(r"<td([^>]*)>", row)
    assert len(cells) == 7
    labels = [re.search(r'data-label="([^"]+)"', cell).group(1) for cell in cells]
    assert labels[:2] == ["Đã gửi", "Đơn vị"] and all(labels)
