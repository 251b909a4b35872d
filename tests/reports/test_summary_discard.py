"""A draft nobody will issue is discarded from its page; a draft saved or issued since the
page was drawn is kept; the drafts' list says when it shows only the drafts changed last."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from reports import summary as summary_views
from reports.models import SummaryReport
from tests.reports.summaries import issue, make_summary

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def draft(tree, cast, campaign):
    return make_summary(tree["PV"], campaign, cast["cspl"], number="")


def discard(client, summary, version=None):
    with translation.override("vi"):
        return client.post(
            reverse("reports:summary_discard", args=[summary.pk]),
            {"version": summary.version if version is None else version},
            follow=True,
        )


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_reviewer_discards_a_draft_from_its_page(client, cast, draft):
    client.force_login(cast["cspl"])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("reports:summary_discard", args=[draft.pk]) in page
    response = discard(client, draft)
    assert response.redirect_chain[-1][0] == reverse("reports:summary_list")
    assert not SummaryReport.objects.filter(pk=draft.pk).exists()
    assert any(m.startswith("Đã xoá dự thảo") for m in said(response))
    # Sent twice: the second finds nothing, and says why.
    again = discard(client, draft)
    assert again.status_code == 404
    assert "Nếu bạn vừa bấm xoá dự thảo hai lần" in again.content.decode()


def test_a_draft_a_colleague_saved_since_is_kept(client, cast, draft):
    SummaryReport.objects.filter(pk=draft.pk).update(version=draft.version + 1, results="Mới.")
    client.force_login(cast["cspl"])
    response = discard(client, draft, version=draft.version)
    assert SummaryReport.objects.get(pk=draft.pk).results == "Mới."
    assert any("Có người đã lưu dự thảo này" in m for m in said(response))


def test_a_page_that_sends_no_version_discards_nothing_and_says_why(client, cast, draft):
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.post(
            reverse("reports:summary_discard", args=[draft.pk]), {"version": ""}, follow=True
        )
    assert SummaryReport.objects.filter(pk=draft.pk).exists()
    assert any("không cho biết nó đang hiển thị phiên bản nào" in m for m in said(response))
    assert not any("Có người đã lưu" in m for m in said(response))


def test_an_issued_report_is_never_discarded(client, cast, tree, campaign):
    issued = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    client.force_login(cast["cspl"])
    assert (
        reverse("reports:summary_discard", args=[issued.pk])
        not in client.get(issued.get_absolute_url()).content.decode()
    )
    response = discard(client, issued)
    assert SummaryReport.objects.get(pk=issued.pk).is_issued
    assert any("được giữ nguyên" in m for m in said(response))


def test_only_who_may_write_it_discards_it(client, cast, draft):
    client.force_login(cast["standing"])  # reads issued reports, writes none
    assert discard(client, draft).status_code in (403, 404)
    assert SummaryReport.objects.filter(pk=draft.pk).exists()


def test_the_list_says_when_it_shows_only_the_drafts_changed_last(
    client, cast, tree, campaign, monkeypatch
):
    for _n in range(3):
        make_summary(tree["PV"], campaign, cast["cspl"], number="")
    monkeypatch.setattr(summary_views, "DRAFTS_LISTED", 2)
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.get(reverse("reports:summary_list"))
    assert len(response.context["drafts"]) == 2
    assert "2 dự thảo được sửa gần nhất, trong tổng số 3" in response.content.decode()
