"""A form sent after the session ended: nothing is saved, and what was typed is shown once,
to copy back, on the form's page after its user logs in again on that browser; to nobody
else, and never for a browser where nobody logged in."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaign.models import Obstacle
from config import middleware
from tests.campaign.annual import COMPLETE, annual_campaign, edit_data, make_report

TEXT = "Đề nghị cấp trên hướng dẫn cách tính số lượt tham gia khi một người dự hai buổi."
PASSWORD = "mật-khẩu-thử-nghiệm"
PAGE = reverse("campaign:obstacle_create")


def worked_then_timed_out(client, user):
    """The user worked on this browser (the portal noted who), then the session ended."""
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    client.get(PAGE)
    # The session ends: gone from the server and the browser, which keeps its other cookies
    # (the test client's logout() would clear them all).
    client.session.flush()
    client.cookies.pop(settings.SESSION_COOKIE_NAME)


def send_form(client, tree, campaign):
    form = {
        "unit": tree["A1"].pk,
        "campaign": campaign.pk,
        "subject": "Cách tính số lượt",
        "text": TEXT,
        "csrfmiddlewaretoken": "x" * 32,
    }
    with translation.override("vi"):
        return client.post(PAGE, form, HTTP_REFERER=f"http://testserver{PAGE}")


def log_in(client, user):
    with translation.override("vi"):
        return client.post(
            reverse("login"),
            {"username": user.username, "password": PASSWORD, "next": PAGE},
            follow=True,
        )


def test_the_texts_sent_after_the_session_ended_come_back_after_the_login(
    client, tree, cast, campaign
):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    response = send_form(client, tree, campaign)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={PAGE.replace('/', '%2F')}" in response["Location"]
    assert not Obstacle.objects.exists()
    with translation.override("vi"):
        login_page = client.get(response["Location"]).content.decode()
    assert "phiên làm việc đã hết hạn" in login_page.lower()

    landed = log_in(client, officer)
    html = landed.content.decode()
    assert landed.redirect_chain[-1][0] == PAGE
    assert TEXT in html and "Cách tính số lượt" in html
    assert "x" * 32 not in html  # the hidden fields are not texts anyone typed
    assert TEXT not in client.get(PAGE).content.decode()  # shown once


def test_someone_else_logging_in_on_that_browser_sees_nothing(client, tree, cast, campaign):
    # A shared office computer: A's form is kept for A alone.
    worked_then_timed_out(client, cast["officer_a1"])
    send_form(client, tree, campaign)
    other = cast["officer_b1"]
    other.set_password(PASSWORD)
    other.save()
    landed = log_in(client, other)
    assert TEXT not in landed.content.decode()
    assert "_kept_input" not in client.session


def test_a_browser_where_nobody_logged_in_keeps_nothing(client, tree, campaign):
    # Anyone could otherwise make the server store a session of their text per request.
    response = send_form(client, tree, campaign)
    assert response.status_code == 302
    assert not Session.objects.exists()


EXPIRED = (
    "Biểu mẫu bạn đã gửi chưa được lưu, và nội dung bạn đã nhập chỉ được giữ trong 30 phút "
    "nên nay đã bị xóa. Hãy nhập lại."
)


def test_a_login_long_after_says_what_was_typed_was_dropped_and_shows_none_of_it(
    client, tree, cast, campaign, monkeypatch
):
    # The page opened empty without a word, and its officer looked for what they had typed.
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    send_form(client, tree, campaign)
    assert "_kept_input" in client.session
    later = time.time() + middleware.KeepInputAcrossLogin.KEEP_SECONDS + 60
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    html = log_in(client, officer).content.decode()
    assert TEXT not in html and "kept-fields" not in html
    assert EXPIRED in html
    assert "_kept_input" not in client.session
    with translation.override("vi"):
        assert EXPIRED not in client.get(PAGE).content.decode()  # said once


def test_someone_else_logging_in_long_after_is_told_nothing(
    client, tree, cast, campaign, monkeypatch
):
    worked_then_timed_out(client, cast["officer_a1"])
    send_form(client, tree, campaign)
    later = time.time() + middleware.KeepInputAcrossLogin.KEEP_SECONDS + 60
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    other = cast["officer_b1"]
    other.set_password(PASSWORD)
    other.save()
    html = log_in(client, other).content.decode()
    assert TEXT not in html and EXPIRED not in html
    assert "_kept_input" not in client.session


def kept_fields(html):
    """The [name, value] pairs the page hands kept_input.js, or None."""
    import json
    import re

    found = re.search(r'<script id="kept-fields" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


def test_choices_and_figures_come_back_too_for_the_page_to_put_back(client, tree, cast, campaign):
    # Only the texts were kept: the figures of a report, its dates and choices were lost
    # without a word, and a form of figures alone kept nothing and said nothing.
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    with translation.override("vi"):
        client.post(
            PAGE,
            {"unit": tree["A1"].pk, "campaign": campaign.pk, "once": "x" * 36},
            HTTP_REFERER=f"http://testserver{PAGE}",
        )
    landed = log_in(client, officer)
    html = landed.content.decode()
    assert kept_fields(html) == [["unit", str(tree["A1"].pk)], ["campaign", str(campaign.pk)]]
    assert "đã được điền lại vào biểu mẫu" in html
    assert kept_fields(client.get(PAGE).content.decode()) is None  # put back once


def test_the_page_own_hidden_fields_are_not_put_back(client, tree, cast, campaign):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    send_form(client, tree, campaign)
    fields = kept_fields(log_in(client, officer).content.decode())
    assert ["text", TEXT] in fields
    assert "csrfmiddlewaretoken" not in {name for name, _value in fields}


def test_the_values_are_put_back_only_on_the_page_the_form_was_on(client, tree, cast, campaign):
    officer = cast["officer_a1"]
    worked_then_timed_out(client, officer)
    send_form(client, tree, campaign)
    with translation.override("vi"):
        landed = client.post(
            reverse("login"),
            {"username": officer.username, "password": PASSWORD, "next": "/"},
            follow=True,
        )
    html = landed.content.decode()
    assert kept_fields(html) is None
    assert TEXT in html  # the texts, to copy back


def test_a_button_sent_after_the_session_ended_says_it_was_not_done(client, cast):
    worked_then_timed_out(client, cast["officer_a1"])
    with translation.override("vi"):
        response = client.post(PAGE, {}, HTTP_REFERER=f"http://testserver{PAGE}", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "thao tác vừa gửi chưa được thực hiện" in response.content.decode()


# --- a form refused by the CSRF check (its page's token is stale) ----------------------------
RESTORE = "Mở lại trang và khôi phục nội dung đã nhập"
RESULTS = "Tổ chức 14 buổi tuyên truyền CCHC cho đoàn viên, người lao động ở ba phân xưởng."


@pytest.fixture
def stale_report_form(tree, cast, clock):
    """An officer's report form, drawn before they logged in again in another tab: the token
    it carries is no longer the browser's (a client that checks it, as a browser's
    request would be)."""
    report = make_report(tree["A1"], annual_campaign(tree), figures=COMPLETE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["officer_a1"])
    page = reverse("campaign:report_edit", args=[report.pk])
    assert client.get(page).status_code == 200
    return client, report, page


def send_stale(client, page, referer=None, **data):
    with translation.override("vi"):
        return client.post(
            page,
            {"csrfmiddlewaretoken": "x" * 32, **data},
            HTTP_REFERER=f"http://testserver{page}" if referer is None else referer,
        )


def test_a_report_refused_by_the_csrf_check_comes_back_filled_on_its_page(stale_report_form):
    # The officer logged out and in again in another tab: the report they had typed was
    # refused, and only the browser's Back button kept what they typed (a reload lost it).
    client, report, page = stale_report_form
    form = edit_data(report, results=RESULTS, value_sessions="14", old_password="bí-mật-cũ")
    refused = send_stale(client, page, **form)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Biểu mẫu đã hết hạn" in html
    assert RESTORE in html
    assert f'href="{page}"' in html
    report.refresh_from_db()
    assert report.results != RESULTS  # nothing saved

    with translation.override("vi"):
        again = client.get(page).content.decode()
    fields = kept_fields(again)
    assert ["results", RESULTS] in fields and ["value_sessions", "14"] in fields
    names = {name for name, _value in fields}
    assert not names & {"csrfmiddlewaretoken", "version", "old_password"}
    assert "bí-mật-cũ" not in again
    assert "Nội dung bạn đã nhập trước khi biểu mẫu hết hạn" in again
    assert 'name="csrfmiddlewaretoken"' in again  # drawn anew, with the browser's token
    assert kept_fields(client.get(page).content.decode()) is None  # put back once


def test_what_a_csrf_refusal_kept_is_not_shown_to_another_user_of_the_browser(
    stale_report_form, cast
):
    client, report, page = stale_report_form
    send_stale(client, page, **edit_data(report, results=RESULTS))
    assert "_kept_input" in client.session
    client.force_login(cast["officer_b1"])
    with translation.override("vi"):
        home = client.get(reverse("units:home")).content.decode()
    assert RESULTS not in home and kept_fields(home) is None
    assert "_kept_input" not in client.session


def test_what_a_csrf_refusal_kept_is_shown_only_to_the_user_who_sent_it(stale_report_form, cast):
    # Kept for the user who sent it: a session now of someone else shows nothing.
    client, report, page = stale_report_form
    send_stale(client, page, **edit_data(report, results=RESULTS))
    session = client.session
    session["_kept_input"] = {**session["_kept_input"], "user": cast["officer_b1"].pk}
    session.save()
    assert RESULTS not in client.get(page).content.decode()


@pytest.mark.parametrize(
    "referer", ["http://elsewhere.example/bao-cao/", "http://testserver//elsewhere.example/x", ""]
)
def test_a_csrf_refusal_from_another_site_keeps_nothing(stale_report_form, referer):
    client, report, page = stale_report_form
    refused = send_stale(client, page, referer=referer, **edit_data(report, results=RESULTS))
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Biểu mẫu đã hết hạn" in html and "tải lại trang" in html
    assert RESTORE not in html
    assert "_kept_input" not in client.session


def test_a_csrf_refusal_of_a_visitor_not_logged_in_keeps_nothing(tree, campaign):
    client = Client(enforce_csrf_checks=True)
    refused = send_stale(client, PAGE, text=TEXT)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Biểu mẫu đã hết hạn" in html and RESTORE not in html
    assert not Session.objects.exists()


def test_the_language_switch_refused_by_the_csrf_check_offers_nothing_to_restore(
    stale_report_form,
):
    client, _report, page = stale_report_form
    refused = send_stale(
        client,
        reverse("set_language"),
        referer=f"http://testserver{page}",
        language="en",
        next=page,
    )
    assert refused.status_code == 403
    assert RESTORE not in refused.content.decode()
    assert "_kept_input" not in client.session


def test_what_is_kept_counts_the_fields_names_too(stale_report_form):
    # KEEP_CHARS bounds what the session holds and the page is handed: a request of a
    # thousand fields with long names and one-character values kept 2 MB and drew it into
    # the page, the values alone being well under the limit.
    client, _report, page = stale_report_form
    fields = {f"field-{number}-{'x' * 480}": "1" for number in range(1000)}
    assert send_stale(client, page, **fields).status_code == 403
    kept = client.session["_kept_input"]["fields"]
    assert kept  # what fits is still kept
    held = sum(len(name) + len(value) for name, value in kept)
    assert held <= middleware.KeepInputAcrossLogin.KEEP_CHARS
