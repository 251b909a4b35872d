"""The filters above the lists fold behind one button on a phone; the button says how many
are set, so a reader who comes back to a filtered list knows it is filtered."""

import pytest
from django.urls import reverse

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
