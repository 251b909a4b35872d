"""The plan form on a phone: full theme labels that wrap (never cut with "…"), large check
boxes with the whole label as the touch target; the plan page's activity table stacks."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from campaign.models import Theme

LONG = (
    "Tuyên truyền các quy định của pháp luật về cải cách hành chính, trọng tâm là cải cách "
    "thủ tục hành chính, hiện đại hóa hành chính và chuyển đổi số trong cơ quan, đơn vị"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_theme_labels_are_whole(client, cast, campaign, tree):
    Theme.objects.create(campaign=campaign, number="3", title=LONG)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]))
    html = html.content.decode()
    assert f"3. {LONG}" in html
    assert "…" not in html


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
