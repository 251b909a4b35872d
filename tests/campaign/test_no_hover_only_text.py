"""What a tooltip (a title attribute) told only a mouse is written on the page: a keyboard,
a touch screen and most screen readers never show a title. The numbers of the content an
activity covers are spelled out below the plan's activities; who filed on behalf, and from
which unit, is said under the unit's name in the lists."""

from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from campaign.models import Status
from tests.campaign.filings import make_plan, make_report


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.skipped = 0

    def handle_starttag(self, tag, attrs):
        self.skipped += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skipped -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skipped:
            self.parts.append(data)


def text_of(response) -> str:
    """The text in the page's elements, none of their attributes, spaces collapsed."""
    assert response.status_code == 200
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def test_the_plan_page_spells_out_the_content_its_activities_cover(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    text = text_of(client.get(plan_a1.get_absolute_url()))
    # make_plan's activities cover the campaign's first two items, and only they are listed.
    assert "1. Nội dung một" in text and "2. Nội dung hai" in text
    assert "Ý hai chấm một" not in text


def test_the_plan_queue_says_which_unit_filed_on_behalf(client, tree, cast, campaign):
    make_plan(
        tree["A2"],
        campaign,
        cast["officer_a"],
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        entered_by=cast["officer_a"],
        entered_from=tree["DA"],
    )
    client.force_login(cast["reviewer_a"])
    text = text_of(client.get(reverse("campaign:review_queue")))
    assert f"nhập hộ Do {tree['DA']} nhập hộ cho đơn vị" in text


def test_the_report_queue_says_which_unit_filed_on_behalf(client, tree, cast, campaign):
    report = make_report(tree["A2"], campaign, 2024, status=Status.SUBMITTED)
    report.record_entry(cast["officer_a"], tree["DA"])
    report.save()
    client.force_login(cast["reviewer_a"])
    text = text_of(client.get(reverse("campaign:report_queue")))
    assert f"nhập hộ Do {tree['DA']} nhập hộ cho đơn vị" in text


def test_the_report_list_says_why_and_from_where_the_officer_files_on_behalf(
    client, tree, cast, campaign
):
    # A2 has no officer of its own: district A's officer files for it.
    client.force_login(cast["officer_a"])
    text = text_of(client.get(reverse("campaign:report_list"), {"campaign": campaign.pk}))
    assert (
        f"{tree['A2'].name} nhập hộ Đơn vị này chưa có cán bộ phụ trách riêng: bạn nhập hộ "
        f"báo cáo của đơn vị từ {tree['DA']}."
    ) in text
