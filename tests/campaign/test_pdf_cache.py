"""A plan's or report's PDF is rendered once per content: the same HTML gives the bytes
rendered before, a change renders it again, and the access scope still comes first."""

import uuid

import pytest
from django.urls import reverse

from campaign import printable
from config import pdf_sandbox


@pytest.fixture
def renders(settings, monkeypatch):
    """The cache on (the suite turns it off), and the sandbox's renders counted."""
    settings.PDF_CACHE_SECONDS = 60
    calls = []
    render = pdf_sandbox.run_isolated

    def counted(*args, **kwargs):
        calls.append(args)
        return render(*args, **kwargs)

    monkeypatch.setattr(pdf_sandbox, "run_isolated", counted)
    return calls


@pytest.fixture
def plan(plan_a1):
    # Content no other test renders: a PDF another test kept in the cache is not this one's.
    plan_a1.summary = f"Kế hoạch {uuid.uuid4()}"
    plan_a1.save()
    return plan_a1


def download(client, plan):
    response = client.get(reverse("campaign:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    return response.content


def test_the_same_plan_downloaded_twice_is_rendered_once(client, cast, plan, renders):
    client.force_login(cast["officer_a1"])
    first = download(client, plan)
    assert download(client, plan) == first
    assert len(renders) == 1
    assert first.startswith(b"%PDF-")


def test_a_changed_plan_is_rendered_again_with_its_change(client, cast, plan, renders):
    client.force_login(cast["officer_a1"])
    before = download(client, plan)
    plan.signer = "Nguyễn Văn Sửa"
    plan.save()
    after = download(client, plan)
    assert len(renders) == 2 and after != before


def test_a_new_stylesheet_renders_again(client, cast, plan, renders, monkeypatch):
    client.force_login(cast["officer_a1"])
    download(client, plan)
    monkeypatch.setattr(printable, "_stylesheet_version", lambda: "another-deployment")
    download(client, plan)
    assert len(renders) == 2


def test_a_kept_pdf_is_not_served_to_who_may_not_see_the_plan(client, cast, plan, renders):
    client.force_login(cast["officer_a1"])
    download(client, plan)
    client.force_login(cast["officer_b1"])
    assert client.get(reverse("campaign:plan_pdf", args=[plan.pk])).status_code == 404
    assert len(renders) == 1


def test_without_the_cache_every_download_renders(client, cast, plan, renders, settings):
    settings.PDF_CACHE_SECONDS = 0
    client.force_login(cast["officer_a1"])
    download(client, plan)
    download(client, plan)
    assert len(renders) == 2
