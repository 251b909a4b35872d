"""The annual report's edit page sent twice (a second tap on a slow line, a retry after a
lost answer): the second copy is what the first saved or submitted, not someone else's save
nor a report that "cannot be changed", and nothing is done twice."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Status, Step

ALREADY_SENT = "Biểu mẫu này đã được gửi"
SAVED_MEANWHILE = "Một người khác đã lưu báo cáo này sau khi bạn mở"


@pytest.fixture
def report(tree, campaign, report_factory):
    # This year's report is open for filing (it locks in January).
    return report_factory(tree["A1"], campaign, timezone.localdate().year, Status.DRAFT)


def _page(report, **changes):
    """What the edit page posts, drawn with its token."""
    return {
        "once": str(uuid.uuid4()),
        "version": str(report.version),
        "results": report.results,
        "self_assessment": report.self_assessment,
        "value_sessions": "5",
        **changes,
    }


def test_a_save_sent_twice_saves_once_and_says_so(client, cast, report):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_edit", args=[report.pk])
    data = _page(report, results="Kết quả đã sửa.")
    assert client.post(url, data).status_code == 302

    again = client.post(url, data, follow=True)

    page = again.content.decode()
    assert again.redirect_chain == [(report.get_absolute_url(), 302)]
    assert ALREADY_SENT in page and SAVED_MEANWHILE not in page
    stored = type(report).objects.get(pk=report.pk)
    assert (stored.results, stored.version) == ("Kết quả đã sửa.", report.version + 1)


def test_a_save_and_submit_sent_twice_submits_once_and_says_so(client, cast, report):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_edit", args=[report.pk])
    data = _page(report, save_and_submit="1")
    assert client.post(url, data).status_code == 302

    again = client.post(url, data, follow=True)

    page = again.content.decode()
    assert again.redirect_chain == [(report.get_absolute_url(), 302)]
    assert ALREADY_SENT in page and "không thể thay đổi" not in page
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert Step.objects.filter(object_id=report.pk, action=Step.Action.SUBMIT).count() == 1


def test_the_same_page_sent_again_with_other_words_is_still_refused(client, cast, report):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_edit", args=[report.pk])
    data = _page(report, results="Kết quả đã sửa.")
    assert client.post(url, data).status_code == 302

    refused = client.post(url, {**data, "results": "Kết quả sửa lần hai."})

    page = refused.content.decode()
    assert refused.status_code == 200
    assert SAVED_MEANWHILE in page and "Kết quả sửa lần hai." in page
    assert type(report).objects.get(pk=report.pk).results == "Kết quả đã sửa."


def test_another_officers_save_is_still_a_conflict(client, cast, report, second_officer_a1):
    # The token is the page's, recorded for who sent it: the same words sent by a colleague
    # whose page was drawn before are someone else's save.
    url = reverse("campaign:report_edit", args=[report.pk])
    data = _page(report, results="Kết quả đã sửa.")
    client.force_login(second_officer_a1)
    assert client.post(url, data).status_code == 302

    client.force_login(cast["officer_a1"])
    refused = client.post(url, {**data, "once": str(uuid.uuid4())})

    assert refused.status_code == 200
    assert SAVED_MEANWHILE in refused.content.decode()
