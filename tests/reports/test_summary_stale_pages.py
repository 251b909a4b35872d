"""A summary's draft acted on from a page that is no longer true: a colleague saved it
since, or staff shortened the campaign so that its year is no longer one of it. The
action is refused with a message, nothing is overwritten, and the page still opens."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import Campaign
from reports.issuing import DRAFT_CHANGED
from reports.models import SummaryReport
from tests.reports.summaries import YEAR, make_summary

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

S = SummaryReport.Status
CHANGED = "Có người đã lưu bản dự thảo này sau khi bạn mở."


@pytest.fixture
def draft(tree, cast, campaign):
    return make_summary(tree["PV"], campaign, cast["cspl"], number="")


def url(name, summary):
    return reverse(name, args=[summary.pk])


def saved_by_a_colleague(draft, results):
    """What a colleague's save does (reports.summary._save_draft): a new text, a new
    version."""
    SummaryReport.objects.filter(pk=draft.pk).update(results=results, version=draft.version + 1)


def messages_in(response):
    return [str(message) for message in response.context["messages"]]


def test_the_pages_buttons_carry_the_version_they_showed(client, cast, draft):
    client.force_login(cast["cspl"])
    page = client.get(url("reports:summary_detail", draft)).content.decode()
    assert f'<input type="hidden" name="version" value="{draft.version}">' in page


@pytest.mark.parametrize("how", ["rewrite", "keep"])
def test_bringing_the_text_up_to_date_refuses_a_draft_saved_since(client, cast, draft, how):
    # "Write the text again" replaced a text the colleague had just saved, unread.
    shown = draft.version
    saved_by_a_colleague(draft, "Kết quả đồng nghiệp vừa viết lại.")
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.post(
            url("reports:summary_refigure", draft), {"how": how, "version": shown}, follow=True
        )
    assert any(CHANGED in message for message in messages_in(response))
    draft.refresh_from_db()
    assert draft.results == "Kết quả đồng nghiệp vừa viết lại."
    assert draft.version == shown + 1


def test_issuing_refuses_a_draft_saved_since_and_takes_no_number(client, cast, draft):
    shown = draft.version
    saved_by_a_colleague(draft, "Câu đồng nghiệp vừa thêm.")
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.post(url("reports:summary_issue", draft), {"version": shown}, follow=True)
    assert response.redirect_chain[-1][0] == url("reports:summary_detail", draft)
    assert any(CHANGED in message for message in messages_in(response))
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (S.DRAFT, "")
    with translation.override("vi"):
        assert str(DRAFT_CHANGED).startswith(CHANGED)


NO_VERSION = "Trang bạn vừa thao tác không cho biết nó đang hiển thị phiên bản nào"


@pytest.mark.parametrize("sent", [{}, {"version": ""}, {"version": "abc"}])
def test_issuing_from_a_page_that_sends_no_version_is_refused_as_a_stale_page(
    client, cast, draft, sent
):
    # Without it, the check that the draft was read as it is was skipped: issued unread.
    saved_by_a_colleague(draft, "Câu đồng nghiệp vừa thêm.")
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.post(url("reports:summary_issue", draft), sent, follow=True)
    assert response.redirect_chain[-1][0] == url("reports:summary_detail", draft)
    assert any(NO_VERSION in message for message in messages_in(response))
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (S.DRAFT, "")
    assert draft.results == "Câu đồng nghiệp vừa thêm."


@pytest.mark.parametrize("how", ["rewrite", "keep"])
def test_bringing_the_text_up_to_date_from_a_page_that_sends_no_version_is_refused(
    client, cast, draft, how
):
    shown = draft.version
    saved_by_a_colleague(draft, "Kết quả đồng nghiệp vừa viết lại.")
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.post(url("reports:summary_refigure", draft), {"how": how}, follow=True)
    assert any(NO_VERSION in message for message in messages_in(response))
    draft.refresh_from_db()
    assert draft.results == "Kết quả đồng nghiệp vừa viết lại."
    assert draft.version == shown + 1


def test_issuing_the_version_read_goes_ahead(
    client, cast, draft, django_capture_on_commit_callbacks
):
    client.force_login(cast["cspl"])
    with django_capture_on_commit_callbacks():
        client.post(url("reports:summary_issue", draft), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == S.ISSUED and draft.number.startswith("1/")


def test_a_draft_of_a_year_the_campaign_no_longer_runs_still_opens(client, cast, draft, campaign):
    # Staff ended the campaign the year before the draft's: its page and "write again" were
    # a 500 (the figures of a year outside the campaign), while the preview said why.
    Campaign.objects.filter(pk=campaign.pk).update(last_year=YEAR - 1)
    client.force_login(cast["cspl"])
    reason = f"không có báo cáo cho năm {YEAR}"
    with translation.override("vi"):
        page = client.get(url("reports:summary_detail", draft))
        again = client.post(
            url("reports:summary_refigure", draft),
            {"how": "rewrite", "version": draft.version},
            follow=True,
        )
    assert page.status_code == 200 and reason in page.content.decode()
    assert again.status_code == 200 and any(reason in m for m in messages_in(again))
    assert SummaryReport.objects.get(pk=draft.pk).version == draft.version
