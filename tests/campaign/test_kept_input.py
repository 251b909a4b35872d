"""A form sent after the session ended: nothing is saved, and what was typed is shown once,
to copy back, on the first page after logging in again, which is the form's page."""

from django.urls import reverse
from django.utils import translation

from campaign.models import Obstacle

TEXT = "Đề nghị cấp trên hướng dẫn cách tính số lượt tham gia khi một người dự hai buổi."


def test_the_texts_sent_after_the_session_ended_come_back_after_the_login(
    client, tree, cast, campaign
):
    page = reverse("campaign:obstacle_create")
    form = {
        "unit": tree["A1"].pk,
        "campaign": campaign.pk,
        "subject": "Cách tính số lượt",
        "text": TEXT,
        "csrfmiddlewaretoken": "x" * 32,
    }
    # Nobody logged in: the session has ended.
    with translation.override("vi"):
        response = client.post(page, form, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={page.replace('/', '%2F')}" in response["Location"]
    assert not Obstacle.objects.exists()
    with translation.override("vi"):
        login_page = client.get(response["Location"]).content.decode()
    assert "phiên làm việc đã hết hạn" in login_page.lower()

    officer = cast["officer_a1"]
    officer.set_password("mật-khẩu-thử-nghiệm")
    officer.save()
    with translation.override("vi"):
        landed = client.post(
            reverse("login"),
            {"username": officer.username, "password": "mật-khẩu-thử-nghiệm", "next": page},
            follow=True,
        )
    html = landed.content.decode()
    assert landed.redirect_chain[-1][0] == page
    assert TEXT in html and "Cách tính số lượt" in html
    assert "x" * 32 not in html  # the hidden fields are not texts anyone typed
    # Shown once.
    assert TEXT not in client.get(page).content.decode()


def test_a_post_with_nothing_typed_keeps_nothing(client, tree):
    response = client.post(reverse("campaign:obstacle_create"), {"unit": tree["A1"].pk})
    assert response.status_code == 302
    assert "_kept_input" not in client.session


def test_a_login_long_after_shows_nothing(client, tree, cast, campaign, monkeypatch):
    # On a shared computer, whoever logs in an hour later is likely someone else.
    import time

    from config import middleware

    page = reverse("campaign:obstacle_create")
    client.post(page, {"unit": tree["A1"].pk, "campaign": campaign.pk, "text": TEXT})
    assert "_kept_input" in client.session
    later = time.time() + middleware.KeepInputAcrossLogin.KEEP_SECONDS + 60
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    client.force_login(cast["officer_a1"])
    assert TEXT not in client.get(page).content.decode()
    assert "_kept_input" not in client.session
