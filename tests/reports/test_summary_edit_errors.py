"""A summary draft's save refused: the top of the page lists each field to fix, linked, in
the page's order (a "Results" too long sits three screens down), and the box of what keeps
the draft from being issued speaks of what was sent, not of the draft as stored: it called
a signer's name missing that had just been typed."""

import re

import pytest
from django.urls import reverse

from campaign.models import MAX_NARRATIVE
from reports.models import SummaryReport
from tests.reports.summaries import form_data, make_summary

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def unsigned(tree, cast, campaign):
    """A draft that names no signer yet: it cannot be issued."""
    return make_summary(tree["PV"], campaign, cast["cspl"], number="", signer_name="")


def post(client, cast, summary, **changes):
    client.force_login(cast["cspl"])
    return client.post(
        reverse("reports:summary_edit", args=[summary.pk]), form_data(summary, **changes)
    )


def top(response):
    page = response.content.decode()
    assert 'id="form-errors"' in page, "no message at the top"
    return page.split('id="form-errors"', 1)[1].split("</div>", 1)[0]


def test_a_refused_save_lists_each_field_to_fix_at_the_top_in_the_page_s_order(
    client, cast, unsigned
):
    response = post(
        client,
        cast,
        unsigned,
        number_code="x" * 41,
        results="x" * (MAX_NARRATIVE + 5000),
        recipients="x" * 2001,
    )
    assert response.status_code == 200
    links = re.findall(r'href="#([^"]+)"', top(response))
    # The document's code, the results further down, the recipients at the foot.
    assert links == ["id_number_code", "id_results", "id_recipients"]
    assert "Kết quả" in top(response)
    assert SummaryReport.objects.get(pk=unsigned.pk).results == unsigned.results


def test_the_box_of_what_blocks_issuing_follows_what_was_sent(client, cast, unsigned):
    response = post(
        client, cast, unsigned, signer_name="Nguyễn Văn A", results="x" * (MAX_NARRATIVE + 1)
    )
    form = response.context["form"]
    assert form.has_error("results")
    # Typed, though not saved: not called missing, neither in the box nor under the field.
    assert "signer_name" not in form.problems
    assert "Trước khi ban hành" not in str(form.fields["signer_name"].help_text)
    # What the draft as sent still lacks is still said.
    response = post(client, cast, unsigned, signer_title="", results="x" * (MAX_NARRATIVE + 1))
    assert "signer_title" in response.context["form"].problems


def test_a_field_refused_is_not_also_listed_as_blocking_issue(client, cast, unsigned):
    # An impossible date: the stored date's problem would say nothing of what was typed.
    unsigned.dated_on = unsigned.dated_on.replace(year=2099)
    unsigned.save()
    response = post(client, cast, unsigned, dated_on="31/02/2025", signer_name="Nguyễn Văn A")
    form = response.context["form"]
    assert form.has_error("dated_on") and "dated_on" not in form.problems
    assert re.findall(r'href="#([^"]+)"', top(response)) == ["id_dated_on"]


def test_a_draft_opened_still_says_what_blocks_issuing(client, cast, unsigned):
    client.force_login(cast["cspl"])
    response = client.get(reverse("reports:summary_edit", args=[unsigned.pk]))
    assert "signer_name" in response.context["form"].problems
    assert 'id="form-errors"' not in response.content.decode()
