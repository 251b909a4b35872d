"""A summary's draft of a year that has not begun (the form that creates one refuses it; one
written otherwise, by a script or an import): its page, its PDF preview and the rewriting of
its text say so in the dashboard's words (issuing it was refused already: its date would
have to lie in the future). They called the rollup without the dashboard's guard: the page
and the preview counted the year as a page of zeros, and a page view wrote that year's
period (every trend then showed an empty year)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Period
from reports.models import SummaryReport
from tests.reports.summaries import campaign_with_reports, make_summary, vi

pytestmark = pytest.mark.usefixtures("fresh_cache")

NOT_BEGUN = "%(year)s has not begun: there is nothing to sum up yet."


@pytest.fixture
def draft(tree, cast):
    """A draft of next year, read when the test runs."""
    campaign = campaign_with_reports(tree)
    year = timezone.localdate().year + 1
    return make_summary(tree["PV"], campaign, cast["cspl"], year=year, number="")


def said(draft):
    return vi(NOT_BEGUN) % {"year": draft.year}


def no_period_written(draft):
    return not Period.objects.filter(campaign=draft.campaign, year=draft.year).exists()


def test_the_drafts_page_says_the_year_has_not_begun(client, cast, draft):
    client.force_login(cast["cspl"])
    response = client.get(reverse("reports:summary_detail", args=[draft.pk]))
    assert response.status_code == 200
    assert said(draft) in response.content.decode()
    assert response.context["changes"] == []
    assert no_period_written(draft)


def test_its_preview_is_no_pdf_of_zeros_but_the_same_words(client, cast, draft):
    client.force_login(cast["cspl"])
    response = client.get(reverse("reports:summary_preview", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reports:summary_detail", args=[draft.pk]), 302)]
    assert said(draft) in response.content.decode()
    assert no_period_written(draft)


def test_its_text_is_not_written_again_from_zeros(client, cast, draft):
    client.force_login(cast["cspl"])
    response = client.post(
        reverse("reports:summary_refigure", args=[draft.pk]),
        {"version": draft.version, "how": "rewrite"},
        follow=True,
    )
    assert said(draft) in response.content.decode()
    assert SummaryReport.objects.get(pk=draft.pk).results == draft.results
    assert no_period_written(draft)
