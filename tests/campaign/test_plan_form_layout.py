"""The plan form on a phone: content items named by their number and first words in each
activity (their whole text once above the activities), labels that wrap, large check boxes
with the whole label as the touch target; the plan page's activity table stacks."""

import re
from pathlib import Path

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from campaign.models import Activity, Theme
from tests.campaign.plans import plan_data

pytestmark = pytest.mark.usefixtures("media")

LONG = (
    "Tuyên truyền các quy định của pháp luật về cải cách hành chính, trọng tâm là cải cách "
    "thủ tục hành chính, hiện đại hóa hành chính và chuyển đổi số trong cơ quan, đơn vị"
)


def _boxes(html, index=0):
    """The content items' tick boxes of activity `index`: {value: (label text, checked)},
    each through the label whose `for` names it."""
    tree = lxml.html.fromstring(html)
    boxes = {}
    for box in tree.xpath(f'//input[@type="checkbox"][@name="activities-{index}-themes"]'):
        labels = tree.xpath(f'//label[@for="{box.get("id")}"]')
        assert len(labels) == 1, box.get("id")
        boxes[box.get("value")] = (" ".join(labels[0].text_content().split()), box.checked)
    return boxes


def test_a_long_item_is_named_by_its_first_words_and_shown_whole_once(client, cast, campaign, tree):
    """Every activity lists every content item: a long one is its number and first words
    there, cut at a word, and its whole text is on the page once, above the activities."""
    long = Theme.objects.create(campaign=campaign, number="3", title=LONG)
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    html = client.get(url).content.decode()
    boxes = _boxes(html)
    assert boxes[str(long.pk)][0] == "3. Tuyên truyền các quy định của pháp luật về cải cách hành…"
    sub = campaign.themes.get(number="2.1")
    assert boxes[str(sub.pk)][0] == "2.1. Ý hai chấm một"  # a short item keeps its whole title
    # The whole text: once, above the activities (not in the activity, nor in the empty
    # form the "Add an activity" button copies).
    assert html.count(LONG) == 1
    whole = lxml.html.fromstring(html).get_element_by_id("theme-texts")
    assert whole.tag == "details"
    items = [" ".join(li.text_content().split()) for li in whole.iter("li")]
    assert f"3. {LONG}" in items and "2.1. Ý hai chấm một" in items


def test_the_ticked_items_are_kept_after_an_error_and_saved(client, cast, campaign, tree):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    one, sub = campaign.themes.get(number="1"), campaign.themes.get(number="2.1")
    ticked = {"activities-0-themes": [str(one.pk), str(sub.pk)]}
    response = client.post(url, plan_data(**{"activities-0-audience": ""}, **ticked))
    assert response.status_code == 200  # refused: no audience
    checked = {value for value, (_label, on) in _boxes(response.content.decode()).items() if on}
    assert checked == {str(one.pk), str(sub.pk)}
    response = client.post(url, plan_data(**ticked))
    assert response.status_code == 302
    activity = Activity.objects.get(plan__unit=tree["A1"], plan__campaign=campaign)
    assert set(activity.themes.all()) == {one, sub}


def test_the_stylesheet_makes_labels_touch_targets_and_the_table_stack():
    css = Path(finders.find("css/filing.css")).read_text(encoding="utf-8")
    box = re.search(r"\.theme-choices \.form-check-input \{(.*?)\}", css, re.S).group(1)
    assert "width: 24px" in box and "height: 24px" in box
    label = re.search(r"\.theme-choices \.form-check-label \{(.*?)\}", css, re.S).group(1)
    assert "min-height: 44px" in label
    assert "white-space: normal" in label
    # The stacked table is every page's (the obstacles and visits lists use it too).
    shared = Path(finders.find("css/accessible.css")).read_text(encoding="utf-8")
    assert "@media (max-width: 575.98px)" in shared
    assert ".table-stack td[data-label]::before" in shared


def test_the_plan_page_labels_each_cell_for_the_stacked_table(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    assert 'class="table table-sm align-middle table-stack"' in html
    assert '<td data-label="Đối tượng">Đoàn viên công đoàn 0</td>' in html
    assert "css/filing.css" in html
